"""Idempotent consumers: durable pull consumers that apply a fetched batch in one transaction.

A batch's effects and its inbox rows commit together, then every message of it is acked: an
event acknowledged to the bus is committed, and a redelivered or duplicated event finds its
inbox row and changes nothing twice. If the batch cannot commit, its events are applied one
at a time, so one poison event is isolated (nak'ed, retried later) while the others apply.
A consumer whose effect leaves the database (mail) applies one event per transaction, so a
rollback never repeats what was already sent.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

from nats.errors import Error as NatsError
from nats.js import api
from nats.js.errors import NotFoundError
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from .bus import PASSING_FAULTS, Consumer, ensure_stream
from .catalogue import STREAMS
from .database import UnitOfWork, utcnow
from .envelope import Event, MalformedEvent

log = logging.getLogger(__name__)

BATCH = 500  # events fetched, applied and committed together
ONE_BY_ONE_BATCH = 20  # events fetched at once by a consumer that applies each in its own transaction
FETCH_SECONDS = 1  # how long a fetch waits for events; an empty fetch only means idle
ACK_WAIT_SECONDS = 30
RETRY_SOON_SECONDS = 2  # nak delay for a passing fault (database or mail server away)
RETRY_LATER_SECONDS = 10  # nak delay for an event its handler failed on


def apply_batch(engine, models, consumer: Consumer, events: list[Event],
                on_events_committed: Callable[[], None] | None = None) -> int:
    """Apply the events this consumer has not applied yet in one transaction; how many were applied.

    Staged rows are written at the commit, all at once, not before each event's queries: an
    `apply` that must find through a query what an earlier event of its batch staged belongs
    to a consumer with `one_per_transaction`.
    """
    inbox = models.InboxMessage
    with UnitOfWork(engine, models.OutboxMessage, on_events_committed) as uow:
        uow.session.autoflush = False
        done = set(uow.scalars(select(inbox.event_id).where(inbox.consumer == consumer.name,
                                                            inbox.event_id.in_({event.id for event in events}))))
        fresh = []
        for event in events:
            if event.id not in done:
                done.add(event.id)  # the same event twice in one batch is applied once
                fresh.append(event)
        if fresh and consumer.apply_batch is not None:
            consumer.apply_batch(uow, fresh)
        else:
            for event in fresh:
                consumer.apply(uow, event)
        if fresh:
            now = utcnow()
            uow.session.execute(insert(inbox), [{"consumer": consumer.name, "event_id": event.id, "processed_at": now}
                                                for event in fresh])
        uow.commit()
    return len(fresh)


def apply_once(engine, models, consumer: Consumer, event: Event,
               on_events_committed: Callable[[], None] | None = None) -> bool:
    """Apply `event` unless this consumer already has; True when it was applied now."""
    with UnitOfWork(engine, models.OutboxMessage, on_events_committed) as uow:
        if uow.get(models.InboxMessage, (consumer.name, event.id)) is not None:
            return False
        consumer.apply(uow, event)
        uow.add(models.InboxMessage(consumer=consumer.name, event_id=event.id))
        try:
            uow.commit()
        except IntegrityError:
            if _in_inbox(engine, models, consumer, event.id):
                return False  # another worker applied the same event between our read and our commit
            raise
    return True


def _in_inbox(engine, models, consumer: Consumer, event_id: str) -> bool:
    with Session(engine) as session:
        return session.get(models.InboxMessage, (consumer.name, event_id)) is not None


def apply_each(engine, models, consumer: Consumer, events: list[Event],
               on_events_committed: Callable[[], None] | None = None) -> list[bool | Exception]:
    """Apply `events` one transaction each: per event, whether it was applied now, or what stopped it."""
    outcomes: list[bool | Exception] = []
    for event in events:
        try:
            outcomes.append(apply_once(engine, models, consumer, event, on_events_committed))
        except Exception as error:  # noqa: BLE001 - one event's failure must not stop the others
            outcomes.append(error)
    return outcomes


async def consume_forever(js, engine, models, consumer: Consumer, stop: asyncio.Event,
                          on_events_committed: Callable[[], None] | None = None) -> None:
    """Fetch, apply and ack `consumer`'s events until `stop` is set."""
    subscription = None
    batch = ONE_BY_ONE_BATCH if consumer.one_per_transaction else BATCH
    while not stop.is_set():
        try:
            if subscription is None:
                subscription = await subscribe(js, consumer)
            messages = await subscription.fetch(batch=batch, timeout=FETCH_SECONDS)
        except asyncio.TimeoutError:
            # Idle. nats.py says so with its TimeoutError, its FetchTimeoutError or a bare
            # asyncio.TimeoutError, depending on when the fetch's deadline passed.
            if subscription is not None:
                continue
            error = "no answer"
        except (NatsError, *PASSING_FAULTS) as fault:
            error = repr(fault)
        else:
            if messages:
                await _handle(engine, models, consumer, messages, on_events_committed)
            continue
        # JetStream answers 503 while a cluster restarts or elects a leader: rebuild and retry.
        log.warning("consumer %s waiting for NATS: %s", consumer.name, error)
        subscription = None
        try:
            await asyncio.wait_for(stop.wait(), timeout=1)
        except asyncio.TimeoutError:
            pass


async def subscribe(js, consumer: Consumer):
    """A pull subscription on `consumer`'s durable, made or brought to its subjects first.

    A durable that exists with other subjects (an older release's) is updated in place: under
    another name it would start again from the stream's first event and mail everyone again.
    """
    await ensure_stream(js, consumer.stream)
    stream = STREAMS[consumer.stream]
    subjects = consumer.subjects
    single = subjects[0] if len(subjects) == 1 else None
    try:
        info = await js.consumer_info(stream, consumer.name)
    except NotFoundError:
        await js.add_consumer(stream, api.ConsumerConfig(
            name=consumer.name, durable_name=consumer.name, ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=ACK_WAIT_SECONDS, max_deliver=-1, filter_subject=single,
            filter_subjects=None if single else subjects))
    else:
        current = info.config.filter_subjects or ([info.config.filter_subject] if info.config.filter_subject else [])
        if sorted(current) != sorted(subjects):
            await js.add_consumer(stream, info.config.evolve(filter_subject=single,
                                                             filter_subjects=None if single else subjects))
            log.info("consumer %s now reads %s (was %s)", consumer.name, ", ".join(subjects), ", ".join(current))
    return await js.pull_subscribe_bind(durable=consumer.name, stream=stream)


async def _handle(engine, models, consumer: Consumer, messages, on_events_committed) -> None:
    """Apply a fetched batch and settle every message of it: ack once committed, nak or term otherwise."""
    parsed = []
    for message in messages:
        try:
            parsed.append((message, Event.from_json(message.data)))
        except MalformedEvent as error:
            log.error("consumer %s dropped a malformed message on %s: %s", consumer.name, message.subject, error)
            await _settle(consumer, [message.term()])
    if not parsed:
        return
    events = [event for _message, event in parsed]
    if not consumer.one_per_transaction:
        try:
            applied = await asyncio.to_thread(apply_batch, engine, models, consumer, events, on_events_committed)
        except PASSING_FAULTS as error:
            log.warning("consumer %s will retry %d events: %r", consumer.name, len(events), error)
            await _settle(consumer, [message.nak(delay=RETRY_SOON_SECONDS) for message, _event in parsed])
            return
        except Exception as error:  # noqa: BLE001 - an event of the batch is at fault: find it by applying each alone
            log.warning("consumer %s applies a batch of %d one event at a time after: %r",
                        consumer.name, len(events), error)
        else:
            await _settle(consumer, [message.ack() for message, _event in parsed])
            log.info("consumer %s applied %d events, skipped %d already applied",
                     consumer.name, applied, len(events) - applied)
            return
    outcomes = await asyncio.to_thread(apply_each, engine, models, consumer, events, on_events_committed)
    replies = []
    for (message, event), outcome in zip(parsed, outcomes):
        if isinstance(outcome, PASSING_FAULTS):
            log.warning("consumer %s will retry event %s: %r", consumer.name, event.id, outcome)
            replies.append(message.nak(delay=RETRY_SOON_SECONDS))
        elif isinstance(outcome, Exception):
            log.error("consumer %s failed on event %s (%s)", consumer.name, event.id, event.type, exc_info=outcome)
            replies.append(message.nak(delay=RETRY_LATER_SECONDS))
        else:
            replies.append(message.ack())
    await _settle(consumer, replies)
    applied, skipped = sum(outcome is True for outcome in outcomes), sum(outcome is False for outcome in outcomes)
    log.info("consumer %s applied %d events one by one, skipped %d already applied, %d to retry",
             consumer.name, applied, skipped, len(outcomes) - applied - skipped)


async def _settle(consumer: Consumer, replies) -> None:
    """Ack, nak or term; if NATS is away the messages are simply redelivered later."""
    results = await asyncio.gather(*replies, return_exceptions=True)
    failures = [result for result in results if isinstance(result, BaseException)]
    if failures:
        log.warning("consumer %s could not settle %d messages (they will be redelivered): %r",
                    consumer.name, len(failures), failures[0])
