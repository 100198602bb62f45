"""Reading the event log: a filter, and pages of it by keyset, newest first. No Flask here."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import String, bindparam, func, tuple_, type_coerce
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
# What a page reads: every column but the ones only the filters use. The time and the data are read as
# the driver gives them and decoded in `_entry`: SQLAlchemy's generic processors (a regular expression
# per SQLite timestamp, two wrappers per JSON value) were half the cost of a page over its raw SQL.
COLUMNS = (LoggedEvent.id, LoggedEvent.type, LoggedEvent.code, LoggedEvent.source, LoggedEvent.subject,
           type_coerce(LoggedEvent.time, String).label("time"), LoggedEvent.provider_id, LoggedEvent.organization_id,
           LoggedEvent.actor_id, LoggedEvent.ip, LoggedEvent.device,
           type_coerce(LoggedEvent.data, String).label("data"), LoggedEvent.group)


class Entry(NamedTuple):
    """One event of a page, as read."""

    id: str
    type: str
    code: int
    source: str
    subject: str | None
    time: str  # ISO 8601, UTC
    provider_id: str | None
    organization_id: str | None
    actor_id: str | None
    ip: str | None
    device: str | None
    data: dict
    group: str


_raw_decode = json.JSONDecoder().raw_decode


def _decode_json(text: str | bytes):
    # The stored data is json.dumps output (it starts with "{"): raw_decode skips `decode`'s two
    # whitespace regexes, a third of a page's decoding.
    return _raw_decode(text if isinstance(text, str) else text.decode())[0]


def _iso(stamp) -> str:
    """A stored time as ISO 8601 in UTC: what the API answers and a cursor holds, so a row's time is
    never parsed only to be printed again."""
    if isinstance(stamp, datetime):  # PostgreSQL's driver
        return stamp.astimezone(timezone.utc).isoformat()
    if len(stamp) == 26:  # SQLAlchemy's SQLite text: naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff"
        return f"{stamp[:10]}T{stamp[11:]}+00:00"
    parsed = datetime.fromisoformat(stamp)  # written by another hand
    return (parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)).isoformat()


def _entry(row) -> Entry:
    # SQLite gives text (a naive UTC timestamp, JSON); PostgreSQL's driver already gives a datetime and a dict.
    (event_id, kind, code, source, subject, when, provider_id, organization_id, actor_id, ip, device, data,
     group) = row
    when = _iso(when)
    if isinstance(data, (str, bytes)):
        data = _decode_json(data)
    return Entry(event_id, kind, code, source, subject, when, provider_id, organization_id, actor_id, ip, device,
                 data, group)


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
        if end_day > today + timedelta(days=1):  # a day ahead at most: a reader's today may be UTC's tomorrow
            raise BadFilter("To cannot be later than tomorrow.", "end", code="event_log.end_after_tomorrow")
        if end_day < start_day:
            raise BadFilter("To must be on or after From.", "end", code="event_log.end_before_start")
        if start_day < today - timedelta(days=MAX_DAYS_BACK):
            raise BadFilter("No event is kept longer than %(days)s days: choose a later From date.", "start",
                            code="event_log.start_too_early", days=MAX_DAYS_BACK)
        allowed = GROUPS if every_group else SHOWN_GROUPS
        if group and group not in allowed:
            raise BadFilter("Choose an event group from the list.", "group", code="event_log.unknown_group")
        if len(actor_id) > 36:
            raise BadFilter("Choose a user from the list.", "user", code="event_log.unknown_user")
        text = " ".join(text.split())
        if len(text) > MAX_TEXT:
            raise BadFilter("Search for at most %(most)s characters.", "text", code="event_log.text_too_long",
                            most=MAX_TEXT)
        return cls(start_day, end_day, group, actor_id, text.lower(), every_group)

    @cached_property
    def key(self) -> str:
        """A short digest of the filter: a page link of one filter is refused under another."""
        body = json.dumps([self.start.isoformat(), self.end.isoformat(), self.group, self.actor_id, self.text,
                           self.every_group])
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def bounds(self) -> dict[str, datetime]:
        """The range as instants: from the start of `start` (UTC) to the start of the day after `end`."""
        return {"start": datetime.combine(self.start, time(), timezone.utc),
                "end": datetime.combine(self.end + timedelta(days=1), time(), timezone.utc)}


def _day(value: str, field_name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadFilter("Enter a date as YYYY-MM-DD.", field_name, code="date.invalid") from None


@dataclass(frozen=True)
class Log:
    """Whose events: an organization's, a provider's own, or a provider's roll-up with its clients' (`rollup`)."""

    provider_id: str | None = None
    organization_id: str | None = None
    rollup: bool = False
    organizations: tuple[str, ...] = field(default=())  # the roll-up's clients now, whose actors the User filter offers

    @property
    def scope(self) -> str:
        """Whose log a cursor belongs to: a cursor of another log is refused."""
        if self.organization_id is not None:
            return f"organization:{self.organization_id}"
        return f"{'rollup' if self.rollup else 'provider'}:{self.provider_id}"

    @property
    def kind(self) -> str:
        """Which index the log walks: "organization", "provider" or "rollup"."""
        return "organization" if self.organization_id is not None else "rollup" if self.rollup else "provider"

    @property
    def actor_logs(self) -> list[str]:
        """The logs whose actors this one shows."""
        if self.organization_id is not None:
            return [f"organization:{self.organization_id}"]
        return [f"provider:{self.provider_id}"] + [f"organization:{o}" for o in self.organizations]


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first, and the cursors of the newer and older pages around it."""

    events: list
    newer: str | None
    older: str | None


def cursor_at(log: Log, event_filter: EventFilter, event) -> str:
    """The opaque cursor pointing at `event` in `log` under `event_filter`."""
    return encode_cursor([log.scope, event_filter.key, _iso(event.time), event.id])


def _damaged(field_name: str) -> BadCursor:
    return BadCursor(DAMAGED, field_name, code="page_link.damaged_log")


def _position(log: Log, event_filter: EventFilter, cursor: str, field_name: str) -> tuple[datetime, str]:
    """The (time, id) a cursor points at; BadCursor when damaged, of another log, or of another filter."""
    body = decode_cursor(cursor, field_name, _damaged)
    try:
        found_scope, found_filter, when, event_id = body
        when = datetime.fromisoformat(when)
    except (ValueError, TypeError) as error:
        raise _damaged(field_name) from error
    if found_scope != log.scope:
        raise BadCursor("This page link belongs to another event log: start again from the newest events.",
                        field_name, code="page_link.other_log")
    if found_filter != event_filter.key:
        raise BadCursor("This page link belongs to other filters: start again from the newest events.", field_name,
                        code="page_link.other_filters")
    if not isinstance(event_id, str) or when.utcoffset() is None:
        raise _damaged(field_name)
    return when, event_id


def check_actor(uow, log: Log, event_filter: EventFilter) -> None:
    """Refuse a User filter naming someone who never acted in this log (someone else's user id)."""
    if event_filter.actor_id and uow.session.exec(select(LogActor.user_id).where(
            LogActor.log.in_(log.actor_logs), LogActor.user_id == event_filter.actor_id).limit(1)).first() is None:
        raise BadFilter("Choose a user from the list.", "user", code="event_log.unknown_user")


_TIME, _ID = LoggedEvent.time, LoggedEvent.id
_LOGS = {"organization": LoggedEvent.organization_id, "provider": LoggedEvent.provider_id,
         "rollup": LoggedEvent.rollup_provider_id}


@lru_cache(maxsize=128)
def _statement(log_kind: str, groups: str, actor: bool, text: bool, oldest_first: bool):
    """The page query of one shape of filter, with its values as bound parameters.

    Built once per shape and reused, so a page pays for neither building nor compiling it again
    (SQLAlchemy's compiled cache is keyed by the statement, which then is the same object). The
    range is two row values, (time, id) above a lower and below an upper one, whether they come
    from the dates or from a cursor: SQLite and PostgreSQL both seek the (log, [group or actor,]
    time, id) index to one and walk it towards the other, so a page is read, never searched."""
    typed = {"type_": _TIME.type}
    where = [_LOGS[log_kind] == bindparam("log_id"),
             tuple_(_TIME, _ID) > tuple_(bindparam("low_time", **typed), bindparam("low_id")),
             tuple_(_TIME, _ID) < tuple_(bindparam("high_time", **typed), bindparam("high_id"))]
    if groups == "one":
        where.append(LoggedEvent.group == bindparam("group"))
    elif groups == "shown":
        where.append(LoggedEvent.group.in_(SHOWN_GROUPS))
    if actor:
        where.append(LoggedEvent.actor_id == bindparam("actor_id"))
    if text:
        where.append(LoggedEvent.search.like(bindparam("pattern"), escape="\\"))
    order = (_TIME, _ID) if oldest_first else (_TIME.desc(), _ID.desc())
    return select(*COLUMNS).where(*where).order_by(*order).limit(bindparam("limit"))


def _rows(uow, log: Log, event_filter: EventFilter, after: tuple[datetime, str] | None,
          before: tuple[datetime, str] | None, limit: int) -> list:
    """The rows of one page query, as the driver gives them (Core, not the ORM: a page is read, never changed);
    `_entry` decodes the ones a page keeps."""
    groups = "one" if event_filter.group else "all" if event_filter.every_group else "shown"
    statement = _statement(log.kind, groups, bool(event_filter.actor_id), bool(event_filter.text), before is not None)
    bounds = event_filter.bounds()
    # An id is never "", so (day, "") excludes nothing of that instant from the range and nothing before it.
    low, high = (bounds["start"], ""), (bounds["end"], "")
    if after is not None:
        high = min(high, after)
    if before is not None:
        low = max(low, before)
    values = {"log_id": log.organization_id if log.organization_id is not None else log.provider_id,
              "low_time": low[0], "low_id": low[1], "high_time": high[0], "high_id": high[1],
              "group": event_filter.group, "actor_id": event_filter.actor_id, "limit": limit}
    if event_filter.text:
        escaped = event_filter.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values["pattern"] = f"%{escaped}%"
    return uow.session.connection().execute(statement, values).all()


def events_page(uow, log: Log, event_filter: EventFilter, after: str = "", before: str = "",
                size: int = PAGE_SIZE) -> EventPage:
    """A page of the filtered log, newest first: the newest, the one older than the `after` cursor, or the one
    newer than the `before` cursor.

    Each page walks a (log, time, id) index from its cursor, the filter's conditions checked on
    the way: a page among a million events costs what it costs among ten thousand. Nothing is counted.
    """
    if after and before:
        raise BadCursor("Ask for the older or the newer page, not both.", "before", code="page_link.older_and_newer")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadFilter("Ask for 1 to %(most)s events a page.", "page_size", code="event_log.page_size_invalid",
                        most=MAX_PAGE_SIZE)
    if before:
        rows = _rows(uow, log, event_filter, None, _position(log, event_filter, before, "before"), size + 1)
        if len(rows) <= size:  # back at the newest: the first page, whole
            return events_page(uow, log, event_filter, size=size)
        rows = [_entry(row) for row in rows[size - 1::-1]]
        return EventPage(rows, cursor_at(log, event_filter, rows[0]), cursor_at(log, event_filter, rows[-1]))
    at = _position(log, event_filter, after, "after") if after else None
    rows = _rows(uow, log, event_filter, at, None, size + 1)
    if not rows:
        # Only an empty page can hide a User filter naming a stranger: anyone with an event here acted here.
        check_actor(uow, log, event_filter)
    more = len(rows) > size
    rows = [_entry(row) for row in rows[:size]]  # the one beyond only says there is more
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
