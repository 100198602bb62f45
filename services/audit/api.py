"""The audit service's HTTP API."""
from __future__ import annotations

from apiflask import APIBlueprint
from pydantic import Field

from services.common.errors import Forbidden
from services.common.paging import MAX_CURSOR
from services.common.schemas import StrictQuery
from services.common.service_app import ask, unit_of_work

from . import domain

bp = APIBlueprint("audit", __name__)


class PageQuery(StrictQuery):
    after: str = Field(default="", max_length=MAX_CURSOR)  # older than this cursor's event
    before: str = Field(default="", max_length=MAX_CURSOR)  # newer than this cursor's event


def _page_json(found: domain.EventPage) -> dict:
    return {"events": [{"id": e.id, "type": e.type, "code": e.code, "source": e.source, "subject": e.subject,
                        "time": e.time.isoformat(), "provider_id": e.provider_id,
                        "organization_id": e.organization_id, "actor_id": e.actor_id, "ip": e.ip,
                        "device": e.device, "data": e.data} for e in found.events],
            "newer": found.newer, "older": found.older, "page_size": domain.PAGE_SIZE}


@bp.get("/providers/<provider_id>/events")
@bp.input(PageQuery, location="query")
def provider_events(provider_id: str, query_data: PageQuery):
    """The provider's event log, newest first, a page at a time: `newer` and `older` are the cursors
    of the pages around it, to pass as `before` and `after` (provider admins only)."""
    access = ask("orgs", f"/providers/{provider_id}/access")
    if access["role"] != "admin":
        raise Forbidden("Only a provider admin can read the provider's event log.")
    with unit_of_work() as uow:
        return _page_json(domain.events_page(uow, provider_id=provider_id, after=query_data.after,
                                             before=query_data.before))


@bp.get("/organizations/<organization_id>/events")
@bp.input(PageQuery, location="query")
def organization_events(organization_id: str, query_data: PageQuery):
    """An organization's event log, newest first, for those who administer it."""
    ask("orgs", f"/organizations/{organization_id}/access")
    with unit_of_work() as uow:
        return _page_json(domain.events_page(uow, organization_id=organization_id, after=query_data.after,
                                             before=query_data.before))
