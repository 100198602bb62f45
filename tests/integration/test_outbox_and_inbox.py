"""The outbox and the inbox on a real nats-server: NATS down means events wait, never vanish,
and a redelivered or duplicated event changes nothing twice. A service asked while NATS is down
refuses (it cannot tell a replayed call from a first one) and changes nothing."""
from __future__ import annotations

import asyncio
import base64
import threading
import uuid

import nats
import pytest
from sqlmodel import Session, func, select

from gateway import keyring
from gateway.crypto import KeyPair, SymmetricKey, wrap
from services.audit import models as audit_models
from services.audit.events import consumers as audit_consumers
from services.common.bus import LoopThread
from services.common.config import Settings
from services.common.internal_auth import Caller
from services.common.migrations import upgrade
from services.common.worker import run_worker
from services.orgs import models as orgs_models
from services.orgs.app import create_app as create_orgs_app
from tests.conftest import TEST_SECRETS, NatsServer, database_urls, drop_databases, wait_for
from tests.support import signed_call


class WorkerThread:
    """A service's real worker (relay and consumers) on its own thread and event loop."""

    def __init__(self, settings, models, consumers, publishes=True):
        self.loop = asyncio.new_event_loop()
        self.stop_event = None
        self.thread = threading.Thread(target=self._run, args=(settings, models, consumers, publishes), daemon=True)
        self.thread.start()
        wait_for(lambda: self.stop_event is not None, 5, message="the worker loop")

    def _run(self, settings, models, consumers, publishes):
        asyncio.set_event_loop(self.loop)

        async def main():
            self.stop_event = asyncio.Event()
            await run_worker(settings, models, consumers, publishes, stop=self.stop_event)
        self.loop.run_until_complete(main())

    def stop(self):
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(20)


@pytest.fixture
def stopped_nats(tmp_path):
    server = NatsServer(tmp_path / "nats")
    yield server
    server.stop()


@pytest.fixture
def services(tmp_path, stopped_nats):
    urls = database_urls(tmp_path, "outbox")
    env = {**TEST_SECRETS, "NATS_URL": stopped_nats.url, "CUSTODIAN_VAR": str(tmp_path)}
    settings = {name: Settings.from_env(name, env, database_url=urls[name]) for name in ("orgs", "audit")}
    for name, each in settings.items():
        upgrade(name, each.database_url)
    yield settings
    drop_databases(urls)


def signed(settings, method: str, path: str, actor: str, json=None) -> dict:
    """The header and body the gateway would send for `actor` making this call."""
    caller = Caller(by="gateway", actor_id=actor, request_id=uuid.uuid4().hex, ip="203.0.113.9")
    return signed_call(settings.internal_secret, method, path, json, caller=caller)


def create_client_while(orgs_client, settings, actor: str) -> tuple[str, str]:
    admin = KeyPair.generate()
    provider = keyring.new_provider(admin.public_key_b64)
    response = orgs_client.post("/providers", **signed(settings, "POST", "/providers", actor, {
        "name": "Outbox MSP", "admin_email": "admin@outbox.example",
        "wrapped_provider_key": provider.wrapped_for_admin}))
    assert response.status_code == 201, response.json
    provider_id = response.json["provider_id"]
    keys = keyring.new_client_organization(provider.key)
    path = f"/providers/{provider_id}/clients"
    response = orgs_client.post(path, **signed(settings, "POST", path, actor, {
        "name": "Offline Client", "plan": "Enterprise", "seats": 5, "owner_email": "owner@offline.example",
        "billing_email": "billing@offline.example", "public_key": keys.public_key,
        "encrypted_private_key": keys.encrypted_private_key, "encrypted_org_key": keys.encrypted_org_key}))
    assert response.status_code == 201, response.json
    return provider_id, response.json["organization_id"]


def logged(settings, event_type: str | None = None) -> list:
    from sqlalchemy import create_engine

    engine = create_engine(settings.database_url)
    with Session(engine) as session:
        statement = select(audit_models.LoggedEvent)
        if event_type:
            statement = statement.where(audit_models.LoggedEvent.type == event_type)
        rows = list(session.exec(statement))
    engine.dispose()
    return rows


def unpublished(settings) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(settings.database_url)
    with Session(engine) as session:
        count = session.exec(select(func.count()).select_from(orgs_models.OutboxMessage)
                             .where(orgs_models.OutboxMessage.published_at.is_(None))).one()
    engine.dispose()
    return count


def test_with_nats_down_a_call_changes_nothing(services):
    orgs = services["orgs"]
    client = create_orgs_app(orgs).test_client()
    assert client.get("/readyz").status_code == 503
    refused = client.post("/providers", **signed(orgs, "POST", "/providers", str(uuid.uuid4()), {
        "name": "Offline MSP", "admin_email": "a@offline.example", "wrapped_provider_key": "4.a2V5"}))
    assert refused.status_code == 503
    assert "Nothing was changed" in refused.json["message"]
    assert unpublished(orgs) == 0


def test_events_committed_before_nats_went_down_arrive_once_it_is_back(services, stopped_nats):
    orgs = services["orgs"]
    app = create_orgs_app(orgs)
    client = app.test_client()

    stopped_nats.start()
    provider_id, organization_id = create_client_while(client, orgs, actor=str(uuid.uuid4()))
    stopped_nats.stop()  # before any relay ran: the events are committed, none is published
    assert client.get("/readyz").status_code == 503
    assert "outbox_pending_events 4.0" in client.get("/metrics").text
    assert unpublished(orgs) == 4  # provider created, its admin confirmed, client created, owner invited
    relay = WorkerThread(orgs, orgs_models, [])
    audit = WorkerThread(services["audit"], audit_models, audit_consumers(services["audit"]), publishes=False)
    try:
        stopped_nats.start()
        wait_for(lambda: unpublished(orgs) == 0, 20, message="the outbox to drain")
        wait_for(lambda: len(logged(services["audit"])) == 4, 20, message="the audit log to hold every event")
        created = logged(services["audit"], "org.created")
        assert len(created) == 1
        assert created[0].organization_id == organization_id and created[0].provider_id == provider_id
        assert created[0].code == 1900 and created[0].ip == "203.0.113.9"
        assert client.get("/readyz").status_code == 200
        assert "outbox_pending_events 0.0" in client.get("/metrics").text
    finally:
        relay.stop()
        audit.stop()


def test_a_duplicated_or_redelivered_event_changes_nothing_twice(services, stopped_nats):
    orgs = services["orgs"]
    stopped_nats.start()
    client = create_orgs_app(orgs).test_client()
    create_client_while(client, orgs, actor=str(uuid.uuid4()))
    relay = WorkerThread(orgs, orgs_models, [])
    audit = WorkerThread(services["audit"], audit_models, audit_consumers(services["audit"]), publishes=False)
    try:
        wait_for(lambda: len(logged(services["audit"])) == 4, 20, message="the first delivery")
        original = logged(services["audit"], "org.created")[0]

        async def replay():
            nc = await nats.connect(stopped_nats.url)
            js = nc.jetstream()
            from sqlalchemy import create_engine

            engine = create_engine(orgs.database_url)
            with Session(engine) as session:
                row = session.exec(select(orgs_models.OutboxMessage)
                                   .where(orgs_models.OutboxMessage.event_id == original.id)).one()
            engine.dispose()
            same_id = await js.publish(row.subject, row.payload, headers={"Nats-Msg-Id": row.event_id})
            new_id = await js.publish(row.subject, row.payload, headers={"Nats-Msg-Id": str(uuid.uuid4())})
            poison = await js.publish(row.subject, b"not a cloudevent", headers={"Nats-Msg-Id": str(uuid.uuid4())})
            info_stream = await js.stream_info("ORGS")
            await nc.close()
            return same_id, new_id, poison, info_stream

        same_id, new_id, poison, _ = LoopThread().run(replay(), timeout=30)
        assert same_id.duplicate is True  # JetStream's duplicate window dropped it
        assert new_id.duplicate is not True  # this copy really is delivered again

        async def settled():
            nc = await nats.connect(stopped_nats.url)
            info = await nc.jetstream().consumer_info("ORGS", "audit-orgs")
            await nc.close()
            return info.num_pending == 0 and info.num_ack_pending == 0 and info.delivered.stream_seq >= poison.seq
        wait_for(lambda: LoopThread().run(settled(), timeout=10), 20, message="the consumer to settle")
        assert len(logged(services["audit"], "org.created")) == 1
        assert len(logged(services["audit"])) == 4
    finally:
        relay.stop()
        audit.stop()


def test_an_unsigned_or_forged_caller_is_refused_before_anything_is_read(services):
    orgs = services["orgs"]
    client = create_orgs_app(orgs).test_client()
    body = {"name": "X", "admin_email": "a@b.example", "wrapped_provider_key": "4." + base64.b64encode(b"k").decode()}
    assert client.post("/providers", json=body).status_code == 401
    forged = signed_call(b"not-the-secret-" * 4, "POST", "/providers", body)
    assert client.post("/providers", **forged).status_code == 401
    other_path = signed(orgs, "GET", "/me/providers", "someone")
    assert client.post("/providers", json=body, headers=other_path["headers"]).status_code == 401
    assert unpublished(orgs) == 0


def test_plain_keys_are_refused_where_wrapped_keys_belong(services, stopped_nats):
    orgs = services["orgs"]
    stopped_nats.start()
    client = create_orgs_app(orgs).test_client()
    raw_key = base64.b64encode(SymmetricKey.generate().raw).decode()
    response = client.post("/providers", **signed(orgs, "POST", "/providers", "someone", {
        "name": "Leaky MSP", "admin_email": "a@leaky.example", "wrapped_provider_key": raw_key}))
    assert response.status_code == 422
    assert response.json["field"] == "wrapped_provider_key"
    wrapped = wrap(SymmetricKey.generate().raw, KeyPair.generate().public_key_b64)
    assert wrapped.startswith("4.")
