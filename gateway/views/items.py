"""Vault items, in an organization's vault (Admin Console → Vault) and in one's own.

The same pages serve both: `/organizations/<id>/vault/...` with the org key and collections,
`/vault/...` with the user key and folders. Every field is sealed here before orgs stores it
and opened here to show it; a member whose access hides passwords never receives one.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, request
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError

from ..access import login_required
from ..backends import orgs
from ..item_form import (CARD_LABELS, FIELD_TYPE_LABELS, IDENTITY_LABELS, MATCH_LABELS, TYPE_LABELS,
                         item_from_form, problem_with, without_empty_rows)
from ..password_generator import GeneratorOptions, generate
from ..refusals import refusal_text
from ..render import render, see_other
from ..vault_filters import VaultFilter, collection_tree, select_items
from ..vault_items import history_after_edit, keep_hidden_parts, new_item, open_item, seal_item, totp_code
from ..vaults import Vault, may_edit, member_vault, organization_vault, personal_vault

bp = Blueprint("items", __name__)
ITEMS_PAGE_SIZE = 50
ITEM_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def route(suffix: str, endpoint: str, methods=("GET",)):
    """Register a view for an organization's vault and for one's own, under one name each."""
    def register(view):
        bp.add_url_rule(f"/organizations/<organization_id>/vault{suffix}", f"org_{endpoint}",
                        login_required(view), methods=list(methods))
        bp.add_url_rule(f"/vault{suffix}", f"my_{endpoint}", login_required(view), methods=list(methods))
        return view
    return register


def _vault(organization_id: str | None) -> Vault:
    return personal_vault() if organization_id is None else organization_vault(organization_id)


def _item(vault: Vault, item_id: str) -> dict:
    if vault.key is None:
        abort(404)
    return open_item(vault.key, vault.stored_item(item_id))


LABELS = {"types": TYPE_LABELS, "matches": MATCH_LABELS, "field_types": FIELD_TYPE_LABELS, "card": CARD_LABELS,
          "identity": IDENTITY_LABELS}


@route("", "vault")
def vault_page(organization_id: str | None = None):
    """The vault's items, filtered by type, favourites, collection or folder, and searched."""
    vault = _vault(organization_id)
    trash = request.args.get("trash") == "1"
    chosen = VaultFilter.from_args(request.args)
    names = vault.group_names()
    items = [open_item(vault.key, stored) for stored in vault.stored_items(trash)] if vault.key else []
    after, before = request.args.get("after", ""), request.args.get("before", "")
    if not all(ITEM_ID.fullmatch(cursor) for cursor in (after, before) if cursor):
        return render("pages/error.html", "partials/error.html", status=422, title=_("Something went wrong"),
                      message=_("This page link is damaged: start again from the first page."))
    shown, previous, following = items_page(select_items(items, chosen, names, vault.personal), after, before)
    pager_args = {**chosen.as_args(), **({"trash": "1"} if trash else {})}
    context = dict(vault=vault, items=shown, names=names, chosen=chosen, trash=trash, labels=LABELS,
                   tree=collection_tree(names), key_missing=vault.key is None, previous=previous, next=following,
                   pager_args=pager_args, **vault.context)
    if vault.personal:
        context["sections"] = _organization_sections(chosen)
        return render("pages/vault.html", "partials/my_vault_items.html", **context)
    return render("pages/org_vault.html", "partials/items_table.html", **context)


def items_page(items: list[dict], after: str, before: str) -> tuple[list[dict], str | None, str | None]:
    """The page of the found items (sorted by name) after item `after` or before item `before`,
    and the cursors of the pages around it.

    Names are sealed, so only here, once opened, can items be sorted by name: the cursor is the
    id of the item a page continues from, never its name (a name must not reach a URL or a log).
    A cursor whose item is gone (moved to the trash, filtered out) gives the first page.
    """
    cursor = after or before
    ids = [item["item_id"] for item in items]
    start = 0
    if cursor in ids:
        start = ids.index(after) + 1 if after else max(0, ids.index(before) - ITEMS_PAGE_SIZE)
    page = items[start:start + ITEMS_PAGE_SIZE]
    return (page, page[0]["item_id"] if start > 0 and page else None,
            page[-1]["item_id"] if start + ITEMS_PAGE_SIZE < len(items) else None)


def _organization_sections(chosen: VaultFilter) -> list[dict]:
    """The items of each organization the person is a confirmed member of, filtered alike."""
    sections = []
    for membership in orgs().my_memberships():
        vault = member_vault(membership)
        if vault.key is None:
            continue
        try:
            stored = vault.stored_items()
        except ServiceError:
            continue
        names = vault.group_names()
        items = [open_item(vault.key, s) for s in stored]
        sections.append({"name": membership["name"], "vault": vault, "names": names,
                         "entries": select_items(items, VaultFilter(chosen.query, chosen.item_type,
                                                                  chosen.favorites), names, False)})
    return sections


@route("/<item_id>", "view")
def view_item(item_id: str, organization_id: str | None = None):
    """One item with copy buttons, reveal toggles and its live TOTP code."""
    vault = _vault(organization_id)
    item = _item(vault, item_id)
    if organization_id is not None:
        orgs().item_viewed(organization_id, item_id)
    names = vault.group_names()
    return render("pages/item.html", "partials/item_view.html", vault=vault, item=item, names=names,
                  labels=LABELS, may_edit=may_edit(item), totp_now=totp_code, **vault.context)


@route("/<item_id>/totp", "totp")
def item_totp(item_id: str, organization_id: str | None = None):
    """The item's current TOTP code and the seconds it has left (refreshed by the page)."""
    vault = _vault(organization_id)
    item = _item(vault, item_id)
    seed = (item.get("login") or {}).get("totp")
    code = totp_code(seed) if seed else None
    if code is None:
        abort(404)
    return render("partials/totp.html", "partials/totp.html", vault=vault, item=item, code=code)


def _form_page(vault: Vault, item: dict, mode: str, item_id: str | None, error: str | None):
    return render("pages/item_form.html", "partials/item_dialog.html", status=422 if error else 200,
                  vault=vault, values=item, mode=mode, error=error, labels=LABELS, item_id=item_id,
                  groups=vault.groups(), hide_passwords=bool(item.get("passwords_hidden")),
                  action=vault.url(mode if mode != "new" else "new", **({"item_id": item_id} if item_id else {})),
                  cancel=vault.url("vault"), **vault.context)


def _edit(organization_id: str | None, item_id: str | None, mode: str):
    """New, Edit and Clone: the form, and saving what it holds, sealed here."""
    vault = _vault(organization_id)
    existing = _item(vault, item_id) if item_id else None
    if existing and mode == "edit" and not may_edit(existing):
        abort(403)
    if existing and mode == "clone" and (not may_edit(existing) or existing.get("passwords_hidden")):
        abort(403)  # a clone carries only what the gateway opened: never from an item whose passwords are hidden
    if request.method == "GET":
        item = existing or new_item(request.args.get("type", "login") if request.args.get("type") in
                                    TYPE_LABELS else "login")
        if existing:
            item = {**existing, "folder": existing.get("folder_id") or ""}
            if mode == "clone":
                item = {**item, "name": _("%(name)s - Clone", name=existing["name"]), "passwords_hidden": False}
        return _form_page(vault, item, mode, item_id, None)
    item, intent = item_from_form(request.form)
    if existing and mode == "edit":
        item["passwords_hidden"] = existing["passwords_hidden"]
    if intent != "save":
        return _form_page(vault, item, mode, item_id, None)
    error = problem_with(item)
    if vault.key is None:
        error = _("You hold no key of this organization, so you cannot add items to it.")
    if error:
        return _form_page(vault, item, mode, item_id, str(error))
    item = without_empty_rows(item)
    if existing and mode == "edit" and not existing["passwords_hidden"]:
        item["password_history"] = history_after_edit(existing, item)  # the form never carries the history
    item_type, data = seal_item(vault.key, item)
    if existing and mode == "edit" and existing["passwords_hidden"]:
        data = keep_hidden_parts(data, vault.stored_item(item_id)["data"], item_type)
    try:
        vault.save(item_id if mode == "edit" else None, item_type, data, item)
    except ServiceError as refusal:
        if isinstance(refusal, NotFound):
            raise
        return _form_page(vault, item, mode, item_id, refusal_text(refusal))
    return see_other(vault.url("vault"), toast=_("%(name)s was saved.", name=item["name"].strip()))


@route("/new", "new", methods=("GET", "POST"))
def new(organization_id: str | None = None):
    """The New item dialog."""
    return _edit(organization_id, None, "new")


@route("/<item_id>/edit", "edit", methods=("GET", "POST"))
def edit(item_id: str, organization_id: str | None = None):
    """The Edit item dialog."""
    return _edit(organization_id, item_id, "edit")


@route("/<item_id>/clone", "clone", methods=("GET", "POST"))
def clone(item_id: str, organization_id: str | None = None):
    """A new item filled in from another (the original stays as it is)."""
    return _edit(organization_id, item_id, "clone")


ACTIONS = {"trash": "The item was moved to the trash.", "restore": "The item was restored.",
           "purge": "The item was deleted for good."}


@route("/<item_id>/<action>", "act", methods=("POST",))
def act(item_id: str, action: str, organization_id: str | None = None):
    """Trash, restore or delete an item for good; mark it a favourite or not."""
    vault = _vault(organization_id)
    back = vault.url("vault", trash="1" if action in ("restore", "purge") else None)
    try:
        if action in ("favorite", "unfavorite"):
            orgs().set_favorite(item_id, action == "favorite")
            done = _("Added to favourites.") if action == "favorite" else _("Removed from favourites.")
            return see_other(request.referrer if _same_site(request.referrer) else vault.url("vault"), toast=done)
        if action not in ACTIONS:
            abort(404)
        orgs().act_on_item(vault.base, item_id, action)
        done = ACTIONS[action]
    except ServiceError as error:
        if isinstance(error, NotFound):
            raise
        return see_other(back, toast=refusal_text(error))
    return see_other(back, toast=_(done))


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.post("/tools/password")
@login_required
def password():
    """A freshly generated password or passphrase, as the password field of the item form."""
    return render("partials/password_field.html", "partials/password_field.html",
                  value=generate(GeneratorOptions.from_form(request.form)))
