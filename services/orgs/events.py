"""What the orgs service consumes: its own provider policy events, which it carries to every client
one client per transaction, and what changes a client's compliance with its provider's policies
(ADR 28): its members' events, and identity's word that someone turned two-step login on or off."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.config import Settings
from services.common.envelope import Event
from services.common.internal_auth import Caller, CallerSigner
from services.common.internal_http import ServiceClient

from .domain import provider_policies as rules
from .domain.policies import member_user_ids

TWO_FACTOR_BATCH = 200
# The events after which a client's count of members not meeting its provider's policies may differ (a client
# added to a provider or unlinked from one changes which provider's policies count).
MEMBER_CHANGES = ("org.added", "org.unlinked", "org.member.accepted", "org.member.confirmed", "org.member.removed",
                  "org.member.revoked", "org.member.restored", "org.member.revoked_by_policy", "org.member.recovery_enrolled",
                  "org.member.recovery_withdrawn", "org.policy.applied_by_provider")
TWO_FACTOR_CHANGES = ("user.two_factor_updated", "user.two_factor_disabled", "user.two_factor_recovered")


class TwoFactorStatus:
    """Identity's answer to "which of these users have two-step login on", asked by the worker with a
    signed internal call on behalf of the event's actor. Identity away raises ServiceUnavailable: the
    event is nak'ed, nothing of it committed, and it comes again."""

    def __init__(self, settings: Settings):
        self._identity = ServiceClient("identity", settings.service_urls["identity"],
                                       CallerSigner(settings.internal_secret), timeout=5)

    def __call__(self, event: Event, user_ids: list[str]) -> set[str]:
        on_behalf = Caller(by="orgs", actor_id=event.actorid or "orgs-worker", request_id=event.id,
                           device=event.devicetype)
        found: set[str] = set()
        for start in range(0, len(user_ids), TWO_FACTOR_BATCH):
            batch = user_ids[start:start + TWO_FACTOR_BATCH]
            status = self._identity.post("/users/two-factor-status", on_behalf, {"user_ids": batch})["two_factor"]
            found |= {user_id for user_id, on in status.items() if on}
        return found


def _recount(uow, event: Event, organization_id: str, two_factor: TwoFactorStatus) -> None:
    with_two_factor = None
    if rules.compliance_needs_two_factor(uow, organization_id):
        with_two_factor = two_factor(event, member_user_ids(uow, organization_id))
    rules.count_non_compliant(uow, organization_id, with_two_factor)


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the orgs worker runs."""
    applying, members, accounts = TwoFactorStatus(settings), TwoFactorStatus(settings), TwoFactorStatus(settings)

    def announce(uow, event: Event) -> None:
        rules.announce_to_clients(uow, event)

    def apply_to_client(uow, event: Event) -> None:
        if rules.needs_revocations(uow, event):
            organization_id = event.data["organization_id"]
            rules.apply_to_client(uow, event, applying(event, member_user_ids(uow, organization_id)))

    def member_changed(uow, event: Event) -> None:
        organization_id = event.data.get("organization_id") or event.orgid
        if organization_id:
            _recount(uow, event, organization_id, members)

    def members_changed(uow, events: list[Event]) -> None:
        # A batch (a bulk invitation accepted, a policy's revocations) counts each organization once.
        latest = {}
        for event in events:
            latest[event.data.get("organization_id") or event.orgid] = event
        for organization_id, event in latest.items():
            if organization_id:
                _recount(uow, event, organization_id, members)

    def two_factor_changed(uow, event: Event) -> None:
        for organization_id in rules.organizations_of_user(uow, event.data["user_id"]):
            _recount(uow, event, organization_id, accounts)

    return [
        Consumer("orgs-provider-policies", "orgs", "orgs.provider.policy.updated", announce),
        # One client per transaction: the revocations of one client commit (or not) together, with its inbox row.
        Consumer("orgs-provider-policy-clients", "orgs", "orgs.org.policy.applied_by_provider", apply_to_client,
                 one_per_transaction=True),
        Consumer("orgs-compliance", "orgs", tuple(f"orgs.{t}" for t in MEMBER_CHANGES), member_changed,
                 apply_batch=members_changed),
        Consumer("orgs-compliance-two-factor", "identity", tuple(f"identity.{t}" for t in TWO_FACTOR_CHANGES),
                 two_factor_changed),
    ]
