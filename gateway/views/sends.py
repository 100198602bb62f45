"""Password Manager → Send: the creator's Sends list, New Send, Edit Send, Copy link, Remove
password, Delete, and a file Send's upload (ADR 19).

Every text is sealed here with a send key made here; orgs stores ciphertext and the send key
wrapped under the creator's user key, so only the creator can list names or copy links.
"""
from __future__ import annotations

import base64
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, flash, g, jsonify, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError, ServiceUnavailable

from ..access import login_required
from ..backends import orgs, sends
from ..crypto import EncStringError
from ..forms import show_refusal
from ..refusals import refusal_text
from ..render import render, see_other
from ..send_form import SendForm, file_size_text
from ..sends import SEND_ID, FileSizeMismatch, new_send_key, opened_send, read_blocks, sealed_parts, sealed_send

bp = Blueprint("sends", __name__)
SEARCH_LIMIT = 100
STATUSES = ("active", "disabled", "expired", "limit_reached")
UPLOAD_ENDPOINT = "sends.upload_file"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _max_file_bytes() -> int:
    return current_app.extensions["settings"].send_max_file_bytes


def _checked_id(send_id: str) -> str:
    if not SEND_ID.fullmatch(send_id):
        abort(404)
    return send_id


def _organization_names() -> dict[str, str]:
    """The organizations the person can send from: their confirmed memberships by name."""
    return {m["organization_id"]: m["name"] for m in orgs().my_memberships()}


def _name_of(organization_id: str, names: dict[str, str]) -> str:
    if organization_id not in names:
        try:  # a provider user's Send in a client they administer
            names[organization_id] = orgs().organization(organization_id)["name"]
        except ServiceError:
            names[organization_id] = _("(an organization you no longer reach)")
    return names[organization_id]


def _opened(stored: dict, names: dict[str, str]) -> dict | None:
    try:
        send = opened_send(stored, g.vault_session.keys.user_key)
    except (EncStringError, ValueError):
        return None  # a Send whose key does not open (never expected) is not shown as if it did
    return {"send": send, "link": send.link(request.host_url), "organization": _name_of(send.organization_id, names)}


@bp.get("/sends")
@login_required
def list_sends():
    """The person's Sends, newest change first: filtered by type and status, searched by name."""
    query = {"q": (request.args.get("q") or "").strip()[:SEARCH_LIMIT], "type": request.args.get("type", ""),
             "status": request.args.get("status", ""), "organization_id": request.args.get("organization_id", "")}
    if query["type"] not in ("", "text", "file") or query["status"] not in ("", *STATUSES):
        query.update(type="", status="")
    after = request.args.get("after", "")
    names = _organization_names()
    try:
        found = sends().page(type=query["type"], status=query["status"], organization_id=query["organization_id"],
                             after=None if query["q"] else after, all="true" if query["q"] else None)
    except ServiceError as error:
        return render("pages/error.html", "partials/error.html", status=error.status if error.status < 500 else 503,
                      title=_("Something went wrong"), message=refusal_text(error))
    rows = [row for row in (_opened(stored, names) for stored in found["sends"]) if row]
    if query["q"]:
        needle = query["q"].casefold()
        rows = [row for row in rows if needle in row["send"].name.casefold()]
    pager = {k: v for k, v in query.items() if v}
    return render("pages/sends.html", "partials/sends_table.html", rows=rows, query=query, policy=found["policy"],
                  next=None if query["q"] else found.get("next"), after=after, pager=pager,
                  organization_names=names)


def _organization_choices(chosen: str | None, recent: list[dict]) -> list[tuple[str, str]]:
    """Where the person may send from: their organizations, the client they came from, and the
    organizations of their recent Sends (a provider user's clients, which are not memberships)."""
    names = _organization_names()
    if chosen and chosen not in names:
        try:
            names[chosen] = orgs().organization(chosen)["name"]
        except ServiceError:
            abort(404)
    for send in recent:
        if send["organization_id"] not in names:
            try:
                names[send["organization_id"]] = orgs().organization(send["organization_id"])["name"]
            except ServiceError:
                continue  # a client the person no longer administers
    return sorted(names.items(), key=lambda pair: pair[1].casefold())


@bp.route("/sends/new", methods=["GET", "POST"])
@login_required
def new_send():
    """New Send: a text now, or a file that the page's module then uploads."""
    form = SendForm()
    # From a client's Admin Console (a provider user's way in) the client comes in the query.
    chosen = request.args.get("organization_id") or None
    recent = sends().page()
    policy = recent["policy"]
    form.organization_id.choices = _organization_choices(chosen, recent["sends"])
    if chosen and request.method == "GET":
        form.organization_id.data = chosen
    form.prepare(None, _now())
    if policy["disable_send"]:
        form.form_errors.append(_("Due to an Enterprise policy, you are only able to delete an existing Send."))
        return _form_page(form, None, policy, status=403 if request.method == "POST" else 200)
    if not form.organization_id.choices:
        form.form_errors.append(_("A Send is made inside an organization. Open a client from the Provider Portal "
                                  "and choose Send in its Admin Console, or join an organization."))
        return _form_page(form, None, policy)
    if request.method == "GET":
        return _form_page(form, None, policy)
    draft = form.draft(_now(), None, _max_file_bytes())  # validates, so it comes before the check below
    if form.organization_id.data not in dict(form.organization_id.choices):
        form.organization_id.errors = [_("Choose one of your organizations.")]
    if draft is None or form.organization_id.errors:
        return _form_page(form, None, policy, status=422)
    send_key = new_send_key()
    try:
        stored = sends().create(form.organization_id.data, sealed_send(draft, send_key, g.vault_session.keys.user_key,
                                                                       creating=True))
    except ServiceError as error:
        show_refusal(form, _field_error(error))
        return _form_page(form, None, policy, status=error.status if error.status < 500 else 503)
    if draft.type == "file":
        return render("pages/send_upload.html", "partials/send_upload.html", status=201,
                      upload_url=url_for("sends.upload_file", send_id=stored["send_id"]),
                      done_url=url_for("sends.edit_send", send_id=stored["send_id"]), file_name=draft.file_name,
                      file_size=file_size_text(draft.file_size))
    return see_other(url_for("sends.edit_send", send_id=stored["send_id"]), toast=_("Send created."))


@bp.route("/sends/<send_id>/edit", methods=["GET", "POST"])
@login_required
def edit_send(send_id: str):
    """Edit Send: its settings and texts, never its file; the link stays the same."""
    try:
        stored = sends().get(_checked_id(send_id))
    except NotFound:
        abort(404)
    opened = opened_send(stored, g.vault_session.keys.user_key)
    policy = sends().policy()
    if request.method == "GET":
        form = SendForm(data={"send_type": stored["type"], "name": opened.name, "text": opened.text,
                              "notes": opened.notes, "text_hidden": stored["text_hidden"],
                              "max_access_count": stored["max_access_count"], "hide_email": stored["hide_email"],
                              "disabled": stored["disabled"]})
    else:
        form = SendForm()
    form.prepare(stored, _now())
    if request.method == "POST":
        draft = form.draft(_now(), stored, _max_file_bytes())
        if draft is not None:
            try:
                sends().update(send_id, sealed_send(draft, opened.send_key, g.vault_session.keys.user_key,
                                                    creating=False))
                return see_other(url_for("sends.list_sends"), toast=_("Send saved."))
            except NotFound:
                abort(404)
            except ServiceError as error:
                show_refusal(form, _field_error(error))
                return _form_page(form, opened, policy, status=error.status if error.status < 500 else 503)
        return _form_page(form, opened, policy, status=422)
    return _form_page(form, opened, policy)


def _field_error(error: ServiceError) -> ServiceError:
    """Orgs names body fields; the form names some of them differently."""
    renamed = {"deletion_date": "deletion", "expiration_date": "expiration", "password_proof": "password",
               "file_size": "file", "file_name": "file", "type": "send_type"}
    if error.field in renamed:
        error.field = renamed[error.field]
    elif error.field in ("hide_email", "disabled", "text_hidden"):
        error.field = None  # a checkbox shows no message of its own: the form's alert does
    return error


def _form_page(form: SendForm, opened, policy: dict, status: int = 200):
    if opened is not None and opened.has_password:
        form.password.label.text = _("New password")
    action = url_for("sends.edit_send", send_id=opened.send_id) if opened else \
        url_for("sends.new_send", organization_id=request.args.get("organization_id") or None)
    return render("pages/send_form.html", "partials/send_form.html", status=status, form=form, opened=opened,
                  action=action,
                  policy=policy, link=opened.link(request.host_url) if opened else None,
                  max_file=file_size_text(_max_file_bytes()))


@bp.post("/sends/<send_id>/remove-password")
@login_required
def remove_password(send_id: str):
    """Remove password: anyone with the link can open the Send again."""
    try:
        sends().remove_password(_checked_id(send_id))
    except NotFound:
        abort(404)
    return see_other(url_for("sends.edit_send", send_id=send_id), toast=_("Password removed."))


@bp.post("/sends/<send_id>/delete")
@login_required
def delete_send(send_id: str):
    """Delete: the file first, then the Send; its link stops working at once."""
    try:
        sends().delete(_checked_id(send_id))
    except NotFound:
        abort(404)
    return see_other(url_for("sends.list_sends"), toast=_("Send deleted."))


@bp.put("/sends/<send_id>/file")
@login_required
def upload_file(send_id: str):
    """The file of a new file Send, as the raw request body: sealed 64 KiB at a time and stored a
    part (1 MiB) at a time, so neither the file nor its ciphertext is ever whole in memory."""
    client = sends()
    try:
        stored = client.get(_checked_id(send_id))
    except NotFound:
        abort(404)
    if stored["type"] != "file" or stored["file_state"] != "uploading":
        return jsonify(message=_("This Send's file is already uploaded.")), 409
    send_key = opened_send(stored, g.vault_session.keys.user_key).send_key
    prefix = base64.b64decode(stored["file_prefix"])
    try:
        for number, part in enumerate(sealed_parts(send_id, send_key, prefix, read_blocks(request.stream),
                                                   stored["file_size"])):
            client.put_part(send_id, number, part)
        client.file_ready(send_id)
    except (FileSizeMismatch, ServiceError, OSError) as error:
        _discard(client, send_id)
        if isinstance(error, ServiceUnavailable):
            return jsonify(message=refusal_text(error)), 503
        return jsonify(message=_("The file did not arrive whole, so the Send was not created. Try again.")), 422
    flash(_("Send created."))
    return jsonify(done=url_for("sends.edit_send", send_id=send_id)), 200


def _discard(client, send_id: str) -> None:
    try:
        client.delete(send_id)
    except ServiceError:
        pass  # orgs' chore deletes an upload left unfinished for an hour
