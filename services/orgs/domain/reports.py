"""The member access report: who reaches which collections, how, and how many items. No Flask.

Read by those whose standing allows `read_reports` (Owners, Admins, provider staff, Custom
members with "Access reports"). Collection names stay sealed: the gateway opens them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from ..models import Cipher, CipherCollection, Collection, CollectionAccess, Group, GroupMember, Member
from .members import ACCESS_LEVELS, manager_of, standing_of

_RANK = {level: rank for rank, level in enumerate(ACCESS_LEVELS)}


@dataclass
class CollectionReach:
    """One collection a member reaches: the best level, and the groups it comes through (none: directly)."""

    collection_id: str
    encrypted_name: str
    permission: str
    direct: bool = False
    group_names: list[str] = field(default_factory=list)


@dataclass
class MemberAccess:
    """One member's row of the report."""

    member: Member
    group_names: list[str]
    sees_all: bool  # manages every collection (Owner, Admin, Custom with "Manage all collections")
    collections: list[CollectionReach]
    item_count: int


def member_access(uow, actor_id: str, organization_id: str) -> list[MemberAccess]:
    """Every member of the organization with their groups, collections and item count (email order)."""
    manager_of(uow, actor_id, organization_id, "access_reports")
    members = list(uow.scalars(select(Member).where(Member.organization_id == organization_id)
                               .order_by(Member.email)))
    groups = {g.id: g for g in uow.scalars(select(Group).where(Group.organization_id == organization_id))}
    memberships = uow.scalars(select(GroupMember).where(GroupMember.group_id.in_(list(groups)))).all() \
        if groups else []
    groups_of: dict[str, list[str]] = {}
    for link in memberships:
        groups_of.setdefault(link.member_id, []).append(link.group_id)
    collections = {c.id: c for c in uow.scalars(select(Collection).where(Collection.organization_id == organization_id))}
    grants = uow.scalars(select(CollectionAccess).where(CollectionAccess.collection_id.in_(list(collections)))).all() \
        if collections else []
    items = list(uow.scalars(select(Cipher.id).where(Cipher.organization_id == organization_id,
                                                     Cipher.deleted_at.is_(None))))
    links = uow.scalars(select(CipherCollection).where(CipherCollection.collection_id.in_(list(collections)))).all() \
        if collections else []
    live = set(items)
    items_in: dict[str, set[str]] = {}
    for link in links:
        if link.cipher_id in live:
            items_in.setdefault(link.collection_id, set()).add(link.cipher_id)
    rows = []
    for member in members:
        own_groups = groups_of.get(member.id, [])
        reach: dict[str, CollectionReach] = {}
        for grant in grants:
            through = grant.group_id if grant.group_id in own_groups else None
            if grant.member_id != member.id and through is None:
                continue
            found = reach.setdefault(grant.collection_id, CollectionReach(
                grant.collection_id, collections[grant.collection_id].encrypted_name, grant.permission))
            if _RANK[grant.permission] > _RANK[found.permission]:
                found.permission = grant.permission
            if through:
                found.group_names.append(groups[through].name)
            else:
                found.direct = True
        sees_all = standing_of(member).holds("manage_all_collections")
        count = len(live) if sees_all else len(set().union(*(items_in.get(c, set()) for c in reach)))
        rows.append(MemberAccess(member, sorted((groups[g].name for g in own_groups), key=str.lower), sees_all,
                                 list(reach.values()), count))
    return rows
