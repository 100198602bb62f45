"""The NATS JetStream bus: connections, streams, the outbox relay, and what a consumer declares.

Follows the nats.py JetStream examples: streams are created idempotently at start-up and
every event is published with `Nats-Msg-Id` = its id. The relay publishes a batch of
committed events with all their acks in flight, marks what was acked in one commit, and is
woken by a poke when a unit of work commits events instead of polling the outbox.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from typing import Callable

import nats
from nats.errors import NoServersError
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js import api
from nats.js.errors import BucketNotFoundError, NotFoundError
from sqlalchemy import func, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from .catalogue import STREAMS
from .database import UnitOfWork, pending_outbox, utcnow
from .envelope import Event

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 600
RELAY_BATCH = 500  # outbox rows per pass, all published before their acks are awaited together
PUBLISH_ACK_SECONDS = 5
RELAY_FALLBACK_SECONDS = 1  # how late an event can be when the poke that should wake the relay is lost
PASSING_FAULTS = (OperationalError, ConnectionError, OSError, asyncio.TimeoutError, NatsTimeout)


async def _log_connection_error(error: Exception) -> None:
    log.warning("NATS connection problem: %r", error)


def servers(url: str) -> list[str]:
    """The servers of a NATS_URL, which may name several nodes of a cluster, comma separated."""
    return [part.strip() for part in url.split(",") if part.strip()]


async def connect(url: str, name: str, **options):
    """A connection that keeps reconnecting for as long as the process runs."""
    return await nats.connect(
        servers(url),
        name=name,
        error_cb=_log_connection_error,
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        connect_timeout=2,
        allow_reconnect=True,
        **options,
    )


def event_stream_config(service: str) -> api.StreamConfig:
    """The file-backed stream that holds `service`'s events, kept without limits."""
    return api.StreamConfig(
        name=STREAMS[service],
        subjects=[f"{service}.>"],
        storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )


async def ensure_stream(js, service: str, config: api.StreamConfig | None = None) -> None:
    """Create (or keep) the stream a relay publishes to: `service`'s events, or `config`'s.

    A stream kept for a time (`max_age`, audit's copy) follows a changed setting: its age is
    updated in place; its messages stay."""
    config = config or event_stream_config(service)
    try:
        info = await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
        return
    if config.max_age and int(info.config.max_age or 0) != int(config.max_age):
        current = info.config
        current.max_age = config.max_age
        await js.update_stream(current)


async def key_value_bucket(js, name: str, ttl: float):
    """The KV bucket `name`, created when missing: one value per key, each forgotten after `ttl` seconds."""
    try:
        return await js.key_value(name)
    except (BucketNotFoundError, NotFoundError):
        return await js.create_key_value(bucket=name, ttl=ttl, history=1)


@dataclass(frozen=True)
class Consumer:
    """A durable consumer: which events it wants and what applies one of them.

    `apply(uow, event)` makes the event's effect in the unit of work (and may publish events
    of its own there); the inbox row joins the same transaction, which commits before the ack.
    `filter_subject` is one subject or several (JetStream's `filter_subjects`). A consumer
    whose `apply` acts outside the database (sends mail) sets `one_per_transaction`. One that
    can apply a whole batch at once (in one statement) gives `apply_batch(uow, events)` too: a
    batch gets it, an event applied alone after a failed batch gets `apply`.
    """

    name: str
    stream: str  # the producing service
    filter_subject: str | tuple[str, ...]
    apply: Callable[[UnitOfWork, Event], None]
    one_per_transaction: bool = False
    apply_batch: Callable[[UnitOfWork, list[Event]], None] | None = None

    @property
    def subjects(self) -> list[str]:
        """The subjects this consumer reads."""
        return [self.filter_subject] if isinstance(self.filter_subject, str) else list(self.filter_subject)


def relay_wake_subject(service: str) -> str:
    """The core NATS subject that tells `service`'s relay events were committed (a poke, no payload)."""
    return f"custodian.outbox.{service}"


async def publish_pending(js, engine, outbox_model, limit: int = RELAY_BATCH) -> int:
    """Publish up to `limit` unpublished outbox rows, their acks awaited together; how many were published.

    `Nats-Msg-Id` is the event id, so a row published again after a crash (published but
    not yet marked) is dropped by JetStream's duplicate window instead of delivered twice.
    Only rows whose ack came back are marked, in one commit; if any ack failed, the others
    are still marked and the failure is raised, so the relay waits and tries the rest again.
    """
    with Session(engine) as session:
        rows = [tuple(row) for row in pending_outbox(session, outbox_model, limit)]
        if not rows:
            return 0
        if engine.dialect.name == "sqlite":
            # SQLite has no row lock to keep, and a read transaction held across the publishes could
            # not become the write that marks them once a request committed in between.
            session.rollback()
        acks, failure = [], None
        try:
            for _seq, event_id, subject, payload in rows:
                acks.append(await js.publish_async(subject, payload, headers={"Nats-Msg-Id": event_id}))
        except (NatsError, *PASSING_FAULTS) as error:
            failure = error
        try:
            if acks:
                await asyncio.wait(acks, timeout=PUBLISH_ACK_SECONDS)
        finally:
            for ack in acks:
                if not ack.done():
                    ack.cancel()  # frees its place among the publishes in flight; the row stays pending
        published = [row[0] for row, ack in zip(rows, acks) if not ack.cancelled() and ack.exception() is None]
        if published:
            session.exec(update(outbox_model).where(outbox_model.seq.in_(published)).values(published_at=utcnow()))
            session.commit()
    if len(published) < len(rows):
        raise failure or next((ack.exception() for ack in acks if not ack.cancelled() and ack.exception()),
                              NatsTimeout())
    return len(published)


async def relay_forever(js, engine, outbox_model, service: str, stop: asyncio.Event, wake: asyncio.Event,
                        stream: api.StreamConfig | None = None) -> None:
    """Publish the outbox of `service` (to its own stream, or `stream`) until `stop` is set; NATS down means
    events wait.

    It publishes when `wake` is set (a unit of work committed events) and every
    RELAY_FALLBACK_SECONDS anyway, so a poke lost on the way only delays an event.
    """
    ready = False
    while not stop.is_set():
        # Cleared before reading the outbox: a poke that comes while we publish is kept for the next pass.
        wake.clear()
        try:
            if not ready:
                await ensure_stream(js, service, stream)
                ready = True
            published = await publish_pending(js, engine, outbox_model)
        except (NatsError, *PASSING_FAULTS) as error:
            log.warning("outbox relay of %s waiting: %r", service, error)
            ready = False
            await _sleep_unless(stop, 1)
            continue
        if published:
            log.info("outbox relay of %s published %d events", service, published)
        if published < RELAY_BATCH:
            await _until_set(RELAY_FALLBACK_SECONDS, wake, stop)


async def _until_set(seconds: float, *events: asyncio.Event) -> None:
    """Wait until one of `events` is set, or `seconds` passed."""
    waiters = [asyncio.ensure_future(each.wait()) for each in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass


async def nats_reachable(url: str, timeout: float = 1.5) -> bool:
    """Whether a NATS server with JetStream answers at `url` now."""
    async def quiet(_error):
        pass
    try:
        nc = await asyncio.wait_for(nats.connect(servers(url), connect_timeout=timeout, max_reconnect_attempts=0,
                                                 allow_reconnect=False, error_cb=quiet), timeout)
    except (NoServersError, OSError, asyncio.TimeoutError, NatsTimeout):
        return False
    try:
        await asyncio.wait_for(nc.jetstream().account_info(), timeout)
        return True
    except Exception:  # noqa: BLE001 - any failure here means "not ready"
        return False
    finally:
        await nc.close()


class LoopThread:
    """An asyncio loop on a daemon thread, so synchronous Flask code can await NATS calls.

    Started lazily in each process (never at import, never before a gunicorn fork).
    """

    def __init__(self):
        self._loop = None
        self._lock = threading.Lock()

    def _running_loop(self):
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, daemon=True, name="nats-loop").start()
        return self._loop

    def run(self, coroutine, timeout: float = 5):
        """Run `coroutine` on the loop and return its result."""
        future = asyncio.run_coroutine_threadsafe(coroutine, self._running_loop())
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()  # a NATS call given up on must not keep retrying in the background
            raise

    def submit(self, coroutine) -> None:
        """Run `coroutine` on the loop without waiting for it (it must handle its own errors)."""
        asyncio.run_coroutine_threadsafe(coroutine, self._running_loop())


class NatsLink:
    """The one NATS connection of a process whose code is synchronous (a service's web process).

    Opened on first use, on its own loop thread; what the process needs from NATS (its used
    nonces, waking its relay) shares it.
    """

    def __init__(self, url: str, name: str):
        self._url = url
        self._name = name
        self._loop = LoopThread()
        self._nc = None
        self._opening: asyncio.Lock | None = None

    async def connection(self):
        """The connection, opened now if it is not yet (call on this link's loop, through `run`)."""
        # Made on the loop's thread, so concurrent first calls open one connection, not several.
        self._opening = self._opening or asyncio.Lock()
        async with self._opening:
            if self._nc is None:
                self._nc = await connect(self._url, name=self._name)
        return self._nc

    @property
    def connected(self) -> bool:
        """Whether the connection is open and up now (never opened counts as not)."""
        return self._nc is not None and self._nc.is_connected

    def run(self, coroutine, timeout: float):
        """Run `coroutine` on this link's loop and return its result."""
        return self._loop.run(coroutine, timeout)

    def close(self) -> None:
        """Close the connection, if it was opened (a process that ends, a test)."""
        if self._nc is not None:
            self._loop.run(self._nc.close(), timeout=5)
            self._nc = None

    def wake_relay(self, service: str) -> None:
        """Tell `service`'s relay that events were just committed; never waits, never fails.

        Best effort: without a connection, or if the poke is lost, the relay's own slower
        poll publishes the events all the same.
        """
        nc = self._nc
        if nc is not None and nc.is_connected:
            self._loop.submit(_poke(nc, relay_wake_subject(service)))


async def _poke(nc, subject: str) -> None:
    try:
        await nc.publish(subject, b"")
    except NatsError as error:
        log.debug("could not wake the relay on %s: %r", subject, error)


def nats_probe(url: str):
    """A readiness check of NATS for synchronous code, on its own loop thread.

    Its own thread because the calling thread may already run an event loop of its own.
    """
    loop = LoopThread()
    return lambda: loop.run(nats_reachable(url), timeout=5)


def unpublished_count(engine, outbox_model) -> int:
    """How many events wait in the outbox (a gauge in /metrics: it grows while NATS is away)."""
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(outbox_model)
                            .where(outbox_model.published_at.is_(None))).one()
