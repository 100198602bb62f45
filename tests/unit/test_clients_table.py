"""The Clients table pages by keyset: every row exactly once, forwards and backwards, for every sort."""
from __future__ import annotations

import base64
import json
import uuid

import pytest
from sqlmodel import select

from gateway import keyring
from gateway.crypto import KeyPair
from services.orgs import domain, models
from tests.unit.keyset_walk import walk_both_ways
from tests.unit.orgs_support import CONTEXT

CLIENTS = 123  # two full pages and a short one
KEY_OF = {"name": lambda r: (r.name.lower(),), "assigned": lambda r: (r.assigned, r.organization_id),
          "used": lambda r: (r.used, r.organization_id),
          "remaining": lambda r: (r.remaining, r.organization_id), "plan": lambda r: (r.plan, r.organization_id)}


def add_clients(unit, provider_id: str, count: int, prefix: str) -> None:
    """Clients placed directly, with few distinct seat counts and plans so that many rows share a sort key."""
    for number in range(count):
        organization = models.Organization(
            name=f"{prefix} {number:03}", plan=("Teams", "Enterprise")[number % 2], seats=number % 4 + 5,
            used_seats=number % 3, provider_id=provider_id, billing_email="b@x.example", public_key="k",
            encrypted_private_key="e")
        unit.add(organization)
        unit.flush()
        unit.add(models.ProviderOrganization(provider_id=provider_id, organization_id=organization.id,
                                             client_name_key=organization.name.lower(), encrypted_org_key="e"))
    provider = unit.get(models.Provider, provider_id)
    provider.client_count += count
    unit.add(provider)


@pytest.fixture
def table(uow):
    """A provider with CLIENTS clients, and another provider whose clients must never show."""
    admin = str(uuid.uuid4())
    ids = []
    for name in ("Paged MSP", "Other MSP"):
        created = keyring.new_provider(KeyPair.generate().public_key_b64)
        with uow() as unit:
            ids.append(domain.create_provider(unit, admin, name, f"{uuid.uuid4().hex}@msp.example",
                                              created.wrapped_for_admin, CONTEXT).id)
    with uow() as unit:
        add_clients(unit, ids[0], CLIENTS, "Client")
        add_clients(unit, ids[1], 7, "Stranger")
        unit.commit()
    return admin, ids[0], ids[1]


def walk(uow, admin: str, provider_id: str, sort: str, direction: str, search: str = "") -> tuple[list, list]:
    """Every page from the first by Next, then back from the last by Previous."""
    return walk_both_ways(uow, lambda unit, **position: domain.list_clients(unit, admin, provider_id, sort, direction,
                                                                            search, **position), "rows")


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("sort", domain.CLIENT_SORTS)
def test_next_and_previous_reach_every_client_once_in_order_whatever_the_sort(uow, table, sort, direction):
    admin, provider_id, _other = table
    forwards, backwards = walk(uow, admin, provider_id, sort, direction)
    assert [len(rows) for rows in forwards] == [50, 50, 23]
    seen = [row for rows in forwards for row in rows]
    assert len({row.organization_id for row in seen}) == CLIENTS and all(r.name.startswith("Client") for r in seen)
    keys = [KEY_OF[sort](row) for row in seen]
    assert keys == sorted(keys, reverse=direction == "desc")
    assert [[r.organization_id for r in rows] for rows in backwards] == \
        [[r.organization_id for r in rows] for rows in forwards[-2::-1]]


def test_the_first_page_has_no_previous_and_counts_every_client(uow, table):
    admin, provider_id, _other = table
    with uow() as unit:
        first = domain.list_clients(unit, admin, provider_id)
    assert first.previous is None and first.next is not None and first.total == CLIENTS
    with uow() as unit:
        second = domain.list_clients(unit, admin, provider_id, after=first.next)
    assert second.previous is not None and second.next is not None


def test_paging_keeps_the_search(uow, table):
    admin, provider_id, _other = table
    forwards, backwards = walk(uow, admin, provider_id, "remaining", "desc", search="CLIENT 0")
    names = sorted(row.name for rows in forwards for row in rows)
    assert names == [f"Client {n:03}" for n in range(100)] and len(forwards) == 2 and len(backwards) == 1


def test_a_page_before_rows_that_were_deleted_becomes_the_first_page(uow, table):
    admin, provider_id, _other = table
    with uow() as unit:
        first = domain.list_clients(unit, admin, provider_id, "assigned")
        second = domain.list_clients(unit, admin, provider_id, "assigned", after=first.next)
    with uow() as unit:
        for row in first.rows[:10]:
            unit.session.delete(unit.first(select(models.ProviderOrganization).where(
                models.ProviderOrganization.organization_id == row.organization_id)))
        unit.commit()
    with uow() as unit:
        back = domain.list_clients(unit, admin, provider_id, "assigned", before=second.previous)
    assert len(back.rows) == 50 and back.previous is None
    assert back.rows[:40] == first.rows[10:]


def forged(*body) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(body)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor_for, message", [
    (lambda mine, other: "not a cursor!", "damaged"),
    (lambda mine, other: "bm9wZQ", "damaged"),
    (lambda mine, other: forged("clients", mine, "name", "asc"), "damaged"),
    (lambda mine, other: forged("clients", mine, "name", "asc", 3), "damaged"),
    (lambda mine, other: forged("members", mine, "name", "asc", "acme"), "another list"),
    (lambda mine, other: forged("clients", other, "name", "asc", "acme"), "another list"),
    (lambda mine, other: forged("clients", mine, "used", "asc", 3, "id"), "another list"),
    (lambda mine, other: forged("clients", mine, "name", "desc", "acme"), "another list"),
], ids=["not base64", "not json", "no key", "wrong type", "another table", "another provider", "another sort",
        "another direction"])
def test_a_malformed_or_foreign_cursor_is_refused(uow, table, cursor_for, message):
    admin, provider_id, other = table
    cursor = cursor_for(provider_id, other)
    for position in ({"after": cursor}, {"before": cursor}):
        with uow() as unit, pytest.raises(domain.BadCursor, match=message):
            domain.list_clients(unit, admin, provider_id, "name", "asc", **position)


def test_asking_for_after_and_before_at_once_is_refused(uow, table):
    admin, provider_id, _other = table
    with uow() as unit:
        first = domain.list_clients(unit, admin, provider_id)
    with uow() as unit, pytest.raises(domain.BadCursor):
        domain.list_clients(unit, admin, provider_id, after=first.next, before=first.next)
