"""Policies, and account recovery: enrolment, and the check identity makes before a reset."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, ask, event_context, unit_of_work

from .. import domain
from ..models import Organization
from . import bp

TWO_FACTOR_BATCH = 200


class PolicyIn(StrictBody):
    enabled: bool
    settings: dict = Field(default_factory=dict)


class EnrolmentIn(StrictBody):
    reset_password_key: str = Field(max_length=1000)


def _policy_json(policy, floor=None) -> dict:
    body = {"type": policy.type, "enabled": policy.enabled, "settings": policy.settings}
    body["provider"] = {"enabled": floor.enabled, "settings": floor.settings} if floor is not None else None
    return body


def users_with_two_factor(user_ids: list[str]) -> set[str]:
    """Which of these users have two-step login on, as identity says (a small internal call)."""
    found: set[str] = set()
    for start in range(0, len(user_ids), TWO_FACTOR_BATCH):
        batch = user_ids[start:start + TWO_FACTOR_BATCH]
        status = ask("identity", "/users/two-factor-status", {"user_ids": batch})["two_factor"]
        found |= {user_id for user_id, on in status.items() if on}
    return found


def _member_users(organization_id: str) -> list[str]:
    with unit_of_work() as uow:
        return domain.member_user_ids(uow, organization_id)


@bp.get("/organizations/<organization_id>/policies")
def list_policies(organization_id: str):
    """The organization's policies, for those who manage them."""
    with unit_of_work() as uow:
        return {"policies": [_policy_json(p, domain.floor_of(uow, organization_id, p.type))
                             for p in domain.list_policies(uow, acting_user(), organization_id)]}


@bp.get("/organizations/<organization_id>/policies/require_two_factor/impact")
def two_factor_impact(organization_id: str):
    """Who requiring two-step login would revoke, and which owners and admins lack it (warned)."""
    with unit_of_work() as uow:
        domain.list_policies(uow, acting_user(), organization_id)
    with_two_factor = users_with_two_factor(_member_users(organization_id))
    with unit_of_work() as uow:
        impact = domain.two_factor_impact(uow, organization_id, with_two_factor)
    as_json = lambda members: [{"member_id": m.id, "email": m.email, "name": m.name, "role": m.role}  # noqa: E731
                               for m in members]
    return {"revoked": as_json(impact.revoked), "warned": as_json(impact.warned)}


@bp.put("/organizations/<organization_id>/policies/<policy_type>")
@bp.input(PolicyIn)
def save_policy(organization_id: str, policy_type: str, json_data: PolicyIn):
    """Turn a policy on or off, or change its settings."""
    with unit_of_work() as uow:
        domain.list_policies(uow, acting_user(), organization_id)  # refuse before asking identity anything
    with_two_factor = None
    if policy_type == "require_two_factor" and json_data.enabled:
        with_two_factor = users_with_two_factor(_member_users(organization_id))
    with unit_of_work() as uow:
        policy = domain.save_policy(uow, acting_user(), organization_id, policy_type, json_data.enabled,
                                    json_data.settings, event_context(), with_two_factor)
        return _policy_json(policy)


@bp.get("/providers/<provider_id>/policies")
def list_provider_policies(provider_id: str):
    """The provider's policies, in force in every client (Provider Admins)."""
    with unit_of_work() as uow:
        return {"policies": [_policy_json(p) for p in domain.list_provider_policies(uow, acting_user(), provider_id)]}


@bp.get("/providers/<provider_id>/policies/require_two_factor/impact")
def provider_two_factor_impact(provider_id: str):
    """Per client, whom requiring two-step login across the provider would revoke and warn (the clients
    that already require it on their own are left out: their members were checked then)."""
    with unit_of_work() as uow:
        domain.list_provider_policies(uow, acting_user(), provider_id)
        clients = [(organization_id, uow.get(Organization, organization_id).name,
                    domain.policy_of(uow, organization_id, "require_two_factor").enabled,
                    domain.member_user_ids(uow, organization_id))
                   for organization_id in domain.client_ids(uow, provider_id)]
    users = sorted({user for *_rest, members in clients for user in members})
    with_two_factor = users_with_two_factor(users)
    found = []
    with unit_of_work() as uow:
        for organization_id, name, already, _members in clients:
            impact = domain.two_factor_impact(uow, organization_id, with_two_factor)
            if not already and (impact.revoked or impact.warned):
                found.append({"organization_id": organization_id, "name": name, "revoked": len(impact.revoked),
                              "warned": len(impact.warned)})
    return {"clients": sorted(found, key=lambda c: c["name"].casefold())}


@bp.put("/providers/<provider_id>/policies/<policy_type>")
@bp.input(PolicyIn)
def save_provider_policy(provider_id: str, policy_type: str, json_data: PolicyIn):
    """Turn a provider policy on or off, or change its settings; every client follows through orgs' worker."""
    with unit_of_work() as uow:
        policy = domain.save_provider_policy(uow, acting_user(), provider_id, policy_type, json_data.enabled,
                                             json_data.settings, event_context())
        return _policy_json(policy)


@bp.get("/organizations/<organization_id>/requirements")
def organization_requirements(organization_id: str):
    """What the organization requires of a master password (shown to invitees who register)."""
    with unit_of_work() as uow:
        return domain.combined_requirements(uow, [organization_id])


@bp.get("/me/requirements")
def my_requirements():
    """What the caller's organizations require of them, combined (the strictest wins)."""
    with unit_of_work() as uow:
        return domain.policies_for_user(uow, acting_user())


@bp.get("/me/recovery")
def my_recovery():
    """The caller's organizations that use account recovery, and whether the caller is enrolled."""
    with unit_of_work() as uow:
        found = domain.my_recovery(uow, acting_user())
    return {"organizations": [{"organization_id": o.id, "name": o.name, "public_key": o.public_key,
                               "auto_enroll": auto, "enrolled": m.reset_password_key is not None}
                              for m, o, auto in found]}


@bp.put("/organizations/<organization_id>/recovery/enrolment")
@bp.input(EnrolmentIn)
def enrol(organization_id: str, json_data: EnrolmentIn):
    """Enrol the caller in account recovery (their user key wrapped to the organization by their gateway)."""
    with unit_of_work() as uow:
        domain.enrol(uow, acting_user(), organization_id, json_data.reset_password_key, event_context())
    return "", 204


@bp.delete("/organizations/<organization_id>/recovery/enrolment")
def withdraw(organization_id: str):
    """Withdraw the caller from account recovery, when the organization allows it."""
    with unit_of_work() as uow:
        domain.withdraw(uow, acting_user(), organization_id, event_context())
    return "", 204


@bp.get("/organizations/<organization_id>/members/<member_id>/recovery")
def recovery_target(organization_id: str, member_id: str):
    """The member the caller may recover, with what their gateway needs; identity asks the same
    before it stores a reset."""
    with unit_of_work() as uow:
        member, organization = domain.recovery_target(uow, acting_user(), organization_id, member_id)
        return {"member_id": member.id, "user_id": member.user_id, "email": member.email, "name": member.name,
                "role": member.role, "reset_password_key": member.reset_password_key,
                "organization_name": organization.name, "public_key": organization.public_key,
                "encrypted_private_key": organization.encrypted_private_key}
