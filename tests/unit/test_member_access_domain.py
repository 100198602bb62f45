"""The member access report's rule in orgs: who reaches which collections, how, and how many items."""
from __future__ import annotations

import pytest

from gateway.crypto import SymmetricKey
from services.common.errors import Forbidden
from services.orgs import domain
from tests.unit.orgs_support import CONTEXT, member_with

KEY = SymmetricKey.generate()


def sealed(text: str) -> str:
    return KEY.encrypt_text(text)


def test_each_member_has_their_groups_collections_best_level_and_item_count(uow, client):
    staff, org = client
    ana, bo = member_with(uow, org, "user"), member_with(uow, org, "admin")
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Night shift", [ana.id], CONTEXT)
    with uow() as unit:
        servers = domain.save_collection(unit, staff, org, None, sealed("Servers"), [
            {"member_id": ana.id, "group_id": None, "permission": "view"},
            {"member_id": None, "group_id": group.id, "permission": "edit"}], CONTEXT)
        other = domain.save_collection(unit, staff, org, None, sealed("Other"), [], CONTEXT)
    with uow() as unit:
        for collection in (servers, servers, other):
            domain.save_org_item(unit, staff, org, None, "note", {"name": sealed("n")}, [collection.id], CONTEXT)
    with uow() as unit:
        rows = {row.member.id: row for row in domain.member_access(unit, staff, org)}
    mine = rows[ana.id]
    assert mine.group_names == ["Night shift"] and not mine.sees_all and mine.item_count == 2
    [reach] = mine.collections
    assert (reach.collection_id, reach.permission, reach.direct, reach.group_names) == (
        servers.id, "edit", True, ["Night shift"])
    assert rows[bo.id].sees_all and rows[bo.id].item_count == 3


@pytest.mark.parametrize("role, permissions, allowed", [
    ("custom", ["access_reports"], True), ("custom", ["manage_groups"], False), ("user", [], False),
    ("admin", [], True)])
def test_only_those_who_may_read_reports_read_member_access(uow, client, role, permissions, allowed):
    _staff, org = client
    reader = member_with(uow, org, role, permissions)
    with uow() as unit:
        if allowed:
            assert domain.member_access(unit, reader.user_id, org)
        else:
            with pytest.raises(Forbidden):
                domain.member_access(unit, reader.user_id, org)
