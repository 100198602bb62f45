"""An organization's policies: account recovery, required two-step login, master password rules.

Orgs keeps the rules; who enforces each is where the facts are. A client's provider may set the
same policies for every client (ADR 28): what is in force in a client is then the stricter of the
two (`policy_in_force`), and the client's own may tighten the provider's, never loosen it.
Master password rules are checked in the gateway, the one place a master password exists;
two-step login is known to identity, so turning that policy on takes the list of members who have
it from identity and revokes the others (owners and admins are shown who lacks it before, and are never revoked).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Invalid

from ..models import Member, Organization, Policy, ProviderPolicy
from .members import _lock, manager_of, take_seats

POLICY_TYPES = ("account_recovery", "require_two_factor", "master_password", "disable_send", "send_options")
EXEMPT_FROM_TWO_FACTOR = ("owner", "admin")
MASTER_PASSWORD_DEFAULTS = {"min_length": 12, "min_score": 0, "require_upper": False, "require_lower": False,
                            "require_digits": False, "require_special": False}
MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 12, 128


def _checked_settings(policy_type: str, settings: dict) -> dict:
    if policy_type == "account_recovery":
        extra = set(settings) - {"auto_enroll"}
        if extra or not isinstance(settings.get("auto_enroll", False), bool):
            raise Invalid("Account recovery takes only automatic enrolment (on or off).", "settings",
                          code="policy.recovery_settings_invalid")
        return {"auto_enroll": settings.get("auto_enroll", False)}
    if policy_type == "master_password":
        merged = {**MASTER_PASSWORD_DEFAULTS, **settings}
        if set(merged) != set(MASTER_PASSWORD_DEFAULTS):
            raise Invalid("Unknown master password requirement.", "settings",
                          code="policy.master_password_setting_unknown")
        length, score = merged["min_length"], merged["min_score"]
        if not isinstance(length, int) or isinstance(length, bool) or not \
                MIN_PASSWORD_LENGTH <= length <= MAX_PASSWORD_LENGTH:
            raise Invalid("The minimum length is a number from %(low)s to %(high)s.", "min_length",
                          code="policy.min_length_invalid", low=MIN_PASSWORD_LENGTH, high=MAX_PASSWORD_LENGTH)
        if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 4:
            raise Invalid("The minimum strength is a number from 0 to 4.", "min_score", code="policy.min_score_invalid")
        if not all(isinstance(merged[k], bool) for k in merged if k.startswith("require_")):
            raise Invalid("Each character requirement is on or off.", "settings",
                          code="policy.character_requirement_invalid")
        return merged
    if policy_type == "send_options":
        extra = set(settings) - {"disable_hide_email"}
        if extra or not isinstance(settings.get("disable_hide_email", False), bool):
            raise Invalid("Send options take only whether members may hide their email address (on or off).",
                          "settings", code="policy.send_options_invalid")
        return {"disable_hide_email": settings.get("disable_hide_email", False)}
    if settings:
        raise Invalid("This policy has no settings.", "settings", code="policy.no_settings")
    return {}


def _policy_type(value: str) -> str:
    if value not in POLICY_TYPES:
        raise Invalid("Unknown policy.", "type", code="policy.unknown")
    return value


def policy_of(uow, organization_id: str, policy_type: str) -> Policy:
    """The organization's policy of this type (off, with default settings, if never set)."""
    found = uow.get(Policy, (organization_id, _policy_type(policy_type)))
    return found or Policy(organization_id=organization_id, type=policy_type, enabled=False,
                           settings=_checked_settings(policy_type, {}))


def provider_policy_of(uow, provider_id: str | None, policy_type: str) -> ProviderPolicy | None:
    """The provider's policy of this type, None if it never set one (or there is no provider)."""
    return uow.get(ProviderPolicy, (provider_id, _policy_type(policy_type))) if provider_id else None


def floor_of(uow, organization_id: str, policy_type: str) -> ProviderPolicy | None:
    """The provider's policy of this type when it is on for the organization's provider: its floor."""
    organization = uow.get(Organization, organization_id)
    floor = provider_policy_of(uow, organization.provider_id if organization else None, policy_type)
    return floor if floor is not None and floor.enabled else None


def stricter(own: Policy, floor: ProviderPolicy | None) -> Policy:
    """The stricter of a client's own policy and its provider's: on if either is; the larger of each
    number and every requirement either sets. A new, unsaved row: changing it changes nothing."""
    if floor is None or not floor.enabled:
        return own
    settings = dict(floor.settings)
    if own.enabled:
        for key, value in own.settings.items():
            mine = settings.get(key, value)
            settings[key] = (mine or value) if isinstance(value, bool) else max(mine, value)
    return Policy(organization_id=own.organization_id, type=own.type, enabled=True, settings=settings)


def policy_in_force(uow, organization_id: str, policy_type: str) -> Policy:
    """What the organization's members must meet: its own policy, or its provider's where stricter.
    Every enforcement point asks this; only the client's Policies page reads the client's own."""
    return stricter(policy_of(uow, organization_id, policy_type), floor_of(uow, organization_id, policy_type))


def require_at_least(floor: ProviderPolicy | None, enabled: bool, settings: dict) -> None:
    """Refuse a client policy weaker than its provider's (turned off, a smaller number, a requirement dropped)."""
    if floor is None or not floor.enabled:
        return
    if not enabled:
        raise Invalid("Your provider has this policy on for every client: it cannot be turned off here.", "enabled",
                      code="policy.required_by_provider")
    for key, required in floor.settings.items():
        value = settings.get(key, required)
        if (value is False and required is True) or (not isinstance(required, bool) and value < required):
            raise Invalid("This is weaker than your provider's policy: every client must meet it or go further.", key,
                          code="policy.weaker_than_provider")


def list_policies(uow, actor_id: str, organization_id: str) -> list[Policy]:
    """Every policy of the organization (its own: `floor_of` tells its provider's), for those who manage policies."""
    manager_of(uow, actor_id, organization_id, "manage_policies")
    return [policy_of(uow, organization_id, t) for t in POLICY_TYPES]


@dataclass(frozen=True)
class TwoFactorImpact:
    """Who turning on "require two-step login" affects: members it would revoke, managers it warns."""

    revoked: list[Member]
    warned: list[Member]


def two_factor_impact(uow, organization_id: str, with_two_factor: set[str]) -> TwoFactorImpact:
    """The members without two-step login, split into those the policy revokes and those it spares."""
    members = uow.scalars(select(Member).where(Member.organization_id == organization_id,
                                               Member.status.in_(("accepted", "confirmed")))
                          .order_by(Member.email)).all()
    lacking = [m for m in members if m.user_id not in with_two_factor]
    return TwoFactorImpact([m for m in lacking if m.role not in EXEMPT_FROM_TWO_FACTOR],
                           [m for m in lacking if m.role in EXEMPT_FROM_TWO_FACTOR])


def save_policy(uow, actor_id: str, organization_id: str, policy_type: str, enabled: bool, settings: dict,
                context: dict, with_two_factor: set[str] | None = None) -> Policy:
    """Turn a policy on or off, or change its settings. Turning on "require two-step login" revokes
    the members (other than owners and admins) who have not turned it on: `with_two_factor` is
    who has, as identity says."""
    manager_of(uow, actor_id, organization_id, "manage_policies")
    checked = _checked_settings(policy_type, settings)
    require_at_least(floor_of(uow, organization_id, policy_type), bool(enabled), checked)
    was_in_force = policy_in_force(uow, organization_id, policy_type).enabled
    policy = policy_of(uow, organization_id, policy_type)
    policy.enabled, policy.settings, policy.updated_at = bool(enabled), checked, utcnow()
    uow.add(policy)
    if policy_type == "require_two_factor" and enabled and not was_in_force:
        if with_two_factor is None:
            raise Invalid("Who has two-step login is not known: nothing was changed.", code="policy.two_factor_unknown")
        revoke_without_two_factor(uow, organization_id, with_two_factor, context)
    uow.publish(Event("org.policy.updated", {"organization_id": organization_id, "policy": policy_type,
                                             "enabled": policy.enabled, "settings": policy.settings},
                      subject=organization_id, orgid=organization_id, **context))
    uow.commit()
    return policy


def revoke_without_two_factor(uow, organization_id: str, with_two_factor: set[str], context: dict) -> TwoFactorImpact:
    """Revoke the members (but owners and admins) who lack two-step login, free their seats, and have
    each mailed why; the owners and admins who lack it are mailed to turn it on."""
    organization = _lock(uow, organization_id)  # the members revoked are read, and their seats freed, under it
    impact = two_factor_impact(uow, organization_id, with_two_factor)
    for member in impact.revoked:
        member.status_before_revoke, member.status, member.updated_at = member.status, "revoked", utcnow()
        uow.add(member)
    take_seats(uow, organization_id, -len(impact.revoked))  # accepted and confirmed ones only: all seated
    for event_type, members in (("org.member.revoked_by_policy", impact.revoked),
                                ("org.member.warned_by_policy", impact.warned)):
        for member in members:
            uow.publish(Event(event_type, {
                "member_id": member.id, "organization_id": organization_id,
                "organization_name": organization.name, "email": member.email, "name": member.name,
                "role": member.role, "policy": "require_two_factor"}, subject=member.id, orgid=organization_id,
                **context))
    return impact


def policies_for_user(uow, user_id: str) -> dict:
    """What the organizations a user belongs to require of them, combined (the strictest wins)."""
    memberships = uow.scalars(select(Member).where(Member.user_id == user_id,
                                                   Member.status.in_(("accepted", "confirmed")))).all()
    return combined_requirements(uow, [m.organization_id for m in memberships])


def combined_requirements(uow, organization_ids: list[str]) -> dict:
    """The master password rules of these organizations combined, and which require two-step login."""
    rules = dict(MASTER_PASSWORD_DEFAULTS)
    applies, two_factor = False, []
    for organization_id in sorted(set(organization_ids)):
        password = policy_in_force(uow, organization_id, "master_password")
        if password.enabled:
            applies = True
            for key, value in password.settings.items():
                rules[key] = max(rules[key], value) if not isinstance(value, bool) else rules[key] or value
        if policy_in_force(uow, organization_id, "require_two_factor").enabled:
            two_factor.append(organization_id)
    return {"master_password": rules if applies else None, "two_factor_required_by": two_factor}


def member_user_ids(uow, organization_id: str) -> list[str]:
    """The accounts of the organization's accepted and confirmed members."""
    return sorted(uow.scalars(select(Member.user_id).where(Member.organization_id == organization_id,
                                                           Member.status.in_(("accepted", "confirmed")),
                                                           Member.user_id.is_not(None))).all())


def requires_two_factor(uow, organization_id: str) -> bool:
    """Whether joining or coming back to the organization needs two-step login on."""
    return policy_in_force(uow, organization_id, "require_two_factor").enabled
