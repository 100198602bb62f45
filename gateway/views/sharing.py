"""Groups and collections in an organization's Admin Console.

Collection names are encrypted here with the org key before they reach orgs, and decrypted
here for display: the orgs service only ever holds their ciphertext.
"""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.common.internal_http import ServiceError

from ..access import login_required, provider_through
from ..backends import orgs
from ..crypto import EncStringError
from ..org_keys import OrgKeyUnavailable, organization_key
from ..refusals import refusal_text
from ..render import htmx, render, see_other
from ..vault_items import name_to_seal

bp = Blueprint("sharing", __name__)
ACCESS_LEVELS = [("view", _l("Can view")), ("view_except_passwords", _l("Can view, except passwords")),
                 ("edit", _l("Can edit")), ("edit_except_passwords", _l("Can edit, except passwords")),
                 ("manage", _l("Can manage"))]


def _organization(organization_id: str) -> tuple[dict, dict | None]:
    organization = orgs().organization(organization_id)
    provider = provider_through(organization)
    return organization, provider


def _people(organization_id: str) -> list[dict]:
    """Every member not revoked, for choosing group members and access (first 50 by email)."""
    found = orgs().members(organization_id, sort="email")
    return [m for m in found["members"] if m["status"] != "revoked"]


# --- groups --------------------------------------------------------------------------------------

@bp.get("/organizations/<organization_id>/groups")
@login_required
def groups(organization_id: str):
    """The organization's groups and who is in each."""
    organization, provider = _organization(organization_id)
    found = orgs().groups(organization_id)
    people = {m["member_id"]: m for m in _people(organization_id)}
    return render("pages/groups.html", "partials/groups_table.html", organization=organization, provider=provider,
                  groups=found, people=people)


@bp.route("/organizations/<organization_id>/groups/new", methods=["GET", "POST"], defaults={"group_id": None})
@bp.route("/organizations/<organization_id>/groups/<group_id>", methods=["GET", "POST"])
@login_required
def group(organization_id: str, group_id: str | None):
    """The New group / Edit group dialog."""
    existing = None
    if group_id:
        existing = next((x for x in orgs().groups(organization_id) if x["group_id"] == group_id), None)
        if existing is None:
            abort(404)
    values = {"name": existing["name"] if existing else "", "member_ids": existing["member_ids"] if existing else []}
    error = field = None
    if request.method == "POST":
        values = {"name": request.form.get("name", "")[:200], "member_ids": request.form.getlist("member_ids")}
        try:
            orgs().save_group(organization_id, group_id, values)
        except ServiceError as refusal:
            error, field = refusal_text(refusal), refusal.field or "name"
        else:
            return _done(url_for("sharing.groups", organization_id=organization_id),
                         _("The group %(name)s was saved.", name=" ".join(values["name"].split())))
    return render("pages/group_edit.html", "partials/group_dialog.html", status=422 if error else 200,
                  organization_id=organization_id, group=existing, values=values, people=_people(organization_id),
                  error=error, field=field)


@bp.post("/organizations/<organization_id>/groups/<group_id>/delete")
@login_required
def delete_group(organization_id: str, group_id: str):
    """Delete a group."""
    orgs().delete_group(organization_id, group_id)
    return _done(url_for("sharing.groups", organization_id=organization_id), _("The group was deleted."))


# --- collections ---------------------------------------------------------------------------------

@bp.get("/organizations/<organization_id>/collections")
@login_required
def collections(organization_id: str):
    """The organization's collections, their names decrypted here, and who may do what in each."""
    organization, provider = _organization(organization_id)
    found = orgs().collections(organization_id)
    names, unreadable = _names(organization, found)
    group_names = {x["group_id"]: x["name"] for x in orgs().groups(organization_id)}
    people = {m["member_id"]: m for m in _people(organization_id)}
    return render("pages/collections.html", "partials/collections_table.html", organization=organization,
                  provider=provider, collections=found, names=names, unreadable=unreadable,
                  group_names=group_names, people=people, levels=dict(ACCESS_LEVELS))


def _names(organization: dict, found: list[dict]) -> tuple[dict, bool]:
    try:
        org_key = organization_key(organization)
    except OrgKeyUnavailable:
        return {}, True
    names = {}
    for collection in found:
        try:
            names[collection["collection_id"]] = org_key.decrypt_text(collection["encrypted_name"])
        except EncStringError:
            names[collection["collection_id"]] = None
    return names, False


@bp.route("/organizations/<organization_id>/collections/new", methods=["GET", "POST"],
          defaults={"collection_id": None})
@bp.route("/organizations/<organization_id>/collections/<collection_id>", methods=["GET", "POST"])
@login_required
def collection(organization_id: str, collection_id: str | None):
    """The New collection / Edit collection dialog: its name and who may do what in it."""
    organization, _provider = _organization(organization_id)
    existing = None
    if collection_id:
        existing = next((x for x in orgs().collections(organization_id) if x["collection_id"] == collection_id),
                        None)
        if existing is None:
            abort(404)
    groups_found = orgs().groups(organization_id)
    people = _people(organization_id)
    error = None
    try:
        org_key = organization_key(organization)
    except OrgKeyUnavailable:
        org_key, error = None, _("You hold no key of this organization, so you cannot name its collections.")
    name = org_key.decrypt_text(existing["encrypted_name"]) if existing and org_key else ""
    grants = {(a["group_id"] or "") + "|" + (a["member_id"] or ""): a["permission"]
              for a in (existing["access"] if existing else [])}
    if request.method == "POST" and org_key is not None:
        name, error = name_to_seal(request.form.get("name", ""), _("Enter the collection's name."))
        name = name[:200]
        grants = {key.removeprefix("access:"): value for key, value in request.form.items()
                  if key.startswith("access:") and value}
        if not error:
            access = [{"group_id": key.split("|")[0] or None, "member_id": key.split("|")[1] or None,
                       "permission": value} for key, value in grants.items() if "|" in key]
            body = {"encrypted_name": org_key.encrypt_text(name), "access": access}
            try:
                orgs().save_collection(organization_id, collection_id, body)
            except ServiceError as refusal:
                error = refusal_text(refusal)
            else:
                return _done(url_for("sharing.collections", organization_id=organization_id),
                             _("The collection %(name)s was saved.", name=name))
    return render("pages/collection_edit.html", "partials/collection_dialog.html", status=422 if error else 200,
                  organization_id=organization_id, collection=existing, name=name, grants=grants,
                  groups=groups_found, people=people, levels=ACCESS_LEVELS, error=error)


@bp.post("/organizations/<organization_id>/collections/<collection_id>/delete")
@login_required
def delete_collection(organization_id: str, collection_id: str):
    """Delete a collection."""
    orgs().delete_collection(organization_id, collection_id)
    return _done(url_for("sharing.collections", organization_id=organization_id), _("The collection was deleted."))


def _done(url: str, toast: str):
    """After a change: the browser goes back to the list (a full htmx navigation keeps it simple)."""
    return see_other(url, toast=toast) if htmx else see_other(url)
