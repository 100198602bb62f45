"""The provider's own staff (Provider Portal → Members): invite, confirm, remove."""
from __future__ import annotations

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError

from .. import keyring
from ..access import login_required, provider_allowing
from ..backends import identity, orgs
from ..forms import StaffInviteForm, show_refusal
from ..org_keys import provider_key
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
    """Confirm a provider user after the fingerprint check: the provider key is wrapped to them."""
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
                orgs().confirm_staff(provider_id, provider_user_id,
                                     keyring.wrap_provider_key(provider_key(provider_id), public_key))
            except ServiceError as refusal:
                error = refusal_text(refusal)
            else:
                toast = _("%(email)s is confirmed.", email=person["email"])
                if htmx:
                    users = orgs().staff(provider_id)
                    return render("partials/staff_changed.html", toast=toast, provider=provider, users=users,
                                  me=g.vault_session.user_id)
                return see_other(url_for("staff.staff", provider_id=provider_id))
    return render("pages/staff_confirm.html", "partials/staff_confirm_dialog.html", status=422 if error else 200,
                  person=person, phrase=phrase, error=error, provider=provider)


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
