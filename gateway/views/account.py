"""One's own account: changing the master password, and account recovery enrolment.

A new master password wraps the same user key again, so every item stays readable; the
organizations' master password rules apply, and every other session of the account ends.
Enrolling wraps the user key to an organization's public key, here, in the member's own session.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import ServiceError

from .. import keyring
from ..access import login_required
from ..backends import identity, orgs
from ..master_password_rules import describe, problem_with, rules_with_floor
from ..refusals import refusal_text
from ..render import render, see_other
from ..sessions import COOKIE
from .auth import set_session_cookie

bp = Blueprint("account", __name__)


def _rules() -> dict:
    """What the user's organizations require of a master password, with Custodian's floor."""
    return rules_with_floor(orgs().my_requirements()["master_password"])


def _page(status: int = 200, error: str | None = None, rules: dict | None = None):
    recovery = orgs().my_recovery()
    session = g.vault_session
    # What an administrator reads out when confirming this person (Bitwarden's "My account").
    phrase = keyring.fingerprint_phrase(session.user_id, session.keys.key_pair.public_key_b64)
    return render("pages/account.html", status=status, error=error, recovery=recovery,
                  rules=describe(rules or _rules()), fingerprint=phrase)


@bp.get("/account")
@login_required
def account():
    """Account settings: My account (with the fingerprint phrase), master password, account recovery,
    two-step login."""
    return _page()


@bp.post("/account/master-password")
@login_required
def change_master_password():
    """Change one's master password (the organizations' rules apply); other sessions end."""
    session = g.vault_session
    current, new = request.form.get("current_master_password", ""), request.form.get("master_password", "")[:1000]
    rules = _rules()
    if new != request.form.get("master_password_confirm", ""):
        return _page(422, _("The two new master passwords are not the same."), rules)
    problem = problem_with(new, rules, session.email, session.name)
    if problem:
        return _page(422, problem, rules)
    kdf = identity().kdf_of(session.email)
    current_hash, _master_key = keyring.log_in_hash(session.email, current, kdf)
    replacement = keyring.new_master_password(session.email, new, kdf, session.keys.user_key)
    try:
        identity().change_master_password(current_hash, replacement.master_password_hash,
                                          replacement.protected_user_key)
    except ServiceError as refusal:
        return _page(422, refusal_text(refusal), rules)
    # A new session replaces this one (a new id after a new password); every other one ends.
    sessions = current_app.extensions["sessions"]
    session.must_change_password = False
    cookie = sessions.create(session)
    sessions.delete(request.cookies.get(COOKIE))
    ended = sessions.end_sessions_of(session.user_id, keep_cookie=cookie)
    response = see_other(url_for("account.account"), toast=_(
        "Your master password was changed. Sessions ended elsewhere: %(count)s.", count=ended))
    set_session_cookie(response, cookie)
    return response


def enrol(organization: dict) -> None:
    """Enrol the signed-in member in an organization's account recovery (user key wrapped to it)."""
    wrapped = keyring.recovery_enrolment(g.vault_session.keys.user_key, organization["public_key"])
    orgs().enrol_in_recovery(organization["organization_id"], wrapped)


@bp.post("/account/recovery/<organization_id>/<action>")
@login_required
def recovery(organization_id: str, action: str):
    """Enrol in an organization's account recovery, or withdraw."""
    organizations = orgs().my_recovery()
    organization = next((o for o in organizations if o["organization_id"] == organization_id), None)
    if organization is None or action not in ("enrol", "withdraw"):
        return _page(404, _("This organization does not use account recovery."))
    try:
        if action == "enrol":
            enrol(organization)
        else:
            orgs().leave_recovery(organization_id)
    except ServiceError as refusal:
        return _page(422, refusal_text(refusal))
    done = _("You are enrolled in the account recovery of %(name)s.", name=organization["name"]) \
        if action == "enrol" else _("You withdrew from the account recovery of %(name)s.", name=organization["name"])
    return see_other(url_for("account.account"), toast=done)
