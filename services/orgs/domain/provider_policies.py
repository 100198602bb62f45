"""Provider-wide policies (ADR 28): set once on the provider, in force in every client.

A provider's policy is a floor: `policies.policy_in_force` combines it with each client's own,
so every check that already enforced a client's policy enforces the provider's too. What a
client must *do* when a policy comes on (revoke members without two-step login) happens in
orgs' worker, one client per transaction, from the events this module publishes:

1. saving a provider policy publishes `provider.policy.updated` in the same transaction;
2. its consumer publishes `org.policy.applied_by_provider` for every current client (one
   transaction; the client's event log shows it), each with an id made from the provider
   event's id and the client's, so the same pair can never make two;
3. that event's consumer applies it to its client, once (the inbox), in one transaction.

Compliance (the Clients table's column) is a count kept on the organization, counted again
from the members and identity's answer whenever something it depends on changes.
"""
from __future__ import annotations

import uuid

from sqlalchemy import func, or_, update
from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event

from ..models import Member, Organization, ProviderPolicy
from .policies import (POLICY_TYPES, _checked_settings, _policy_type, floor_of, policy_of,
                       provider_policy_of, revoke_without_two_factor)
from .providers import provider_acting

SEATED_ACTIVE = ("accepted", "confirmed")
APPLIED_NAMESPACE = uuid.UUID("5b0f3c9e-28a1-4f4e-9a52-0d7c1f2e2028")


def _off(provider_id: str, policy_type: str) -> ProviderPolicy:
    return ProviderPolicy(provider_id=provider_id, type=policy_type, enabled=False,
                          settings=_checked_settings(policy_type, {}))


def list_provider_policies(uow, actor_id: str, provider_id: str) -> list[ProviderPolicy]:
    """Every policy of the provider (off, with default settings, if never set), for its admins."""
    provider_acting(uow, actor_id, provider_id, "manage_provider_policies")
    return [provider_policy_of(uow, provider_id, t) or _off(provider_id, t) for t in POLICY_TYPES]


def save_provider_policy(uow, actor_id: str, provider_id: str, policy_type: str, enabled: bool, settings: dict,
                         context: dict) -> ProviderPolicy:
    """Turn a provider policy on or off, or change its settings; its clients follow through the worker."""
    provider_acting(uow, actor_id, provider_id, "manage_provider_policies")
    policy = provider_policy_of(uow, provider_id, _policy_type(policy_type)) or _off(provider_id, policy_type)
    was_enabled = policy.enabled
    policy.enabled, policy.settings, policy.updated_at = bool(enabled), _checked_settings(policy_type, settings), \
        utcnow()
    uow.add(policy)
    uow.publish(Event("provider.policy.updated", {
        "provider_id": provider_id, "policy": policy_type, "enabled": policy.enabled, "settings": policy.settings,
        "was_enabled": was_enabled}, subject=provider_id, providerid=provider_id, **context))
    uow.commit()
    return policy


def client_ids(uow, provider_id: str) -> list[str]:
    """The provider's current clients."""
    return list(uow.scalars(select(Organization.id).where(Organization.provider_id == provider_id)
                            .order_by(Organization.id)))


def announce_to_clients(uow, event: Event) -> int:
    """Publish, for each current client, that the provider's policy now applies to it; how many clients."""
    data = event.data
    clients = client_ids(uow, data["provider_id"])
    for organization_id in clients:
        uow.publish(Event("org.policy.applied_by_provider", {
            "organization_id": organization_id, "provider_id": data["provider_id"], "policy": data["policy"],
            "enabled": data["enabled"], "settings": data["settings"],
            "turned_on": bool(data["enabled"] and not data.get("was_enabled"))},
            subject=organization_id, orgid=organization_id, providerid=data["provider_id"], actorid=event.actorid,
            ip=event.ip, devicetype=event.devicetype, traceparent=event.traceparent,
            id=str(uuid.uuid5(APPLIED_NAMESPACE, f"{event.id}:{organization_id}"))))
    return len(clients)


def needs_revocations(uow, event: Event) -> bool:
    """Whether applying this event to its client revokes anyone: the provider just turned on "require
    two-step login" and has it on still, the client is still its client, and did not require it
    already (its members were checked when it did)."""
    data = event.data
    organization = uow.get(Organization, data["organization_id"])
    return (data["policy"] == "require_two_factor" and data["turned_on"] and organization is not None
            and organization.provider_id == data["provider_id"]
            and floor_of(uow, organization.id, "require_two_factor") is not None
            and not policy_of(uow, organization.id, "require_two_factor").enabled)


def apply_to_client(uow, event: Event, with_two_factor: set[str]) -> None:
    """Revoke the client's members without two-step login (owners and admins are warned instead), with the
    same events, mails and freed seats as when a client turns the policy on itself."""
    context = {"actorid": event.actorid, "ip": event.ip, "devicetype": event.devicetype,
               "traceparent": event.traceparent}
    revoke_without_two_factor(uow, event.data["organization_id"], with_two_factor, context)


def compliance_needs_two_factor(uow, organization_id: str) -> bool:
    """Whether counting the organization's compliance needs identity's word on two-step login."""
    return floor_of(uow, organization_id, "require_two_factor") is not None


def count_non_compliant(uow, organization_id: str, with_two_factor: set[str] | None) -> int:
    """Count again, and keep, the organization's members not meeting its provider's policies: without
    two-step login when the provider requires it; not enrolled in account recovery when the provider
    enrols members automatically. (Master passwords are checked at log-in, where they exist: ADR 28.)"""
    unmet = []
    if floor_of(uow, organization_id, "require_two_factor") is not None:
        unmet.append(Member.user_id.not_in(sorted(with_two_factor or ())) | Member.user_id.is_(None))
    recovery = floor_of(uow, organization_id, "account_recovery")
    if recovery is not None and recovery.settings.get("auto_enroll"):
        unmet.append(Member.reset_password_key.is_(None))
    count = 0
    if unmet:
        count = uow.session.exec(select(func.count()).select_from(Member).where(
            Member.organization_id == organization_id, Member.status.in_(SEATED_ACTIVE), or_(*unmet))).one()
    uow.session.exec(update(Organization).where(Organization.id == organization_id)
                     .values(non_compliant_members=count))
    return count


def organizations_of_user(uow, user_id: str) -> list[str]:
    """The client organizations the user is an active member of (their compliance depends on the user)."""
    return sorted(set(uow.scalars(select(Member.organization_id).join(
        Organization, Organization.id == Member.organization_id).where(
        Member.user_id == user_id, Member.status.in_(SEATED_ACTIVE), Organization.provider_id.is_not(None)))))
