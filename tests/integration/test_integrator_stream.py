"""The integrator stream over HTTP against the running system (ADR 26): who manages its credentials, and what a
credential reads — its provider's events as they happen, resumed and replayed, and nothing of another's."""
from __future__ import annotations

import hashlib
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import create_engine, text

from services.common.config import Settings
from tests.conftest import wait_for
from tests.sse import STREAM_PATH, EventStream, credential
from tests.support import StaffedProvider, everything_stored


# The stream's behaviour over NATS: which database orgs and audit use does not change it.
NATS_ALONE = pytest.mark.no_database


def integration_id(client_id: str) -> str:
    return client_id.split(".", 1)[1]


def revoke(world: StaffedProvider, client_id: str) -> None:
    world.backends.orgs.call("DELETE", f"/providers/{world.provider_id}/integrations/{integration_id(client_id)}",
                             world.admin.caller())


def invite(world: StaffedProvider, organization_id: str, by=None) -> str:
    """Invite a new member to a client; the member's id."""
    return world.backends.orgs.post(f"/organizations/{organization_id}/members", (by or world.admin).caller(), {
        "emails": f"m-{uuid.uuid4().hex[:8]}@stream.example", "role": "user", "permissions": []})["members"][0][
        "member_id"]


def created_names(frames: list[dict]) -> list[str]:
    return [frame["data"]["data"]["name"] for frame in frames if frame["event"] == "provider.integration.created"]


def reconnected(system, key, **start) -> EventStream:
    """A stream of `key` again, once the gateway saw the previous one closed (it looks every 2 s)."""
    def opened():
        stream = EventStream(system.url, key, **start)
        assert stream.status in (200, 503)
        return stream if stream.status == 200 else None
    return wait_for(opened, 10, 0.5, "the stream to open again")


@pytest.fixture(scope="module")
def acme(system):
    """A provider with one client."""
    world = StaffedProvider(system)
    world.acme = world.client("Stream Client")
    return world


@pytest.fixture
def quiet(system):
    """A new provider with no client: only what the test does happens in its stream."""
    return StaffedProvider(system)


def test_only_provider_admins_manage_credentials_and_the_secret_is_shown_once(system, acme):
    other = StaffedProvider(system)
    path = f"/providers/{acme.provider_id}/integrations"
    assert acme.visitor(acme.service_user).get(path).status_code == 403
    assert other.visitor(other.admin).get(path).status_code in (403, 404)
    for caller, status in ((acme.service_user.caller(), 403), (other.admin.caller(), 404)):
        with pytest.raises(Exception) as refused:
            acme.backends.orgs.post(path, caller, {"name": "Sneaky"})
        assert refused.value.status == status

    admin = acme.visitor(acme.admin)
    assert 'href="/providers/%s/integrations"' % acme.provider_id in admin.get(f"/providers/{acme.provider_id}/clients").text
    service_page = acme.visitor(acme.service_user).get(f"/providers/{acme.provider_id}/clients").text
    assert f"/providers/{acme.provider_id}/integrations" not in service_page

    for bad in ("", " ", "x" * 51):
        refused = admin.submit(f"{path}/new", {"name": bad})
        assert refused.status_code == 422
    made = admin.submit(f"{path}/new", {"name": "Splunk"})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'<code id="client-secret">([^<]+)</code>', made.text).group(1)
    client_id = re.search(r'<code id="client-id">([^<]+)</code>', made.text).group(1)
    assert len(secret) == 40 and client_id.startswith("integration.")
    listing = admin.get(path).text
    assert "Splunk" in listing and client_id in listing and secret not in listing
    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT secret_sha256 FROM integration_credentials WHERE id = :id"),
                                    {"id": integration_id(client_id)}).scalar_one()
    engine.dispose()
    assert stored == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret.encode() in blob for blob in everything_stored(system))

    revoked = admin.submit(path, {}, action=f"{path}/{integration_id(client_id)}/revoke")
    assert revoked.status_code == 200 and "Splunk" not in revoked.text
    assert requests.get(system.url + STREAM_PATH, auth=(client_id, secret), timeout=10).status_code == 401


def test_an_invitation_made_after_connecting_arrives_within_five_seconds(system, acme):
    stream = EventStream(system.url, credential(acme, "Live"))
    try:
        assert stream.status == 200
        assert stream.response.headers["Content-Type"].startswith("text/event-stream")
        assert stream.next(5)["retry"] == "2000"
        member_id = invite(acme, acme.acme.organization_id)
        began = time.monotonic()
        frame = stream.next(5, kinds=("org.member.invited",))
        assert frame is not None and time.monotonic() - began < 5
        assert frame["data"]["data"]["member_id"] == member_id
        assert frame["data"]["orgid"] == acme.acme.organization_id and frame["id"].startswith("v1.")
    finally:
        stream.close()


@NATS_ALONE
def test_a_cursor_resumes_without_loss_or_repeat_and_since_replays_exactly_what_happened_since(system, quiet):
    key = credential(quiet, "Resumer")
    first = EventStream(system.url, key)
    credential(quiet, "before")
    # The credential's own creation may still be on its way when the stream starts at new events.
    seen = first.next(10, kinds=("provider.integration.created",))
    if created_names([seen]) == ["Resumer"]:
        seen = first.next(10, kinds=("provider.integration.created",))
    first.close()
    assert created_names([seen]) == ["before"]
    cursor = seen["id"]

    since = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    time.sleep(0.05)
    for name in ("away-1", "away-2", "away-3"):
        credential(quiet, name)
    for start in ({"last_event_id": cursor}, {"since": since}):
        again = reconnected(system, key, **start)
        try:
            frames = []
            while (frame := again.next(8 if len(frames) < 3 else 2, kinds=("provider.integration.created",))):
                frames.append(frame)
            assert created_names(frames) == ["away-1", "away-2", "away-3"], start
            assert len({frame["id"] for frame in frames}) == 3
        finally:
            again.close()


def test_another_provider_sees_nothing_of_the_first_and_its_cursor_is_refused(system, acme):
    other = StaffedProvider(system)
    theirs, ours = EventStream(system.url, credential(other, "Theirs")), EventStream(system.url, credential(acme, "Ours"))
    try:
        member_id = invite(acme, acme.acme.organization_id)
        frame = ours.next(10, kinds=("org.member.invited",))
        assert frame["data"]["data"]["member_id"] == member_id
        credential(other, "marker")
        received = theirs.events_until(set(), 0)
        while (next_frame := theirs.next(5)) is not None and "keep-alive" != next_frame.get("comment"):
            received.append(next_frame)
            if next_frame.get("event") == "provider.integration.created":
                break
        events = [f for f in received if "data" in f and isinstance(f["data"], dict)]
        assert events and all(f["data"].get("providerid") == other.provider_id for f in events)
        assert all(f["data"].get("orgid") != acme.acme.organization_id for f in events)
        refused = requests.get(system.url + STREAM_PATH, auth=credential(other, "Thief"),
                               headers={"Last-Event-ID": frame["id"]}, timeout=10)
        assert refused.status_code == 422 and refused.json()["field"] == "Last-Event-ID"
    finally:
        theirs.close()
        ours.close()


@NATS_ALONE
@pytest.mark.parametrize("auth", [None, ("integration.nobody", "x" * 40), ("organization.x", "y")])
def test_a_missing_or_wrong_credential_gets_401(system, auth):
    refused = requests.get(system.url + STREAM_PATH, auth=auth, timeout=10)
    assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Basic ")
    assert refused.json()["object"] == "error"


def test_a_wrong_secret_of_a_real_credential_gets_401(system, quiet):
    client_id, secret = credential(quiet, "Real")
    assert requests.get(system.url + STREAM_PATH, auth=(client_id, secret[:-1] + "A"), timeout=10).status_code == 401


@pytest.mark.parametrize("params, headers, field", [
    ({"since": "yesterday"}, {}, "since"), ({"since": "2026-12-01T09:00:00"}, {}, "since"),
    ({"types": "x"}, {}, "types"), ({}, {"Last-Event-ID": "v1.garbage"}, "Last-Event-ID"),
    ({}, {"Last-Event-ID": "12"}, "Last-Event-ID")])
@NATS_ALONE
def test_a_bad_since_cursor_or_parameter_gets_422(system, acme, params, headers, field):
    refused = requests.get(system.url + STREAM_PATH, auth=credential(acme, "Bad input"), params=params,
                           headers=headers, timeout=10)
    assert refused.status_code == 422 and refused.json()["field"] == field


def heartbeat_seconds(system) -> int:
    """How often the running gateway's streams send keep-alives and re-check their credential."""
    return Settings.from_env("gateway", system.env).integration_heartbeat_seconds


def test_revoking_ends_an_open_stream_within_a_heartbeat(system, quiet):
    key = credential(quiet, "Doomed")
    stream = EventStream(system.url, key)
    try:
        assert stream.status == 200 and stream.next(5)["retry"]
        revoke(quiet, key[0])
        assert stream.ended.wait(heartbeat_seconds(system) + 5), "the stream outlived its credential"
        assert requests.get(system.url + STREAM_PATH, auth=key, timeout=10).status_code == 401
    finally:
        stream.close()


def test_an_unlinked_clients_later_events_are_absent(system):
    world = StaffedProvider(system)
    client = world.client("Leaving Co")
    owner = world.member(client, "boss", "owner")
    stream = EventStream(system.url, credential(world, "Watcher"))
    try:
        world.backends.orgs.call("DELETE", f"/providers/{world.provider_id}/clients/{client.organization_id}",
                                 world.admin.caller())
        assert stream.next(10, kinds=("org.unlinked",))["data"]["orgid"] == client.organization_id
        later = invite(world, client.organization_id, by=owner)
        credential(world, "marker")  # published after the invitation by orgs: read after it by audit
        frames = []
        while (frame := stream.next(10)) is not None:
            frames.append(frame)
            if frame.get("event") == "provider.integration.created":
                break
        assert created_names(frames) == ["marker"]
        assert not [f for f in frames if f.get("event") == "org.member.invited"]
        logged = world.backends.audit.get(f"/organizations/{client.organization_id}/events", owner.caller(),
                                          page_size=100)["events"]
        assert any(e["type"] == "org.member.invited" and e["data"]["member_id"] == later for e in logged)
    finally:
        stream.close()


@NATS_ALONE
def test_heartbeats_come_within_a_heartbeat_of_quiet(system, quiet):
    every = heartbeat_seconds(system)
    stream = EventStream(system.url, credential(quiet, "Quiet"))
    try:
        began = time.monotonic()
        frame = stream.next(every + 1, kinds=(None,))
        while frame is not None and frame.get("comment") != "keep-alive":
            frame = stream.next(every + 1 - (time.monotonic() - began), kinds=(None,))
        assert frame is not None and time.monotonic() - began <= every + 0.5
    finally:
        stream.close()


@NATS_ALONE
def test_one_stream_per_credential_and_at_most_the_process_cap_then_503(system, quiet):
    # What the running gateway serves: half the threads embedded gives it (WEB_THREADS, 8 by default).
    most = Settings.from_env("gateway", {"WEB_THREADS": "8", **system.env}).integration_streams
    keys = [credential(quiet, f"Cap {n}") for n in range(most + 1)]
    # Streams of earlier tests may hold a place for the two seconds their closing takes to be seen.
    streams = [reconnected(system, keys[0])]
    try:
        twice = requests.get(system.url + STREAM_PATH, auth=keys[0], stream=True, timeout=10)
        assert twice.status_code == 503 and twice.headers["Retry-After"] == "10"
        streams += [reconnected(system, key) for key in keys[1:most]]
        assert [s.status for s in streams] == [200] * most
        full = requests.get(system.url + STREAM_PATH, auth=keys[most], stream=True, timeout=10)
        assert full.status_code == 503 and full.headers["Retry-After"] == "10"
    finally:
        for stream in streams:
            stream.close()
    # A closed stream gives its place back (the server notices at its next write, a heartbeat at most).
    def served() -> bool:
        with requests.get(system.url + STREAM_PATH, auth=keys[most], stream=True, timeout=10) as answer:
            return answer.status_code == 200
    wait_for(served, 10, 0.5, "a freed place")


def test_the_hourly_chore_forgets_copies_published_a_day_ago_on_this_database(system):
    from services.audit import domain, models
    from services.common.database import make_engine, utcnow

    engine = make_engine(system.database_urls["audit"])
    now = utcnow()
    ids = {age: str(uuid.uuid4()) for age in ("old", "recent")}
    with engine.begin() as connection:  # rows already published: the running relay leaves them alone
        for age, event_id in ids.items():
            published = now - (timedelta(days=2) if age == "old" else timedelta(hours=1))
            connection.execute(models.OutboxMessage.__table__.insert(), {
                "event_id": event_id, "subject": "providers.chore.orgs.org.created", "payload": b"{}",
                "created_at": published, "published_at": published})
    assert domain.drop_published_copies(engine) >= 1
    with engine.connect() as connection:
        left = set(connection.execute(text("SELECT event_id FROM outbox WHERE event_id IN (:a, :b)"),
                                      {"a": ids["old"], "b": ids["recent"]}).scalars())
    engine.dispose()
    assert left == {ids["recent"]}


def gateway_with(system, tmp_path, **changed):
    """A gateway of its own (Flask's test client) on the running system, with some of its settings changed."""
    from gateway.app import create_app

    app = create_app(Settings.from_env("gateway", {**system.env, "CUSTODIAN_VAR": str(tmp_path), **changed}))
    return app.test_client()


@NATS_ALONE
def test_while_nats_or_orgs_is_away_a_stream_gets_a_clear_503_and_no_place_is_kept(system, quiet, tmp_path):
    from embedded.__main__ import free_port

    key = credential(quiet, "Away")
    headers = {"Authorization": requests.auth._basic_auth_str(*key)}
    no_nats = gateway_with(system, tmp_path, PROVIDER_EVENTS_NATS_URL=f"nats://127.0.0.1:{free_port()}")
    for _ in range(2):  # the place taken for the first is given back: the second is refused the same way
        refused = no_nats.get(STREAM_PATH, headers=headers)
        assert refused.status_code == 503 and refused.headers["Retry-After"] == "10"
        assert refused.json["message"] == "The event stream is not available now: try again shortly."
    no_orgs = gateway_with(system, tmp_path, ORGS_URL=f"http://127.0.0.1:{free_port()}")
    refused = no_orgs.get(STREAM_PATH, headers=headers)
    assert refused.status_code == 503 and refused.json["object"] == "error"
