"""The Password Manager: what the user may see in their organizations' vaults."""
from __future__ import annotations

from flask import Blueprint, g

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required
from ..backends import backends, caller
from ..crypto import EncStringError
from ..render import render
from .org_vault import readable_item

bp = Blueprint("vault", __name__)


@bp.get("/vault")
@login_required
def vault():
    """Items of every organization the user is a confirmed member of, opened with their own key."""
    sections = []
    for membership in backends().orgs.get("/me/memberships", caller())["memberships"]:
        try:
            org_key = keyring.open_member_org_key(membership["wrapped_org_key"], g.vault_session.keys)
            found = backends().orgs.get(f"/organizations/{membership['organization_id']}/items", caller())["items"]
        except (EncStringError, ValueError, ServiceError):
            continue  # a key that does not open, or an organization that no longer answers for this user
        sections.append({"name": membership["name"],
                         "entries": [readable_item(org_key, item) for item in found]})
    return render("pages/vault.html", sections=sections)
