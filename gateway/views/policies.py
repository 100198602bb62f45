"""Policies: an organization's (Admin Console → Policies) and a provider's for all its clients
(Provider Portal → Policies, ADR 28): account recovery, required two-step login, master password
requirements, Remove Send and Send options. Both pages share one dialog.

Turning on "require two-step login" shows first whom it will revoke (and mail) and which owners
and admins lack two-step login themselves; only the second press changes anything. A client's
page shows its provider's policy as the floor its own may tighten, never loosen.
"""
from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.common.internal_http import NotFound, ServiceError

from ..access import login_required, provider_allowing, provider_through
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
    floors = {p["type"]: floor_text(p["type"], p.get("provider")) for p in found}
    return render("pages/policies.html", policies=found, labels=POLICIES, floors=floors, **_context(organization_id))


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


def floor_text(policy_type: str, floor: dict | None) -> str | None:
    """What the provider's policy of this type sets, in words (None when the provider has it off)."""
    if not floor or not floor["enabled"]:
        return None
    settings, said = floor["settings"], []
    if policy_type == "master_password":
        said.append(_("minimum length %(length)s", length=settings["min_length"]))
        if settings["min_score"]:
            said.append(_("strength at least %(label)s", label=STRENGTH_LABELS[settings["min_score"]]))
        said.extend(chars for key, chars in CHARACTER_RULES.items() if settings.get(key))
    elif settings.get("auto_enroll"):
        said.append(_("new members enrolled automatically"))
    elif settings.get("disable_hide_email"):
        said.append(_("email addresses always shown"))
    return _("Set by your provider: on (%(details)s).", details=", ".join(said)) if said else \
        _("Set by your provider: on.")


def _dialog(policy: dict, save, impact, action: str, cancel: str, floor: dict | None, context: dict):
    """One policy's dialog, on either page: shown, or its form saved through `save(enabled, settings)`."""
    policy_type, was_enabled, error = policy["type"], policy["enabled"], None
    if request.method == "POST":
        policy = {"type": policy_type, "enabled": request.form.get("enabled") == "on",
                  "settings": _settings(policy_type, request.form)}
        try:
            save(policy["enabled"], policy["settings"])
        except ServiceError as refusal:
            if isinstance(refusal, NotFound):
                raise
            error = refusal_text(refusal)
        else:
            return see_other(cancel, toast=_("The policy %(name)s was saved.", name=POLICIES[policy_type][0]))
    # Asked only when the dialog is shown, not when a save succeeds; not when the provider already requires it
    # (its members were checked then, and turning the client's own on revokes nobody).
    shown_impact = impact() if policy_type == "require_two_factor" and not was_enabled and not (
        floor and floor["enabled"]) else None
    return render("pages/policy_edit.html", "partials/policy_dialog.html", status=422 if error else 200,
                  policy=policy, label=POLICIES[policy_type], impact=shown_impact, error=error, action=action,
                  cancel=cancel, floor=floor_text(policy_type, floor), strengths=STRENGTH_LABELS,
                  characters=CHARACTER_RULES, **context)


@bp.route("/organizations/<organization_id>/policies/<policy_type>", methods=["GET", "POST"])
@login_required
def edit(organization_id: str, policy_type: str):
    """One policy's dialog: turn it on or off, set what it requires."""
    if policy_type not in POLICIES:
        abort(404)
    policy = next(p for p in orgs().policies(organization_id) if p["type"] == policy_type)
    return _dialog(policy, lambda enabled, settings: orgs().save_policy(organization_id, policy_type, enabled,
                                                                        settings),
                   lambda: orgs().two_factor_policy_impact(organization_id),
                   url_for("policies.edit", organization_id=organization_id, policy_type=policy_type),
                   url_for("policies.policies", organization_id=organization_id), policy.get("provider"),
                   _context(organization_id))


@bp.get("/providers/<provider_id>/policies")
@login_required
def provider_policies(provider_id: str):
    """The provider's policies, in force in every client (Provider Admins)."""
    provider = provider_allowing(provider_id, "manage_provider_policies")
    return render("pages/provider_policies.html", policies=orgs().provider_policies(provider_id), labels=POLICIES,
                  provider=provider)


@bp.route("/providers/<provider_id>/policies/<policy_type>", methods=["GET", "POST"])
@login_required
def provider_edit(provider_id: str, policy_type: str):
    """One provider policy's dialog; turning on "require two-step login" first shows, per client, whom it
    revokes and warns."""
    provider = provider_allowing(provider_id, "manage_provider_policies")
    if policy_type not in POLICIES:
        abort(404)
    policy = next(p for p in orgs().provider_policies(provider_id) if p["type"] == policy_type)
    return _dialog(policy, lambda enabled, settings: orgs().save_provider_policy(provider_id, policy_type, enabled,
                                                                                 settings),
                   lambda: {"clients": orgs().provider_two_factor_impact(provider_id)},
                   url_for("policies.provider_edit", provider_id=provider_id, policy_type=policy_type),
                   url_for("policies.provider_policies", provider_id=provider_id), None, {"provider": provider})
