"""Demo sign-up: a provider's staff schedule, list and cancel sessions (orgs says who may); anyone with
the provider's link sees its open sessions and signs up."""
from __future__ import annotations

from pydantic import Field

from services.common.database import utcnow
from services.common.paging import MAX_CURSOR
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, ask, event_context, unit_of_work

from .. import demos
from . import bp


class SessionIn(StrictBody):
    title: str = Field(max_length=1000)
    date: str = Field(max_length=20)
    time: str = Field(max_length=20)
    time_zone: str = Field(max_length=100)
    duration_minutes: int
    capacity: int
    video_link: str = Field(max_length=2000)


class SessionsQuery(StrictQuery):
    when: str = Field(default="upcoming", max_length=20)
    after: str = Field(default="", max_length=MAX_CURSOR)
    before: str = Field(default="", max_length=MAX_CURSOR)


class RegistrationIn(StrictBody):
    name: str = Field(max_length=1000)
    email: str = Field(max_length=1000)
    company: str = Field(max_length=1000)
    company_size: str = Field(max_length=20)
    language: str = Field(default="en", max_length=5)


def _staff(provider_id: str) -> dict:
    """Orgs' answer that the caller may schedule this provider's demos (its refusal, relayed, otherwise)."""
    acting_user()
    return ask("orgs", f"/providers/{provider_id}/actions/schedule_demos")


def _session_json(session, staff: bool = False) -> dict:
    body = {"session_id": session.id, "provider_id": session.provider_id, "provider_name": session.provider_name,
            "title": session.title, "starts_at": session.starts_at.isoformat(),
            "ends_at": session.ends_at.isoformat(), "time_zone": session.time_zone,
            "duration_minutes": session.duration_minutes, "capacity": session.capacity,
            "registered": session.registered, "seats_left": max(0, session.capacity - session.registered),
            "cancelled": session.cancelled_at is not None}
    if staff:  # the meeting's address goes to those who registered (by mail) and to the staff, not to the page
        body.update(video_link=session.video_link, sequence=session.sequence, scheduled_by=session.scheduled_by,
                    cancelled_at=session.cancelled_at.isoformat() if session.cancelled_at else None)
    return body


@bp.post("/providers/<provider_id>/demo-sessions")
@bp.input(SessionIn)
def schedule_demo_session(provider_id: str, json_data: SessionIn):
    """Schedule a demo session of the provider."""
    staff = _staff(provider_id)
    with unit_of_work() as uow:
        session = demos.schedule(uow, staff, demos.SessionDraft(**json_data.model_dump()), utcnow(),
                                 event_context())
    return _session_json(session, staff=True), 201


@bp.get("/providers/<provider_id>/demo-sessions")
@bp.input(SessionsQuery, location="query")
def list_demo_sessions(provider_id: str, query_data: SessionsQuery):
    """One page of the provider's sessions, upcoming (soonest first) or past (latest first), with the cursors
    of the pages around it and the time zone its staff last scheduled in."""
    _staff(provider_id)
    with unit_of_work() as uow:
        rows, previous, following = demos.sessions_page(uow, provider_id, query_data.when, utcnow(),
                                                        query_data.after, query_data.before)
        last_zone = demos.last_time_zone(uow, provider_id)
    return {"sessions": [_session_json(row, staff=True) for row in rows], "previous": previous, "next": following,
            "page_size": demos.PAGE_SIZE, "last_time_zone": last_zone}


@bp.get("/providers/<provider_id>/demo-sessions/<session_id>")
def demo_session_detail(provider_id: str, session_id: str):
    """A session of the provider with everyone registered for it."""
    _staff(provider_id)
    with unit_of_work() as uow:
        session = demos.session_of(uow, provider_id, session_id)
        registrations = demos.registrations_of(uow, session)
    return {**_session_json(session, staff=True), "registrations": [
        {"registration_id": r.id, "name": r.name, "email": r.email, "company": r.company,
         "company_size": r.company_size, "language": r.language, "registered_at": r.registered_at.isoformat()}
        for r in registrations]}


@bp.post("/providers/<provider_id>/demo-sessions/<session_id>/cancel")
def cancel_demo_session(provider_id: str, session_id: str):
    """Cancel a session; everyone registered is mailed the cancellation."""
    _staff(provider_id)
    with unit_of_work() as uow:
        session = demos.cancel(uow, provider_id, session_id, utcnow(), event_context())
    return _session_json(session, staff=True)


@bp.get("/providers/<provider_id>/demo-sessions/open")
def open_demo_sessions(provider_id: str):
    """The sessions of the provider one may still sign up for (public: the provider's link is the key)."""
    with unit_of_work() as uow:
        sessions = demos.open_sessions(uow, provider_id, utcnow())
    return {"sessions": [_session_json(session) for session in sessions]}


@bp.post("/providers/<provider_id>/demo-sessions/<session_id>/registrations")
@bp.input(RegistrationIn)
def register_for_demo(provider_id: str, session_id: str, json_data: RegistrationIn):
    """Take a seat in a session (public); the confirmation and its invitation are mailed."""
    with unit_of_work() as uow:
        registration, session = demos.register(uow, provider_id, session_id,
                                               demos.Registrant(**json_data.model_dump()), utcnow(), event_context())
    return {"registration_id": registration.id, "email": registration.email, "session": _session_json(session)}, 201
