"""The Admin Console of one organization, as its members or its provider's staff see it."""
from __future__ import annotations

from flask import Blueprint, g

from services.common.internal_http import ServiceError

from ..access import login_required
from ..backends import backends, caller
from ..org_keys import OrgKeyUnavailable, organization_key
from ..render import render

bp = Blueprint("console", __name__)


@bp.get("/organizations/<organization_id>")
@login_required
def overview(organization_id: str):
    """The organization's overview: plan, seats, members, and whether its keys open for you."""
    overview = backends().orgs.get(f"/organizations/{organization_id}", caller())
    access = overview["access"]
    provider = next((p for p in g.vault_session.providers if p["provider_id"] == access["provider_id"]), None)
    keys_open = _org_key_opens(overview)
    if access["provider_id"]:
        backends().orgs.post(f"/organizations/{organization_id}/provider-access", caller())
    try:
        subscription = backends().billing.get(f"/organizations/{organization_id}/subscription", caller())
    except ServiceError:
        subscription = None  # billing applies the creation event asynchronously, or is down
    return render("pages/organization.html", organization=overview, members=overview["members"],
                  provider=provider, keys_open=keys_open, subscription=subscription)


def _org_key_opens(overview: dict) -> bool:
    try:
        organization_key(overview)
    except OrgKeyUnavailable:
        return False
    return True


@bp.get("/organizations")
@login_required
def organizations():
    """The organizations the user administers as a member (the Admin Console's start)."""
    found = backends().orgs.get("/me/organizations", caller())["organizations"]
    return render("pages/organizations.html", organizations=found)
