"""Members of an organization in its Admin Console: invite, confirm, re-role, revoke, remove."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from services.common.internal_http import NotFound, ServiceError

from .. import keyring
from ..access import login_required, provider_through
from ..backends import identity, orgs
from ..crypto import EncStringError
from ..forms import InviteForm, RoleForm, show_refusal
from ..org_keys import OrgKeyUnavailable, organization_key
from ..refusals import refusal_text
from ..render import htmx, render, see_other
from .portal import page_position

bp = Blueprint("members", __name__)
STATUSES = ("", "invited", "accepted", "confirmed", "revoked")
ROLES = ("", "owner", "admin", "user", "custom")
SORTS = ("email", "name", "role", "status")


def _query(args) -> dict:
    return {"q": (args.get("q") or "")[:100], "status": args.get("status", "") if args.get("status") in STATUSES
            else "", "role": args.get("role", "") if args.get("role") in ROLES else "",
            "sort": args.get("sort") if args.get("sort") in SORTS else "email",
            "dir": "desc" if args.get("dir") == "desc" else "asc", **page_position(args)}


def _current_query() -> dict:
    current = request.headers.get("HX-Current-URL", "")
    return _query({k: v[0] for k, v in parse_qs(urlsplit(current).query).items()})


def _context(organization_id: str, query: dict) -> dict:
    organization = orgs().organization(organization_id)
    found = orgs().members(organization_id, q=query["q"], status=query["status"], role=query["role"],
                           sort=query["sort"], direction=query["dir"], after=query["after"], before=query["before"])
    provider = provider_through(organization)
    user_ids = [m["user_id"] for m in found["members"] if m["user_id"]]
    two_factor = identity().two_factor_status(user_ids) if user_ids else {}
    for member in found["members"]:
        member["two_factor"] = two_factor.get(member["user_id"], False)
    return {"organization": organization, "provider": provider, "members": found["members"],
            "previous": found["previous"], "next": found["next"], "seats": found["seats"], "used": found["used"],
            "query": query, "me": g.vault_session.user_id}


def _table(organization_id: str, toast: str | None = None, status: int = 200):
    return render("pages/members.html", "partials/members_table.html", status=status, toast=toast,
                  **_context(organization_id, _current_query() if htmx else _query({})))


@bp.get("/organizations/<organization_id>/members")
@login_required
def members(organization_id: str):
    """The Members table: searched, filtered, sorted and paged by the orgs service's database."""
    return render("pages/members.html", "partials/members_table.html",
                  **_context(organization_id, _query(request.args)))


@bp.route("/organizations/<organization_id>/members/invite", methods=["GET", "POST"])
@login_required
def invite(organization_id: str):
    """The Invite members dialog, and the invitations it asks for."""
    form = InviteForm()
    organization = orgs().organization(organization_id)
    _offer_grantable(form, organization)
    _offer_sharing(form, organization)
    if request.method == "GET":
        form.role.data = "user"
    if form.validate_on_submit():
        try:
            invited = orgs().invite_members(organization_id, {
                "emails": form.emails.data, "role": form.role.data, "permissions": form.permissions.data or [],
                "group_ids": form.groups.data or [],
                "collection_access": [{"collection_id": c, "permission": form.collection_permission.data}
                                      for c in form.collections.data or []]})["members"]
        except ServiceError as error:
            show_refusal(form, error, "emails")
        else:
            toast = _("Invitations sent: %(count)s.", count=len(invited))
            if htmx:
                context = _context(organization_id, _current_query())
                return render("partials/members_changed.html", status=201, toast=toast, **context)
            return see_other(url_for("members.members", organization_id=organization_id))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/member_invite.html", "partials/invite_dialog.html", status=status, form=form,
                  organization=organization)


def _offer_grantable(form, organization: dict) -> None:
    """Offer only the types and permissions the reader may give, as orgs' permission table says."""
    grantable = organization["access"]["grantable"]
    form.role.choices = [(value, label) for value, label in form.role.choices if value in grantable["roles"]]
    form.permissions.choices = [(value, label) for value, label in form.permissions.choices
                                if value in grantable["permissions"]]


def _offer_sharing(form: InviteForm, organization: dict) -> None:
    """Offer the organization's groups and collections (names decrypted here) in the invite form."""
    organization_id = organization["organization_id"]
    try:
        form.groups.choices = [(x["group_id"], x["name"]) for x in orgs().groups(organization_id)]
        collections = orgs().collections(organization_id)
    except ServiceError:
        return  # a Custom member without group or collection rights invites without them
    try:
        org_key = organization_key(organization)
        form.collections.choices = [(c["collection_id"], org_key.decrypt_text(c["encrypted_name"]))
                                    for c in collections]
    except (OrgKeyUnavailable, EncStringError):
        form.collections.choices = []


def _member(organization_id: str, member_id: str) -> dict:
    return orgs().member(organization_id, member_id)


@bp.route("/organizations/<organization_id>/members/<member_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(organization_id: str, member_id: str):
    """Confirm a member after checking their fingerprint phrase: the org key is wrapped to them."""
    member = _member(organization_id, member_id)
    error = None
    if member["status"] != "accepted" or not member["user_id"]:
        error = _("Only accepted members can be confirmed.")
        phrase = None
    else:
        public_key = identity().public_key(member["user_id"])
        phrase = keyring.fingerprint_phrase(member["user_id"], public_key)
        if request.method == "POST":
            try:
                wrapped = keyring.wrap_org_key(organization_key(orgs().organization(organization_id)), public_key)
                orgs().confirm_member(organization_id, member_id, wrapped)
            except OrgKeyUnavailable:
                error = _("You hold no key of this organization, so you cannot confirm members.")
            except ServiceError as refusal:
                error = refusal_text(refusal)
            else:
                toast = _("%(email)s is confirmed.", email=member["email"])
                if htmx:
                    return render("partials/members_changed.html", toast=toast,
                                  **_context(organization_id, _current_query()))
                return see_other(url_for("members.members", organization_id=organization_id))
    return render("pages/member_confirm.html", "partials/confirm_dialog.html", status=422 if error else 200,
                  member=member, phrase=phrase, error=error, organization_id=organization_id)


@bp.route("/organizations/<organization_id>/members/<member_id>/role", methods=["GET", "POST"])
@login_required
def change_role(organization_id: str, member_id: str):
    """The Edit member dialog: user type and custom permissions."""
    member = _member(organization_id, member_id)
    form = RoleForm()
    _offer_grantable(form, orgs().organization(organization_id))
    if request.method == "GET":
        form.role.data, form.permissions.data = member["role"], member["permissions"]
    if form.validate_on_submit():
        try:
            orgs().change_member_role(organization_id, member_id, form.role.data, form.permissions.data or [])
        except ServiceError as error:
            show_refusal(form, error, "role")
        else:
            toast = _("%(email)s was updated.", email=member["email"])
            if htmx:
                return render("partials/members_changed.html", toast=toast,
                              **_context(organization_id, _current_query()))
            return see_other(url_for("members.members", organization_id=organization_id))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/member_role.html", "partials/role_dialog.html", status=status, form=form, member=member,
                  organization_id=organization_id)


@bp.post("/organizations/<organization_id>/members/bulk")
@login_required
def bulk(organization_id: str):
    """Act on the selected members at once: confirm (after their fingerprints), revoke or remove."""
    action = request.form.get("action", "")
    if action == "getting_started":
        return _getting_started(organization_id, request.form.getlist("member_ids"))
    member_ids = request.form.getlist("member_ids")[:100]
    if action not in ("confirm", "revoke", "remove") or not member_ids:
        return render("partials/members_changed.html", toast=_("Select members first."),
                      **_context(organization_id, _current_query()))
    selected = [_member(organization_id, member_id) for member_id in member_ids]
    if action == "confirm":
        selected = [m for m in selected if m["status"] == "accepted" and m["user_id"]]
        public_keys = {m["member_id"]: identity().public_key(m["user_id"]) for m in selected}
        if request.form.get("checked") != "1":
            phrases = [(m, keyring.fingerprint_phrase(m["user_id"], public_keys[m["member_id"]])) for m in selected]
            return render("pages/member_bulk_confirm.html", "partials/bulk_confirm_dialog.html", phrases=phrases,
                          organization_id=organization_id)
        try:
            org_key = organization_key(orgs().organization(organization_id))
        except OrgKeyUnavailable:
            return render("partials/members_changed.html", toast=_("You hold no key of this organization, so you "
                                                                   "cannot confirm members."),
                          **_context(organization_id, _current_query()))
    done, refused = 0, []
    for member in selected:
        try:
            if action == "confirm":
                orgs().confirm_member(organization_id, member["member_id"],
                                      keyring.wrap_org_key(org_key, public_keys[member["member_id"]]))
            else:
                orgs().act_on_member(organization_id, member["member_id"], action)
            done += 1
        except ServiceError as error:
            refused.append(f"{member['email']}: {refusal_text(error)}")
    toast = _("%(done)s of %(selected)s members updated.", done=done, selected=len(selected))
    if refused:
        toast += " " + " ".join(refused)
    if htmx:
        return render("partials/members_changed.html", toast=toast, **_context(organization_id, _current_query()))
    return see_other(url_for("members.members", organization_id=organization_id))


def _getting_started(organization_id: str, member_ids: list[str]):
    """Have orgs (which checks who may, and whom) record that the selected members are to be mailed the
    "Getting started" email of their hub; identity mails them."""
    try:
        sent = orgs().send_getting_started(organization_id, member_ids)
    except ServiceError as error:
        if isinstance(error, NotFound) and error.code == "organization.not_found":
            raise
        toast, status = refusal_text(error), error.status
    else:
        toast = ngettext("Getting started email sent to %(count)s member.",
                         "Getting started email sent to %(count)s members.", len(sent), count=len(sent))
        status = 200
    if htmx:
        # htmx swaps only what succeeded: a refusal travels as a toast over the unchanged table.
        return render("partials/members_changed.html", toast=toast, **_context(organization_id, _current_query()))
    if status != 200:
        return render("pages/members.html", status=status, toast=toast, alert=toast,
                      **_context(organization_id, _query({})))
    return see_other(url_for("members.members", organization_id=organization_id), toast=toast)


ACTIONS = {
    "revoke": "%(email)s was revoked.",
    "restore": "%(email)s was restored.",
    "remove": "%(email)s was removed.",
    "reinvite": "The invitation to %(email)s was sent again.",
}


@bp.post("/organizations/<organization_id>/members/<member_id>/<action>")
@login_required
def act(organization_id: str, member_id: str, action: str):
    """Revoke, restore, remove or re-invite one member."""
    if action not in ACTIONS:
        abort(404)
    member = _member(organization_id, member_id)
    try:
        orgs().act_on_member(organization_id, member_id, action)
    except ServiceError as error:
        if isinstance(error, NotFound):
            raise
        message = refusal_text(error)
        # htmx swaps only successful answers: the refusal travels as a toast over an unchanged table.
        return render("pages/members.html", "partials/members_table.html", status=200 if htmx else error.status,
                      toast=message, alert=message, **_context(organization_id, _current_query() if htmx
                                                                else _query({})))
    return _table(organization_id, toast=_(ACTIONS[action], email=member["email"])) if htmx else \
        see_other(url_for("members.members", organization_id=organization_id))
