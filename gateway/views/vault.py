"""One's own vault beyond its items: folders, and sharing an item into an organization.

Folder names are sealed with the user key; sharing re-seals an item with the chosen
organization's org key, here, before orgs moves it.
"""
from __future__ import annotations

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError

from .. import keyring
from ..access import login_required
from ..backends import orgs
from ..crypto import EncStringError, SymmetricKey
from ..refusals import refusal_text
from ..render import render, see_other
from ..vault_items import name_to_seal, open_item, reseal
from ..vaults import personal_vault

bp = Blueprint("vault", __name__)
MAX_FOLDER_NAME = 200


def _org_keys() -> list[tuple[dict, SymmetricKey]]:
    """The user's organizations whose key opens for them."""
    opened = []
    for membership in orgs().my_memberships():
        try:
            opened.append((membership, keyring.open_member_org_key(membership["wrapped_org_key"],
                                                                   g.vault_session.keys)))
        except (EncStringError, ValueError):
            continue  # a key that does not open is never shown as if it did
    return opened


@bp.route("/vault/<item_id>/share", methods=["GET", "POST"])
@login_required
def share(item_id: str):
    """Move an item of one's own into an organization: re-sealed with its org key, into collections."""
    try:
        item = orgs().item("/me/items", item_id)
    except NotFound:
        abort(404)
    user_key = g.vault_session.keys.user_key
    name = open_item(user_key, item)["name"]
    choices = []
    for membership, org_key in _org_keys():
        try:
            found = orgs().editable_collections(membership["organization_id"])
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
                orgs().share_item(item_id, organization_id, reseal(item["data"], user_key, org_key),
                                  [c[1] for c in chosen])
            except ServiceError as refusal:
                error = refusal_text(refusal)
            else:
                return see_other(url_for("items.my_vault"), toast=_("%(name)s is now shared.", name=name))
    return render("pages/share_item.html", "partials/share_dialog.html", status=422 if error else 200,
                  item_id=item_id, name=name, choices=[(c[1], c[2]) for c in choices], error=error)


@bp.route("/vault/folders", methods=["GET", "POST"], defaults={"folder_id": None})
@bp.route("/vault/folders/<folder_id>", methods=["GET", "POST"])
@login_required
def folder(folder_id: str | None):
    """The New folder / Edit folder dialog (its name sealed with the user key)."""
    vault = personal_vault()
    names = dict(vault.groups())
    if folder_id and folder_id not in names:
        abort(404)
    name, error = names.get(folder_id, ""), None
    if request.method == "POST":
        name, error = name_to_seal(request.form.get("name") or "", _("Enter the folder's name."))
        if not error and len(name) > MAX_FOLDER_NAME:
            error = _("The name is too long (at most %(count)s characters).", count=MAX_FOLDER_NAME)
        if not error:
            body = {"encrypted_name": vault.key.encrypt_text(name)}
            try:
                orgs().save_folder(folder_id, body)
            except ServiceError as refusal:
                error = refusal_text(refusal)
            else:
                return see_other(url_for("items.my_vault"), toast=_("The folder %(name)s was saved.", name=name))
    return render("pages/folder.html", "partials/folder_dialog.html", status=422 if error else 200,
                  folder_id=folder_id, name=name, error=error)


@bp.post("/vault/folders/<folder_id>/delete")
@login_required
def delete_folder(folder_id: str):
    """Delete a folder; its items stay, in no folder."""
    orgs().delete_folder(folder_id)
    return see_other(url_for("items.my_vault"), toast=_("The folder was deleted; its items are in no folder now."))
