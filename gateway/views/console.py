"""The Admin Console of one organization, as its members or its provider's staff see it."""
from __future__ import annotations

from flask import Blueprint, g

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required
from ..backends import backends, caller
from ..crypto import EncStringError
from ..render import render

bp = Blueprint("console", __name__)


@bp.get("/organizations/<organization_id>")
@login_required
def overview(organization_id: str):
    """The organization's overview: plan, seats, members, and whether its keys open for you."""
    overview = backends().orgs.get(f"/organizations/{organization_id}", caller())
    provider = None
    keys_open = False
    access = overview["access"]
    if access["provider_id"]:
        provider = next((p for p in g.vault_session.providers if p["provider_id"] == access["provider_id"]), None)
        keys_open = _org_key_opens(access, overview)
    try:
        subscription = backends().billing.get(f"/organizations/{organization_id}/subscription", caller())
    except ServiceError:
        subscription = None  # billing applies the creation event asynchronously, or is down
    return render("pages/organization.html", organization=overview, members=overview["members"],
                  provider=provider, keys_open=keys_open, subscription=subscription)


def _org_key_opens(access: dict, overview: dict) -> bool:
    wrapped = backends().orgs.get("/me/providers", caller())["providers"]
    membership = next((p for p in wrapped if p["provider_id"] == access["provider_id"]), None)
    if membership is None:
        return False
    try:
        provider_key = g.vault_session.keys.provider_key(membership["wrapped_provider_key"])
        keyring.open_client_organization(provider_key, access["encrypted_org_key"],
                                         overview["encrypted_private_key"], overview["public_key"])
    except (EncStringError, ValueError):
        return False
    return True


@bp.get("/organizations")
@login_required
def organizations():
    """The organizations the user administers as a member (the Admin Console's start)."""
    found = backends().orgs.get("/me/organizations", caller())["organizations"]
    return render("pages/organizations.html", organizations=found)
