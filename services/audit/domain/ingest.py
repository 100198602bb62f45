"""Keeping events in the log: one row each, with what the filters read filled in from the catalogue and data."""
from __future__ import annotations

from sqlalchemy import delete, insert, tuple_, update
from sqlmodel import select

from services.common import provider_events
from services.common.envelope import Event

from ..models import ClientLink, KnownUser, LogActor, LoggedEvent

# The data fields that name someone or something a reader may type into Search.
SEARCHED_FIELDS = ("name", "email", "organization_name", "provider_name", "billing_email", "policy")


def search_text(actor: tuple[str, str] | None, data: dict) -> str:
    """The lower-cased text the free-text filter searches: who acted, and whom or what the event names."""
    parts = list(actor or ())
    parts.extend(str(data[field]) for field in SEARCHED_FIELDS if isinstance(data.get(field), (str, int)))
    # A newline between parts: a search never matches across two names.
    return "\n".join(part for part in parts if part).lower()


def record(uow, event: Event) -> None:
    """Keep `event` in the log (the inbox already makes a redelivery a no-op)."""
    if uow.get(LoggedEvent, event.id) is None:
        record_all(uow, [event])


def record_all(uow, events: list[Event]) -> None:
    """Keep a batch of new events in the log in one statement, and the projections it feeds.

    One row per event as its producer published it; an event already logged makes the whole
    batch fail (the consumer then records each event alone, through `record`). Each event with a
    roll-up provider is copied, in the same transaction, to that provider's subject of the
    integrators' stream (ADR 26): the stream and the "All clients" log agree by construction.
    """
    known = _learn_users(uow, events)
    rollups = _follow_client_links(uow, events)
    uow.session.execute(insert(LoggedEvent.__table__), [_row(event, known, rollup)
                                                        for event, rollup in zip(events, rollups)])
    _note_actors(uow, events)
    uow.publish_all([(provider_events.subject_of(rollup, event.spec), event)
                     for event, rollup in zip(events, rollups) if provider_events.is_provider_id(rollup)])


def _learn_users(uow, events: list[Event]) -> dict[str, tuple[str, str]]:
    """Who the batch's actors are: the users projection, updated first by the batch's own registrations."""
    registered = {event.data["user_id"]: (str(event.data.get("name") or ""), str(event.data.get("email") or ""))
                  for event in events if event.type == "user.registered" and event.data.get("user_id")}
    wanted = {event.actorid for event in events if event.actorid} | set(registered)
    known = {row.id: (row.name, row.email) for row in uow.session.exec(
        select(KnownUser.id, KnownUser.name, KnownUser.email).where(KnownUser.id.in_(wanted)))} if wanted else {}
    for user_id, (name, email) in registered.items():
        if user_id in known:
            uow.session.execute(update(KnownUser).where(KnownUser.id == user_id).values(name=name, email=email))
        else:
            uow.session.execute(insert(KnownUser.__table__), [{"id": user_id, "name": name, "email": email}])
        known[user_id] = (name, email)
    return known


LINKING, UNLINKING = ("org.created", "org.added"), "org.unlinked"


def _follow_client_links(uow, events: list[Event]) -> list[str | None]:
    """Each event's roll-up provider, in stream order, keeping the client links up to date on the way.

    An event that names its provider is that provider's; a client's other events are the provider's
    it was a client of when they happened (the unlinking itself still is)."""
    organizations = {event.orgid for event in events if event.orgid}
    links = {row.organization_id: row.provider_id for row in uow.session.exec(
        select(ClientLink.organization_id, ClientLink.provider_id)
        .where(ClientLink.organization_id.in_(organizations)))} if organizations else {}
    before, rollups = dict(links), []
    for event in events:
        rollups.append(event.providerid or links.get(event.orgid))
        if event.orgid and event.type in LINKING and event.providerid:
            links[event.orgid] = event.providerid
        elif event.orgid and event.type == UNLINKING:
            links.pop(event.orgid, None)
    gone = [organization for organization in before if organization not in links]
    if gone:
        uow.session.execute(delete(ClientLink).where(ClientLink.organization_id.in_(gone)))
    for organization, provider in links.items():
        if organization not in before:
            uow.session.execute(insert(ClientLink.__table__), [{"organization_id": organization,
                                                                "provider_id": provider}])
        elif before[organization] != provider:
            uow.session.execute(update(ClientLink).where(ClientLink.organization_id == organization)
                                .values(provider_id=provider))
    return rollups


def _note_actors(uow, events: list[Event]) -> None:
    """Remember who acted in which log, once: the User filter offers them."""
    pairs = set()
    for event in events:
        if event.actorid:
            pairs.update((log, event.actorid) for log in logs_of(event.orgid, event.providerid))
    if not pairs:
        return
    present = set(uow.session.exec(select(LogActor.log, LogActor.user_id)
                                   .where(tuple_(LogActor.log, LogActor.user_id).in_(list(pairs)))).all())
    missing = [{"log": log, "user_id": user} for log, user in pairs - {tuple(row) for row in present}]
    if missing:
        uow.session.execute(insert(LogActor.__table__), missing)


def logs_of(organization_id: str | None, provider_id: str | None) -> list[str]:
    """The logs an event is part of: its organization's and its provider's."""
    return ([f"organization:{organization_id}"] if organization_id else []) + (
        [f"provider:{provider_id}"] if provider_id else [])


def _row(event: Event, known: dict[str, tuple[str, str]], rollup: str | None) -> dict:
    spec = event.spec
    return {"id": event.id, "type": event.type, "code": spec.code, "source": spec.source,
            "subject": event.subject or None, "time": event.time, "provider_id": event.providerid,
            "organization_id": event.orgid, "actor_id": event.actorid, "ip": event.ip,
            "device": event.devicetype, "traceparent": event.traceparent, "data": event.data,
            "group": spec.group, "search": search_text(known.get(event.actorid), event.data),
            "rollup_provider_id": rollup}
