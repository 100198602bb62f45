"""The audit service's HTTP API: the event logs (filtered, paged), the public API's keys, retention."""
from __future__ import annotations

from apiflask import APIBlueprint
from pydantic import Field

from services.common.errors import Forbidden
from services.common.paging import MAX_CURSOR
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import ask, settings, unit_of_work

from . import domain

bp = APIBlueprint("audit", __name__)


class FilterFields(StrictQuery):
    # Generous bounds: the domain judges each value with a message a person can act on.
    start: str = Field(default="", max_length=100)  # YYYY-MM-DD, UTC; default 30 days before `end`
    end: str = Field(default="", max_length=100)  # YYYY-MM-DD, included; default today
    group: str = Field(default="", max_length=100)
    user: str = Field(default="", max_length=100)  # who acted (a user id)
    text: str = Field(default="", max_length=1000)  # checked against MAX_TEXT with a message of ours
    after: str = Field(default="", max_length=MAX_CURSOR)  # older than this cursor's event
    before: str = Field(default="", max_length=MAX_CURSOR)  # newer than this cursor's event
    page_size: int = domain.PAGE_SIZE
    actors: bool = False  # also answer who acted in the log (the User filter's choices)


class ProviderFilterFields(FilterFields):
    client: str = Field(default="", max_length=100)  # "" the provider's own events, "all" with every client's, or one


class RetentionIn(StrictBody):
    retention_days: int


class PublicQuery(StrictBody):
    client_id: str = Field(max_length=100)
    client_secret: str = Field(max_length=100)
    start: str = Field(default="", max_length=100)
    end: str = Field(default="", max_length=100)
    group: str = Field(default="", max_length=100)
    acting_user_id: str = Field(default="", max_length=100)
    text: str = Field(default="", max_length=1000)
    continuation_token: str = Field(default="", max_length=MAX_CURSOR)


def event_json(event, names: dict) -> dict:
    """One event as the gateway and integrators read it, with who acted named."""
    return {"id": event.id, "type": event.type, "code": event.code, "group": event.group, "source": event.source,
            "subject": event.subject, "time": event.time, "provider_id": event.provider_id,
            "organization_id": event.organization_id, "actor_id": event.actor_id,
            "actor": names.get(event.actor_id), "ip": event.ip, "device": event.device, "data": event.data}


def _answer(uow, log: domain.Log, query: FilterFields) -> dict:
    event_filter = domain.EventFilter.parse(query.start, query.end, query.group, query.user, query.text)
    found = domain.events_page(uow, log, event_filter, query.after, query.before, query.page_size)
    names = domain.names_of(uow, {event.actor_id for event in found.events})
    body = {"events": [event_json(event, names) for event in found.events], "newer": found.newer,
            "older": found.older, "page_size": query.page_size, "start": event_filter.start.isoformat(),
            "end": event_filter.end.isoformat()}
    if query.actors:
        body["actors"] = domain.actors_of(uow, log)
    return body


def _may_read_organization_log(organization_id: str) -> None:
    access = ask("orgs", f"/organizations/{organization_id}/access")
    if "read_event_logs" not in access.get("may", ()):
        raise Forbidden("Only owners, admins, members allowed to access event logs and the provider's staff can "
                        "read this event log.", code="event_log.read_forbidden")


@bp.get("/organizations/<organization_id>/events")
@bp.input(FilterFields, location="query")
def organization_events(organization_id: str, query_data: FilterFields):
    """A page of an organization's event log, filtered, newest first: `newer` and `older` are the cursors of
    the pages around it, to pass as `before` and `after` with the same filters."""
    _may_read_organization_log(organization_id)
    with unit_of_work() as uow:
        return _answer(uow, domain.Log(organization_id=organization_id), query_data)


@bp.get("/providers/<provider_id>/events")
@bp.input(ProviderFilterFields, location="query")
def provider_events(provider_id: str, query_data: ProviderFilterFields):
    """A page of the provider's event log (provider admins only): its own events, with its clients' too when
    `client` is "all" (each as it happened while the organization was its client), or one client's."""
    access = ask("orgs", f"/providers/{provider_id}/access")
    if access["role"] != "admin":
        raise Forbidden("Only a provider admin can read the provider's event log.",
                        code="event_log.provider_admin_only")
    log = domain.Log(provider_id=provider_id)
    if query_data.client:
        clients = tuple(c["organization_id"] for c in ask("orgs", f"/providers/{provider_id}/log-clients")["clients"])
        if query_data.client == "all":
            log = domain.Log(provider_id=provider_id, rollup=True, organizations=clients)
        elif query_data.client in clients:
            log = domain.Log(organization_id=query_data.client)
        else:
            raise domain.BadFilter("Choose a client from the list.", "client", code="event_log.unknown_client")
    with unit_of_work() as uow:
        return _answer(uow, log, query_data)


def _may_manage_settings(organization_id: str) -> None:
    access = ask("orgs", f"/organizations/{organization_id}/access")
    if "manage_event_log_settings" not in access.get("may", ()):
        raise Forbidden("Only the organization's owners and its provider's staff can manage its API key and "
                        "how long its events are kept.", code="event_log.settings_forbidden")


def _key_json(row) -> dict:
    if row is None:
        return {"client_id": None, "created_at": None, "rotated_at": None}
    return {"client_id": row.client_id, "created_at": row.created_at.isoformat(),
            "rotated_at": row.rotated_at.isoformat() if row.rotated_at else None}


@bp.get("/organizations/<organization_id>/log-settings")
def log_settings(organization_id: str):
    """The organization's API key (never its secret) and how long its events are kept."""
    _may_manage_settings(organization_id)
    with unit_of_work() as uow:
        return {"api_key": _key_json(domain.api_key(uow, organization_id)),
                "retention_days": domain.retention_days(uow, organization_id, settings().event_retention_days),
                "default_retention_days": settings().event_retention_days,
                "min_retention_days": domain.MIN_RETENTION_DAYS, "max_retention_days": domain.MAX_RETENTION_DAYS}


@bp.put("/organizations/<organization_id>/log-settings/retention")
@bp.input(RetentionIn)
def change_retention(organization_id: str, json_data: RetentionIn):
    """Keep the organization's events this many days; the worker deletes older ones."""
    _may_manage_settings(organization_id)
    with unit_of_work() as uow:
        return {"retention_days": domain.set_retention(uow, organization_id, json_data.retention_days)}


@bp.post("/organizations/<organization_id>/api-key")
def issue_api_key(organization_id: str):
    """Make or rotate the organization's API key: the secret is in this answer only."""
    _may_manage_settings(organization_id)
    with unit_of_work() as uow:
        key = domain.issue(uow, organization_id)
    return {"client_id": key.client_id, "client_secret": key.client_secret, "created_at": key.created_at.isoformat(),
            "rotated_at": key.rotated_at.isoformat() if key.rotated_at else None}, 201


@bp.post("/public/events")
@bp.input(PublicQuery)
def public_events(json_data: PublicQuery):
    """A page of the events of the organization whose API key the body holds (the public API, through the
    gateway): every group, 1,000 at most, older pages by `continuation_token`."""
    with unit_of_work() as uow:
        organization_id = domain.authenticate(uow, json_data.client_id, json_data.client_secret)
    with unit_of_work() as uow:
        log = domain.Log(organization_id=organization_id)
        event_filter = domain.EventFilter.parse(json_data.start, json_data.end, json_data.group,
                                                json_data.acting_user_id, json_data.text, every_group=True)
        found = domain.events_page(uow, log, event_filter, after=json_data.continuation_token,
                                   size=domain.MAX_PAGE_SIZE)
        names = domain.names_of(uow, {event.actor_id for event in found.events})
        return {"organization_id": organization_id, "events": [event_json(e, names) for e in found.events],
                "continuation_token": found.older}

