"""The provider's own staff (Provider Portal → Members): invite, confirm, remove."""
from __future__ import annotations

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError

from .. import keyring
from ..access import login_required, provider_allowing
from ..backends import identity, orgs
from ..forms import StaffInviteForm, show_refusal
from ..org_keys import OrgKeyUnavailable, organization_key, provider_key
from ..refusals import refusal_text
from ..render import htmx, render, see_other

bp = Blueprint("staff", __name__)


def _admin_provider(provider_id: str) -> dict:
    return provider_allowing(provider_id, "manage_staff")


def _page(provider_id: str, status: int = 200, toast: str | None = None, alert: str | None = None, **extra):
    provider = _admin_provider(provider_id)
    users = orgs().staff(provider_id)
    return render("pages/staff.html", "partials/staff_table.html", status=status, toast=toast, alert=alert,
                  provider=provider, users=users, me=g.vault_session.user_id, **extra)


@bp.get("/providers/<provider_id>/members")
@login_required
def staff(provider_id: str):
    """Everyone on the provider's staff, with their role and status."""
    return _page(provider_id)


@bp.route("/providers/<provider_id>/members/invite", methods=["GET", "POST"])
@login_required
def invite(provider_id: str):
    """Invite up to 20 people as Provider Admin or Service User."""
    provider = _admin_provider(provider_id)
    form = StaffInviteForm()
    if form.validate_on_submit():
        try:
            invited = orgs().invite_staff(provider_id, form.emails.data, form.role.data)
        except ServiceError as error:
            show_refusal(form, error, "emails")
        else:
            toast = _("Invitations sent: %(count)s.", count=len(invited))
            if htmx:
                users = orgs().staff(provider_id)
                return render("partials/staff_changed.html", status=201, toast=toast, provider=provider,
                              users=users, me=g.vault_session.user_id)
            return see_other(url_for("staff.staff", provider_id=provider_id))
    status = 422 if form.errors or form.form_errors else 200
    return render("pages/staff_invite.html", "partials/staff_invite_dialog.html", status=status, form=form,
                  provider=provider)


@bp.route("/providers/<provider_id>/members/<provider_user_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(provider_id: str, provider_user_id: str):
    """Confirm a provider user after the fingerprint check: the provider key is wrapped to them, or, when they
    are limited to chosen clients, only those clients' org keys (ADR 27)."""
    provider = _admin_provider(provider_id)
    person = orgs().staff_member(provider_id, provider_user_id)
    error, phrase = None, None
    if person["status"] != "accepted" or not person["user_id"]:
        error = _("Only accepted provider users can be confirmed.")
    else:
        public_key = identity().public_key(person["user_id"])
        phrase = keyring.fingerprint_phrase(person["user_id"], public_key)
        if request.method == "POST":
            try:
                if person["scoped"]:
                    orgs().confirm_staff(provider_id, provider_user_id, keyring.key_fingerprint(public_key),
                                         wrapped_org_keys=_wrapped_org_keys(person["client_ids"], public_key))
                else:
                    orgs().confirm_staff(provider_id, provider_user_id, keyring.key_fingerprint(public_key),
                                         keyring.wrap_provider_key(provider_key(provider_id), public_key))
            except ServiceError as refusal:
                if isinstance(refusal, NotFound):
                    raise
                error = refusal_text(refusal)
                person = orgs().staff_member(provider_id, provider_user_id)  # its clients as they are now
            else:
                toast = _("%(email)s is confirmed.", email=person["email"])
                if htmx:
                    users = orgs().staff(provider_id)
                    return render("partials/staff_changed.html", toast=toast, provider=provider, users=users,
                                  me=g.vault_session.user_id)
                return see_other(url_for("staff.staff", provider_id=provider_id))
    return render("pages/staff_confirm.html", "partials/staff_confirm_dialog.html", status=422 if error else 200,
                  person=person, phrase=phrase, error=error, provider=provider)


def _wrapped_org_keys(organization_ids, public_key: str) -> dict[str, str]:
    """Each client's org key, opened here through the admin's provider key and checked against the client's
    key pair, wrapped to `public_key`."""
    return {organization_id: keyring.wrap_org_key(organization_key(orgs().organization(organization_id)),
                                                  public_key)
            for organization_id in organization_ids}


@bp.route("/providers/<provider_id>/members/<provider_user_id>/clients", methods=["GET", "POST"])
@login_required
def clients(provider_id: str, provider_user_id: str):
    """Which clients a Service User may reach: all of them (the provider key), or only those chosen (their org
    keys wrapped to them here, in the admin's gateway, where the keys are open)."""
    provider = _admin_provider(provider_id)
    person = orgs().staff_member(provider_id, provider_user_id)
    if person["role"] != "service_user":
        abort(404)
    query = {"q": (request.values.get("q") or "")[:100], "after": request.values.get("after") or "",
             "before": request.values.get("before") or ""}
    error, public_key = None, None
    if person["user_id"]:
        public_key = identity().public_key(person["user_id"])
        if person["key_fingerprint"] and person["key_fingerprint"] != keyring.key_fingerprint(public_key):
            error = _("%(email)s has another key than the one checked at confirmation: remove them and invite "
                      "them again.", email=person["email"])
    if request.method == "POST" and not error:
        try:
            orgs().change_scope(provider_id, provider_user_id, _scope_change(person, public_key))
        except ServiceError as refusal:
            if isinstance(refusal, NotFound) and refusal.code != "client.not_found":
                raise
            error = refusal_text(refusal)
        except OrgKeyUnavailable:
            error = _("A client's key could not be opened: nothing was changed.")
        else:
            toast = _("The clients of %(email)s were saved.", email=person["email"])
            if htmx:
                return render("partials/staff_changed.html", toast=toast, provider=provider,
                              users=orgs().staff(provider_id), me=g.vault_session.user_id)
            return see_other(url_for("staff.staff", provider_id=provider_id))
    page = orgs().clients(provider_id, **{k: v for k, v in query.items() if v})
    phrase = keyring.fingerprint_phrase(person["user_id"], public_key) \
        if public_key and person["status"] == "confirmed" and not person["key_fingerprint"] else None
    return render("pages/staff_clients.html", "partials/staff_clients_dialog.html", status=422 if error else 200,
                  partials={"staff-clients-list": "partials/staff_clients_list.html"}, person=person, page=page,
                  query=query, phrase=phrase, error=error, provider=provider, chosen=set(person["client_ids"]))


def _scope_change(person: dict, public_key: str | None) -> dict:
    """What the dialog's form asks orgs, with the keys wrapped to the person (when confirmed)."""
    confirmed = person["status"] == "confirmed"
    provider_id = person["provider_id"]
    fingerprint = keyring.key_fingerprint(public_key) if confirmed and not person["key_fingerprint"] else None
    if request.form.get("access") != "chosen":
        wrapped = keyring.wrap_provider_key(provider_key(provider_id), public_key) if confirmed else None
        return {"scoped": False, "wrapped_provider_key": wrapped, "key_fingerprint": fingerprint}
    shown = set(request.form.getlist("shown"))
    ticked = set(request.form.getlist("client")) & shown
    held = set(person["client_ids"]) if person["scoped"] else set()
    added = sorted(ticked - held)
    wrapped = _wrapped_org_keys(added, public_key) if confirmed else dict.fromkeys(added)
    return {"scoped": True, "add": wrapped, "remove": sorted((shown & held) - ticked), "key_fingerprint": fingerprint}


@bp.post("/providers/<provider_id>/members/resend")
@login_required
def resend_all(provider_id: str):
    """Send again every invitation not accepted yet."""
    _admin_provider(provider_id)
    waiting = [u for u in orgs().staff(provider_id) if u["status"] == "invited"]
    for user in waiting:
        orgs().reinvite_staff(provider_id, user["provider_user_id"])
    toast = _("Invitations sent again: %(count)s.", count=len(waiting))
    return _page(provider_id, toast=toast) if htmx else see_other(url_for("staff.staff", provider_id=provider_id))


@bp.post("/providers/<provider_id>/members/<provider_user_id>/<action>")
@login_required
def act(provider_id: str, provider_user_id: str, action: str):
    """Re-invite or remove one provider user."""
    if action not in ("reinvite", "remove", "make-admin", "make-service-user"):
        abort(404)
    _admin_provider(provider_id)
    person = orgs().staff_member(provider_id, provider_user_id)
    try:
        if action.startswith("make-"):
            role = "admin" if action == "make-admin" else "service_user"
            orgs().change_staff_role(provider_id, provider_user_id, role)
            done = _("%(email)s was updated.", email=person["email"])
        elif action == "reinvite":
            orgs().reinvite_staff(provider_id, provider_user_id)
            done = _("The invitation to %(email)s was sent again.", email=person["email"])
        else:
            orgs().remove_staff(provider_id, provider_user_id)
            done = _("%(email)s was removed.", email=person["email"])
    except ServiceError as error:
        if isinstance(error, NotFound):
            raise
        message = refusal_text(error)
        return _page(provider_id, status=200 if htmx else error.status, toast=message, alert=message)
    if htmx:
        return _page(provider_id, toast=done)
    return see_other(url_for("staff.staff", provider_id=provider_id))
