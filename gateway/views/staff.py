"""The provider's own staff (Provider Portal → Members): invite, confirm, remove."""
from __future__ import annotations

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required, provider_allowing
from ..backends import backends, caller
from ..forms import StaffInviteForm, show_refusal
from ..org_keys import provider_key
from ..render import htmx, render, see_other

bp = Blueprint("staff", __name__)


def _admin_provider(provider_id: str) -> dict:
    return provider_allowing(provider_id, "manage_staff")


def _page(provider_id: str, status: int = 200, toast: str | None = None, alert: str | None = None, **extra):
    provider = _admin_provider(provider_id)
    users = backends().orgs.get(f"/providers/{provider_id}/staff", caller())["users"]
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
            invited = backends().orgs.post(f"/providers/{provider_id}/staff", caller(),
                                           {"emails": form.emails.data, "role": form.role.data})["users"]
        except ServiceError as error:
            show_refusal(form, error, "emails")
        else:
            toast = _("Invitations sent: %(count)s.", count=len(invited))
            if htmx:
                users = backends().orgs.get(f"/providers/{provider_id}/staff", caller())["users"]
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
    person = backends().orgs.get(f"/providers/{provider_id}/staff/{provider_user_id}", caller())
    error, phrase = None, None
    if person["status"] != "accepted" or not person["user_id"]:
        error = _("Only accepted provider users can be confirmed.")
    else:
        public_key = backends().identity.get(f"/users/{person['user_id']}", caller())["public_key"]
        phrase = keyring.fingerprint_phrase(person["user_id"], public_key)
        if request.method == "POST":
            try:
                backends().orgs.post(f"/providers/{provider_id}/staff/{provider_user_id}/confirm", caller(), {
                    "wrapped_provider_key": keyring.wrap_provider_key(provider_key(provider_id), public_key)})
            except ServiceError as refusal:
                error = _(refusal.message)
            else:
                toast = _("%(email)s is confirmed.", email=person["email"])
                if htmx:
                    users = backends().orgs.get(f"/providers/{provider_id}/staff", caller())["users"]
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
    waiting = [u for u in backends().orgs.get(f"/providers/{provider_id}/staff", caller())["users"]
               if u["status"] == "invited"]
    for user in waiting:
        backends().orgs.post(f"/providers/{provider_id}/staff/{user['provider_user_id']}/reinvite", caller())
    toast = _("Invitations sent again: %(count)s.", count=len(waiting))
    return _page(provider_id, toast=toast) if htmx else see_other(url_for("staff.staff", provider_id=provider_id))


@bp.post("/providers/<provider_id>/members/<provider_user_id>/<action>")
@login_required
def act(provider_id: str, provider_user_id: str, action: str):
    """Re-invite or remove one provider user."""
    if action not in ("reinvite", "remove", "make-admin", "make-service-user"):
        abort(404)
    _admin_provider(provider_id)
    person = backends().orgs.get(f"/providers/{provider_id}/staff/{provider_user_id}", caller())
    try:
        if action.startswith("make-"):
            role = "admin" if action == "make-admin" else "service_user"
            backends().orgs.call("PUT", f"/providers/{provider_id}/staff/{provider_user_id}/role", caller(),
                                 json={"role": role})
            done = _("%(email)s was updated.", email=person["email"])
        elif action == "reinvite":
            backends().orgs.post(f"/providers/{provider_id}/staff/{provider_user_id}/reinvite", caller())
            done = _("The invitation to %(email)s was sent again.", email=person["email"])
        else:
            backends().orgs.call("DELETE", f"/providers/{provider_id}/staff/{provider_user_id}", caller())
            done = _("%(email)s was removed.", email=person["email"])
    except ServiceError as error:
        if error.status == 404:
            raise
        message = _(error.message)
        return _page(provider_id, status=200 if htmx else error.status, toast=message, alert=message)
    if htmx:
        return _page(provider_id, toast=done)
    return see_other(url_for("staff.staff", provider_id=provider_id))
