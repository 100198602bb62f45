"""Accepting an invitation from the link in its email."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from ..backends import backends, caller
from ..render import render

bp = Blueprint("invitations", __name__)


@bp.route("/invitations/accept", methods=["GET", "POST"])
def accept():
    """Show what the link invites to; a logged-in invitee accepts it with one button."""
    token = (request.values.get("token") or "")[:200]
    here = url_for("invitations.accept") + "?" + urlencode({"token": token})
    try:
        invitation = backends().identity.post("/invitations/preview", caller(), {"token": token})
    except ServiceError as error:
        return render("pages/invitation.html", status=error.status if error.status < 500 else 503,
                      error=_(error.message), invitation=None)
    session = g.get("vault_session")
    if session is None:
        return render("pages/invitation.html", invitation=invitation, token=token,
                      login_url=url_for("auth.login", next=here, email=invitation["email"]),
                      register_url=url_for("auth.register", next=here, email=invitation["email"]))
    if request.method == "POST":
        try:
            redeemed = backends().identity.post("/invitations/redeem", caller(), {"token": token})
            joined = "providers/{organization_id}/staff" if redeemed["kind"] == "provider" else \
                "organizations/{organization_id}/members"
            backends().orgs.post(f"/{joined.format(**redeemed)}/{redeemed['member_id']}/accept", caller(),
                                 {"proof": redeemed["proof"], "name": session.name})
        except ServiceError as error:
            return render("pages/invitation.html", status=error.status if error.status < 500 else 503,
                          error=_(error.message), invitation=invitation, token=token)
        return render("pages/invitation.html", invitation=invitation, accepted=True)
    return render("pages/invitation.html", invitation=invitation, token=token)
