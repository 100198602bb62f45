"""The Password Manager: the user's own items, and what they may see in their organizations.

Own items are sealed with the user key; sharing one re-seals it with the chosen organization's
org key, here, before orgs moves it.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required
from ..backends import backends, caller
from ..crypto import EncStringError, SymmetricKey
from ..render import render, see_other
from .org_vault import item_from_form, readable_item, reseal

bp = Blueprint("vault", __name__)


def _org_keys() -> list[tuple[dict, SymmetricKey]]:
    """The user's organizations whose key opens for them."""
    opened = []
    for membership in backends().orgs.get("/me/memberships", caller())["memberships"]:
        try:
            opened.append((membership, keyring.open_member_org_key(membership["wrapped_org_key"],
                                                                   g.vault_session.keys)))
        except (EncStringError, ValueError):
            continue  # a key that does not open is never shown as if it did
    return opened


@bp.get("/vault")
@login_required
def vault():
    """The user's own items, then those of every organization they are a confirmed member of."""
    user_key = g.vault_session.keys.user_key
    own = [readable_item(user_key, {**item, "collection_ids": [], "permission": "manage", "passwords_hidden": False})
           for item in backends().orgs.get("/me/items", caller())["items"]]
    sections = []
    for membership, org_key in _org_keys():
        try:
            found = backends().orgs.get(f"/organizations/{membership['organization_id']}/items", caller())["items"]
        except ServiceError:
            continue
        sections.append({"name": membership["name"], "entries": [readable_item(org_key, i) for i in found]})
    return render("pages/vault.html", own=own, sections=sections)


@bp.route("/vault/new", methods=["GET", "POST"])
@login_required
def new_item():
    """A new item of one's own, sealed with the user key."""
    values, error = {"type": "login", "name": "", "username": "", "password": "", "uri": "", "notes": ""}, None
    if request.method == "POST":
        values = {key: request.form.get(key, "")[:10_000] for key in values}
        if not values["name"].strip():
            error = _("Enter the item's name.")
        else:
            item_type, data = item_from_form(g.vault_session.keys.user_key, values)
            try:
                backends().orgs.post("/me/items", caller(), {"type": item_type, "data": data})
            except ServiceError as refusal:
                error = _(refusal.message)
            else:
                return see_other(url_for("vault.vault"), toast=_("%(name)s was saved.", name=values["name"].strip()))
    return render("pages/org_item_new.html", "partials/org_item_dialog.html", status=422 if error else 200,
                  values=values, collections=None, error=error, action=url_for("vault.new_item"),
                  cancel=url_for("vault.vault"))


@bp.route("/vault/<item_id>/share", methods=["GET", "POST"])
@login_required
def share(item_id: str):
    """Move an item of one's own into an organization: re-sealed with its org key, into collections."""
    item = next((i for i in backends().orgs.get("/me/items", caller())["items"] if i["item_id"] == item_id), None)
    if item is None:
        abort(404)
    user_key = g.vault_session.keys.user_key
    name = readable_item(user_key, {**item, "collection_ids": [], "permission": "manage",
                                    "passwords_hidden": False})["name"]
    choices = []
    for membership, org_key in _org_keys():
        try:
            found = backends().orgs.get(f"/organizations/{membership['organization_id']}/collections/editable",
                                        caller())["collections"]
        except ServiceError:
            continue
        for collection in found:
            choices.append((membership["organization_id"], collection["collection_id"],
                            f"{membership['name']} / {org_key.decrypt_text(collection['encrypted_name'])}", org_key))
    error = None
    if request.method == "POST":
        chosen = [c for c in choices if c[1] in request.form.getlist("collection_ids")]
        organizations = {c[0] for c in chosen}
        if not chosen or len(organizations) != 1:
            error = _("Choose one or more collections of one organization.")
        else:
            organization_id, org_key = chosen[0][0], chosen[0][3]
            try:
                backends().orgs.post(f"/me/items/{item_id}/share", caller(), {
                    "organization_id": organization_id, "data": reseal(item["data"], user_key, org_key),
                    "collection_ids": [c[1] for c in chosen]})
            except ServiceError as refusal:
                error = _(refusal.message)
            else:
                return see_other(url_for("vault.vault"), toast=_("%(name)s is now shared.", name=name))
    return render("pages/share_item.html", "partials/share_dialog.html", status=422 if error else 200,
                  item_id=item_id, name=name, choices=[(c[1], c[2]) for c in choices], error=error)
