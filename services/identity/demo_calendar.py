"""The calendar invitation (`.ics`, RFC 5545, made with icalendar) mailed with a demo sign-up.

One UID per session, so a calendar that took the invitation applies the cancellation to the same
event: METHOD:REQUEST with the session's SEQUENCE when someone signs up, METHOD:CANCEL with the
higher SEQUENCE the cancellation gave it. DTSTART and DTEND carry the session's TZID, and the
VTIMEZONE that defines it travels in the same file (icalendar makes it from the zone database),
so the event lands at the right hour in any calendar, whatever zone its reader is in.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from .models import DemoRegistration, DemoSession

PRODID = "-//Custodian//Demo sign-up//EN"
REMINDER = timedelta(minutes=15)


def uid(session: DemoSession) -> str:
    """The session's event UID, the same in every invitation and cancellation of it."""
    return f"demo-{session.id}@custodian"


def _address(email: str, name: str | None, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.upper().replace("_", "-")] = vText(value)
    return address


def invitation(session: DemoSession, registration: DemoRegistration, sender: str, description: str,
               reminder: str, now: datetime | None = None) -> bytes:
    """The `.ics` of a confirmed seat (METHOD:REQUEST), or of a cancelled session (METHOD:CANCEL) when
    the session is cancelled. `sender` is the mail's From (the ORGANIZER); `description` and `reminder`
    are in the registrant's language."""
    cancelled = session.cancelled_at is not None
    place = ZoneInfo(session.time_zone)
    start = session.starts_at.astimezone(place)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", now or datetime.now(timezone.utc))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=session.duration_minutes))
    event.add("summary", session.title)
    event.add("description", description)
    event.add("location", session.video_link)
    event.add("url", session.video_link)
    organizer_name, organizer_email = parseaddr(sender)
    event.add("organizer", _address(organizer_email, organizer_name or session.provider_name))
    event.add("attendee", _address(registration.email, registration.name, role="REQ-PARTICIPANT",
                                   partstat="ACCEPTED", rsvp="FALSE"))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if not cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", -REMINDER)
        alarm.add("description", reminder)
        event.add_component(alarm)
    calendar.add_component(event)
    # The zone's rules around the session only: a VTIMEZONE from 1970 would be long and say nothing more.
    calendar.add_missing_timezones(first_date=(start - timedelta(days=366)).date(),
                                   last_date=(start + timedelta(days=366)).date())
    return calendar.to_ical()
