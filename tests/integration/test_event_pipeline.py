"""The batched event pipeline on a real nats-server: the relay woken by a commit, consumers
applying a fetched batch in one transaction, and still nothing lost and nothing applied twice
(duplicates in one batch and across batches, a poison event in a batch, a failed commit, NATS
restarted). A consumer here tallies every time it applies an event, so a second application
would show even where the event log's primary key would hide it."""
from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter

import nats
import pytest
from nats.js import api
from sqlalchemy import create_engine
from sqlmodel import Session, select

from services.audit import domain as audit_domain
from services.audit import models as audit_models
from services.audit.events import consumers as audit_consumers
from services.common import bus, consumers
from services.common.bus import Consumer, LoopThread, NatsLink
from services.common.config import Settings
from services.common.database import UnitOfWork
from services.common.envelope import Event
from services.common.migrations import upgrade
from services.identity.events import MEMBER_EVENTS, member_events
from services.orgs import models as orgs_models
from services.orgs.app import create_app as create_orgs_app
from tests.conftest import TEST_SECRETS, NatsServer, database_urls, drop_databases, wait_for
from tests.integration.test_outbox_and_inbox import WorkerThread, create_client_while, unpublished

TALLY = "pipeline-tally"


@pytest.fixture
def server(tmp_path):
    server = NatsServer(tmp_path / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path, server):
    urls = database_urls(tmp_path, "pipeline")
    env = {**TEST_SECRETS, "NATS_URL": server.url, "CUSTODIAN_VAR": str(tmp_path)}
    each = {name: Settings.from_env(name, env, database_url=urls[name]) for name in ("orgs", "audit", "identity")}
    for name in ("orgs", "audit"):
        upgrade(name, each[name].database_url)
    yield each
    drop_databases(urls)


@pytest.fixture
def retry_soon(monkeypatch):
    """Failed events come back after a second, not ten: these tests wait for their retry."""
    monkeypatch.setattr(consumers, "RETRY_LATER_SECONDS", 1)


class Tally:
    """A consumer on audit's database that writes one row each time it applies an event."""

    def __init__(self):
        self.poisoned: set[str] = set()  # events whose handler fails, as a bug would

    def apply(self, uow, event: Event) -> None:
        if event.id in self.poisoned:
            raise ValueError(f"cannot apply {event.id}")
        uow.add(audit_models.LoggedEvent(id=str(uuid.uuid4()), type="tally", code=0, source="/tests", time=event.time,
                                         data={"applied": event.id}))

    def consumer(self) -> Consumer:
        return Consumer(TALLY, "orgs", "orgs.>", self.apply)


def applications(settings) -> Counter:
    """How many times the tally consumer applied each event id."""
    engine = create_engine(settings["audit"].database_url)
    with Session(engine) as session:
        rows = session.exec(select(audit_models.LoggedEvent).where(audit_models.LoggedEvent.type == "tally")).all()
    engine.dispose()
    return Counter(row.data["applied"] for row in rows)


def inbox_rows(settings, consumer: str) -> int:
    engine = create_engine(settings["audit"].database_url)
    with Session(engine) as session:
        rows = session.exec(select(audit_models.InboxMessage).where(audit_models.InboxMessage.consumer == consumer))
        count = len(list(rows))
    engine.dispose()
    return count


def orgs_events(count: int) -> list[Event]:
    organization = str(uuid.uuid4())
    return [Event("org.item.created", {"cipher_id": str(uuid.uuid4()), "organization_id": organization, "type": 1},
                  subject=organization, orgid=organization) for _ in range(count)]


def publish(server, messages: list[tuple[bytes, str]]) -> None:
    """Publish (payload, Nats-Msg-Id) pairs on ORGS as a relay would, the stream made if missing."""
    async def send():
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await bus.ensure_stream(js, "orgs")
        for payload, message_id in messages:
            await js.publish("orgs.org.item.created", payload, headers={"Nats-Msg-Id": message_id})
        await nc.close()
    LoopThread().run(send(), timeout=30)


def settled(server, consumer: str) -> bool:
    """Whether `consumer` exists and has no message left to deliver nor waiting for its ack."""
    async def ask():
        nc = await nats.connect(server.url)
        try:
            info = await nc.jetstream().consumer_info("ORGS", consumer)
        except nats.js.errors.NotFoundError:
            return False
        finally:
            await nc.close()
        return info.num_pending == 0 and info.num_ack_pending == 0
    return LoopThread().run(ask(), timeout=10)


def test_an_idle_consumer_waits_quietly(settings, caplog):
    caplog.set_level(logging.INFO)
    audit = WorkerThread(settings["audit"], audit_models, audit_consumers(settings["audit"]), publishes=False)
    try:
        wait_for(lambda: any("worker of audit started" in r.getMessage() for r in caplog.records), 10,
                 message="the worker to start")
        caplog.clear()
        # Idling is what is tested: several empty fetches of every consumer, none of them a fault.
        time.sleep(3.5 * consumers.FETCH_SECONDS)
    finally:
        audit.stop()
    assert not [r.getMessage() for r in caplog.records if r.name == consumers.__name__]


def test_duplicates_in_one_batch_and_across_batches_are_applied_once(settings, server):
    tally = Tally()
    first = orgs_events(6)
    # Before the consumer runs, so they arrive in one batch: one event twice under two message
    # ids (JetStream keeps both), and a message that is no event at all.
    publish(server, [(event.to_json(), event.id) for event in first] + [(first[2].to_json(), str(uuid.uuid4())),
                                                                         (b"not a cloudevent", str(uuid.uuid4()))])
    worker = WorkerThread(settings["audit"], audit_models, [tally.consumer()], publishes=False)
    try:
        wait_for(lambda: len(applications(settings)) == 6 and settled(server, TALLY), 20, message="the first batch")
        publish(server, [(first[4].to_json(), str(uuid.uuid4()))])  # delivered again, in a later batch
        wait_for(lambda: settled(server, TALLY), 20, message="the redelivery")
    finally:
        worker.stop()
    assert applications(settings) == Counter({event.id: 1 for event in first})
    assert inbox_rows(settings, TALLY) == 6


def test_a_poison_event_in_a_batch_is_retried_alone_while_the_others_apply(settings, server, retry_soon):
    tally = Tally()
    events = orgs_events(7)
    poison = events[3]
    tally.poisoned.add(poison.id)
    publish(server, [(event.to_json(), event.id) for event in events])
    worker = WorkerThread(settings["audit"], audit_models, [tally.consumer()], publishes=False)
    try:
        wait_for(lambda: len(applications(settings)) == 6, 20, message="the others to apply")
        assert poison.id not in applications(settings)
        assert not settled(server, TALLY)  # the poison event waits for its redelivery
        tally.poisoned.clear()  # the bug is fixed: its next delivery applies
        wait_for(lambda: poison.id in applications(settings) and settled(server, TALLY), 20,
                 message="the poison event's retry")
    finally:
        worker.stop()
    assert applications(settings) == Counter({event.id: 1 for event in events})


def test_a_batch_whose_commit_fails_loses_nothing_and_applies_nothing_twice(settings, server, retry_soon):
    tally = Tally()
    url = settings["audit"].database_url
    refuse_event_rows(url)
    events = orgs_events(8)
    publish(server, [(event.to_json(), event.id) for event in events])
    worker = WorkerThread(settings["audit"], audit_models, [tally.consumer()], publishes=False)
    try:
        wait_for(lambda: delivered_more_than_once(server, TALLY), 20, message="the failed commits' redeliveries")
        assert applications(settings) == Counter() and inbox_rows(settings, TALLY) == 0
        accept_event_rows(url)
        wait_for(lambda: len(applications(settings)) == 8 and settled(server, TALLY), 30, message="the retries")
    finally:
        worker.stop()
    assert applications(settings) == Counter({event.id: 1 for event in events})
    assert inbox_rows(settings, TALLY) == 8


def refuse_event_rows(url: str) -> None:
    """Make every commit that writes a row of audit's `events` table fail, as a broken database would."""
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("CREATE TRIGGER refuse_events BEFORE INSERT ON events "
                                       "BEGIN SELECT RAISE(ABORT, 'the disk is failing'); END")
        else:
            connection.exec_driver_sql("CREATE FUNCTION refuse_events() RETURNS trigger AS $$ BEGIN "
                                       "RAISE EXCEPTION 'the disk is failing'; END $$ LANGUAGE plpgsql")
            connection.exec_driver_sql("CREATE TRIGGER refuse_events BEFORE INSERT ON events "
                                       "FOR EACH ROW EXECUTE FUNCTION refuse_events()")
    engine.dispose()


def accept_event_rows(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("DROP TRIGGER refuse_events")
        else:
            connection.exec_driver_sql("DROP TRIGGER refuse_events ON events")
            connection.exec_driver_sql("DROP FUNCTION refuse_events()")
    engine.dispose()


def delivered_more_than_once(server, consumer: str) -> bool:
    async def ask():
        nc = await nats.connect(server.url)
        try:
            return (await nc.jetstream().consumer_info("ORGS", consumer)).num_redelivered > 0
        except nats.js.errors.NotFoundError:
            return False  # the worker has not made its consumer yet
        finally:
            await nc.close()
    return LoopThread().run(ask(), timeout=10)


def test_events_committed_while_nats_is_down_arrive_once_when_it_is_back(settings, server):
    tally = Tally()
    relay = WorkerThread(settings["orgs"], orgs_models, [])
    worker = WorkerThread(settings["audit"], audit_models, [tally.consumer()], publishes=False)
    engine = create_engine(settings["orgs"].database_url)
    try:
        before = orgs_events(3)
        commit(engine, before)
        wait_for(lambda: len(applications(settings)) == 3, 20, message="the events before the outage")
        server.stop()
        during = orgs_events(600)  # more than one relay batch and one consumer batch
        commit(engine, during)
        assert unpublished(settings["orgs"]) == 600
        server.start()
        wait_for(lambda: len(applications(settings)) == 603, 60, message="the events of the outage")
        wait_for(lambda: settled(server, TALLY), 20, message="the consumer to settle")
    finally:
        relay.stop()
        worker.stop()
        engine.dispose()
    assert applications(settings) == Counter({event.id: 1 for event in before + during})
    assert unpublished(settings["orgs"]) == 0


def commit(engine, events: list[Event], on_events_committed=None) -> None:
    with UnitOfWork(engine, orgs_models.OutboxMessage, on_events_committed) as uow:
        for event in events:
            uow.publish(event)
        uow.commit()


def test_a_request_that_commits_events_wakes_the_relay(settings, server, monkeypatch):
    monkeypatch.setattr(bus, "RELAY_FALLBACK_SECONDS", 3600)  # only the poke can make the relay publish now
    relay = WorkerThread(settings["orgs"], orgs_models, [])
    try:
        client = create_orgs_app(settings["orgs"]).test_client()
        create_client_while(client, settings["orgs"], actor=str(uuid.uuid4()))
        wait_for(lambda: unpublished(settings["orgs"]) == 0, 20, message="the relay to be woken")
    finally:
        relay.stop()


def test_without_a_poke_the_relay_still_publishes_soon(settings, server, monkeypatch):
    monkeypatch.setattr(bus, "RELAY_FALLBACK_SECONDS", 0.2)
    relay = WorkerThread(settings["orgs"], orgs_models, [])
    engine = create_engine(settings["orgs"].database_url)
    try:
        wait_for(lambda: stream_exists(server), 10, message="the relay's first pass")  # it now sleeps
        commit(engine, orgs_events(2))
        wait_for(lambda: unpublished(settings["orgs"]) == 0, 20, message="the relay's own poll")
    finally:
        relay.stop()
        engine.dispose()


def stream_exists(server) -> bool:
    async def ask():
        nc = await nats.connect(server.url)
        try:
            await nc.jetstream().stream_info("ORGS")
            return True
        except nats.js.errors.NotFoundError:
            return False
        finally:
            await nc.close()
    return LoopThread().run(ask(), timeout=10)


def test_waking_the_relay_with_nats_down_neither_fails_nor_waits_for_the_commit(settings, server):
    link = NatsLink(server.url, "orgs-web")
    link.run(link.connection(), timeout=10)
    server.stop()
    engine = create_engine(settings["orgs"].database_url)
    try:
        commit(engine, orgs_events(1), lambda: link.wake_relay("orgs"))
        commit(engine, orgs_events(1), lambda: NatsLink(server.url, "never-connected").wake_relay("orgs"))
    finally:
        engine.dispose()
        link.close()
    assert unpublished(settings["orgs"]) == 2


def test_identity_mail_of_an_older_release_is_brought_to_its_subjects_in_place(settings, server):
    consumer = member_events(settings["identity"])
    assert sorted(consumer.subjects) == sorted(f"orgs.{event_type}" for event_type in MEMBER_EVENTS)
    invited = [Event("org.member.invited", {"member_id": str(uuid.uuid4()), "organization_id": "o",
                                            "organization_name": "Org", "email": "m@example.org", "name": "M",
                                            "role": "User"}) for _ in range(3)]

    async def scenario():
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await bus.ensure_stream(js, "orgs")
        # The durable as an older release made it: every orgs event, two of them already handled.
        old = await js.pull_subscribe("orgs.>", durable="identity-mail", stream="ORGS",
                                      config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT))
        for event in invited:
            await js.publish(event.spec.subject, event.to_json(), headers={"Nats-Msg-Id": event.id})
        for message in await old.fetch(2, timeout=5):
            await message.ack()
        await old.unsubscribe()
        await js.publish("orgs.org.item.created", orgs_events(1)[0].to_json())  # not identity's business
        subscription = await consumers.subscribe(js, consumer)
        info = await js.consumer_info("ORGS", "identity-mail")
        waiting = [Event.from_json(message.data).id for message in await subscription.fetch(10, timeout=2)]
        await nc.close()
        return info, waiting

    info, waiting = LoopThread().run(scenario(), timeout=30)
    assert info.name == "identity-mail"
    assert sorted(info.config.filter_subjects) == sorted(consumer.subjects) and not info.config.filter_subject
    assert info.ack_floor.stream_seq == 2  # its position is kept: nothing handled is sent again
    assert waiting == [invited[2].id]  # the third invitation, and not the vault item


def test_rows_whose_publish_was_refused_stay_in_the_outbox_and_the_others_are_marked(settings, server):
    engine = create_engine(settings["orgs"].database_url)
    events = orgs_events(5)
    commit(engine, events)

    async def relay_once():
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        # A stream that is full after three events: the server refuses the fourth and the fifth.
        await js.add_stream(api.StreamConfig(name="ORGS", subjects=["orgs.>"], max_msgs=3,
                                             discard=api.DiscardPolicy.NEW, duplicate_window=600))
        try:
            await bus.publish_pending(js, engine, orgs_models.OutboxMessage)
        # nats.py 2.16 raises the server's refusal inside its reply handler instead of handing it to
        # the publish's future, so the relay sees a refused publish as an ack that never came.
        except (nats.js.errors.APIError, asyncio.TimeoutError) as refusal:
            return refusal
        finally:
            await nc.close()

    try:
        refusal = LoopThread().run(relay_once(), timeout=30)
        with Session(engine) as session:
            waiting = session.exec(select(orgs_models.OutboxMessage.event_id)
                                   .where(orgs_models.OutboxMessage.published_at.is_(None))).all()
    finally:
        engine.dispose()
    assert refusal is not None  # the relay says it must try again
    assert sorted(waiting) == sorted(event.id for event in events[3:])


def logged(settings) -> set[str]:
    engine = create_engine(settings["audit"].database_url)
    with Session(engine) as session:
        ids = set(session.exec(select(audit_models.LoggedEvent.id).where(audit_models.LoggedEvent.type != "tally")))
    engine.dispose()
    return ids


def test_the_event_log_records_a_batch_in_one_statement_and_one_already_logged_alone(settings, server):
    events = orgs_events(40)
    already = events[7]
    # Logged, but not in the inbox (a database restored from a backup taken between the two):
    # the batch's one insert fails on it, and each event is then recorded alone, once.
    with UnitOfWork(create_engine(settings["audit"].database_url), audit_models.OutboxMessage) as uow:
        audit_domain.record(uow, already)
        uow.commit()
    publish(server, [(event.to_json(), event.id) for event in events])
    worker = WorkerThread(settings["audit"], audit_models, audit_consumers(settings["audit"]), publishes=False)
    try:
        wait_for(lambda: logged(settings) == {event.id for event in events} and settled(server, "audit-orgs"), 20,
                 message="every event in the log")
    finally:
        worker.stop()
    assert inbox_rows(settings, "audit-orgs") == 40
