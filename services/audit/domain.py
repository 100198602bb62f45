"""The rules of the event log. No Flask here."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from services.common.envelope import Event

from .models import LoggedEvent

PAGE_SIZE = 50


def record(uow, event: Event) -> None:
    """Keep `event` in the log (the inbox already makes a redelivery a no-op)."""
    if uow.get(LoggedEvent, event.id) is not None:
        return
    spec = event.spec
    uow.add(LoggedEvent(id=event.id, type=event.type, code=spec.code, source=spec.source,
                        subject=event.subject or None, time=event.time, provider_id=event.providerid,
                        organization_id=event.orgid, actor_id=event.actorid, ip=event.ip,
                        device=event.devicetype, traceparent=event.traceparent, data=event.data))


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first."""

    events: list[LoggedEvent]
    total: int
    page: int
    pages: int


def events_page(uow, page: int = 1, provider_id: str | None = None, organization_id: str | None = None) -> EventPage:
    """The events of a provider or an organization, newest first, paged by the database."""
    statement = select(LoggedEvent)
    if provider_id is not None:
        statement = statement.where(LoggedEvent.provider_id == provider_id)
    if organization_id is not None:
        statement = statement.where(LoggedEvent.organization_id == organization_id)
    total = uow.session.exec(select(func.count()).select_from(statement.subquery())).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = uow.session.exec(statement.order_by(LoggedEvent.time.desc(), LoggedEvent.id)
                            .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return EventPage(list(rows), total, page, pages)


def count_of(uow, event_id: str) -> int:
    """How many times an event id is in the log (once, or not yet)."""
    return uow.session.exec(select(func.count()).where(LoggedEvent.id == event_id)).one()
