"""The permission table: who may grant, manage and recover whom, as plain rules."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from services.orgs.domain.permissions import (ORGANIZATION_ACTIONS, PERMISSIONS, PROVIDER_ACTIONS, Standing,
                                              provider_actions, provider_may)

OWNER, ADMIN, USER = Standing.of("owner"), Standing.of("admin"), Standing.of("user")
STAFF = Standing.of("provider_service_user")


def custom(*permissions: str) -> Standing:
    return Standing.of("custom", permissions)


permission_sets = st.frozensets(st.sampled_from(PERMISSIONS))


def test_every_action_is_allowed_by_a_known_custom_permission():
    assert set(ORGANIZATION_ACTIONS.values()) <= set(PERMISSIONS)


def test_owners_admins_and_staff_hold_every_permission_and_users_none():
    for permission in PERMISSIONS:
        assert OWNER.holds(permission) and ADMIN.holds(permission) and STAFF.holds(permission)
        assert not USER.holds(permission)


def test_a_custom_member_with_manage_users_cannot_grant_admin_owner_or_a_permission_it_lacks():
    manager = custom("manage_users")
    assert manager.may_grant("user")
    assert manager.may_grant("custom", ["manage_users"])
    assert not manager.may_grant("admin")
    assert not manager.may_grant("owner")
    assert not manager.may_grant("custom", ["manage_all_collections"])
    assert not manager.may_grant("custom", ["manage_users", "manage_account_recovery"])


@given(permission_sets, permission_sets)
def test_a_custom_member_grants_exactly_the_subsets_of_what_it_holds(held, wanted):
    assert custom(*held).may_grant("custom", wanted) == (wanted <= held)


def test_only_owners_and_provider_staff_make_owners_and_admins_make_admins():
    assert OWNER.may_grant("owner") and STAFF.may_grant("owner")
    assert not ADMIN.may_grant("owner")
    assert ADMIN.may_grant("admin") and ADMIN.may_grant("custom", PERMISSIONS)


def test_a_custom_member_manages_users_and_smaller_custom_members_only():
    manager = custom("manage_users", "access_event_logs")
    assert manager.may_manage(USER)
    assert manager.may_manage(custom("access_event_logs"))
    assert not manager.may_manage(custom("manage_policies"))
    assert not manager.may_manage(ADMIN)
    assert not manager.may_manage(OWNER)
    assert not custom("access_event_logs").may_manage(USER)  # holds no manage_users


def test_a_custom_member_with_account_recovery_cannot_recover_an_admin():
    recoverer = custom("manage_account_recovery")
    assert recoverer.may_recover(USER)
    assert recoverer.may_recover(custom("manage_account_recovery"))
    assert not recoverer.may_recover(custom("manage_account_recovery", "manage_users"))
    assert not recoverer.may_recover(ADMIN)
    assert not recoverer.may_recover(OWNER)


def test_owners_are_recovered_only_by_owners_and_staff_recover_as_admins():
    assert OWNER.may_recover(OWNER)
    assert not ADMIN.may_recover(OWNER)
    assert not STAFF.may_recover(OWNER)
    assert STAFF.may_recover(ADMIN) and ADMIN.may_recover(ADMIN) and ADMIN.may_recover(custom(*PERMISSIONS))


@given(st.sampled_from(["owner", "admin", "user", "custom"]), permission_sets,
       st.sampled_from(["owner", "admin", "user", "custom"]), permission_sets)
def test_nobody_manages_or_recovers_someone_ranked_above_them(role, held, target_role, target_held):
    actor, target = Standing.of(role, held), Standing.of(target_role, target_held)
    if not actor.at_least(target):
        assert not actor.may_manage(target)
        assert not actor.may_recover(target)
        assert not actor.may_grant(target_role, target_held) or actor.role == "owner"


def test_only_provider_admins_create_add_unlink_reseat_and_see_billing():
    for action in ("create_client", "add_existing_client", "unlink_client", "change_seats", "see_billing",
                   "manage_staff"):
        assert provider_may("admin", action) and not provider_may("service_user", action)
    assert provider_may("service_user", "administer_clients")
    assert set(provider_actions("admin")) == set(PROVIDER_ACTIONS)


def test_provider_admins_and_service_users_alike_schedule_demo_sessions():
    assert provider_may("admin", "schedule_demos") and provider_may("service_user", "schedule_demos")
    assert "schedule_demos" in provider_actions("service_user")


def test_a_scoped_service_user_keeps_only_listing_and_administering_their_clients():
    # A scope limits reach, it is not a role (ADR 27): the unscoped cells are unchanged.
    assert provider_actions("service_user", scoped=True) == ["list_clients", "administer_clients"]
    assert provider_actions("service_user") == provider_actions("service_user", scoped=False)
    assert not provider_may("service_user", "schedule_demos", True)  # demo sessions are provider-wide
    for action in PROVIDER_ACTIONS:
        assert provider_may("service_user", action, True) <= provider_may("service_user", action)
