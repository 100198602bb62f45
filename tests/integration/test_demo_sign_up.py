"""Demo sign-up on the running system: the provider's staff schedule through the portal, end users sign up
on the public page, the confirmation and the cancellation arrive by real SMTP with their `.ics`."""
from __future__ import annotations

import html
from email.header import decode_header, make_header
import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from services.common.internal_http import ServiceError
from tests.conftest import wait_for
from tests.support import StaffedProvider, Visitor, new_provider_admin, service_backends

NEXT_JANUARY = date(date.today().year + 1, 1, 14).isoformat()  # always ahead, always winter in New York


@pytest.fixture(scope="module")
def staffed(system):
    """A provider with its admin and a service user, a client, and a plain member of that client."""
    provider = StaffedProvider(system)
    client = provider.client("Demo Dental")
    provider.people = {"admin": provider.admin, "service user": provider.service_user,
                       "client member": provider.member(client, "mia", "user")}
    return provider


def session_body(**changes) -> dict:
    values = {"title": f"Tour {uuid.uuid4().hex[:6]}", "date": NEXT_JANUARY, "time": "09:30",
              "time_zone": "America/New_York", "duration_minutes": 60, "capacity": 10,
              "video_link": "https://meet.example.com/tour"}
    return {**values, **changes}


def schedule(staffed, **changes) -> dict:
    """A session scheduled by the service user through identity's API."""
    return service_backends(staffed.system).identity.post(
        f"/providers/{staffed.provider_id}/demo-sessions", staffed.service_user.caller(), session_body(**changes))


def sign_up_page(system, provider_id: str) -> str:
    return f"/training/demo?provider={provider_id}"


def sign_up(system, provider_id: str, session_id: str, email: str, language: str = "en", **changes):
    visitor = Visitor(system.url, language)
    data = {"name": "Ada Lovelace", "email": email, "company": "Acme Dental", "company_size": "11-50",
            "session_id": session_id, **changes}
    return visitor.submit(sign_up_page(system, provider_id), data)


def registrations(staffed, session_id: str) -> list[dict]:
    return service_backends(staffed.system).identity.get(
        f"/providers/{staffed.provider_id}/demo-sessions/{session_id}", staffed.admin.caller())["registrations"]


def calendar_of(message) -> tuple[str, Calendar]:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


# --- who may schedule -------------------------------------------------------------------------------

@pytest.mark.parametrize("who, allowed", [("admin", True), ("service user", True), ("client member", False)])
def test_provider_admins_and_service_users_schedule_and_a_client_member_cannot(staffed, who, allowed):
    identity = service_backends(staffed.system).identity
    path = f"/providers/{staffed.provider_id}/demo-sessions"
    caller = staffed.people[who].caller()
    if allowed:
        assert identity.post(path, caller, session_body())["provider_id"] == staffed.provider_id
        assert identity.get(path, caller)["sessions"]
    else:
        for call in (lambda: identity.post(path, caller, session_body()), lambda: identity.get(path, caller)):
            with pytest.raises(ServiceError) as refused:
                call()
            assert refused.value.status == 404 and refused.value.code == "provider.not_found"


def test_another_providers_admin_can_neither_schedule_nor_see_nor_cancel(staffed, unique_email):
    session = schedule(staffed)
    stranger, _their_provider = new_provider_admin(staffed.system, unique_email("stranger"), "stranger-pass-42-x")
    identity = service_backends(staffed.system).identity
    base = f"/providers/{staffed.provider_id}/demo-sessions"
    for call in (lambda: identity.post(base, stranger.caller(), session_body()),
                 lambda: identity.get(f"{base}/{session['session_id']}", stranger.caller()),
                 lambda: identity.post(f"{base}/{session['session_id']}/cancel", stranger.caller(), {})):
        with pytest.raises(ServiceError) as refused:
            call()
        assert refused.value.status == 404
    assert not identity.get(f"{base}/{session['session_id']}", staffed.admin.caller())["cancelled"]


def test_the_portal_shows_demo_sessions_to_staff_and_not_to_a_client_member(staffed):
    page = staffed.browsing("service user").get(f"/providers/{staffed.provider_id}/demo-sessions")
    assert page.status_code == 200 and ">Demo sessions</a>" in page.text
    assert f"/training/demo?provider={staffed.provider_id}" in page.text  # the link to share
    assert staffed.browsing("client member").get(
        f"/providers/{staffed.provider_id}/demo-sessions").status_code == 404


# --- scheduling through the portal --------------------------------------------------------------------

def test_an_invalid_new_session_shows_every_field_error_and_schedules_nothing(staffed):
    admin = staffed.browsing("admin")
    before = service_backends(staffed.system).identity.get(
        f"/providers/{staffed.provider_id}/demo-sessions", staffed.admin.caller())["sessions"]
    answer = admin.submit(f"/providers/{staffed.provider_id}/demo-sessions/new", {
        "title": "", "date": "", "time": "", "time_zone": "UTC", "duration_minutes": "5", "capacity": "900",
        "video_link": "http://meet.example.com/x"})
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    for message in ("Enter a title for the session.", "Enter the date.", "Enter the time.",
                    "The duration must be from 15 to 240 minutes.", "The capacity must be from 1 to 500 people.",
                    "Enter the video link as an https:// address"):
        assert message in text, message
    after = service_backends(staffed.system).identity.get(
        f"/providers/{staffed.provider_id}/demo-sessions", staffed.admin.caller())["sessions"]
    assert after == before


def test_a_session_scheduled_in_the_portal_is_listed_in_its_own_time_zone(staffed):
    title = f"Portal tour {uuid.uuid4().hex[:6]}"
    answer = staffed.browsing("service user").submit(f"/providers/{staffed.provider_id}/demo-sessions/new", {
        "title": title, "date": NEXT_JANUARY, "time": "09:30", "time_zone": "America/New_York",
        "duration_minutes": "45", "capacity": "12", "video_link": "https://meet.example.com/portal"},
        allow_redirects=True)
    assert answer.status_code == 200
    row = re.search(rf"<tr>\s*<td><a [^>]+>{title}</a></td>\s*<td>([^<]+)</td>", answer.text)
    assert row and "9:30" in row.group(1) and "(America/New_York)" in row.group(1)
    assert "0 of 12" in answer.text


# --- signing up -----------------------------------------------------------------------------------------

def test_a_visitor_signs_up_and_the_mail_holds_an_ics_of_the_slot_in_its_time_zone(staffed, smtp, unique_email):
    _controller, mailbox = smtp
    session = schedule(staffed)
    page = Visitor(staffed.system.url).get(sign_up_page(staffed.system, staffed.provider_id))
    assert session["title"] in page.text and "10 seats left" in page.text
    email = unique_email("ada")
    answer = sign_up(staffed.system, staffed.provider_id, session["session_id"], email)
    assert answer.status_code == 201 and "Check your inbox" in answer.text

    message = wait_for(lambda: mailbox.to(email), message="the demo confirmation")[-1]
    assert message["Subject"] == f"You are signed up: {session['title']}"
    body = text_of(message)
    assert "09:30 (America/New_York, UTC-05:00)" in body and "https://meet.example.com/tour" in body
    method, calendar = calendar_of(message)
    assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
    event = calendar.events[0]
    assert event.start == datetime.fromisoformat(f"{NEXT_JANUARY}T09:30").replace(tzinfo=ZoneInfo("America/New_York"))
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [zone["TZID"] for zone in calendar.timezones] == ["America/New_York"]
    assert str(event["ATTENDEE"]) == f"mailto:{email}"
    assert [registration["email"] for registration in registrations(staffed, session["session_id"])] == [email]


def test_a_french_visitor_gets_the_mail_in_french(staffed, smtp, unique_email):
    _controller, mailbox = smtp
    session = schedule(staffed)
    email = unique_email("zoe")
    assert sign_up(staffed.system, staffed.provider_id, session["session_id"], email, "fr").status_code == 201
    message = wait_for(lambda: mailbox.to(email), message="the French confirmation")[-1]
    assert str(make_header(decode_header(message["Subject"]))) == f"Inscription confirmée : {session['title']}"
    assert "à 09:30 (America/New_York, UTC-05:00)" in text_of(message)


def test_an_empty_sign_up_shows_every_field_error_and_writes_nothing(staffed):
    session = schedule(staffed)
    answer = Visitor(staffed.system.url).submit(sign_up_page(staffed.system, staffed.provider_id), {
        "name": "", "email": "", "company": "", "company_size": ""})
    assert answer.status_code == 422
    text = html.unescape(answer.text)
    for message in ("Choose a session.", "Enter your name.", "Enter your work email address.",
                    "Enter your company's name.", "Choose your company's size from the list."):
        assert message in text, message
    assert registrations(staffed, session["session_id"]) == []


def test_a_full_session_refuses_the_next_sign_up_clearly_and_writes_nothing(staffed, unique_email):
    session = schedule(staffed, capacity=1)
    first = unique_email("first")
    assert sign_up(staffed.system, staffed.provider_id, session["session_id"], first).status_code == 201
    late = sign_up(staffed.system, staffed.provider_id, session["session_id"], unique_email("late"))
    assert late.status_code == 422 and "This demo session is full. Choose another session." in late.text
    assert [r["email"] for r in registrations(staffed, session["session_id"])] == [first]
    page = Visitor(staffed.system.url).get(sign_up_page(staffed.system, staffed.provider_id)).text
    assert re.search(rf'value="{session["session_id"]}"\s+disabled', page)


def test_the_same_email_cannot_take_two_seats_in_a_session(staffed, unique_email):
    session = schedule(staffed)
    email = unique_email("twice")
    assert sign_up(staffed.system, staffed.provider_id, session["session_id"], email).status_code == 201
    again = sign_up(staffed.system, staffed.provider_id, session["session_id"], email.upper())
    assert again.status_code == 422 and f"{email} is already signed up for this session." in again.text
    assert len(registrations(staffed, session["session_id"])) == 1


def test_without_a_provider_the_page_says_to_ask_for_the_demo_link(system):
    page = Visitor(system.url).get("/training/demo")
    assert page.status_code == 200 and "Ask them for your demo link" in page.text
    assert Visitor(system.url).get("/training/demo?provider=not-an-id").status_code == 404


# --- cancelling -----------------------------------------------------------------------------------------

def test_cancelling_mails_everyone_registered_a_cancel_ics_of_the_same_event(staffed, smtp, unique_email):
    _controller, mailbox = smtp
    session = schedule(staffed)
    people = [unique_email("one"), unique_email("two")]
    for email in people:
        assert sign_up(staffed.system, staffed.provider_id, session["session_id"], email).status_code == 201
    requests_ = {email: calendar_of(wait_for(lambda e=email: mailbox.to(e), message="a confirmation")[-1])[1]
                 for email in people}

    admin = staffed.browsing("admin")
    detail_path = f"/providers/{staffed.provider_id}/demo-sessions/{session['session_id']}"
    detail = admin.get(detail_path)
    assert all(email in detail.text for email in people) and "Cancel session" in detail.text
    cancelled = admin.http.post(f"{staffed.system.url}{detail_path}/cancel",
                                data={"csrf_token": admin.csrf_token(detail.text)})
    assert cancelled.status_code == 200 and "This session is cancelled" in cancelled.text

    for email in people:
        message = wait_for(lambda e=email: len(mailbox.to(e)) >= 2 and mailbox.to(e), message="a cancellation")[-1]
        assert message["Subject"] == f"Cancelled: {session['title']}"
        method, calendar = calendar_of(message)
        event, first = calendar.events[0], requests_[email].events[0]
        assert method == "CANCEL" and calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert event["UID"] == first["UID"] and event["SEQUENCE"] > first["SEQUENCE"]
    late = sign_up(staffed.system, staffed.provider_id, session["session_id"], unique_email("late"))
    assert late.status_code == 422 and "This demo session was cancelled. Choose another session." in late.text
    assert len(registrations(staffed, session["session_id"])) == 2
