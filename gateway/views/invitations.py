"""Accepting an invitation from the link in its email."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from ..backends import identity, orgs
from ..refusals import refusal_text
from ..render import render
from . import account

bp = Blueprint("invitations", __name__)


@bp.route("/invitations/accept", methods=["GET", "POST"])
def accept():
    """Show what the link invites to; a logged-in invitee accepts it with one button."""
    token = (request.values.get("token") or "")[:200]
    here = url_for("invitations.accept") + "?" + urlencode({"token": token})
    try:
        invitation = identity().preview_invitation(token)
    except ServiceError as error:
        return render("pages/invitation.html", status=error.status if error.status < 500 else 503,
                      error=refusal_text(error), invitation=None)
    session = g.get("vault_session")
    if session is None:
        return render("pages/invitation.html", invitation=invitation, token=token,
                      login_url=url_for("auth.login", next=here, email=invitation["email"]),
                      register_url=url_for("auth.register", next=here, email=invitation["email"]))
    if request.method == "POST":
        missing = _missing_two_factor(invitation, session.user_id)
        if missing:
            return render("pages/invitation.html", status=403, error=missing, invitation=invitation, token=token)
        try:
            redeemed = identity().redeem_invitation(token)
            orgs().accept(redeemed["kind"], redeemed["organization_id"], redeemed["member_id"], redeemed["proof"],
                          session.name)
        except ServiceError as error:
            return render("pages/invitation.html", status=error.status if error.status < 500 else 503,
                          error=refusal_text(error), invitation=invitation, token=token)
        if redeemed["kind"] != "provider":
            _enrol_if_required(redeemed["organization_id"])
        return render("pages/invitation.html", invitation=invitation, accepted=True)
    return render("pages/invitation.html", invitation=invitation, token=token)


def _missing_two_factor(invitation: dict, user_id: str) -> str | None:
    """Why the invitee cannot join yet: the organization requires two-step login and they have none.
    Asked before the link is used, so that it still works once they turn it on."""
    if invitation.get("kind") == "provider":
        return None
    required = orgs().requirements(invitation["organization_id"])
    if not required["two_factor_required_by"]:
        return None
    status = identity().two_factor_status([user_id])
    if status.get(user_id):
        return None
    return _("This organization requires two-step login. Turn it on in your account settings, then open this "
             "link again.")


def _enrol_if_required(organization_id: str) -> None:
    """Enrol the new member in account recovery at once when the organization enrols everyone."""
    for organization in orgs().my_recovery():
        if organization["organization_id"] == organization_id and organization["auto_enroll"] \
                and not organization["enrolled"]:
            account.enrol(organization)
