"""One contract for both SendStore adapters: the local directory, and S3 (against moto's real HTTP server)."""
from __future__ import annotations

import os
import stat

import pytest

from services.orgs.sendstore import LocalSendStore, MissingPart, S3SendStore, StoreUnavailable, send_store_from

SEND, OTHER = "A" * 22, "B-_" + "b" * 19


@pytest.fixture(scope="module")
def moto_endpoint():
    """moto's S3 in server mode on a free port of 127.0.0.1, for the module's tests."""
    from moto.server import ThreadedMotoServer  # requirements-test.txt: `make test` installs it

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@pytest.fixture
def local_store(tmp_path):
    """A local directory store in a fresh folder."""
    return LocalSendStore(tmp_path / "sends")


@pytest.fixture
def s3_store(moto_endpoint, request):
    """An S3 store on a fresh bucket of moto's server, under a prefix."""
    client = s3_client(moto_endpoint)
    bucket = f"sends-{request.node.name.lower().replace('_', '-').replace('[', '-').replace(']', '')}"[:60]
    client.create_bucket(Bucket=bucket)
    return S3SendStore(bucket, prefix="custodian/", client=client)


@pytest.fixture(params=["local", "s3"])
def send_store(request):
    """Each adapter in turn."""
    return request.getfixturevalue(f"{request.param}_store")


def test_parts_come_back_in_order_in_blocks_of_one_chunk_and_deleting_removes_only_that_send(send_store):
    parts = [os.urandom(1_048_832), os.urandom(1_048_832), os.urandom(77)]
    for number in (0, 1, 2):
        send_store.put_part(SEND, number, parts[number])
    send_store.put_part(OTHER, 0, b"other")
    send_store.put_part(SEND, 2, parts[2])  # a retried part replaces itself
    assert send_store.part_sizes(SEND) == [1_048_832, 1_048_832, 77]
    blocks = list(send_store.iter_parts(SEND, 3))
    assert b"".join(blocks) == b"".join(parts) and max(len(b) for b in blocks) <= 65_552
    send_store.delete(SEND)
    assert send_store.part_sizes(SEND) == [] and send_store.part_sizes(OTHER) == [5]
    send_store.delete(SEND)  # nothing left: not an error
    with pytest.raises(MissingPart):
        list(send_store.iter_parts(SEND, 1))


def test_a_gap_ends_the_parts_counted_and_bad_ids_never_become_paths(send_store):
    send_store.put_part(SEND, 0, b"a")
    send_store.put_part(SEND, 2, b"c")
    assert send_store.part_sizes(SEND) == [1]
    for bad in ("../" + "a" * 19, "a" * 21, "a/" * 11):
        with pytest.raises(ValueError):
            send_store.put_part(bad, 0, b"x")


def test_the_local_store_is_private_to_the_services_user(local_store):
    local_store.put_part(SEND, 0, b"sealed")
    assert stat.S_IMODE(local_store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE((local_store.root / SEND).stat().st_mode) == 0o700
    assert sorted(p.name for p in (local_store.root / SEND).iterdir()) == ["000000"]  # no temp file left


def test_the_s3_store_keeps_parts_under_its_prefix_and_says_when_the_bucket_is_gone(moto_endpoint, s3_store):
    s3_store.put_part(SEND, 3, b"x")
    keys = [o["Key"] for o in s3_client(moto_endpoint).list_objects_v2(Bucket=s3_store.bucket)["Contents"]]
    assert keys == [f"custodian/sends/{SEND}/000003"]
    gone = S3SendStore("no-such-bucket", client=s3_client(moto_endpoint))
    with pytest.raises(StoreUnavailable):
        gone.put_part(SEND, 0, b"x")


def test_the_settings_choose_the_store(tmp_path, moto_endpoint, monkeypatch):
    from services.common.config import ConfigurationError, Settings

    env = {"CUSTODIAN_INTERNAL_SECRET": "s" * 40, "CUSTODIAN_VAR": str(tmp_path)}
    local = Settings.from_env("orgs", env)
    assert (local.send_store, local.send_store_dir, local.send_max_file_bytes) == ("local", tmp_path / "sends",
                                                                                    104_857_600)
    assert isinstance(send_store_from(local), LocalSendStore)
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    s3 = Settings.from_env("orgs", {**env, "SEND_STORE": "s3", "SEND_S3_BUCKET": "b", "SEND_S3_PREFIX": "/p/",
                                    "SEND_S3_ENDPOINT_URL": moto_endpoint, "SEND_MAX_FILE_BYTES": "1048576"})
    store = send_store_from(s3)
    assert isinstance(store, S3SendStore) and (store.bucket, store.prefix) == ("b", "p/sends/")
    assert s3.send_max_file_bytes == 1_048_576
    for wrong in ({"SEND_STORE": "ftp"}, {"SEND_STORE": "s3"}, {"SEND_MAX_FILE_BYTES": "lots"}):
        with pytest.raises(ConfigurationError):
            Settings.from_env("orgs", {**env, **wrong})
