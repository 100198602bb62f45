"""An organization's vault in its Admin Console: items in collections, sealed with the org key.

Fields are encrypted here before orgs stores them and decrypted here to show them. A member
whose access hides passwords never receives one: the password is left out of the page, not
merely masked.
"""
from __future__ import annotations

import secrets
import string

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from ..access import login_required, provider_through
from ..backends import backends, caller
from ..crypto import EncStringError, SymmetricKey
from ..org_keys import OrgKeyUnavailable, organization_key
from ..render import render, see_other

bp = Blueprint("org_vault", __name__)
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*-_=+"


def generate_password(length: int = 20) -> str:
    """A random password with letters, digits and symbols (at least one of each)."""
    while True:
        candidate = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (any(c.islower() for c in candidate) and any(c.isupper() for c in candidate)
                and any(c.isdigit() for c in candidate) and any(not c.isalnum() for c in candidate)):
            return candidate


def _open(org_key: SymmetricKey, value: str | None) -> str:
    if not value:
        return ""
    try:
        return org_key.decrypt_text(value)
    except EncStringError:
        return _("(cannot be decrypted)")


def _seal(org_key: SymmetricKey, value: str) -> str | None:
    return org_key.encrypt_text(value) if value else None


def readable_item(org_key: SymmetricKey, item: dict) -> dict:
    """An item as a person reads it; without its password when their access hides passwords."""
    data, login = item["data"], item["data"].get("login") or {}
    return {"item_id": item["item_id"], "type": item["type"], "name": _open(org_key, data.get("name")),
            "notes": _open(org_key, data.get("notes")), "username": _open(org_key, login.get("username")),
            "password": None if item["passwords_hidden"] else _open(org_key, login.get("password")),
            "uri": _open(org_key, (login.get("uris") or [None])[0]), "collection_ids": item["collection_ids"],
            "permission": item["permission"], "passwords_hidden": item["passwords_hidden"]}


def item_from_form(key: SymmetricKey, values: dict) -> tuple[str, dict]:
    """The type and sealed data of an item typed into the item form."""
    item_type = values["type"] if values["type"] in ("login", "note") else "login"
    data = {"name": _seal(key, values["name"].strip()), "notes": _seal(key, values["notes"])}
    if item_type == "login":
        data["login"] = {"username": _seal(key, values["username"]), "password": _seal(key, values["password"]),
                         "uris": [_seal(key, values["uri"])] if values["uri"] else []}
    return item_type, data


def reseal(data, old_key: SymmetricKey, new_key: SymmetricKey):
    """`data` with every EncString opened with `old_key` and sealed again with `new_key`."""
    if isinstance(data, dict):
        return {k: (v if k == "type" else reseal(v, old_key, new_key)) for k, v in data.items()}
    if isinstance(data, list):
        return [reseal(v, old_key, new_key) for v in data]
    if isinstance(data, str):
        return new_key.encrypt(old_key.decrypt(data))
    return data


def _context(organization_id: str) -> dict:
    orgs = backends().orgs
    organization = orgs.get(f"/organizations/{organization_id}", caller())
    provider = provider_through(organization)
    return {"organization": organization, "provider": provider}


def _collections(organization_id: str, org_key: SymmetricKey) -> list[tuple[str, str]]:
    try:
        found = backends().orgs.get(f"/organizations/{organization_id}/collections", caller())["collections"]
    except ServiceError:
        return []  # members without collection management still see their items' collections by id
    return [(c["collection_id"], _open(org_key, c["encrypted_name"])) for c in found]


def _member_key(organization: dict) -> SymmetricKey | None:
    try:
        return organization_key(organization)
    except OrgKeyUnavailable:
        return None


@bp.get("/organizations/<organization_id>/vault")
@login_required
def vault(organization_id: str):
    """The organization's items the user may see, searched over their decrypted names here."""
    context = _context(organization_id)
    org_key = _member_key(context["organization"])
    items = []
    trash = request.args.get("trash") == "1"
    if org_key is not None:
        found = backends().orgs.get(f"/organizations/{organization_id}/items", caller(),
                                    trash="true" if trash else "false")["items"]
        items = [readable_item(org_key, item) for item in found]
    needle = (request.args.get("q") or "").strip().lower()[:100]
    if needle:
        items = [i for i in items if needle in i["name"].lower() or needle in i["username"].lower()]
    names = dict(_collections(organization_id, org_key)) if org_key else {}
    return render("pages/org_vault.html", "partials/org_items.html", items=items, collection_names=names,
                  query=needle, key_missing=org_key is None, trash=trash, item_actions=True, **context)


ITEM_ACTIONS = {"trash": ("POST", "/trash", "The item was moved to the trash."),
                "restore": ("POST", "/restore", "The item was restored."),
                "purge": ("DELETE", "", "The item was deleted for good.")}


@bp.post("/organizations/<organization_id>/vault/<item_id>/<action>")
@login_required
def item_action(organization_id: str, item_id: str, action: str):
    """Move an item to the trash, restore it, or delete it for good."""
    if action not in ITEM_ACTIONS:
        abort(404)
    method, suffix, done = ITEM_ACTIONS[action]
    back = url_for("org_vault.vault", organization_id=organization_id, trash="1" if action != "trash" else None)
    try:
        backends().orgs.call(method, f"/organizations/{organization_id}/items/{item_id}{suffix}", caller())
    except ServiceError as error:
        if error.status == 404:
            raise
        return see_other(back, toast=_(error.message))
    return see_other(back, toast=_(done))


@bp.route("/organizations/<organization_id>/vault/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/organizations/<organization_id>/vault/<item_id>/edit", methods=["GET", "POST"])
@login_required
def item_form(organization_id: str, item_id: str | None):
    """The New item / Edit item dialog (login or secure note), sealed here with the org key."""
    context = _context(organization_id)
    org_key = _member_key(context["organization"])
    collections = _collections(organization_id, org_key) if org_key else []
    existing = None
    if item_id and org_key is not None:
        existing = backends().orgs.get(f"/organizations/{organization_id}/items/{item_id}", caller())
        values = {**readable_item(org_key, existing), "collection_ids": existing["collection_ids"]}
        values["password"] = values["password"] or ""
    else:
        values = {"type": "login", "name": "", "username": "", "password": "", "uri": "", "notes": "",
                  "collection_ids": []}
    error = None
    if request.method == "POST":
        values = {key: request.form.get(key, "")[:10_000] for key in ("type", "name", "username", "password",
                                                                       "uri", "notes")}
        values["collection_ids"] = request.form.getlist("collection_ids")
        if org_key is None:
            error = _("You hold no key of this organization, so you cannot add items to it.")
        elif not values["name"].strip():
            error = _("Enter the item's name.")
        else:
            item_type, data = item_from_form(org_key, values)
            if existing and existing["passwords_hidden"] and "login" in data:
                # Someone who may not see the password keeps it as it was, unseen.
                data["login"]["password"] = (existing["data"].get("login") or {}).get("password")
            body = {"type": item_type, "data": data, "collection_ids": values["collection_ids"]}
            try:
                if item_id:
                    backends().orgs.call("PUT", f"/organizations/{organization_id}/items/{item_id}", caller(),
                                         json=body)
                else:
                    backends().orgs.post(f"/organizations/{organization_id}/items", caller(), body)
            except ServiceError as refusal:
                error = _(refusal.message)
            else:
                url = url_for("org_vault.vault", organization_id=organization_id)
                return see_other(url, toast=_("%(name)s was saved.", name=values["name"].strip()))
    return render("pages/org_item_new.html", "partials/org_item_dialog.html", status=422 if error else 200,
                  values=values, collections=collections, error=error, editing=bool(item_id),
                  hide_password=bool(existing and existing["passwords_hidden"]),
                  action=url_for("org_vault.item_form", organization_id=organization_id, item_id=item_id),
                  cancel=url_for("org_vault.vault", organization_id=organization_id))


@bp.post("/tools/password")
@login_required
def password():
    """A freshly generated password, as the password field of the item form."""
    length = request.form.get("length", "20")
    size = int(length) if length.isdigit() and 12 <= int(length) <= 128 else 20
    return render("partials/password_field.html", "partials/password_field.html", value=generate_password(size))
