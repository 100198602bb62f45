"""Provider-wide policies in orgs (ADR 28): in force in every client, a floor a client may only tighten,
carried to each client once, and the Compliance count the Clients table filters on."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from services.common.bus import Consumer
from services.common.consumers import apply_once
from services.common.envelope import Event
from services.common.errors import Forbidden, Invalid, NotFound
from services.orgs import domain, models
from services.orgs.domain import provider_policies as rules
from services.orgs.domain.recovery import enrol, enrols_automatically, withdraw
from services.orgs.domain.sends import send_policy
from services.orgs.models import Member, Organization, OutboxMessage
from tests.unit.orgs_support import CONTEXT, member_with
from tests.unit.test_policies_and_recovery_domain import wrapped_user_key

pytestmark = pytest.mark.unit
STRICT = {"min_length": 16, "min_score": 3, "require_upper": True, "require_lower": False, "require_digits": False,
          "require_special": False}


def provider_of(uow, organization_id: str) -> str:
    with uow() as unit:
        return unit.get(Organization, organization_id).provider_id


def set_provider_policy(uow, staff, provider_id, policy_type, enabled=True, settings=None):
    with uow() as unit:
        return domain.save_provider_policy(unit, staff, provider_id, policy_type, enabled, settings or {}, CONTEXT)


def outbox(unit, event_type: str) -> list[Event]:
    return [Event.from_json(row.payload) for row in unit.scalars(
        select(OutboxMessage).where(OutboxMessage.subject == f"orgs.{event_type}").order_by(OutboxMessage.seq))]


def test_each_provider_policy_is_in_force_in_a_client_that_set_none(uow, client):
    staff, org = client
    provider_id = provider_of(uow, org)
    user = member_with(uow, org, "user")
    with uow() as unit:
        assert not domain.requires_two_factor(unit, org) and not enrols_automatically(unit, org)
        assert send_policy(unit, user.user_id) == {"disable_send": False, "disable_hide_email": False}
    for policy_type, settings in (("account_recovery", {"auto_enroll": True}), ("require_two_factor", {}),
                                  ("master_password", STRICT), ("disable_send", {}),
                                  ("send_options", {"disable_hide_email": True})):
        set_provider_policy(uow, staff, provider_id, policy_type, True, settings)
    with uow() as unit:
        assert domain.requires_two_factor(unit, org)
        assert enrols_automatically(unit, org)
        required = domain.combined_requirements(unit, [org])
        assert required["master_password"] == STRICT and required["two_factor_required_by"] == [org]
        assert domain.policies_for_user(unit, user.user_id)["master_password"]["min_length"] == 16
        assert send_policy(unit, user.user_id) == {"disable_send": True, "disable_hide_email": True}
        # The client's own stays off: its Policies page shows what it set itself, and the provider's as the floor.
        assert not domain.policy_of(unit, org, "require_two_factor").enabled
    with uow() as unit:
        enrol(unit, user.user_id, org, wrapped_user_key(), CONTEXT)  # the account recovery policy is on
    with uow() as unit, pytest.raises(Forbidden):
        withdraw(unit, user.user_id, org, CONTEXT)  # automatic enrolment, by the provider


def test_the_stricter_of_client_and_provider_is_in_force(uow, client):
    staff, org = client
    set_provider_policy(uow, staff, provider_of(uow, org), "master_password", True, STRICT)
    with uow() as unit:
        domain.save_policy(unit, staff, org, "master_password", True,
                           {**STRICT, "min_length": 20, "min_score": 3, "require_digits": True}, CONTEXT)
    with uow() as unit:
        assert domain.policy_in_force(unit, org, "master_password").settings == {
            **STRICT, "min_length": 20, "require_digits": True}


@pytest.mark.parametrize("policy_type, provider, weaker, code", [
    ("master_password", STRICT, {**STRICT, "min_length": 14}, "policy.weaker_than_provider"),
    ("master_password", STRICT, {**STRICT, "min_score": 2}, "policy.weaker_than_provider"),
    ("master_password", STRICT, {**STRICT, "require_upper": False}, "policy.weaker_than_provider"),
    ("account_recovery", {"auto_enroll": True}, {"auto_enroll": False}, "policy.weaker_than_provider"),
    ("send_options", {"disable_hide_email": True}, {"disable_hide_email": False}, "policy.weaker_than_provider"),
    ("require_two_factor", {}, None, "policy.required_by_provider"),
    ("disable_send", {}, None, "policy.required_by_provider"),
])
def test_a_client_cannot_loosen_its_providers_policy_and_nothing_changes(uow, client, policy_type, provider, weaker,
                                                                        code):
    staff, org = client
    set_provider_policy(uow, staff, provider_of(uow, org), policy_type, True, provider)
    with uow() as unit:
        before = (domain.policy_of(unit, org, policy_type).settings, len(unit.scalars(select(OutboxMessage)).all()))
    with uow() as unit, pytest.raises(Invalid) as refused:
        domain.save_policy(unit, staff, org, policy_type, weaker is not None, weaker or {}, CONTEXT)
    assert refused.value.code == code
    with uow() as unit:
        assert not domain.policy_of(unit, org, policy_type).enabled
        assert (domain.policy_of(unit, org, policy_type).settings,
                len(unit.scalars(select(OutboxMessage)).all())) == before
    with uow() as unit:  # the same or stricter is taken
        domain.save_policy(unit, staff, org, policy_type, True, provider, CONTEXT)


def test_only_provider_admins_set_provider_policies(uow, client):
    staff, org = client
    provider_id = provider_of(uow, org)
    service_user = str(uuid.uuid4())
    with uow() as unit:
        domain.add_confirmed_provider_user(unit, staff, provider_id, service_user, "sam@msp.example", "service_user",
                                           wrapped_user_key(), CONTEXT)
    for actor, refusal in ((service_user, Forbidden), ("stranger", NotFound)):
        with uow() as unit, pytest.raises(refusal):
            domain.list_provider_policies(unit, actor, provider_id)
        with uow() as unit, pytest.raises(refusal):
            domain.save_provider_policy(unit, actor, provider_id, "disable_send", True, {}, CONTEXT)
    with uow() as unit:
        assert not any(p.enabled for p in domain.list_provider_policies(unit, staff, provider_id))
        assert not outbox(unit, "provider.policy.updated")
    with uow() as unit, pytest.raises(Invalid):
        domain.save_provider_policy(unit, staff, provider_id, "master_password", True, {"min_length": 5}, CONTEXT)


def _consumer(name, apply):
    return Consumer(name, "orgs", "orgs.x", apply, one_per_transaction=True)


def test_turning_two_step_login_on_reaches_each_client_once_and_revokes_each_member_once(uow, client):
    staff, org = client
    provider_id = provider_of(uow, org)
    with uow() as unit:
        second = domain.create_client(unit, staff, provider_id, domain.ClientDraft(
            "Globex", "Teams", 4, "owner@globex.example", "billing@globex.example",
            *_keys()), CONTEXT).id
    lax, careful, admin = member_with(uow, org, "user"), member_with(uow, org, "user"), member_with(uow, org, "admin")
    other, second_admin = member_with(uow, second, "custom"), member_with(uow, second, "admin")
    with uow() as unit:  # the second client already requires it: `other` is revoked, its admin warned, by the client
        domain.save_policy(unit, staff, second, "require_two_factor", True, {}, CONTEXT, with_two_factor=set())
    with_two_factor = {careful.user_id}
    set_provider_policy(uow, staff, provider_id, "require_two_factor")
    with uow() as unit:
        updated = outbox(unit, "provider.policy.updated")[-1]
    announce = _consumer("announce", rules.announce_to_clients)

    def apply(unit, event):
        if rules.needs_revocations(unit, event):
            rules.apply_to_client(unit, event, with_two_factor)
    applying = _consumer("apply", apply)
    database = _engine_of(uow)
    assert apply_once(database, models, announce, updated) is True
    assert apply_once(database, models, announce, updated) is False  # redelivered: nothing announced twice
    with uow() as unit:
        applied = outbox(unit, "org.policy.applied_by_provider")
    assert sorted(e.orgid for e in applied) == sorted([org, second]) and all(e.data["turned_on"] for e in applied)
    for event in applied + applied:  # each delivered twice
        apply_once(database, models, applying, event)
    with uow() as unit:
        status = {m.id: m.status for m in unit.scalars(select(Member))}
        assert (status[lax.id], status[careful.id], status[admin.id], status[other.id]) == (
            "revoked", "confirmed", "confirmed", "revoked")
        revoked = [e.data["member_id"] for e in outbox(unit, "org.member.revoked_by_policy")]
        warned = [e.data["member_id"] for e in outbox(unit, "org.member.warned_by_policy")]
        # Once each: the second client's were revoked and warned by the client itself, and not again.
        assert sorted(revoked) == sorted([lax.id, other.id]) and sorted(warned) == sorted([second_admin.id, admin.id])
        assert unit.get(Organization, org).used_seats == 3  # invited owner, careful, admin


def test_compliance_counts_members_not_meeting_the_providers_policies_and_filters_the_clients(uow, client):
    staff, org = client
    provider_id = provider_of(uow, org)
    lax, careful = member_with(uow, org, "user"), member_with(uow, org, "admin")
    with uow() as unit:
        assert rules.count_non_compliant(unit, org, None) == 0  # no provider policy: everyone complies
        unit.commit()
    set_provider_policy(uow, staff, provider_id, "require_two_factor")
    with uow() as unit:
        assert rules.compliance_needs_two_factor(unit, org)
        assert rules.count_non_compliant(unit, org, {careful.user_id}) == 1
        unit.commit()
    with uow() as unit:
        page = domain.list_clients(unit, staff, provider_id, compliance="non_compliant")
        assert [(r.organization_id, r.non_compliant) for r in page.rows] == [(org, 1)] and page.total is None
    set_provider_policy(uow, staff, provider_id, "account_recovery", True, {"auto_enroll": True})
    with uow() as unit:
        enrol(unit, careful.user_id, org, wrapped_user_key(), CONTEXT)
    with uow() as unit:
        # lax: no two-step login, not enrolled; careful: enrolled, with two-step login
        assert rules.count_non_compliant(unit, org, {careful.user_id}) == 1
        assert rules.count_non_compliant(unit, org, {careful.user_id, lax.user_id}) == 1  # lax is not enrolled
        assert rules.count_non_compliant(unit, org, set()) == 2
        unit.commit()
    with uow() as unit:
        enrol(unit, lax.user_id, org, wrapped_user_key(), CONTEXT)
    with uow() as unit:
        rules.count_non_compliant(unit, org, {careful.user_id, lax.user_id})
        unit.commit()
    with uow() as unit:
        assert domain.list_clients(unit, staff, provider_id, compliance="non_compliant").rows == []
        assert [r.non_compliant for r in domain.list_clients(unit, staff, provider_id).rows] == [0]
    with uow() as unit, pytest.raises(Invalid):
        domain.list_clients(unit, staff, provider_id, compliance="everything")


def _keys():
    from gateway import keyring
    from gateway.crypto import KeyPair
    provider = keyring.new_provider(KeyPair.generate().public_key_b64)
    keys = keyring.new_client_organization(provider.key)
    return keys.public_key, keys.encrypted_private_key, keys.encrypted_org_key


def _engine_of(uow):
    with uow() as unit:
        return unit.session.get_bind()
