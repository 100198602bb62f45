"""Used seats are a column of the organization: after every step of a member's life it equals a real count."""
from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from gateway import keyring
from gateway.crypto import KeyPair, SymmetricKey, wrap
from services.common.errors import DomainError
from services.orgs import domain, models
from services.orgs.domain.members import SEATED
from tests.unit.orgs_support import CONTEXT


def counted(unit, organization_id: str) -> int:
    """Seats as the members table says: invited, accepted and confirmed members."""
    return unit.session.exec(select(func.count(models.Member.id)).where(
        models.Member.organization_id == organization_id, models.Member.status.in_(SEATED))).one()


def assert_kept(uow, organization_id: str) -> int:
    with uow() as unit:
        kept = unit.get(models.Organization, organization_id).used_seats
        assert kept == counted(unit, organization_id) == domain.seats_taken(unit, organization_id)
        return kept


WRAPPED_ORG_KEY = wrap(SymmetricKey.generate().raw, KeyPair.generate().public_key_b64)


def test_used_seats_follow_every_step_of_a_members_life(uow, client):
    staff, org = client
    assert assert_kept(uow, org) == 1  # the invited owner
    with uow() as unit:
        alice, bob = domain.invite(unit, staff, org, "alice@x.example, bob@x.example", "user", [], CONTEXT)
    assert assert_kept(uow, org) == 3
    person = str(uuid.uuid4())
    with uow() as unit:
        domain.accept(unit, person, org, alice.id, "alice@x.example", "Alice", CONTEXT)
    assert assert_kept(uow, org) == 3
    with uow() as unit:
        domain.confirm(unit, staff, org, alice.id, WRAPPED_ORG_KEY, CONTEXT)
    assert assert_kept(uow, org) == 3
    with uow() as unit:
        domain.revoke(unit, staff, org, alice.id, CONTEXT)
    assert assert_kept(uow, org) == 2
    with uow() as unit:
        domain.remove(unit, staff, org, alice.id, CONTEXT)  # a revoked member frees no second seat
    assert assert_kept(uow, org) == 2
    with uow() as unit:
        domain.revoke(unit, staff, org, bob.id, CONTEXT)
    with uow() as unit:
        domain.restore(unit, staff, org, bob.id, CONTEXT)
    assert assert_kept(uow, org) == 2
    with uow() as unit:
        domain.remove(unit, staff, org, bob.id, CONTEXT)
    assert assert_kept(uow, org) == 1


def test_a_refused_step_changes_no_seat(uow, client):
    staff, org = client
    with uow() as unit:
        domain.invite(unit, staff, org, "a@x.example, b@x.example, c@x.example", "user", [], CONTEXT)  # 4 of 4
    try:
        with uow() as unit:
            domain.invite(unit, staff, org, "d@x.example", "user", [], CONTEXT)
    except domain.SeatLimitReached:
        pass
    assert assert_kept(uow, org) == 4


def test_requiring_two_step_login_frees_the_seats_of_those_it_revokes(uow, client):
    staff, org = client
    with uow() as unit:
        members = domain.invite(unit, staff, org, "a@x.example, b@x.example", "user", [], CONTEXT)
    for number, member in enumerate(members):
        with uow() as unit:
            domain.accept(unit, f"user-{number}", org, member.id, member.email, "Someone", CONTEXT)
    with uow() as unit:
        domain.save_policy(unit, staff, org, "require_two_factor", True, {}, CONTEXT, {"user-0"})
    assert assert_kept(uow, org) == 2  # the invited owner and the one with two-step login


def test_clients_and_own_organizations_start_with_their_owners_seat(uow, client):
    admin, client_id = client
    keys = keyring.new_client_organization(SymmetricKey.generate())
    with uow() as unit:
        own = domain.create_standalone(unit, admin, domain.OrganizationDraft(
            "Mine", "Teams", 3, "billing@mine.example", "me@mine.example", keys.public_key,
            keys.encrypted_private_key, WRAPPED_ORG_KEY), CONTEXT)
    assert assert_kept(uow, client_id) == 1 and assert_kept(uow, own.id) == 1
    with uow() as unit:
        provider_id = unit.get(models.Organization, client_id).provider_id
        assert provider_id is not None and unit.get(models.Provider, provider_id).client_count == 1

STEPS = st.lists(st.tuples(st.sampled_from(["invite", "accept", "confirm", "revoke", "restore", "remove"]),
                           st.integers(min_value=0, max_value=7)), max_size=25)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_any_sequence_of_steps_keeps_the_column_equal_to_a_count(make_uow, steps):
    uow = make_uow(models, models.OrgsTable)
    staff = str(uuid.uuid4())
    provider = keyring.new_provider(KeyPair.generate().public_key_b64)
    with uow() as unit:
        provider_id = domain.create_provider(unit, staff, "MSP", f"{uuid.uuid4().hex}@msp.example",
                                             provider.wrapped_for_admin, CONTEXT).id
    keys = keyring.new_client_organization(provider.key)
    with uow() as unit:
        org = domain.create_client(unit, staff, provider_id, domain.ClientDraft(
            f"Acme {uuid.uuid4().hex[:8]}", "Teams", 5, "owner@acme.example", "billing@acme.example",
            keys.public_key, keys.encrypted_private_key, keys.encrypted_org_key), CONTEXT).id
    for step, pick in steps:
        with uow() as unit:
            people = unit.scalars(select(models.Member).where(models.Member.organization_id == org,
                                                              models.Member.role != "owner")
                                  .order_by(models.Member.email)).all()
        member = people[pick % len(people)] if people else None
        try:
            with uow() as unit:
                if step == "invite":
                    domain.invite(unit, staff, org, f"p{uuid.uuid4().hex[:8]}@x.example", "user", [], CONTEXT)
                elif member is None:
                    continue
                elif step == "accept":
                    domain.accept(unit, str(uuid.uuid4()), org, member.id, member.email, "P", CONTEXT)
                elif step == "confirm":
                    domain.confirm(unit, staff, org, member.id, WRAPPED_ORG_KEY, CONTEXT)
                else:
                    getattr(domain, step)(unit, staff, org, member.id, CONTEXT)
        except DomainError:
            pass  # a refused step (no seat left, wrong status) must change nothing either
        assert_kept(uow, org)
