"""Sends through orgs' real HTTP API, as the gateway will call it (ADR 19's addendum): signed calls, parts
uploaded as raw bytes and downloaded as a stream, the recipient's race for the last access, the lockout,
one answer for every refusal, and the clock moved past expiration and deletion."""
from __future__ import annotations

import base64
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from gateway.crypto import send_keys
from gateway.crypto.stream import ciphertext_size, decrypt_stream
from services.common.config import Settings
from services.common.database import UnitOfWork, make_engine, utcnow
from services.common.internal_auth import Caller, CallerSigner
from services.common.internal_http import NotAuthenticated, NotFound, Refused, ServiceClient
from services.orgs import models
from services.orgs.app import create_app as create_orgs_app
from services.orgs.domain.send_files import purge_sends
from services.orgs.sendstore import LocalSendStore
from tests.conftest import wait_for
from tests.send_support import file_parts, sealed_send, send_id_bytes
from tests.support import service_backends


def recipient() -> Caller:
    return Caller(by="gateway", actor_id=None, request_id=uuid.uuid4().hex, ip="198.51.100.23")


@pytest.fixture
def sender(system, client_org):
    """The system's orgs as the gateway calls it, the client's provider admin (who may send from inside it),
    and the client."""
    _visitor, admin, _provider_id, organization_id = client_org
    return service_backends(system).orgs, admin, organization_id


def new_send(orgs, admin, organization_id, sealed) -> dict:
    return orgs.post(f"/organizations/{organization_id}/sends", admin.caller(), sealed.body)


def test_the_creator_makes_lists_edits_and_deletes_a_send_and_a_recipient_opens_it(sender):
    orgs, admin, organization_id = sender
    sealed = sealed_send(password="a long shared secret", max_access_count=3)
    made = new_send(orgs, admin, organization_id, sealed)
    assert set(made) == {"send_id", "organization_id", "type", "name", "notes", "key", "text", "text_hidden",
                         "file_name", "file_size", "file_prefix", "file_state", "has_password", "max_access_count",
                         "access_count", "expiration_date", "deletion_date", "disabled", "hide_email", "status",
                         "created_at", "updated_at"}
    assert (made["status"], made["has_password"], made["file_state"]) == ("active", True, "none")
    send_id = made["send_id"]
    listed = orgs.get("/sends", admin.caller())
    assert [s["send_id"] for s in listed["sends"]] == [send_id] and listed["next"] is None
    assert listed["policy"] == orgs.get("/sends/policy", admin.caller()) == {"disable_send": False,
                                                                             "disable_hide_email": False}
    assert orgs.get("/sends", admin.caller(), type="file")["sends"] == []
    assert orgs.get("/sends", admin.caller(), all="true", status="active")["sends"][0]["send_id"] == send_id

    with pytest.raises(NotAuthenticated) as asked:
        orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening())
    assert asked.value.error == "PasswordRequired"
    opened = orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening("a long shared secret"))
    assert opened == {"send_id": send_id, "type": "text", "name": sealed.body["name"], "text": sealed.body["text"],
                      "text_hidden": False, "file": None, "expiration_date": None, "creator_email": admin.email}
    content = send_keys(sealed.send_key).content_key
    assert content.decrypt_text(opened["text"]) == "The door code is 4711"

    edit = {k: v for k, v in sealed.body.items() if k not in ("type", "file_size", "file_prefix", "access_token")}
    edited = orgs.call("PUT", f"/sends/{send_id}", admin.caller(), json={**edit, "hide_email": True,
                                                                         "password_proof": None})
    assert (edited["hide_email"], edited["has_password"], edited["access_count"]) == (True, True, 1)
    unlocked = orgs.post(f"/sends/{send_id}/remove-password", admin.caller())
    assert unlocked["has_password"] is False
    assert orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening())["creator_email"] is None
    assert orgs.get(f"/sends/{send_id}", admin.caller())["access_count"] == 2
    orgs.call("DELETE", f"/sends/{send_id}", admin.caller())
    for call in (lambda: orgs.get(f"/sends/{send_id}", admin.caller()),
                 lambda: orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening())):
        with pytest.raises(NotFound):
            call()


def test_a_file_is_uploaded_in_parts_and_downloaded_as_a_stream_of_its_exact_size(system, sender):
    orgs, admin, organization_id = sender
    data = os.urandom(2 * 1024 * 1024 + 4321)
    sealed = sealed_send("file", file_size=len(data), max_access_count=1)
    made = new_send(orgs, admin, organization_id, sealed)
    send_id = made["send_id"]
    assert made["file_state"] == "uploading"
    with pytest.raises(NotFound):  # not while uploading
        orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening())
    parts = file_parts(sealed, send_id, data)
    with pytest.raises(Refused):  # out of order
        orgs.send_bytes("PUT", f"/sends/{send_id}/parts/1", admin.caller(), parts[1])
    with pytest.raises(Refused):  # not the size the file implies
        orgs.send_bytes("PUT", f"/sends/{send_id}/parts/0", admin.caller(), parts[0][:-1])
    with pytest.raises(Refused):
        orgs.post(f"/sends/{send_id}/file-ready", admin.caller())
    for number, part in enumerate(parts):
        assert orgs.send_bytes("PUT", f"/sends/{send_id}/parts/{number}", admin.caller(), part) is None
    assert orgs.post(f"/sends/{send_id}/file-ready", admin.caller())["file_state"] == "ready"

    opened = orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening())
    assert opened["file"] == {"name": sealed.body["file_name"], "size": len(data), "parts": 3,
                              "prefix": sealed.body["file_prefix"], "chunk_size": 65536}
    assert orgs.get(f"/sends/{send_id}", admin.caller())["access_count"] == 0  # a file counts at download
    with orgs.stream("POST", f"/sends/{send_id}/download", recipient(), json=sealed.opening()) as (chunks, headers):
        assert int(headers["Content-Length"]) == ciphertext_size(len(data))
        assert headers["Content-Type"] == "application/octet-stream"
        blocks = list(chunks)
    assert max(len(b) for b in blocks) <= 65_552
    prefix = base64.b64decode(opened["file"]["prefix"])
    assert b"".join(decrypt_stream(send_keys(sealed.send_key).file_key, send_id_bytes(send_id), prefix,
                                   blocks)) == data
    with pytest.raises(NotFound) as used:  # its one access is used
        with orgs.stream("POST", f"/sends/{send_id}/download", recipient(), json=sealed.opening()):
            pass
    assert used.value.error == "SendNotAvailable"
    store = LocalSendStore(system.var_dir / "sends")
    assert store.part_sizes(send_id) == [len(p) for p in parts]
    orgs.call("DELETE", f"/sends/{send_id}", admin.caller())
    assert store.part_sizes(send_id) == [] and not (system.var_dir / "sends" / send_id).exists()


def test_twenty_recipients_race_for_one_access_and_exactly_one_wins(sender):
    orgs, admin, organization_id = sender
    sealed = sealed_send(max_access_count=1)
    send_id = new_send(orgs, admin, organization_id, sealed)["send_id"]
    barrier = threading.Barrier(20)

    def race(_):
        barrier.wait()
        try:
            return orgs.post(f"/sends/{send_id}/access", recipient(), sealed.opening())["send_id"]
        except NotFound as refused:
            return refused.error

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(race, range(20)))
    assert answers.count(send_id) == 1 and answers.count("SendNotAvailable") == 19
    assert orgs.get(f"/sends/{send_id}", admin.caller())["access_count"] == 1


def test_every_refusal_of_a_recipient_is_one_answer_and_five_wrong_passwords_lock_the_send(sender):
    orgs, admin, organization_id = sender
    sealed = sealed_send(password="right password here")
    send_id = new_send(orgs, admin, organization_id, sealed)["send_id"]
    off = sealed_send(disabled=True)
    disabled = new_send(orgs, admin, organization_id, off)["send_id"]

    def refusal(send_id, proof, token=sealed.access_token):
        with pytest.raises(NotFound) as refused:
            orgs.post(f"/sends/{send_id}/access", recipient(), {"access_token": token, "password_proof": proof})
        return refused.value.status, refused.value.error, refused.value.message

    wrong = sealed.proof("wrong password here")
    answers = {refusal(send_id, wrong) for _ in range(5)}
    answers |= {refusal(send_id, sealed.proof("right password here")), refusal(disabled, None, off.access_token),
                refusal(disabled, wrong, off.access_token), refusal(send_id, None, off.access_token),
                refusal(send_id, None, None), refusal(send_id, None, "not a token"), refusal("D" * 22, wrong), refusal("not-an-id", None),
                refusal(str(uuid.uuid4()), None)}
    assert answers == {(404, "SendNotAvailable", "This Send does not exist or is no longer available.")}


def test_bad_input_and_someone_elses_send_change_nothing(system, sender, unique_email):
    from tests.integration.conftest import PASSWORD
    from tests.support import new_provider_admin

    orgs, admin, organization_id = sender
    send_id = new_send(orgs, admin, organization_id, sealed_send())["send_id"]
    before = orgs.get(f"/sends/{send_id}", admin.caller())
    plain = sealed_send().body
    for body, field in (({}, "type"), ({**plain, "text": "The door code is 4711"}, "text"),
                        ({**plain, "name": "2." + "A" * 6000}, "name"), ({**plain, "max_access_count": "3"},
                                                                           "max_access_count"),
                        ({**plain, "type": "image"}, "type"), ({**plain, "surprise": 1}, "surprise")):
        with pytest.raises(Refused) as refused:
            orgs.post(f"/organizations/{organization_id}/sends", admin.caller(), body)
        assert refused.value.field == field, body
    outsider, _ = new_provider_admin(system, unique_email("nosy"), PASSWORD)
    edit = {k: v for k, v in plain.items() if k not in ("type", "access_token")}
    for call in (lambda: orgs.get(f"/sends/{send_id}", outsider.caller()),
                 lambda: orgs.call("PUT", f"/sends/{send_id}", outsider.caller(), json=edit),
                 lambda: orgs.post(f"/sends/{send_id}/remove-password", outsider.caller()),
                 lambda: orgs.call("DELETE", f"/sends/{send_id}", outsider.caller()),
                 lambda: orgs.send_bytes("PUT", f"/sends/{send_id}/parts/0", outsider.caller(), b"x"),
                 lambda: orgs.post(f"/organizations/{organization_id}/sends", outsider.caller(), plain)):
        with pytest.raises(NotFound):
            call()
    assert orgs.get("/sends", outsider.caller())["sends"] == []
    assert orgs.get(f"/sends/{send_id}", admin.caller()) == before
    assert [s["send_id"] for s in orgs.get("/sends", admin.caller(), all="true")["sends"]] == [send_id]


@pytest.fixture
def orgs_with_a_clock(system, tmp_path):
    """A second orgs instance on the system's database and NATS, served over HTTP, whose clock the test
    moves and whose Sends' parts go to a folder of the test's."""
    settings = Settings.from_env("orgs", system.env, send_store_dir=tmp_path / "sends")
    app = create_orgs_app(settings)
    clock = {"now": utcnow()}
    app.extensions["clock"] = lambda: clock["now"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = ServiceClient("orgs", f"http://127.0.0.1:{server.server_port}", CallerSigner(settings.internal_secret))
    yield client, clock, settings
    server.shutdown()
    app.extensions["custodian"]["nonces"]._link.close()  # before the session's NATS stops, or it retries noisily


class WatchedStore(LocalSendStore):
    """The instance's real store, noting for each Send deleted whether its row was still there once its
    parts were gone."""

    def __init__(self, root, engine):
        super().__init__(root)
        self.engine, self.row_after_parts = engine, {}

    def delete(self, send_id):
        super().delete(send_id)
        with self.engine.connect() as connection:
            row = connection.execute(text("SELECT id FROM send WHERE id = :id"), {"id": send_id}).first()
        self.row_after_parts[send_id] = (self.part_sizes(send_id), row is not None)


def test_past_expiration_a_send_is_not_available_and_past_deletion_the_chore_deletes_parts_then_row(
        system, client_org, orgs_with_a_clock):
    _visitor, admin, _provider_id, organization_id = client_org
    orgs, clock, settings = orgs_with_a_clock
    start = clock["now"]
    texted = sealed_send(now=start, expiration_date=(start + timedelta(hours=1)).isoformat(),
                         deletion_date=(start + timedelta(days=2)).isoformat())
    text_send = orgs.post(f"/organizations/{organization_id}/sends", admin.caller(), texted.body)["send_id"]
    data = os.urandom(70_000)
    sealed = sealed_send("file", file_size=len(data), now=start, deletion_date=(start + timedelta(days=1)).isoformat())
    file_send = orgs.post(f"/organizations/{organization_id}/sends", admin.caller(), sealed.body)["send_id"]
    orgs.send_bytes("PUT", f"/sends/{file_send}/parts/0", admin.caller(), file_parts(sealed, file_send, data)[0])
    orgs.post(f"/sends/{file_send}/file-ready", admin.caller())

    assert orgs.post(f"/sends/{text_send}/access", recipient(), texted.opening())["send_id"] == text_send
    clock["now"] = start + timedelta(hours=1, seconds=1)
    with pytest.raises(NotFound) as gone:
        orgs.post(f"/sends/{text_send}/access", recipient(), texted.opening())
    assert gone.value.error == "SendNotAvailable"
    assert orgs.get(f"/sends/{text_send}", admin.caller())["status"] == "expired"
    assert orgs.post(f"/sends/{file_send}/access", recipient(), sealed.opening())["file"]["parts"] == 1

    engine = make_engine(settings.database_url)
    store = WatchedStore(settings.send_store_dir, engine)
    opened = lambda: UnitOfWork(engine, models.OutboxMessage)  # noqa: E731
    assert purge_sends(opened, store, clock["now"]) == 0
    clock["now"] = start + timedelta(days=1)
    with pytest.raises(NotFound):
        orgs.post(f"/sends/{file_send}/access", recipient(), sealed.opening())
    assert purge_sends(opened, store, clock["now"]) == 1
    assert store.row_after_parts == {file_send: ([], True)}  # the parts went first, the row after
    clock["now"] = start + timedelta(days=2)
    assert purge_sends(opened, store, clock["now"]) == 1
    with engine.connect() as connection:
        left = connection.execute(text("SELECT id FROM send WHERE id IN (:a, :b)"), {"a": text_send,
                                                                                    "b": file_send}).all()
    engine.dispose()
    assert left == [] and not (settings.send_store_dir / file_send).exists()

    audit = create_engine(system.database_urls["audit"])

    def logged():
        with audit.connect() as connection:
            return connection.execute(text("SELECT type, actor_id FROM events WHERE subject IN (:a, :b) AND type "
                                           "LIKE '%deleted'"), {"a": text_send, "b": file_send}).all()
    try:
        deleted = wait_for(lambda: len(logged()) == 2 and logged(), 20, message="the deletions in the event log")
    finally:
        audit.dispose()
    assert sorted(deleted) == [("org.send.file.deleted", None), ("org.send.text.deleted", None)]
