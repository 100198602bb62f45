"""Groups of members, and collections of shared items with who may do what in them.

A collection's name is an EncString under the org key, made in the gateway: orgs never
learns it. Access is given per member or per group, at one of five levels.
"""
from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound
from services.common.validation import clean_name, name_key, require_encstring

from ..models import CipherCollection, Collection, CollectionAccess, Group, GroupMember, Member
from .members import ACCESS_LEVELS, SEATED, manager_of, require_managed_collections

KEY_SIZE = 100  # the groups' name_key column


def _group_name(value: str) -> str:
    name = clean_name(value)
    if not name:
        raise Invalid("Enter the group's name.", "name", code="group.name_missing")
    if len(name) > 100:
        raise Invalid("A group name must be 100 characters or fewer.", "name", code="group.name_too_long")
    return name


def _members_of_organization(uow, organization_id: str, member_ids: list[str]) -> list[str]:
    wanted = sorted(set(member_ids))
    found = uow.scalars(select(Member.id).where(Member.organization_id == organization_id, Member.id.in_(wanted),
                                                Member.status.in_(SEATED))).all() if wanted else []
    if len(found) != len(wanted):
        raise Invalid("Choose members of this organization (revoked members cannot be added).", "member_ids",
                      code="group.members_invalid")
    return wanted


def _group(uow, organization_id: str, group_id: str) -> Group:
    group = uow.get(Group, group_id)
    if group is None or group.organization_id != organization_id:
        raise NotFound("No such group.", code="group.not_found")
    return group


def _group_event(event_type: str, group: Group, member_ids: list[str], context: dict) -> Event:
    return Event(event_type, {"group_id": group.id, "organization_id": group.organization_id, "name": group.name,
                              "member_ids": member_ids}, subject=group.id, orgid=group.organization_id, **context)


def list_groups(uow, actor_id: str, organization_id: str) -> list[tuple[Group, list[str]]]:
    """The organization's groups with their members' ids."""
    manager_of(uow, actor_id, organization_id, "manage_groups")
    groups = list(uow.scalars(select(Group).where(Group.organization_id == organization_id).order_by(Group.name_key)))
    links = uow.scalars(select(GroupMember).where(GroupMember.group_id.in_([g.id for g in groups]))).all() \
        if groups else []
    return [(group, sorted(link.member_id for link in links if link.group_id == group.id)) for group in groups]


def save_group(uow, actor_id: str, organization_id: str, group_id: str | None, name: str, member_ids: list[str],
               context: dict) -> Group:
    """Create a group, or rename it and set its members."""
    manager = manager_of(uow, actor_id, organization_id, "manage_groups")
    name = _group_name(name)
    member_ids = _members_of_organization(uow, organization_id, member_ids)
    if group_id is not None:
        # Whoever joins the group gets the collections it reaches: only someone who manages them all may add.
        require_managed_collections(uow, manager, (), [group_id])
    clash = uow.first(select(Group.id).where(Group.organization_id == organization_id,
                                             Group.name_key == name_key(name, KEY_SIZE)))
    if clash is not None and clash != group_id:
        raise Conflict("This organization already has a group with this name.", "name", code="group.name_taken")
    before: set[str] = set()
    if group_id is None:
        group = Group(organization_id=organization_id, name=name, name_key=name_key(name, KEY_SIZE))
        event_type = "org.group.created"
    else:
        group = _group(uow, organization_id, group_id)
        group.name, group.name_key = name, name_key(name, KEY_SIZE)
        event_type = "org.group.updated"
        before = set(uow.scalars(select(GroupMember.member_id).where(GroupMember.group_id == group.id)).all())
        uow.session.exec(delete(GroupMember).where(GroupMember.group_id == group.id))
    uow.add(group)
    uow.flush()
    for member_id in member_ids:
        uow.add(GroupMember(group_id=group.id, member_id=member_id))
    uow.publish(_group_event(event_type, group, member_ids, context))
    _publish_group_changes(uow, group, before, set(member_ids), context)
    uow.commit()
    return group


def _publish_group_changes(uow, group: Group, before: set[str], after: set[str], context: dict) -> None:
    """One OrganizationUser_UpdatedGroups event per member who joined or left the group."""
    for member_id, change in [*((m, "added") for m in sorted(after - before)),
                              *((m, "removed") for m in sorted(before - after))]:
        data = {"member_id": member_id, "organization_id": group.organization_id, "group_id": group.id,
                "change": change}
        uow.publish(Event("org.member.groups_updated", data, subject=member_id, orgid=group.organization_id,
                          **context))


def delete_group(uow, actor_id: str, organization_id: str, group_id: str, context: dict) -> None:
    """Delete a group; its members keep the access given to them directly."""
    manager_of(uow, actor_id, organization_id, "manage_groups")
    group = _group(uow, organization_id, group_id)
    uow.session.exec(delete(GroupMember).where(GroupMember.group_id == group.id))
    uow.session.exec(delete(CollectionAccess).where(CollectionAccess.group_id == group.id))
    uow.session.delete(group)
    uow.publish(_group_event("org.group.deleted", group, [], context))
    uow.commit()


def _collection(uow, organization_id: str, collection_id: str) -> Collection:
    collection = uow.get(Collection, collection_id)
    if collection is None or collection.organization_id != organization_id:
        raise NotFound("No such collection.", code="collection.not_found")
    return collection


def _access_rows(uow, organization_id: str, collection_id: str, access: list[dict]) -> list[CollectionAccess]:
    rows, seen = [], set()
    group_ids = {g for g in uow.scalars(select(Group.id).where(Group.organization_id == organization_id))}
    for grant in access:
        permission = grant.get("permission")
        if permission not in ACCESS_LEVELS:
            raise Invalid("Choose can view, can view except passwords, can edit, can edit except passwords "
                          "or can manage.", "access", code="access.level_invalid")
        group_id, member_id = grant.get("group_id"), grant.get("member_id")
        if bool(group_id) == bool(member_id):
            raise Invalid("Each access is for one member or one group.", "access", code="access.member_or_group")
        if group_id and group_id not in group_ids:
            raise Invalid("Choose groups of this organization.", "access", code="groups.not_in_organization")
        if member_id:
            _members_of_organization(uow, organization_id, [member_id])
        key = (group_id, member_id)
        if key in seen:
            raise Invalid("Each member or group appears once.", "access", code="access.duplicate")
        seen.add(key)
        rows.append(CollectionAccess(collection_id=collection_id, group_id=group_id, member_id=member_id,
                                     permission=permission))
    return rows


def _collection_event(event_type: str, collection: Collection, access: list[CollectionAccess],
                      context: dict) -> Event:
    return Event(event_type, {"collection_id": collection.id, "organization_id": collection.organization_id,
                              "access": [{"group_id": a.group_id, "member_id": a.member_id,
                                          "permission": a.permission} for a in access]},
                 subject=collection.id, orgid=collection.organization_id, **context)


def list_collections(uow, actor_id: str, organization_id: str) -> list[tuple[Collection, list[CollectionAccess]]]:
    """The organization's collections (names still encrypted) with who may do what in each."""
    manager_of(uow, actor_id, organization_id, "manage_all_collections")
    collections = list(uow.scalars(select(Collection).where(Collection.organization_id == organization_id)
                                   .order_by(Collection.created_at, Collection.id)))
    access = uow.scalars(select(CollectionAccess).where(
        CollectionAccess.collection_id.in_([c.id for c in collections]))).all() if collections else []
    return [(c, [a for a in access if a.collection_id == c.id]) for c in collections]


def save_collection(uow, actor_id: str, organization_id: str, collection_id: str | None, encrypted_name: str,
                    access: list[dict], context: dict) -> Collection:
    """Create a collection, or rename it and set who may do what in it."""
    manager_of(uow, actor_id, organization_id,
               "create_collections" if collection_id is None else "manage_all_collections")
    encrypted_name = require_encstring(encrypted_name, 2, "encrypted_name")
    if collection_id is None:
        collection = Collection(organization_id=organization_id, encrypted_name=encrypted_name)
        event_type = "org.collection.created"
    else:
        collection = _collection(uow, organization_id, collection_id)
        collection.encrypted_name = encrypted_name
        event_type = "org.collection.updated"
        uow.session.exec(delete(CollectionAccess).where(CollectionAccess.collection_id == collection.id))
    uow.add(collection)
    uow.flush()
    rows = _access_rows(uow, organization_id, collection.id, access)
    for row in rows:
        uow.add(row)
    uow.publish(_collection_event(event_type, collection, rows, context))
    uow.commit()
    return collection


def delete_collection(uow, actor_id: str, organization_id: str, collection_id: str, context: dict) -> None:
    """Delete a collection and every access to it."""
    manager_of(uow, actor_id, organization_id, "delete_collections")
    collection = _collection(uow, organization_id, collection_id)
    uow.session.exec(delete(CollectionAccess).where(CollectionAccess.collection_id == collection.id))
    # Its items stay in their other collections (managers still see any left in none).
    uow.session.exec(delete(CipherCollection).where(CipherCollection.collection_id == collection.id))
    uow.session.delete(collection)
    uow.publish(_collection_event("org.collection.deleted", collection, [], context))
    uow.commit()
