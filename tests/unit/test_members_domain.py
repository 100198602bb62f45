"""Rules of members: who may invite, re-role, revoke and remove whom, and seats."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from gateway.crypto import KeyPair, SymmetricKey, wrap
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.orgs import domain, models
from tests.unit.orgs_support import CONTEXT, member_with

def wrapped() -> str:
    return wrap(SymmetricKey.generate().raw, KeyPair.generate().public_key_b64)


def test_invitations_take_seats_and_stop_at_the_limit_saying_how_many_remain(uow, client):
    staff, org = client
    with uow() as unit:
        assert len(domain.invite(unit, staff, org, "a@x.example, b@x.example\nB@x.example", "user", [],
                                 CONTEXT)) == 2
    with uow() as unit, pytest.raises(domain.SeatLimitReached, match="1 remaining, 2 needed"):
        domain.invite(unit, staff, org, "c@x.example, d@x.example", "user", [], CONTEXT)
    with uow() as unit:
        assert domain.seats_taken(unit, org) == 3


@pytest.mark.parametrize("emails, message", [("", "at least one"), ("not-an-email", "not a valid email"),
                                             (",".join(f"p{i}@x.example" for i in range(21)), "at most 20")])
def test_bad_email_lists_are_refused(uow, client, emails, message):
    staff, org = client
    with uow() as unit, pytest.raises(Invalid, match=message):
        domain.invite(unit, staff, org, emails, "user", [], CONTEXT)


def test_an_admin_cannot_invite_or_raise_anyone_to_owner(uow, client):
    _staff, org = client
    admin = member_with(uow, org, "admin")
    user = member_with(uow, org, "user")
    with uow() as unit, pytest.raises(Forbidden):
        domain.invite(unit, admin.user_id, org, "o@x.example", "owner", [], CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.change_role(unit, admin.user_id, org, user.id, "owner", [], CONTEXT)
    with uow() as unit:
        assert domain.change_role(unit, admin.user_id, org, user.id, "admin", [], CONTEXT).role == "admin"


def test_a_custom_user_who_manages_users_invites_users_but_no_admin_or_owner(uow, client):
    _staff, org = client
    custom = member_with(uow, org, "custom", ["manage_users"])
    with uow() as unit:
        assert domain.invite(unit, custom.user_id, org, "u@x.example", "user", [], CONTEXT)[0].role == "user"
    for role in ("admin", "owner"):
        with uow() as unit, pytest.raises(Forbidden):
            domain.invite(unit, custom.user_id, org, f"{role}@x.example", role, [], CONTEXT)


def test_a_plain_user_or_a_stranger_cannot_manage_members(uow, client):
    _staff, org = client
    user = member_with(uow, org, "user")
    with uow() as unit, pytest.raises(Forbidden):
        domain.invite(unit, user.user_id, org, "u@x.example", "user", [], CONTEXT)
    with uow() as unit, pytest.raises(NotFound):
        domain.list_members(unit, str(uuid.uuid4()), org)


def test_nobody_changes_their_own_type(uow, client):
    _staff, org = client
    owner = member_with(uow, org, "owner")
    with uow() as unit, pytest.raises(Forbidden, match="your own"):
        domain.change_role(unit, owner.user_id, org, owner.id, "user", [], CONTEXT)


def test_the_last_owner_can_be_neither_revoked_nor_removed_nor_demoted(uow, client):
    staff, org = client
    with uow() as unit:
        invited_owner = next(m for m in domain.list_members(unit, staff, org).members if m.role == "owner")
    for action in (lambda unit: domain.revoke(unit, staff, org, invited_owner.id, CONTEXT),
                   lambda unit: domain.remove(unit, staff, org, invited_owner.id, CONTEXT),
                   lambda unit: domain.change_role(unit, staff, org, invited_owner.id, "admin", [], CONTEXT)):
        with uow() as unit, pytest.raises(domain.LastOwner):
            action(unit)
    member_with(uow, org, "owner")
    with uow() as unit:
        domain.remove(unit, staff, org, invited_owner.id, CONTEXT)


def test_revoking_frees_a_seat_and_restoring_needs_one(uow, client):
    staff, org = client
    user = member_with(uow, org, "user")
    with uow() as unit:
        domain.invite(unit, staff, org, "a@x.example, b@x.example", "user", [], CONTEXT)  # 4 of 4
    with uow() as unit:
        assert domain.revoke(unit, staff, org, user.id, CONTEXT).status == "revoked"
    with uow() as unit:
        domain.invite(unit, staff, org, "c@x.example", "user", [], CONTEXT)  # the freed seat
    with uow() as unit, pytest.raises(domain.SeatLimitReached):
        domain.restore(unit, staff, org, user.id, CONTEXT)


def test_accept_then_confirm_with_a_wrapped_key(uow, client):
    staff, org = client
    with uow() as unit:
        member = domain.invite(unit, staff, org, "new@x.example", "user", [], CONTEXT)[0]
    person = str(uuid.uuid4())
    with uow() as unit, pytest.raises(Forbidden):
        domain.accept(unit, person, org, member.id, "other@x.example", "New", CONTEXT)
    with uow() as unit:
        assert domain.accept(unit, person, org, member.id, "NEW@x.example", "New", CONTEXT).status == "accepted"
    with uow() as unit, pytest.raises(Conflict):
        domain.accept(unit, person, org, member.id, "new@x.example", "New", CONTEXT)
    with uow() as unit, pytest.raises(Invalid):
        domain.confirm(unit, staff, org, member.id, "plain key", CONTEXT)
    with uow() as unit:
        assert domain.confirm(unit, staff, org, member.id, wrapped(), CONTEXT).status == "confirmed"


def test_members_are_filtered_searched_and_sorted_in_sql(uow, client):
    staff, org = client
    with uow() as unit:
        domain.invite(unit, staff, org, "zed@x.example, amy@x.example", "admin", [], CONTEXT)
    with uow() as unit:
        page = domain.list_members(unit, staff, org, role="admin", sort="email", direction="desc")
        assert [m.email for m in page.members] == ["zed@x.example", "amy@x.example"]
        assert [m.email for m in domain.list_members(unit, staff, org, search="AMY").members] == ["amy@x.example"]
        assert domain.list_members(unit, staff, org, status="confirmed").members == []
        assert (page.seats, page.used) == (4, 3)


def test_invitations_grow_the_seats_up_to_the_autoscaling_limit_and_no_further(uow, client):
    staff, org = client
    with uow() as unit:
        provider_id = unit.first(select(models.ProviderOrganization.provider_id)
                                 .where(models.ProviderOrganization.organization_id == org))
    with uow() as unit, pytest.raises(Invalid):
        domain.change_seats(unit, staff, provider_id, org, 4, CONTEXT, autoscale_max_seats=3)
    with uow() as unit:
        domain.change_seats(unit, staff, provider_id, org, 4, CONTEXT, autoscale_max_seats=6)
    with uow() as unit:
        domain.invite(unit, staff, org, "a@x.example, b@x.example, c@x.example, d@x.example", "user", [], CONTEXT)
    with uow() as unit:
        assert unit.get(models.Organization, org).seats == 5
        assert domain.seats_taken(unit, org) == 5
    with uow() as unit, pytest.raises(domain.SeatLimitReached):
        domain.invite(unit, staff, org, "e@x.example, f@x.example", "user", [], CONTEXT)
    with uow() as unit:
        changes = unit.scalars(select(models.OutboxMessage).where(
            models.OutboxMessage.subject == "orgs.org.seats.changed")).all()
    assert len(changes) == 2  # the limit set, then the growth by the invitation
