"""Reading the event log: a filter, and pages of it by keyset, newest first. No Flask here."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, or_, tuple_
from sqlmodel import select

from services.common.catalogue import GROUPS, SHOWN_GROUPS
from services.common.errors import Invalid
from services.common.paging import BadCursor, decode_cursor, encode_cursor

from ..models import KnownUser, LogActor, LoggedEvent

PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000  # an export's or an integrator's page
DEFAULT_DAYS = 30  # the range a log opens on: the last 30 days, today included
MAX_DAYS_BACK = 3650  # no event is kept longer (the longest retention)
MAX_TEXT = 200
DAMAGED = "This page link is damaged: start again from the newest events."
# What a page reads: every column but the ones only the filters use.
COLUMNS = (LoggedEvent.id, LoggedEvent.type, LoggedEvent.code, LoggedEvent.source, LoggedEvent.subject,
           LoggedEvent.time, LoggedEvent.provider_id, LoggedEvent.organization_id, LoggedEvent.actor_id,
           LoggedEvent.ip, LoggedEvent.device, LoggedEvent.data, LoggedEvent.group)


class BadFilter(Invalid):
    """A filter of the log that cannot be applied: nothing is read."""


@dataclass(frozen=True)
class EventFilter:
    """Which events of a log a reader asks for: a range of days (UTC, both included) and optional narrowing."""

    start: date
    end: date
    group: str = ""  # "" = every group a person reads (or, for integrators, every group)
    actor_id: str = ""
    text: str = ""  # lower-cased
    every_group: bool = False  # the public API: internal and account events too

    @classmethod
    def parse(cls, start: str = "", end: str = "", group: str = "", actor_id: str = "", text: str = "",
              today: date | None = None, every_group: bool = False) -> "EventFilter":
        """The filter these query values describe; BadFilter naming the field at fault otherwise."""
        today = today or datetime.now(timezone.utc).date()
        end_day = _day(end, "end") if end else today
        start_day = _day(start, "start") if start else min(end_day, today) - timedelta(days=DEFAULT_DAYS - 1)
        if end_day < start_day:
            raise BadFilter("To must be on or after From.", "end")
        if start_day < today - timedelta(days=MAX_DAYS_BACK):
            raise BadFilter(f"No event is kept longer than {MAX_DAYS_BACK} days: choose a later From date.",
                            "start")
        allowed = GROUPS if every_group else SHOWN_GROUPS
        if group and group not in allowed:
            raise BadFilter("Choose an event group from the list.", "group")
        if len(actor_id) > 36:
            raise BadFilter("Choose a user from the list.", "user")
        text = " ".join(text.split())
        if len(text) > MAX_TEXT:
            raise BadFilter(f"Search for at most {MAX_TEXT} characters.", "text")
        return cls(start_day, end_day, group, actor_id, text.lower(), every_group)

    def key(self) -> str:
        """A short digest of the filter: a page link of one filter is refused under another."""
        body = json.dumps([self.start.isoformat(), self.end.isoformat(), self.group, self.actor_id, self.text,
                           self.every_group])
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def conditions(self) -> list:
        """The filter as SQL conditions (beside the log's own)."""
        found = [LoggedEvent.time >= datetime.combine(self.start, time(), timezone.utc),
                 LoggedEvent.time < datetime.combine(self.end + timedelta(days=1), time(), timezone.utc)]
        if self.group:
            found.append(LoggedEvent.group == self.group)
        elif not self.every_group:
            found.append(LoggedEvent.group.in_(SHOWN_GROUPS))
        if self.actor_id:
            found.append(LoggedEvent.actor_id == self.actor_id)
        if self.text:
            found.append(LoggedEvent.search.contains(self.text, autoescape=True))
        return found


def _day(value: str, field_name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter("Enter a date as YYYY-MM-DD.", field_name) from None


@dataclass(frozen=True)
class Log:
    """Whose events: a provider's own, an organization's, or a provider's with its clients' (`organizations`)."""

    provider_id: str | None = None
    organization_id: str | None = None
    organizations: tuple[str, ...] = field(default=())  # the clients whose events a provider's roll-up adds

    @property
    def scope(self) -> str:
        """Whose log a cursor belongs to: a cursor of another log is refused."""
        if self.organization_id is not None:
            return f"organization:{self.organization_id}"
        clients = hashlib.sha256(",".join(sorted(self.organizations)).encode()).hexdigest()[:12] \
            if self.organizations else ""
        return f"provider:{self.provider_id}" + (f"+{clients}" if clients else "")

    @property
    def actor_logs(self) -> list[str]:
        """The logs whose actors this one shows."""
        if self.organization_id is not None:
            return [f"organization:{self.organization_id}"]
        return [f"provider:{self.provider_id}"] + [f"organization:{o}" for o in self.organizations]

    def condition(self):
        """The log as an SQL condition."""
        if self.organization_id is not None:
            return LoggedEvent.organization_id == self.organization_id
        if self.organizations:
            return or_(LoggedEvent.provider_id == self.provider_id,
                       LoggedEvent.organization_id.in_(self.organizations))
        return LoggedEvent.provider_id == self.provider_id


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first, and the cursors of the newer and older pages around it."""

    events: list
    newer: str | None
    older: str | None


def cursor_at(log: Log, event_filter: EventFilter, event) -> str:
    """The opaque cursor pointing at `event` in `log` under `event_filter`."""
    return encode_cursor([log.scope, event_filter.key(), event.time.isoformat(), event.id])


def _position(log: Log, event_filter: EventFilter, cursor: str, field_name: str) -> tuple[datetime, str]:
    """The (time, id) a cursor points at; BadCursor when damaged, of another log, or of another filter."""
    body = decode_cursor(cursor, field_name, DAMAGED)
    try:
        found_scope, found_filter, when, event_id = body
        when = datetime.fromisoformat(when)
    except (ValueError, TypeError) as error:
        raise BadCursor(DAMAGED, field_name) from error
    if found_scope != log.scope:
        raise BadCursor("This page link belongs to another event log: start again from the newest events.",
                        field_name)
    if found_filter != event_filter.key():
        raise BadCursor("This page link belongs to other filters: start again from the newest events.", field_name)
    if not isinstance(event_id, str) or when.utcoffset() is None:
        raise BadCursor(DAMAGED, field_name)
    return when, event_id


def check_actor(uow, log: Log, event_filter: EventFilter) -> None:
    """Refuse a User filter naming someone who never acted in this log (someone else's user id)."""
    if event_filter.actor_id and uow.session.exec(select(LogActor.user_id).where(
            LogActor.log.in_(log.actor_logs), LogActor.user_id == event_filter.actor_id).limit(1)).first() is None:
        raise BadFilter("Choose a user from the list.", "user")


def events_page(uow, log: Log, event_filter: EventFilter, after: str = "", before: str = "",
                size: int = PAGE_SIZE) -> EventPage:
    """A page of the filtered log, newest first: the newest, the one older than the `after` cursor, or the one
    newer than the `before` cursor.

    Each page walks a (log, time, id) index from its cursor, the filter's conditions checked on
    the way: a page among a million events costs what it costs among ten thousand. Nothing is counted.
    """
    if after and before:
        raise BadCursor("Ask for the older or the newer page, not both.", "before")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadFilter(f"Ask for 1 to {MAX_PAGE_SIZE} events a page.", "page_size")
    check_actor(uow, log, event_filter)
    statement = select(*COLUMNS).where(log.condition(), *event_filter.conditions())
    if before:
        moment, event_id = _position(log, event_filter, before, "before")
        rows = list(uow.session.exec(statement.where(tuple_(LoggedEvent.time, LoggedEvent.id) > (moment, event_id))
                                     .order_by(LoggedEvent.time, LoggedEvent.id).limit(size + 1)).all())
        if len(rows) <= size:  # back at the newest: the first page, whole
            return events_page(uow, log, event_filter, size=size)
        rows = rows[:size][::-1]
        return EventPage(rows, cursor_at(log, event_filter, rows[0]), cursor_at(log, event_filter, rows[-1]))
    if after:
        moment, event_id = _position(log, event_filter, after, "after")
        # One row value: SQLite and PostgreSQL both seek the (log, time, id) index to (t, i).
        statement = statement.where(tuple_(LoggedEvent.time, LoggedEvent.id) < (moment, event_id))
    rows = list(uow.session.exec(statement.order_by(LoggedEvent.time.desc(), LoggedEvent.id.desc())
                                 .limit(size + 1)).all())
    more = len(rows) > size
    rows = rows[:size]
    return EventPage(rows, cursor_at(log, event_filter, rows[0]) if after and rows else None,
                     cursor_at(log, event_filter, rows[-1]) if more else None)


def names_of(uow, user_ids) -> dict[str, dict]:
    """The name and email of each of these users the log knows (one query for a whole page)."""
    wanted = {user_id for user_id in user_ids if user_id}
    if not wanted:
        return {}
    rows = uow.session.exec(select(KnownUser.id, KnownUser.name, KnownUser.email).where(KnownUser.id.in_(wanted)))
    return {row.id: {"name": row.name, "email": row.email} for row in rows}


def actors_of(uow, log: Log) -> list[dict]:
    """Everyone who acted in the log, by name: the User filter's choices."""
    ids = set(uow.session.exec(select(LogActor.user_id).where(LogActor.log.in_(log.actor_logs))).all())
    names = names_of(uow, ids)
    people = [{"user_id": user_id, **names.get(user_id, {"name": "", "email": ""})} for user_id in ids]
    return sorted(people, key=lambda person: ((person["name"] or person["email"]).casefold(), person["user_id"]))


def count_of(uow, event_id: str) -> int:
    """How many times an event id is in the log (once, or not yet)."""
    return uow.session.exec(select(func.count()).where(LoggedEvent.id == event_id)).one()
