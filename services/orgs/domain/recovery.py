"""Account recovery: members enrol (their user key wrapped to the organization), and who may
reset an enrolled member's master password.

Enrolment happens in the member's own session: only their gateway holds the user key. The
reset itself happens in the recovering admin's gateway and in identity, which asks orgs, here,
whether this admin may recover this member: `recovery_target` is that one rule.
"""
from __future__ import annotations

from sqlmodel import select

from services.common.database import utcnow
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.validation import require_encstring

from ..models import Member, Organization
from .members import manager_of, member_event, standing_of
from .policies import policy_in_force


def _own_membership(uow, actor_id: str, organization_id: str) -> Member:
    member = uow.first(select(Member).where(Member.organization_id == organization_id, Member.user_id == actor_id,
                                            Member.status.in_(("accepted", "confirmed"))))
    if member is None:
        raise NotFound("No such organization.", code="organization.not_found")
    return member


def enrol(uow, actor_id: str, organization_id: str, reset_password_key: str, context: dict) -> Member:
    """The actor enrols in the organization's account recovery with their user key wrapped to it."""
    member = _own_membership(uow, actor_id, organization_id)
    if not policy_in_force(uow, organization_id, "account_recovery").enabled:
        raise Conflict("This organization does not use account recovery.", code="recovery.not_used")
    member.reset_password_key = require_encstring(reset_password_key, 4, "reset_password_key")
    member.updated_at = utcnow()
    uow.add(member)
    uow.publish(member_event("org.member.recovery_enrolled", member, context))
    uow.commit()
    return member


def withdraw(uow, actor_id: str, organization_id: str, context: dict) -> Member:
    """The actor leaves account recovery, unless the organization enrols everyone automatically."""
    member = _own_membership(uow, actor_id, organization_id)
    if member.reset_password_key is None:
        raise Conflict("You are not enrolled in account recovery.", code="recovery.not_enrolled_self")
    policy = policy_in_force(uow, organization_id, "account_recovery")
    if policy.enabled and policy.settings.get("auto_enroll"):
        raise Forbidden("This organization requires every member to be enrolled in account recovery.",
                        code="recovery.enrolment_required")
    member.reset_password_key, member.updated_at = None, utcnow()
    uow.add(member)
    uow.publish(member_event("org.member.recovery_withdrawn", member, context))
    uow.commit()
    return member


def recovery_target(uow, actor_id: str, organization_id: str, member_id: str) -> tuple[Member, Organization]:
    """The member whose master password the actor may reset, with their organization; refused
    otherwise: nobody recovers themselves or a member ranked above them, only owners recover
    owners, and only a confirmed member enrolled while the policy is on can be recovered."""
    manager = manager_of(uow, actor_id, organization_id, "manage_account_recovery")
    member = uow.get(Member, member_id)
    if member is None or member.organization_id != organization_id:
        raise NotFound("No such member.", code="member.not_found")
    if member.user_id == actor_id:
        raise Forbidden("You cannot recover your own account: change your master password instead.",
                        code="recovery.own_account")
    if not manager.standing.may_recover(standing_of(member)):
        if member.role == "owner":
            raise Forbidden("Only an owner can recover an owner's account.", code="recovery.owner_only")
        raise Forbidden("You cannot recover the account of a member whose role is above yours.",
                        code="recovery.role_above")
    if member.status == "revoked":
        raise Conflict("This member's access is revoked: restore it before recovering the account.",
                       code="recovery.member_revoked")
    if member.status != "confirmed" or member.user_id is None:
        raise Conflict("Only a confirmed member's account can be recovered.", code="recovery.member_not_confirmed")
    if not policy_in_force(uow, organization_id, "account_recovery").enabled:
        raise Conflict("Turn on the account recovery policy first.", code="recovery.policy_off")
    if member.reset_password_key is None:
        raise Conflict("This member is not enrolled in account recovery.", code="recovery.member_not_enrolled")
    return member, manager.organization


def enrols_automatically(uow, organization_id: str) -> bool:
    """Whether members of the organization are enrolled as soon as they join."""
    policy = policy_in_force(uow, organization_id, "account_recovery")
    return policy.enabled and bool(policy.settings.get("auto_enroll"))


def my_recovery(uow, actor_id: str) -> list[tuple[Member, Organization, bool]]:
    """For each organization the actor belongs to and whose account recovery is on: their
    membership, the organization (its public key wraps their user key), and whether enrolment
    is automatic."""
    rows = uow.scalars(select(Member, Organization).join(Organization, Organization.id == Member.organization_id)
                       .where(Member.user_id == actor_id, Member.status.in_(("accepted", "confirmed")))
                       .order_by(Organization.name)).all()
    found = []
    for member, organization in rows:
        policy = policy_in_force(uow, organization.id, "account_recovery")
        if policy.enabled:
            found.append((member, organization, bool(policy.settings.get("auto_enroll"))))
    return found
