"""The NATS JetStream bus: streams, the outbox relay and idempotent consumers.

Follows the nats.py JetStream examples: streams and durable consumers are created
idempotently at start-up, consumers `fetch` in a loop where a timeout only means idle, a
message is acked after its effect committed, `nak(delay)` for a passing fault and `term`
for a message that can never be applied.
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
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from .catalogue import STREAMS
from .database import UnitOfWork, pending_outbox, utcnow
from .envelope import Event, MalformedEvent

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 600
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


async def ensure_stream(js, service: str) -> None:
    """Create (or keep) the file-backed stream that holds `service`'s events."""
    config = api.StreamConfig(
        name=STREAMS[service],
        subjects=[f"{service}.>"],
        storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
    )
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)


async def key_value_bucket(js, name: str, ttl: float):
    """The KV bucket `name`, created when missing: one value per key, each forgotten after `ttl` seconds."""
    try:
        return await js.key_value(name)
    except (BucketNotFoundError, NotFoundError):
        return await js.create_key_value(bucket=name, ttl=ttl, history=1)


async def publish_pending(js, engine, outbox_model, limit: int = 100) -> int:
    """Publish unpublished outbox rows in order; returns how many were published.

    `Nats-Msg-Id` is the event id, so a row published again after a crash (published but
    not yet marked) is dropped by JetStream's duplicate window instead of delivered twice.
    """
    published = 0
    with Session(engine) as session:
        rows = pending_outbox(session, outbox_model, limit)
        for row in rows:
            await js.publish(row.subject, row.payload, headers={"Nats-Msg-Id": row.event_id}, timeout=5)
            row.published_at = utcnow()
            session.add(row)
            published += 1
        session.commit()
    return published


@dataclass(frozen=True)
class Consumer:
    """A durable consumer: which events it wants and what applies one of them.

    `apply(uow, event)` makes the event's effect in the unit of work (and may publish events
    of its own there); the inbox row joins the same transaction, which commits before the ack.
    """

    name: str
    stream: str  # the producing service
    filter_subject: str
    apply: Callable[[UnitOfWork, Event], None]


def apply_once(engine, models, consumer: Consumer, event: Event) -> bool:
    """Apply `event` unless this consumer already has; True when it was applied now."""
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        if uow.get(models.InboxMessage, (consumer.name, event.id)) is not None:
            return False
        consumer.apply(uow, event)
        uow.add(models.InboxMessage(consumer=consumer.name, event_id=event.id))
        try:
            uow.commit()
        except IntegrityError:
            # Another worker applied the same event between our read and our commit.
            return False
    return True


async def consume_forever(js, engine, models, consumer: Consumer, stop: asyncio.Event) -> None:
    """Fetch, apply and ack `consumer`'s events until `stop` is set."""
    stream = STREAMS[consumer.stream]
    subscription = None
    while not stop.is_set():
        try:
            if subscription is None:
                await ensure_stream(js, consumer.stream)
                subscription = await js.pull_subscribe(
                    consumer.filter_subject,
                    durable=consumer.name,
                    stream=stream,
                    config=api.ConsumerConfig(ack_policy=api.AckPolicy.EXPLICIT, ack_wait=30, max_deliver=-1),
                )
            messages = await subscription.fetch(batch=50, timeout=1)
        except NatsTimeout:
            continue  # idle
        except (NatsError, *PASSING_FAULTS) as error:
            # JetStream answers 503 while a cluster restarts or elects a leader: rebuild and retry.
            log.warning("consumer %s waiting for NATS: %r", consumer.name, error)
            subscription = None
            await _sleep_unless(stop, 1)
            continue
        for message in messages:
            await _handle(engine, models, consumer, message)


async def _handle(engine, models, consumer: Consumer, message) -> None:
    try:
        event = Event.from_json(message.data)
    except MalformedEvent as error:
        log.error("consumer %s dropped a malformed message on %s: %s", consumer.name, message.subject, error)
        await _settle(message.term())
        return
    try:
        applied = await asyncio.to_thread(apply_once, engine, models, consumer, event)
    except PASSING_FAULTS as error:
        log.warning("consumer %s will retry event %s: %s", consumer.name, event.id, error)
        await _settle(message.nak(delay=2))
        return
    except Exception:  # noqa: BLE001 - a handler bug must not kill the loop; JetStream redelivers
        log.exception("consumer %s failed on event %s (%s)", consumer.name, event.id, event.type)
        await _settle(message.nak(delay=10))
        return
    log.info("consumer %s %s event %s (%s)", consumer.name, "applied" if applied else "skipped duplicate",
             event.id, event.type)
    await _settle(message.ack())


async def _settle(reply) -> None:
    """Ack, nak or term; if NATS is away the message is simply redelivered later."""
    try:
        await reply
    except (NatsError, *PASSING_FAULTS) as error:
        log.warning("could not settle a message (it will be redelivered): %r", error)


async def relay_forever(js, engine, outbox_model, service: str, stop: asyncio.Event) -> None:
    """Publish the outbox of `service` until `stop` is set; NATS down means events wait."""
    ready = False
    while not stop.is_set():
        try:
            if not ready:
                await ensure_stream(js, service)
                ready = True
            published = await publish_pending(js, engine, outbox_model)
        except (NatsError, *PASSING_FAULTS) as error:
            log.warning("outbox relay of %s waiting: %r", service, error)
            ready = False
            await _sleep_unless(stop, 1)
            continue
        if not published:
            await _sleep_unless(stop, 0.2)


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

    def run(self, coroutine, timeout: float = 5):
        """Run `coroutine` on the loop and return its result."""
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, daemon=True, name="nats-loop").start()
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()  # a NATS call given up on must not keep retrying in the background
            raise


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
