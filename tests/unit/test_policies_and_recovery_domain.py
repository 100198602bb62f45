"""Rules of an organization's policies and of account recovery, in orgs."""
from __future__ import annotations

import pytest
from sqlmodel import select

from gateway.crypto import KeyPair, wrap
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.orgs import domain
from services.orgs.models import Member, OutboxMessage
from tests.unit.orgs_support import CONTEXT, member_with

pytestmark = pytest.mark.unit
ORGANIZATION_KEYS = KeyPair.generate()


def wrapped_user_key() -> str:
    return wrap(b"u" * 64, ORGANIZATION_KEYS.public_key_b64)


def events(unit) -> list[str]:
    return [m.subject.split(".", 1)[1] for m in unit.scalars(select(OutboxMessage))]


def test_policies_start_off_and_only_those_who_manage_policies_change_them(uow, client):
    staff, org = client
    user, custom = member_with(uow, org, "user"), member_with(uow, org, "custom", ["manage_policies"])
    with uow() as unit:
        assert [(p.type, p.enabled) for p in domain.list_policies(unit, staff, org)] == [
            ("account_recovery", False), ("require_two_factor", False), ("master_password", False),
            ("disable_send", False), ("send_options", False)]
    with uow() as unit, pytest.raises(Forbidden):
        domain.save_policy(unit, user.user_id, org, "account_recovery", True, {}, CONTEXT)
    with uow() as unit:
        domain.save_policy(unit, custom.user_id, org, "account_recovery", True, {"auto_enroll": True}, CONTEXT)
    with uow() as unit:
        assert domain.policy_of(unit, org, "account_recovery").settings == {"auto_enroll": True}
        assert "org.policy.updated" in events(unit)
    with uow() as unit, pytest.raises(NotFound):
        domain.list_policies(unit, "stranger", org)


@pytest.mark.parametrize(("policy", "settings"), [
    ("master_password", {"min_length": 5}), ("master_password", {"min_length": "12"}),
    ("master_password", {"min_score": 5}), ("master_password", {"require_upper": "yes"}),
    ("master_password", {"colour": "blue"}), ("account_recovery", {"auto_enroll": "on"}),
    ("require_two_factor", {"grace_days": 3}), ("no_such_policy", {}),
])
def test_bad_policy_settings_are_refused_and_change_nothing(uow, client, policy, settings):
    staff, org = client
    with uow() as unit, pytest.raises(Invalid):
        domain.save_policy(unit, staff, org, policy, True, settings, CONTEXT)
    with uow() as unit:
        assert not any(p.enabled for p in domain.list_policies(unit, staff, org))


def test_requiring_two_step_login_revokes_members_without_it_but_never_owners_or_admins(uow, client):
    staff, org = client
    owner, admin = member_with(uow, org, "owner"), member_with(uow, org, "admin")
    secured, unsecured = member_with(uow, org, "user"), member_with(uow, org, "user")
    with uow() as unit:
        impact = domain.two_factor_impact(unit, org, {secured.user_id})
        assert [m.id for m in impact.revoked] == [unsecured.id]
        assert {m.id for m in impact.warned} == {owner.id, admin.id}
    with uow() as unit, pytest.raises(Invalid):  # identity did not answer: nothing is changed
        domain.save_policy(unit, staff, org, "require_two_factor", True, {}, CONTEXT, None)
    with uow() as unit:
        domain.save_policy(unit, staff, org, "require_two_factor", True, {}, CONTEXT, {secured.user_id})
    with uow() as unit:
        status = {m.id: m.status for m in unit.scalars(select(Member).where(Member.organization_id == org))}
        assert status[unsecured.id] == "revoked" and status[secured.id] == "confirmed"
        assert status[owner.id] == "confirmed" and status[admin.id] == "confirmed"
        assert events(unit).count("org.member.revoked_by_policy") == 1
        assert events(unit).count("org.member.warned_by_policy") == 2  # the owner and the admin are told
        assert domain.requires_two_factor(unit, org)


def test_master_password_rules_of_several_organizations_combine_to_the_strictest(uow, client):
    staff, org = client
    person = member_with(uow, org, "user")
    with uow() as unit:
        assert domain.policies_for_user(unit, person.user_id) == {"master_password": None,
                                                                  "two_factor_required_by": []}
        domain.save_policy(unit, staff, org, "master_password", True,
                           {"min_length": 16, "min_score": 3, "require_digits": True}, CONTEXT)
    with uow() as unit:
        rules = domain.policies_for_user(unit, person.user_id)["master_password"]
        assert rules["min_length"] == 16 and rules["min_score"] == 3 and rules["require_digits"]
        assert not rules["require_upper"]


@pytest.fixture
def recovery(uow, client):
    staff, org = client
    with uow() as unit:
        domain.save_policy(unit, staff, org, "account_recovery", True, {}, CONTEXT)
    return staff, org


def test_a_member_enrols_and_withdraws_unless_enrolment_is_automatic(uow, client, recovery):
    staff, org = recovery
    member = member_with(uow, org, "user")
    with uow() as unit, pytest.raises(Invalid):
        domain.enrol(unit, member.user_id, org, "not a wrapped key", CONTEXT)
    with uow() as unit:
        domain.enrol(unit, member.user_id, org, wrapped_user_key(), CONTEXT)
    with uow() as unit:
        domain.withdraw(unit, member.user_id, org, CONTEXT)
    with uow() as unit:
        assert unit.get(Member, member.id).reset_password_key is None
        assert {"org.member.recovery_enrolled", "org.member.recovery_withdrawn"} <= set(events(unit))
        domain.save_policy(unit, staff, org, "account_recovery", True, {"auto_enroll": True}, CONTEXT)
    with uow() as unit:
        assert domain.enrols_automatically(unit, org)
        domain.enrol(unit, member.user_id, org, wrapped_user_key(), CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.withdraw(unit, member.user_id, org, CONTEXT)
    with uow() as unit, pytest.raises(NotFound):  # not a member
        domain.enrol(unit, "stranger", org, wrapped_user_key(), CONTEXT)


def test_who_may_recover_whom(uow, client, recovery):
    staff, org = recovery
    owner, other_owner = member_with(uow, org, "owner"), member_with(uow, org, "owner")
    admin, user = member_with(uow, org, "admin"), member_with(uow, org, "user")
    custom = member_with(uow, org, "custom", ["manage_account_recovery"])
    plain = member_with(uow, org, "custom", ["manage_users"])
    for person in (owner, other_owner, admin, user, custom):
        with uow() as unit:
            domain.enrol(unit, person.user_id, org, wrapped_user_key(), CONTEXT)
    never_enrolled = member_with(uow, org, "user")
    with uow() as unit:
        assert domain.recovery_target(unit, admin.user_id, org, user.id)[0].id == user.id
        assert domain.recovery_target(unit, custom.user_id, org, user.id)[0].id == user.id
        assert domain.recovery_target(unit, owner.user_id, org, other_owner.id)[0].id == other_owner.id
        assert domain.recovery_target(unit, staff, org, admin.id)[0].id == admin.id  # provider staff, as an Admin
    refusals = [(admin.user_id, owner.id, Forbidden), (custom.user_id, owner.id, Forbidden),
                (staff, owner.id, Forbidden), (custom.user_id, admin.id, Forbidden),
                (plain.user_id, user.id, Forbidden), (user.user_id, admin.id, Forbidden),
                (admin.user_id, admin.id, Forbidden), (admin.user_id, never_enrolled.id, Conflict),
                (admin.user_id, "no-such-member", NotFound), ("stranger", user.id, NotFound)]
    for actor, target, refusal in refusals:
        with uow() as unit, pytest.raises(refusal):
            domain.recovery_target(unit, actor, org, target)
    with uow() as unit:
        domain.revoke(unit, staff, org, user.id, CONTEXT)
    with uow() as unit, pytest.raises(Conflict, match="revoked"):
        domain.recovery_target(unit, admin.user_id, org, user.id)
    with uow() as unit:
        domain.save_policy(unit, staff, org, "account_recovery", False, {}, CONTEXT)
    with uow() as unit, pytest.raises(Conflict, match="policy"):
        domain.recovery_target(unit, admin.user_id, org, custom.id)
