"""The Members table pages by keyset: every member exactly once, forwards and backwards, for every sort."""
from __future__ import annotations

import pytest

from services.orgs import domain, models
from tests.unit.keyset_walk import walk_both_ways

MEMBERS = 111  # the invited owner and 110 placed here: two full pages and a short one
KEY_OF = {"email": lambda m: (m.email,), "name": lambda m: (m.name or "", m.id),
          "role": lambda m: (m.role, m.id), "status": lambda m: (m.status, m.id)}


@pytest.fixture
def crowded(uow, client):
    """An organization of MEMBERS members sharing few roles, statuses and names (some without one)."""
    staff, org = client
    with uow() as unit:
        organization = unit.get(models.Organization, org)
        organization.seats = 200
        unit.add(organization)
        for number in range(MEMBERS - 1):
            unit.add(models.Member(organization_id=org, email=f"m{number:03}@x.example",
                                   role=("user", "admin", "custom")[number % 3],
                                   status=("invited", "accepted", "confirmed", "revoked")[number % 4],
                                   name=None if number % 5 == 0 else f"Name {number % 7}"))
        unit.commit()
    return staff, org


def walk(uow, staff, org, sort, direction, **filters):
    return walk_both_ways(uow, lambda unit, **position: domain.list_members(
        unit, staff, org, sort=sort, direction=direction, **position, **filters), "members")


@pytest.mark.parametrize("direction", ["asc", "desc"])
@pytest.mark.parametrize("sort", domain.MEMBER_SORTS)
def test_next_and_previous_reach_every_member_once_in_order_whatever_the_sort(uow, crowded, sort, direction):
    staff, org = crowded
    forwards, backwards = walk(uow, staff, org, sort, direction)
    assert [len(page) for page in forwards] == [50, 50, 11]
    seen = [m for page in forwards for m in page]
    assert len({m.id for m in seen}) == MEMBERS
    keys = [KEY_OF[sort](m) for m in seen]
    assert keys == sorted(keys, reverse=direction == "desc")
    assert [[m.id for m in page] for page in backwards] == [[m.id for m in page] for page in forwards[-2::-1]]


def test_paging_keeps_the_filters(uow, crowded):
    staff, org = crowded
    forwards, _backwards = walk(uow, staff, org, "name", "asc", role="user", search="name")
    seen = [m for page in forwards for m in page]
    assert seen and all(m.role == "user" and m.name for m in seen)


def test_a_cursor_of_another_organization_or_sort_is_refused(uow, crowded, client):
    staff, org = crowded
    with uow() as unit:
        first = domain.list_members(unit, staff, org, sort="role")
    with uow() as unit, pytest.raises(domain.BadCursor, match="another list"):
        domain.list_members(unit, staff, org, sort="status", after=first.next)
    with uow() as unit, pytest.raises(domain.BadCursor, match="damaged"):
        domain.list_members(unit, staff, org, sort="role", before="%%%")
