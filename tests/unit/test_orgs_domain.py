"""Rules of providers, clients and seats."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from gateway import keyring
from gateway.crypto import KeyPair
from services.common.errors import Forbidden, Invalid, NotFound
from services.orgs import domain, models
from services.orgs.models import OrgsTable

CONTEXT = {"actorid": None, "ip": "198.51.100.7", "devicetype": "web", "traceparent": None}


@pytest.fixture
def uow(make_uow):
    return make_uow(models, OrgsTable)


@pytest.fixture
def provider(uow):
    admin_id = str(uuid.uuid4())
    created = keyring.new_provider(KeyPair.generate().public_key_b64)
    with uow() as unit:
        found = domain.create_provider(unit, admin_id, "Unit MSP", "admin@unit.example", created.wrapped_for_admin,
                                       CONTEXT)
    return found.id, admin_id, created.key


def draft(provider_key, **changes) -> domain.ClientDraft:
    keys = keyring.new_client_organization(provider_key)
    values = dict(name="Acme", plan="Teams", seats=5, owner_email="owner@acme.example",
                  billing_email="billing@acme.example", public_key=keys.public_key,
                  encrypted_private_key=keys.encrypted_private_key, encrypted_org_key=keys.encrypted_org_key)
    values.update(changes)
    return domain.ClientDraft(**values)


def outbox_types(uow) -> list[str]:
    with uow() as unit:
        return [row.subject for row in unit.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.seq))]


def test_creating_a_client_records_its_events_in_the_same_transaction(uow, provider):
    provider_id, admin_id, key = provider
    with uow() as unit:
        domain.create_client(unit, admin_id, provider_id, draft(key), CONTEXT)
    assert outbox_types(uow)[-2:] == ["orgs.org.created", "orgs.org.member.invited"]
    with uow() as unit:
        page = domain.list_clients(unit, admin_id, provider_id)
    assert [(r.name, r.assigned, r.used, r.remaining, r.plan) for r in page.rows] == [("Acme", 5, 1, 4, "Teams")]


@pytest.mark.parametrize("changes, field", [
    ({"name": "   "}, "name"), ({"name": "n" * 100}, "name"), ({"seats": 0}, "seats"), ({"seats": 10_001}, "seats"),
    ({"seats": True}, "seats"), ({"seats": 1001, "plan": "Teams"}, "seats"), ({"plan": "Free"}, "plan"), ({"owner_email": "nope"}, "owner_email"),
    ({"billing_email": ""}, "billing_email"), ({"encrypted_org_key": "plain"}, "encrypted_org_key"),
])
def test_a_refused_client_leaves_no_row_and_no_event(uow, provider, changes, field):
    provider_id, admin_id, key = provider
    before = outbox_types(uow)
    with uow() as unit, pytest.raises(Invalid) as refusal:
        domain.create_client(unit, admin_id, provider_id, draft(key, **changes), CONTEXT)
    assert refusal.value.field == field
    assert outbox_types(uow) == before
    with uow() as unit:
        assert domain.list_clients(unit, admin_id, provider_id).total == 0


def test_names_are_unique_per_provider_whatever_their_case(uow, provider):
    provider_id, admin_id, key = provider
    with uow() as unit:
        domain.create_client(unit, admin_id, provider_id, draft(key, name="Acme"), CONTEXT)
    with uow() as unit, pytest.raises(domain.ClientNameTaken):
        domain.create_client(unit, admin_id, provider_id, draft(key, name="  ACME "), CONTEXT)


def test_seats_cannot_go_below_the_members_already_placed(uow, provider):
    provider_id, admin_id, key = provider
    with uow() as unit:
        organization = domain.create_client(unit, admin_id, provider_id, draft(key, seats=3), CONTEXT)
    with uow() as unit:
        domain.invite(unit, admin_id, organization.id, "second@acme.example", "user", [], CONTEXT)
    with uow() as unit, pytest.raises(domain.SeatsBelowUsed):
        domain.change_seats(unit, admin_id, provider_id, organization.id, 1, CONTEXT)
    with uow() as unit:
        changed = domain.change_seats(unit, admin_id, provider_id, organization.id, 2, CONTEXT)
    assert changed.seats == 2 and outbox_types(uow)[-1] == "orgs.org.seats.changed"


def test_someone_outside_the_provider_learns_nothing(uow, provider):
    provider_id, _admin_id, key = provider
    stranger = str(uuid.uuid4())
    with uow() as unit, pytest.raises(NotFound):
        domain.list_clients(unit, stranger, provider_id)
    with uow() as unit, pytest.raises(NotFound):
        domain.create_client(unit, stranger, provider_id, draft(key), CONTEXT)


def add_service_user(uow, provider) -> str:
    """A confirmed Service User of the provider; their user id."""
    provider_id, admin_id, key = provider
    service_user = str(uuid.uuid4())
    with uow() as unit:
        domain.add_confirmed_provider_user(unit, admin_id, provider_id, service_user, "svc@unit.example",
                                           "service_user", keyring.wrap_provider_key(key, KeyPair.generate()
                                                                                     .public_key_b64), CONTEXT)
    return service_user


def test_only_a_provider_admin_creates_unlinks_reseats_clients_and_adds_provider_users(uow, provider):
    provider_id, admin_id, key = provider
    service_user = add_service_user(uow, provider)
    with uow() as unit, pytest.raises(Forbidden):
        domain.create_client(unit, service_user, provider_id, draft(key), CONTEXT)
    with uow() as unit:
        organization = domain.create_client(unit, admin_id, provider_id, draft(key), CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.change_seats(unit, service_user, provider_id, organization.id, 9, CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.unlink_client(unit, service_user, provider_id, organization.id, CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.add_confirmed_provider_user(unit, service_user, provider_id, str(uuid.uuid4()), "x@unit.example",
                                           "admin", keyring.wrap_provider_key(key, KeyPair.generate()
                                                                              .public_key_b64), CONTEXT)
    with uow() as unit, pytest.raises(domain.NoConfirmedOwner):
        domain.unlink_client(unit, admin_id, provider_id, organization.id, CONTEXT)
    with uow() as unit:
        unit.add(models.Member(organization_id=organization.id, email="boss@acme.example", role="owner",
                               status="confirmed", user_id=str(uuid.uuid4()), wrapped_org_key="4.AAAA"))
        unit.commit()
    with uow() as unit:
        domain.unlink_client(unit, admin_id, provider_id, organization.id, CONTEXT)
    with uow() as unit, pytest.raises(NotFound):
        domain.organization_access(unit, service_user, organization.id)


def test_search_matches_part_of_a_name_and_treats_wildcards_as_text(uow, provider):
    provider_id, admin_id, key = provider
    with uow() as unit:
        domain.create_client(unit, admin_id, provider_id, draft(key, name="Alpha 100% Ltd"), CONTEXT)
    with uow() as unit:
        domain.create_client(unit, admin_id, provider_id, draft(key, name="Beta"), CONTEXT)
    with uow() as unit:
        assert [r.name for r in domain.list_clients(unit, admin_id, provider_id, search="PHA").rows] == \
            ["Alpha 100% Ltd"]
        assert [r.name for r in domain.list_clients(unit, admin_id, provider_id, search="%").rows] == \
            ["Alpha 100% Ltd"]
        assert domain.list_clients(unit, admin_id, provider_id, search="_").rows == []


def test_a_provider_admin_moves_a_client_to_another_plan_and_its_seats_stay(uow, provider):
    provider_id, admin_id, key = provider
    with uow() as unit:
        organization = domain.create_client(unit, admin_id, provider_id, draft(key, seats=7), CONTEXT)
    with uow() as unit:
        changed = domain.change_plan(unit, admin_id, provider_id, organization.id, "Enterprise", CONTEXT)
    assert (changed.plan, changed.seats) == ("Enterprise", 7)
    assert outbox_types(uow)[-1] == "orgs.org.plan.changed"
    with uow() as unit:
        domain.change_plan(unit, admin_id, provider_id, organization.id, "Enterprise", CONTEXT)
    assert outbox_types(uow).count("orgs.org.plan.changed") == 1  # the same plan again changes nothing


@pytest.mark.parametrize("plan, message", [("Free", "Teams or Enterprise"), ("", "Teams or Enterprise"),
                                           ("Teams", "at most 1,000 seats")])
def test_a_plan_that_is_not_sold_or_too_small_for_the_seats_is_refused(uow, provider, plan, message):
    provider_id, admin_id, key = provider
    with uow() as unit:
        organization = domain.create_client(unit, admin_id, provider_id, draft(key, plan="Enterprise", seats=2000),
                                            CONTEXT)
    with uow() as unit, pytest.raises(Invalid, match=message):
        domain.change_plan(unit, admin_id, provider_id, organization.id, plan, CONTEXT)
    with uow() as unit:
        assert unit.get(models.Organization, organization.id).plan == "Enterprise"
    assert "orgs.org.plan.changed" not in outbox_types(uow)


def test_only_a_provider_admin_changes_a_clients_plan(uow, provider):
    provider_id, admin_id, key = provider
    service_user = add_service_user(uow, provider)
    with uow() as unit:
        organization = domain.create_client(unit, admin_id, provider_id, draft(key), CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.change_plan(unit, service_user, provider_id, organization.id, "Enterprise", CONTEXT)
    with uow() as unit, pytest.raises(NotFound):
        domain.change_plan(unit, str(uuid.uuid4()), provider_id, organization.id, "Enterprise", CONTEXT)
