"""Demo sign-up: the live demo sessions a provider's staff schedule, and the end users who sign up.
No Flask here.

Who may schedule, list and cancel is orgs' permission table (`schedule_demos`): the API asks orgs
before it calls these, as it does before an account recovery, and passes its answer in. Signing up
is public: whoever holds the provider's link (`/training/demo?provider=<id>`) may take a seat.

A seat is taken by one conditional UPDATE (`registered = registered + 1 WHERE registered < capacity
AND cancelled_at IS NULL`) whose row count decides: on PostgreSQL the second of two sign-ups for the
last seat waits on the row lock and then finds the condition false; on SQLite the UPDATE takes the
database's write lock. Either way a session never holds more people than its capacity, and a
cancelled session takes nobody.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound
from services.common.paging import BadCursor, Ordering, beyond
from services.common.validation import clean_name, normalize_email

from .models import DemoRegistration, DemoSession

MAX_TITLE = 100
MIN_DURATION, MAX_DURATION = 15, 240
MIN_CAPACITY, MAX_CAPACITY = 1, 500
MAX_VIDEO_LINK = 500
MAX_NAME, MAX_COMPANY = 100, 100
# Bitwarden's own demo form offers these company sizes.
COMPANY_SIZES = ("1-10", "11-50", "51-200", "201-1000", "1000+")
LANGUAGES = ("en", "fr")
PAGE_SIZE = 20
OPEN_LIST_LIMIT = 50  # upcoming sessions the public page lists
WHEN = ("upcoming", "past")
_HTTPS_LINK = re.compile(r"^https://[^\s/?#@]+\.[^\s/?#@]+(?::\d{1,5})?(?:[/?#]\S*)?$", re.IGNORECASE)


class DemoSessionNotFound(NotFound):
    """No such session, or not one of this provider's (which is told the same way, so nothing leaks)."""

    code = "demo.session_not_found"
    template = "This demo session does not exist. Choose another session."


class SessionFull(Conflict):
    """Every seat is taken."""

    code = "demo.session_full"
    template = "This demo session is full. Choose another session."


class SessionCancelled(Conflict):
    """The session was cancelled (sign-ups and a second cancellation are refused)."""

    code = "demo.session_cancelled"
    template = "This demo session was cancelled. Choose another session."


class SessionPast(Conflict):
    """The session has already started."""

    code = "demo.session_past"
    template = "This demo session has already started. Choose another session."


class AlreadyRegistered(Conflict):
    """This email already holds a seat in the session."""

    code = "demo.already_registered"


@dataclass(frozen=True)
class SessionDraft:
    """What the staff member typed: the start as a local date and time in `time_zone`."""

    title: str
    date: str  # YYYY-MM-DD
    time: str  # HH:MM
    time_zone: str
    duration_minutes: int
    capacity: int
    video_link: str


@dataclass(frozen=True)
class Registrant:
    """What an end user typed to sign up."""

    name: str
    email: str
    company: str
    company_size: str
    language: str = "en"


# --- the rules of each field --------------------------------------------------------------------

def session_title(value: str) -> str:
    """A session's title, cleaned; Invalid when empty or longer than 100 characters."""
    title = clean_name(value, "title")
    if not title:
        raise Invalid("Enter a title for the session.", "title", code="demo.title_missing")
    if len(title) > MAX_TITLE:
        raise Invalid("The title must be %(most)s characters or fewer.", "title", code="demo.title_too_long",
                      most=MAX_TITLE)
    return title


def zone(name: str) -> ZoneInfo:
    """The IANA time zone `name` (Europe/Paris); Invalid when the system's zone database does not know it."""
    if not name or name not in _known_zones():
        raise Invalid("Choose a time zone from the list, such as Europe/Paris.", "time_zone",
                      code="demo.time_zone_unknown")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise Invalid("Choose a time zone from the list, such as Europe/Paris.", "time_zone",
                      code="demo.time_zone_unknown") from error


def _known_zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


_ZONES: frozenset[str] | None = None


def start_instant(day: str, clock: str, time_zone: str) -> datetime:
    """The instant (UTC) of the local `day` and `clock` in `time_zone`; Invalid when either is malformed or
    the time does not exist there (skipped when the clocks go forward). A time that happens twice (when they
    go back) is its first occurrence."""
    place = zone(time_zone)
    try:
        local_day = date.fromisoformat(day or "")
    except ValueError:
        raise Invalid("Enter a date as YYYY-MM-DD.", "date", code="date.invalid") from None
    try:
        local_time = time.fromisoformat(clock or "")
    except ValueError:
        raise Invalid("Enter the time as HH:MM.", "time", code="demo.time_invalid") from None
    local = datetime.combine(local_day, local_time.replace(second=0, microsecond=0, tzinfo=None)).replace(
        tzinfo=place)
    instant = local.astimezone(timezone.utc)
    if instant.astimezone(place).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Invalid("%(time)s does not exist on %(date)s in %(zone)s: the clocks change then. Choose another "
                      "time.", "time", code="demo.time_skipped", time=local_time.strftime("%H:%M"),
                      date=local_day.isoformat(), zone=time_zone)
    return instant


def duration(value: int) -> int:
    """Minutes from 15 to 240."""
    if not isinstance(value, int) or not MIN_DURATION <= value <= MAX_DURATION:
        raise Invalid("The duration must be from %(least)s to %(most)s minutes.", "duration_minutes",
                      code="demo.duration_out_of_range", least=MIN_DURATION, most=MAX_DURATION)
    return value


def capacity(value: int) -> int:
    """Seats from 1 to 500."""
    if not isinstance(value, int) or not MIN_CAPACITY <= value <= MAX_CAPACITY:
        raise Invalid("The capacity must be from %(least)s to %(most)s people.", "capacity",
                      code="demo.capacity_out_of_range", least=MIN_CAPACITY, most=MAX_CAPACITY)
    return value


def video_link(value: str) -> str:
    """An https link of at most 500 characters (the meeting's address)."""
    link = (value or "").strip()
    if len(link) > MAX_VIDEO_LINK:
        raise Invalid("The video link must be %(most)s characters or fewer.", "video_link",
                      code="demo.video_link_too_long", most=MAX_VIDEO_LINK)
    if not _HTTPS_LINK.match(link):
        raise Invalid("Enter the video link as an https:// address, such as https://meet.example.com/demo.",
                      "video_link", code="demo.video_link_invalid")
    return link


def registrant_name(value: str) -> str:
    """A registrant's name, cleaned; Invalid when empty or longer than 100 characters."""
    name = clean_name(value)
    if not name:
        raise Invalid("Enter your name.", "name", code="account.name_missing")
    if len(name) > MAX_NAME:
        raise Invalid("Your name must be %(most)s characters or fewer.", "name", code="demo.name_too_long",
                      most=MAX_NAME)
    return name


def company_name(value: str) -> str:
    """The registrant's company, cleaned; Invalid when empty or longer than 100 characters."""
    company = clean_name(value, "company")
    if not company:
        raise Invalid("Enter your company's name.", "company", code="demo.company_missing")
    if len(company) > MAX_COMPANY:
        raise Invalid("The company name must be %(most)s characters or fewer.", "company",
                      code="demo.company_too_long", most=MAX_COMPANY)
    return company


def company_size(value: str) -> str:
    """One of COMPANY_SIZES."""
    if value not in COMPANY_SIZES:
        raise Invalid("Choose your company's size from the list.", "company_size", code="demo.company_size_invalid")
    return value


# --- scheduling and cancelling (staff of the provider, as orgs said) -----------------------------

def _session_event(event_type: str, session: DemoSession, context: dict, **data) -> Event:
    return Event(event_type, {"session_id": session.id, "provider_id": session.provider_id, "title": session.title,
                              "starts_at": session.starts_at.isoformat(), "time_zone": session.time_zone, **data},
                 subject=session.id, providerid=session.provider_id, **context)


def schedule(uow, staff: dict, draft: SessionDraft, now: datetime, context: dict) -> DemoSession:
    """A new session of the provider, for `staff`: orgs' answer that the actor may schedule its demos."""
    title = session_title(draft.title)
    starts_at = start_instant(draft.date, draft.time, draft.time_zone)
    minutes = duration(draft.duration_minutes)
    seats = capacity(draft.capacity)
    link = video_link(draft.video_link)
    if starts_at <= now:
        raise Invalid("Choose a date and time in the future.", "date", code="demo.start_in_past")
    session = DemoSession(provider_id=staff["provider_id"], provider_name=staff["provider_name"][:100], title=title,
                          starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                          time_zone=draft.time_zone, duration_minutes=minutes, capacity=seats, video_link=link,
                          scheduled_by=context.get("actorid") or "")
    uow.add(session)
    uow.publish(_session_event("demo.session.scheduled", session, context, duration_minutes=minutes, capacity=seats))
    uow.commit()
    return session


def session_of(uow, provider_id: str, session_id: str) -> DemoSession:
    """The provider's session `session_id`; DemoSessionNotFound when unknown or another provider's."""
    session = uow.get(DemoSession, session_id) if session_id else None
    if session is None or session.provider_id != provider_id:
        raise DemoSessionNotFound()
    return session


def cancel(uow, provider_id: str, session_id: str, now: datetime, context: dict) -> DemoSession:
    """Cancel a session: nobody more may sign up, and everyone registered is mailed a cancellation."""
    session = session_of(uow, provider_id, session_id)
    if session.cancelled_at is None and session.starts_at <= now:
        raise SessionPast()
    # Conditional, like a sign-up: of two cancellations, or a cancellation and the last sign-up, one decides.
    changed = uow.session.execute(
        update(DemoSession).where(DemoSession.id == session.id, DemoSession.cancelled_at.is_(None))
        .values(cancelled_at=now, sequence=DemoSession.sequence + 1))
    if changed.rowcount != 1:
        raise SessionCancelled()
    uow.session.refresh(session)
    uow.publish(_session_event("demo.session.cancelled", session, context, registrations=session.registered))
    uow.commit()
    return session


def sessions_page(uow, provider_id: str, when: str, now: datetime, after: str = "", before: str = ""):
    """One page of the provider's sessions: `upcoming` (not yet ended, soonest first) or `past` (latest first),
    after or before a cursor; with the cursors of the pages around it."""
    if when not in WHEN:
        raise Invalid("Show upcoming or past sessions.", "when", code="demo.when_invalid")
    if after and before:
        raise BadCursor("Ask for the page after a row or before one, not both.", "before",
                        code="page_link.after_and_before")
    upcoming = when == "upcoming"
    ordering = Ordering("demo_sessions", f"{provider_id}|{when}", "starts_at", not upcoming,
                        (DemoSession.starts_at, DemoSession.id), (str, str))
    statement = select(DemoSession).where(DemoSession.provider_id == provider_id,
                                          DemoSession.ends_at > now if upcoming else DemoSession.ends_at <= now)
    backwards = bool(before)
    cursor = before or after
    if cursor:
        stamp, row_id = ordering.position(cursor, "before" if backwards else "after")
        try:
            position = (datetime.fromisoformat(stamp), row_id)
        except ValueError:
            raise BadCursor("This page link is damaged: start again from the first page.", "after",
                            code="page_link.damaged") from None
        statement = statement.where(beyond(ordering.columns, position, ordering.descending != backwards))
    downwards = ordering.descending != backwards
    order = [column.desc() if downwards else column.asc() for column in ordering.columns]
    rows = list(uow.scalars(statement.order_by(*order).limit(PAGE_SIZE + 1)))
    more, rows = len(rows) > PAGE_SIZE, rows[:PAGE_SIZE]
    if backwards:
        rows.reverse()
        if not more:  # the first page was reached (rows went away meanwhile): show it whole
            return sessions_page(uow, provider_id, when, now)
    has_previous, has_next = (True, True) if backwards else (bool(cursor), more)

    def key(row):
        return (row.starts_at.isoformat(), row.id)
    return (rows, ordering.cursor(key(rows[0])) if has_previous and rows else None,
            ordering.cursor(key(rows[-1])) if has_next and rows else None)


def last_time_zone(uow, provider_id: str) -> str | None:
    """The time zone of the provider's most recently scheduled session (the form's default)."""
    return uow.first(select(DemoSession.time_zone).where(DemoSession.provider_id == provider_id)
                     .order_by(DemoSession.created_at.desc()).limit(1))


def registrations_of(uow, session: DemoSession) -> list[DemoRegistration]:
    """Everyone registered for a session, in the order they signed up (at most its capacity, 500)."""
    return list(uow.scalars(select(DemoRegistration).where(DemoRegistration.session_id == session.id)
                            .order_by(DemoRegistration.registered_at, DemoRegistration.id)))


# --- signing up (public) --------------------------------------------------------------------------

def open_sessions(uow, provider_id: str, now: datetime) -> list[DemoSession]:
    """The provider's sessions one may still sign up for (not started, not cancelled), soonest first;
    full ones too, so the page can say they are full."""
    return list(uow.scalars(select(DemoSession).where(DemoSession.provider_id == provider_id,
                                                      DemoSession.starts_at > now,
                                                      DemoSession.cancelled_at.is_(None))
                            .order_by(DemoSession.starts_at, DemoSession.id).limit(OPEN_LIST_LIMIT)))


def register(uow, provider_id: str, session_id: str, registrant: Registrant, now: datetime,
             context: dict) -> tuple[DemoRegistration, DemoSession]:
    """Take a seat in a session for `registrant`; the confirmation is mailed from the outbox's event."""
    name = registrant_name(registrant.name)
    email = normalize_email(registrant.email)
    company = company_name(registrant.company)
    size = company_size(registrant.company_size)
    language = registrant.language if registrant.language in LANGUAGES else "en"
    session = session_of(uow, provider_id, session_id)
    if session.cancelled_at is not None:
        raise SessionCancelled()
    if session.starts_at <= now:
        raise SessionPast()
    if uow.first(select(DemoRegistration.id).where(DemoRegistration.session_id == session.id,
                                                   DemoRegistration.email == email)) is not None:
        raise _already(email)
    taken = uow.session.execute(
        update(DemoSession).where(DemoSession.id == session.id, DemoSession.registered < DemoSession.capacity,
                                  DemoSession.cancelled_at.is_(None))
        .values(registered=DemoSession.registered + 1))
    if taken.rowcount != 1:
        uow.session.rollback()
        uow.session.refresh(session)
        raise SessionCancelled() if session.cancelled_at is not None else SessionFull()
    registration = DemoRegistration(session_id=session.id, name=name, email=email, company=company,
                                    company_size=size, language=language, registered_at=now)
    uow.add(registration)
    uow.publish(Event("demo.registered", {"registration_id": registration.id, "session_id": session.id,
                                          "provider_id": provider_id, "email": email},
                      subject=registration.id, providerid=provider_id, **context))
    try:
        uow.commit()
    except IntegrityError as error:  # the same address signed up at the same moment, in another request
        raise _already(email) from error
    uow.session.refresh(session)
    return registration, session


def _already(email: str) -> AlreadyRegistered:
    return AlreadyRegistered("%(email)s is already signed up for this session.", "email",
                             code="demo.already_registered", email=email)
