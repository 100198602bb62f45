"""An organization's policies (Admin Console → Policies): account recovery, required two-step
login, master password requirements, Remove Send and Send options.

Turning on "require two-step login" shows first whom it will revoke (and mail) and which owners
and admins lack two-step login themselves; only the second press changes anything.
"""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.common.internal_http import NotFound, ServiceError

from ..access import login_required, provider_through
from ..backends import orgs
from ..master_password_rules import STRENGTH_LABELS
from ..refusals import refusal_text
from ..render import render, see_other

bp = Blueprint("policies", __name__)
POLICIES = {
    "account_recovery": (_l("Account recovery administration"),
                         _l("Owners, admins and allowed members can reset the master password of enrolled "
                            "members.")),
    "require_two_factor": (_l("Require two-step login"),
                           _l("Members must turn on two-step login. Members without it lose access (owners and "
                              "admins are spared) and are emailed why.")),
    "master_password": (_l("Master password requirements"),
                        _l("Minimum length, strength and characters for members' master passwords.")),
    "disable_send": (_l("Remove Send"),
                     _l("Do not allow non-owner users to create or edit a Send. Deleting an existing Send is still "
                        "allowed.")),
    "send_options": (_l("Send options"),
                     _l("Set options for creating and editing Sends.")),
}
CHARACTER_RULES = {"require_upper": "A-Z", "require_lower": "a-z", "require_digits": "0-9",
                   "require_special": "!@#$%^&*"}


def _context(organization_id: str) -> dict:
    organization = orgs().organization(organization_id)
    return {"organization": organization, "provider": provider_through(organization)}


@bp.get("/organizations/<organization_id>/policies")
@login_required
def policies(organization_id: str):
    """The organization's policies, each on or off."""
    found = orgs().policies(organization_id)
    return render("pages/policies.html", policies=found, labels=POLICIES, **_context(organization_id))


def _settings(policy_type: str, form) -> dict:
    if policy_type == "account_recovery":
        return {"auto_enroll": form.get("auto_enroll") == "on"}
    if policy_type == "master_password":
        length, score = form.get("min_length", ""), form.get("min_score", "")
        return {"min_length": int(length) if length.isdigit() else -1, "min_score": int(score) if score.isdigit()
                else -1, **{key: form.get(key) == "on" for key in CHARACTER_RULES}}
    if policy_type == "send_options":
        return {"disable_hide_email": form.get("disable_hide_email") == "on"}
    return {}


@bp.route("/organizations/<organization_id>/policies/<policy_type>", methods=["GET", "POST"])
@login_required
def edit(organization_id: str, policy_type: str):
    """One policy's dialog: turn it on or off, set what it requires."""
    if policy_type not in POLICIES:
        abort(404)
    found = orgs().policies(organization_id)
    policy = next(p for p in found if p["type"] == policy_type)
    was_enabled, error = policy["enabled"], None
    if request.method == "POST":
        policy = {"type": policy_type, "enabled": request.form.get("enabled") == "on",
                  "settings": _settings(policy_type, request.form)}
        try:
            orgs().save_policy(organization_id, policy_type, policy["enabled"], policy["settings"])
        except ServiceError as refusal:
            if isinstance(refusal, NotFound):
                raise
            error = refusal_text(refusal)
        else:
            return see_other(url_for("policies.policies", organization_id=organization_id),
                             toast=_("The policy %(name)s was saved.", name=POLICIES[policy_type][0]))
    impact = None  # asked only when the dialog is shown, not when a save succeeds
    if policy_type == "require_two_factor" and not was_enabled:
        impact = orgs().two_factor_policy_impact(organization_id)
    return render("pages/policy_edit.html", "partials/policy_dialog.html", status=422 if error else 200,
                  policy=policy, label=POLICIES[policy_type], impact=impact, error=error,
                  strengths=STRENGTH_LABELS, characters=CHARACTER_RULES, organization_id=organization_id,
                  **_context(organization_id))
