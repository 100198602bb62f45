"""Recover account (Admin Console → Members → row menu): an administrator sets a new master
password for an enrolled member.

Here, in the administrator's gateway, the org key opens the organization's private key, which
opens the member's user key; a master key derived from the new password wraps it again.
Identity stores the new wrapped key and hash once orgs has said this administrator may recover
this member; the member's sessions then end. Nothing is sent if any key fails to open.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask_babel import gettext as _

from services.common.internal_http import NotFound, ServiceError

from .. import keyring
from ..access import login_required
from ..backends import identity, orgs
from ..crypto import EncStringError
from ..master_password_rules import describe, problem_with, rules_with_floor
from ..org_keys import OrgKeyUnavailable, organization_key
from ..refusals import refusal_text
from ..render import render, see_other

bp = Blueprint("recovery", __name__)


def _target(organization_id: str, member_id: str) -> tuple[dict | None, str | None]:
    try:
        return orgs().recovery_target(organization_id, member_id), None
    except ServiceError as refusal:
        if isinstance(refusal, NotFound):
            raise
        return None, refusal_text(refusal)


def _recover(organization_id: str, target: dict, password: str) -> None:
    """Open the member's user key, wrap it under the new master password, have identity store it."""
    organization = orgs().organization(organization_id)
    member = identity().recovery_keys(organization_id, target["member_id"])
    user_key = keyring.recovered_user_key(target["reset_password_key"], organization_key(organization),
                                          target["encrypted_private_key"], target["public_key"],
                                          (member["public_key"], member["encrypted_private_key"]))
    new = keyring.new_master_password(target["email"], password, identity().kdf_of(target["email"]), user_key)
    identity().recover(organization_id, target["member_id"], new.master_password_hash, new.protected_user_key)
    current_app.extensions["sessions"].end_sessions_of(target["user_id"])


@bp.route("/organizations/<organization_id>/members/<member_id>/recover", methods=["GET", "POST"])
@login_required
def recover(organization_id: str, member_id: str):
    """The Recover account dialog, and the reset it makes."""
    target, error = _target(organization_id, member_id)
    requirements = orgs().requirements(organization_id)
    rules = rules_with_floor(requirements["master_password"])
    if target is not None and request.method == "POST":
        password = request.form.get("master_password", "")[:1000]
        if password != request.form.get("master_password_confirm", ""):
            error = _("The two master passwords are not the same.")
        else:
            error = problem_with(password, rules, target["email"], target["name"] or "")
        if error is None:
            try:
                _recover(organization_id, target, password)
            except OrgKeyUnavailable:
                error = _("You hold no key of this organization, so you cannot recover accounts.")
            except (EncStringError, ValueError):
                error = _("This member's recovery key does not open with the organization's key. Nothing was "
                          "changed; ask them to enrol again.")
            except ServiceError as refusal:
                if isinstance(refusal, NotFound):
                    raise
                error = refusal_text(refusal)
            else:
                return see_other(url_for("members.members", organization_id=organization_id),
                                 toast=_("The master password of %(email)s was reset. Give them the new one "
                                         "in person or by phone, never by email.", email=target["email"]))
    return render("pages/member_recover.html", "partials/recover_dialog.html", status=422 if error else 200,
                  target=target, error=error, rules=describe(rules), organization_id=organization_id,
                  member_id=member_id)
