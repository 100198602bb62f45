"""Rules of groups and collections."""
from __future__ import annotations

import uuid

import pytest

from gateway.crypto import SymmetricKey
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.orgs import domain
from tests.unit.orgs_support import CONTEXT, member_with

NAME = SymmetricKey.generate().encrypt_text("Servers")


def test_a_group_gathers_members_and_its_name_is_unique_in_the_organization(uow, client):
    staff, org = client
    ana = member_with(uow, org, "user")
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Ops", [ana.id], CONTEXT)
    with uow() as unit:
        assert [(g.id, g.name, ids) for g, ids in domain.list_groups(unit, staff, org)] == [(group.id, "Ops", [ana.id])]
    with uow() as unit, pytest.raises(Conflict):
        domain.save_group(unit, staff, org, None, "ops", [], CONTEXT)


def test_only_members_of_this_organization_join_its_groups(uow, client):
    staff, org = client
    with uow() as unit, pytest.raises(Invalid):
        domain.save_group(unit, staff, org, None, "Ops", [str(uuid.uuid4())], CONTEXT)


def test_a_custom_member_needs_the_matching_permission(uow, client):
    _staff, org = client
    groups_only = member_with(uow, org, "custom", ["manage_groups"])
    with uow() as unit:
        domain.save_group(unit, groups_only.user_id, org, None, "Team", [], CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.save_collection(unit, groups_only.user_id, org, None, NAME, [], CONTEXT)
    with uow() as unit, pytest.raises(NotFound):
        domain.list_groups(unit, str(uuid.uuid4()), org)


def test_a_collection_keeps_only_its_encrypted_name_and_grants_per_member_or_group(uow, client):
    staff, org = client
    ana = member_with(uow, org, "user")
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Ops", [ana.id], CONTEXT)
    with uow() as unit:
        collection = domain.save_collection(unit, staff, org, None, NAME, [
            {"group_id": group.id, "member_id": None, "permission": "edit"},
            {"group_id": None, "member_id": ana.id, "permission": "view_except_passwords"}], CONTEXT)
    with uow() as unit:
        [(found, access)] = domain.list_collections(unit, staff, org)
    assert found.id == collection.id and found.encrypted_name == NAME
    assert {(a.group_id, a.member_id, a.permission) for a in access} == {
        (group.id, None, "edit"), (None, ana.id, "view_except_passwords")}
    with uow() as unit, pytest.raises(Invalid):
        domain.save_collection(unit, staff, org, None, "Servers", [], CONTEXT)
    with uow() as unit, pytest.raises(Invalid):
        domain.save_collection(unit, staff, org, None, NAME, [{"group_id": group.id, "permission": "own"}], CONTEXT)


def test_removing_a_member_or_a_group_takes_their_access_with_them(uow, client):
    staff, org = client
    ana = member_with(uow, org, "user")
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Ops", [ana.id], CONTEXT)
    with uow() as unit:
        domain.save_collection(unit, staff, org, None, NAME, [
            {"group_id": group.id, "permission": "manage"}, {"member_id": ana.id, "permission": "view"}], CONTEXT)
    with uow() as unit:
        domain.remove(unit, staff, org, ana.id, CONTEXT)
    with uow() as unit:
        domain.delete_group(unit, staff, org, group.id, CONTEXT)
    with uow() as unit:
        [(_collection, access)] = domain.list_collections(unit, staff, org)
        assert access == [] and domain.list_groups(unit, staff, org) == []


def test_joining_or_leaving_a_group_is_logged_per_member(uow, client):
    from sqlmodel import select

    from services.orgs import models

    staff, org = client
    ana = member_with(uow, org, "user")
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Ops", [ana.id], CONTEXT)
    with uow() as unit:
        domain.save_group(unit, staff, org, group.id, "Ops", [], CONTEXT)
    with uow() as unit:
        subjects = unit.scalars(select(models.OutboxMessage.subject).order_by(models.OutboxMessage.seq)).all()
    assert subjects.count("orgs.org.member.groups_updated") == 2


def test_an_invitation_can_place_people_in_groups_and_collections_at_once(uow, client):
    staff, org = client
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Ops", [], CONTEXT)
    with uow() as unit:
        collection = domain.save_collection(unit, staff, org, None, NAME, [], CONTEXT)
    with uow() as unit:
        [member] = domain.invite(unit, staff, org, "new@x.example", "user", [], CONTEXT, [group.id],
                                 [{"collection_id": collection.id, "permission": "edit"}])
    with uow() as unit:
        assert [ids for _g, ids in domain.list_groups(unit, staff, org)] == [[member.id]]
        [(_c, access)] = domain.list_collections(unit, staff, org)
        assert [(a.member_id, a.permission) for a in access] == [(member.id, "edit")]
    with uow() as unit, pytest.raises(Invalid):
        domain.invite(unit, staff, org, "other@x.example", "user", [], CONTEXT, [str(uuid.uuid4())])
