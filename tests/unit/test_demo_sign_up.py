"""Rules of demo sessions and sign-ups, and the calendar invitation they mail."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import select

from services.common.config import Settings
from services.common.errors import DomainError, Invalid, NotFound
from services.identity import demo_mail, demos, models
from services.identity.models import DemoRegistration, DemoSession, IdentityTable
from tests.conftest import TEST_SECRETS

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
CONTEXT = {"actorid": "staff-user", "ip": None, "devicetype": "web", "traceparent": None}
PROVIDER = {"provider_id": str(uuid.uuid4()), "provider_name": "Acme MSP", "role": "service_user"}
SETTINGS = Settings.from_env("identity", {**TEST_SECRETS, "MAIL_SENDER": "Acme Training <training@msp.example>",
                                          "CUSTODIAN_PUBLIC_URL": "https://portal.example"})


@pytest.fixture
def uow(make_uow):
    return make_uow(models, IdentityTable)


def draft(**changes) -> demos.SessionDraft:
    values = {"title": "Password manager tour", "date": "2026-12-10", "time": "14:00", "time_zone": "Europe/Paris",
              "duration_minutes": 45, "capacity": 2, "video_link": "https://meet.example.com/tour"}
    return demos.SessionDraft(**{**values, **changes})


def person(email="ada@acme.example", **changes) -> demos.Registrant:
    values = {"name": "Ada Lovelace", "email": email, "company": "Acme Dental", "company_size": "11-50",
              "language": "en"}
    return demos.Registrant(**{**values, **changes})


def scheduled(uow, **changes) -> DemoSession:
    with uow() as unit:
        return demos.schedule(unit, PROVIDER, draft(**changes), NOW, CONTEXT)


def rows(uow, model) -> list:
    with uow() as unit:
        return list(unit.scalars(select(model)))


def outbox_types(uow) -> list[str]:
    with uow() as unit:
        return [row.subject for row in unit.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.seq))]


# --- scheduling -----------------------------------------------------------------------------------

def test_a_session_is_stored_in_utc_with_the_zone_it_was_chosen_in(uow):
    session = scheduled(uow)
    assert session.starts_at == datetime(2026, 12, 10, 13, 0, tzinfo=timezone.utc)  # 14:00 in Paris in winter
    assert session.ends_at - session.starts_at == timedelta(minutes=45)
    assert (session.time_zone, session.provider_name, session.scheduled_by) == ("Europe/Paris", "Acme MSP",
                                                                                "staff-user")
    assert outbox_types(uow) == ["identity.demo.session.scheduled"]


def test_summer_time_is_the_zones_summer_offset(uow):
    session = scheduled(uow, date="2027-07-01", time="09:30", time_zone="America/New_York")
    assert session.starts_at == datetime(2027, 7, 1, 13, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("changes, field, code", [
    ({"title": " "}, "title", "demo.title_missing"),
    ({"title": "t" * 101}, "title", "demo.title_too_long"),
    ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "demo.time_zone_unknown"),
    ({"time_zone": ""}, "time_zone", "demo.time_zone_unknown"),
    ({"date": "10/12/2026"}, "date", "date.invalid"),
    ({"time": "2pm"}, "time", "demo.time_invalid"),
    ({"date": "2027-03-28", "time": "02:30"}, "time", "demo.time_skipped"),  # Paris skips 02:00-03:00
    ({"date": "2026-11-30"}, "date", "demo.start_in_past"),
    ({"duration_minutes": 14}, "duration_minutes", "demo.duration_out_of_range"),
    ({"duration_minutes": 241}, "duration_minutes", "demo.duration_out_of_range"),
    ({"capacity": 0}, "capacity", "demo.capacity_out_of_range"),
    ({"capacity": 501}, "capacity", "demo.capacity_out_of_range"),
    ({"video_link": "http://meet.example.com/tour"}, "video_link", "demo.video_link_invalid"),
    ({"video_link": "javascript:alert(1)"}, "video_link", "demo.video_link_invalid"),
    ({"video_link": "https://meet.example.com/" + "a" * 480}, "video_link", "demo.video_link_too_long"),
])
def test_a_bad_session_is_refused_with_its_field_and_nothing_is_written(uow, changes, field, code):
    with uow() as unit, pytest.raises(Invalid) as refusal:
        demos.schedule(unit, PROVIDER, draft(**changes), NOW, CONTEXT)
    assert (refusal.value.field, refusal.value.code) == (field, code)
    assert rows(uow, DemoSession) == [] and outbox_types(uow) == []


def test_the_limits_themselves_are_allowed(uow):
    session = scheduled(uow, title="t" * 100, duration_minutes=240, capacity=500,
                        video_link="https://meet.example.com/" + "a" * 475)
    assert (len(session.title), session.duration_minutes, session.capacity) == (100, 240, 500)


# --- signing up -----------------------------------------------------------------------------------

def test_a_sign_up_takes_a_seat_and_raises_the_event_that_mails_it(uow):
    session = scheduled(uow)
    with uow() as unit:
        registration, after = demos.register(unit, PROVIDER["provider_id"], session.id,
                                             person(email=" Ada@Acme.Example "), NOW, CONTEXT)
    assert registration.email == "ada@acme.example" and after.registered == 1
    assert outbox_types(uow)[-1] == "identity.demo.registered"


def refused(uow, session_id, registrant, provider_id=None, now=NOW) -> DomainError:
    with uow() as unit, pytest.raises(DomainError) as refusal:
        demos.register(unit, provider_id or PROVIDER["provider_id"], session_id, registrant, now, CONTEXT)
    return refusal.value


def test_a_full_session_refuses_the_next_person_and_writes_nothing(uow):
    session = scheduled(uow, capacity=1)
    with uow() as unit:
        demos.register(unit, PROVIDER["provider_id"], session.id, person(), NOW, CONTEXT)
    error = refused(uow, session.id, person(email="bob@acme.example"))
    assert (error.code, error.status) == ("demo.session_full", 409)
    assert [r.email for r in rows(uow, DemoRegistration)] == ["ada@acme.example"]
    assert rows(uow, DemoSession)[0].registered == 1
    assert outbox_types(uow).count("identity.demo.registered") == 1


def test_the_same_email_cannot_sign_up_twice_for_a_session(uow):
    session = scheduled(uow)
    with uow() as unit:
        demos.register(unit, PROVIDER["provider_id"], session.id, person(), NOW, CONTEXT)
    error = refused(uow, session.id, person(email="ADA@acme.example"))
    assert (error.code, error.params, error.field) == ("demo.already_registered", {"email": "ada@acme.example"},
                                                       "email")
    assert rows(uow, DemoSession)[0].registered == 1


def test_an_unknown_session_and_another_providers_session_are_refused_alike(uow):
    session = scheduled(uow)
    assert refused(uow, str(uuid.uuid4()), person()).code == "demo.session_not_found"
    other = refused(uow, session.id, person(), provider_id=str(uuid.uuid4()))
    assert isinstance(other, NotFound) and other.code == "demo.session_not_found"
    assert rows(uow, DemoRegistration) == []


def test_a_session_that_started_refuses_sign_ups(uow):
    session = scheduled(uow)
    assert refused(uow, session.id, person(), now=session.starts_at).code == "demo.session_past"


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"), ({"name": "n" * 101}, "name"), ({"email": "not an email"}, "email"),
    ({"company": " "}, "company"), ({"company": "c" * 101}, "company"), ({"company_size": "huge"}, "company_size"),
])
def test_a_bad_sign_up_names_its_field_and_takes_no_seat(uow, changes, field):
    session = scheduled(uow)
    assert refused(uow, session.id, person(**changes)).field == field
    assert rows(uow, DemoRegistration) == [] and rows(uow, DemoSession)[0].registered == 0


def test_an_unknown_language_mails_in_english(uow):
    session = scheduled(uow)
    with uow() as unit:
        registration, _ = demos.register(unit, PROVIDER["provider_id"], session.id, person(language="de"), NOW,
                                         CONTEXT)
    assert registration.language == "en"


def test_capacity_holds_when_many_sign_up_at_once(uow):
    session = scheduled(uow, capacity=3)
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def sign_up(n: int) -> None:
        start.wait()
        try:
            with uow() as unit:
                demos.register(unit, PROVIDER["provider_id"], session.id, person(email=f"p{n}@acme.example"), NOW,
                               CONTEXT)
            outcomes.append("seat")
        except DomainError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["demo.session_full"] * 5 + ["seat"] * 3
    assert len(rows(uow, DemoRegistration)) == 3 and rows(uow, DemoSession)[0].registered == 3


# --- cancelling -----------------------------------------------------------------------------------

def test_a_cancelled_session_raises_its_sequence_and_refuses_sign_ups_and_a_second_cancel(uow):
    session = scheduled(uow)
    with uow() as unit:
        demos.register(unit, PROVIDER["provider_id"], session.id, person(), NOW, CONTEXT)
    with uow() as unit:
        cancelled = demos.cancel(unit, PROVIDER["provider_id"], session.id, NOW, CONTEXT)
    assert cancelled.sequence == 1 and cancelled.cancelled_at is not None
    assert outbox_types(uow)[-1] == "identity.demo.session.cancelled"
    assert refused(uow, session.id, person(email="late@acme.example")).code == "demo.session_cancelled"
    with uow() as unit, pytest.raises(DomainError) as again:
        demos.cancel(unit, PROVIDER["provider_id"], session.id, NOW, CONTEXT)
    assert again.value.code == "demo.session_cancelled"


def test_another_provider_cannot_cancel_a_session(uow):
    session = scheduled(uow)
    with uow() as unit, pytest.raises(NotFound):
        demos.cancel(unit, str(uuid.uuid4()), session.id, NOW, CONTEXT)
    assert rows(uow, DemoSession)[0].cancelled_at is None


# --- the list the staff pages through ---------------------------------------------------------------

def test_upcoming_sessions_page_soonest_first_and_past_ones_latest_first(uow, monkeypatch):
    monkeypatch.setattr(demos, "PAGE_SIZE", 2)
    for day in (3, 5, 4, 6, 7):
        scheduled(uow, date=f"2026-12-{day:02d}")
    later = datetime(2026, 12, 5, 23, 0, tzinfo=timezone.utc)
    with uow() as unit:
        first, previous, following = demos.sessions_page(unit, PROVIDER["provider_id"], "upcoming", NOW)
        second, back, onward = demos.sessions_page(unit, PROVIDER["provider_id"], "upcoming", NOW, after=following)
        again, _, _ = demos.sessions_page(unit, PROVIDER["provider_id"], "upcoming", NOW, before=back)
        past, _, _ = demos.sessions_page(unit, PROVIDER["provider_id"], "past", later)
    assert [s.starts_at.day for s in first] == [3, 4] and previous is None
    assert [s.starts_at.day for s in second] == [5, 6] and onward
    assert [s.starts_at.day for s in again] == [3, 4]
    assert [s.starts_at.day for s in past] == [5, 4]
    with uow() as unit, pytest.raises(Invalid) as other_list:
        demos.sessions_page(unit, PROVIDER["provider_id"], "past", NOW, after=following)
    assert other_list.value.code == "page_link.other_list"


# --- the calendar invitation ------------------------------------------------------------------------

def signed_up(uow, language="en", **changes) -> tuple[DemoSession, DemoRegistration]:
    session = scheduled(uow, **changes)
    with uow() as unit:
        registration, session = demos.register(unit, PROVIDER["provider_id"], session.id,
                                               person(language=language), NOW, CONTEXT)
    return session, registration


def test_the_invitation_names_the_slot_in_its_zone_with_its_vtimezone_and_a_reminder(uow):
    session, registration = signed_up(uow)
    mail = demo_mail.confirmation(SETTINGS, session, registration, NOW)
    assert (mail.attachment.maintype, mail.attachment.subtype, mail.attachment.params) == (
        "text", "calendar", {"method": "REQUEST"})
    calendar = Calendar.from_ical(mail.attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.events[0]
    assert event.start == datetime(2026, 12, 10, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert event["DTSTART"].params["TZID"] == "Europe/Paris" and event["DTEND"].params["TZID"] == "Europe/Paris"
    assert event.end - event.start == timedelta(minutes=45)
    assert [tz["TZID"] for tz in calendar.timezones] == ["Europe/Paris"]
    assert calendar.get_missing_tzids() == set()
    assert str(event["UID"]) == f"demo-{session.id}@custodian" and event["SEQUENCE"] == 0
    assert (str(event["SUMMARY"]), str(event["STATUS"])) == ("Password manager tour", "CONFIRMED")
    assert str(event["LOCATION"]) == str(event["URL"]) == "https://meet.example.com/tour"
    assert str(event["ORGANIZER"]) == "mailto:training@msp.example"
    assert event["ORGANIZER"].params["CN"] == "Acme Training"
    assert str(event["ATTENDEE"]) == "mailto:ada@acme.example" and event["ATTENDEE"].params["CN"] == "Ada Lovelace"
    alarm = event.subcomponents[0]
    assert (alarm.name, str(alarm["ACTION"]), alarm["TRIGGER"].dt) == ("VALARM", "DISPLAY", timedelta(minutes=-15))
    assert "Thursday, December 10, 2026 at 14:00 (Europe/Paris, UTC+01:00)" in mail.body
    assert "https://meet.example.com/tour" in mail.body and mail.to == "ada@acme.example"


def test_the_cancellation_has_the_same_uid_a_higher_sequence_and_is_cancelled(uow):
    session, registration = signed_up(uow)
    request = Calendar.from_ical(demo_mail.confirmation(SETTINGS, session, registration, NOW).attachment.content)
    with uow() as unit:
        session = demos.cancel(unit, PROVIDER["provider_id"], session.id, NOW, CONTEXT)
    mail = demo_mail.cancellation(SETTINGS, session, registration, NOW)
    assert mail.attachment.params == {"method": "CANCEL"}
    calendar = Calendar.from_ical(mail.attachment.content)
    event = calendar.events[0]
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["UID"] == request.events[0]["UID"]
    assert event["SEQUENCE"] > request.events[0]["SEQUENCE"]
    assert event.start == request.events[0].start
    assert mail.subject == "Cancelled: Password manager tour"
    assert "https://portal.example/training/demo?provider=" + PROVIDER["provider_id"] in mail.body


def test_the_mails_are_in_french_for_a_french_registrant(uow):
    session, registration = signed_up(uow, language="fr", date="2027-07-01", time="09:30")
    mail = demo_mail.confirmation(SETTINGS, session, registration, NOW)
    assert mail.subject == "Inscription confirmée : Password manager tour"
    assert "jeudi 1 juillet 2027 à 09:30 (Europe/Paris, UTC+02:00)" in mail.body
    reminder = Calendar.from_ical(mail.attachment.content).events[0].subcomponents[0]
    assert str(reminder["DESCRIPTION"]) == "Password manager tour commence dans 15 minutes."


def test_every_language_has_every_sentence_with_the_same_placeholders():
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}
    assert set(demo_mail.TEXTS) == set(demos.LANGUAGES)
    for key, english in demo_mail.TEXTS["en"].items():
        assert fields(demo_mail.TEXTS["fr"][key]) == fields(english), key
