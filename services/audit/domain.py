"""The rules of the event log. No Flask here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, tuple_
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Invalid
from services.common.paging import BadCursor, decode_cursor, encode_cursor

from .models import LoggedEvent

PAGE_SIZE = 50


def record(uow, event: Event) -> None:
    """Keep `event` in the log (the inbox already makes a redelivery a no-op)."""
    if uow.get(LoggedEvent, event.id) is None:
        record_all(uow, [event])


def record_all(uow, events: list[Event]) -> None:
    """Keep a batch of new events in the log in one statement.

    One row per event as its producer published it; an event already logged makes the whole
    batch fail (the consumer then records each event alone, through `record`)."""
    uow.session.execute(insert(LoggedEvent.__table__), [_row(event) for event in events])


def _row(event: Event) -> dict:
    spec = event.spec
    return {"id": event.id, "type": event.type, "code": spec.code, "source": spec.source,
            "subject": event.subject or None, "time": event.time, "provider_id": event.providerid,
            "organization_id": event.orgid, "actor_id": event.actorid, "ip": event.ip,
            "device": event.devicetype, "traceparent": event.traceparent, "data": event.data}


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first, and the cursors of the newer and older pages around it."""

    events: list[LoggedEvent]
    newer: str | None
    older: str | None


def log_scope(provider_id: str | None, organization_id: str | None) -> str:
    """Whose log a cursor belongs to: a cursor of another log is refused."""
    return f"provider:{provider_id}" if provider_id is not None else f"organization:{organization_id}"


def cursor_at(scope: str, event: LoggedEvent) -> str:
    """The opaque cursor pointing at `event` in the log of `scope`."""
    return encode_cursor([scope, event.time.isoformat(), event.id])


def _position(scope: str, cursor: str, field: str) -> tuple[datetime, str]:
    """The (time, id) a cursor points at; BadCursor when it is damaged or made for another log."""
    damaged = "This page link is damaged: start again from the newest events."
    body = decode_cursor(cursor, field, damaged)
    try:
        found_scope, time, event_id = body
        when = datetime.fromisoformat(time)
    except (ValueError, TypeError) as error:
        raise BadCursor(damaged, field) from error
    if found_scope != scope:
        raise BadCursor("This page link belongs to another event log: start again from the newest events.", field)
    if not isinstance(event_id, str) or when.utcoffset() is None:
        raise BadCursor(damaged, field)
    return when, event_id


def _older_than(time: datetime, event_id: str):
    # One row value: SQLite and PostgreSQL both seek the (scope, time, id) index to (t, i).
    return tuple_(LoggedEvent.time, LoggedEvent.id) < (time, event_id)


def _newer_than(time: datetime, event_id: str):
    return tuple_(LoggedEvent.time, LoggedEvent.id) > (time, event_id)


def events_page(uow, provider_id: str | None = None, organization_id: str | None = None, after: str = "",
                before: str = "") -> EventPage:
    """A page of a provider's or an organization's events, newest first: the newest, the one after
    (older than) the `after` cursor, or the one before (newer than) the `before` cursor.

    Each page walks the (scope, time, id) index from its cursor: a page among a million events
    costs what it costs among ten thousand. The log is not counted.
    """
    if (provider_id is None) == (organization_id is None):
        raise Invalid("Ask for the log of one provider or one organization.")
    if after and before:
        raise BadCursor("Ask for the older or the newer page, not both.", "before")
    scope = log_scope(provider_id, organization_id)
    statement = select(LoggedEvent).where(LoggedEvent.provider_id == provider_id if provider_id is not None
                                          else LoggedEvent.organization_id == organization_id)
    newest_first = (LoggedEvent.time.desc(), LoggedEvent.id.desc())
    if before:
        rows = list(uow.session.exec(statement.where(_newer_than(*_position(scope, before, "before")))
                                     .order_by(LoggedEvent.time, LoggedEvent.id).limit(PAGE_SIZE + 1)).all())
        if len(rows) <= PAGE_SIZE:  # back at the newest: the first page, whole
            return events_page(uow, provider_id, organization_id)
        rows = rows[:PAGE_SIZE][::-1]
        return EventPage(rows, cursor_at(scope, rows[0]), cursor_at(scope, rows[-1]))
    if after:
        statement = statement.where(_older_than(*_position(scope, after, "after")))
    rows = list(uow.session.exec(statement.order_by(*newest_first).limit(PAGE_SIZE + 1)).all())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return EventPage(rows, cursor_at(scope, rows[0]) if after and rows else None,
                     cursor_at(scope, rows[-1]) if more else None)


def count_of(uow, event_id: str) -> int:
    """How many times an event id is in the log (once, or not yet)."""
    return uow.session.exec(select(func.count()).where(LoggedEvent.id == event_id)).one()
