"""The Members table of an organization: filtered, searched, sorted and paged by keyset."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import select

from services.common.errors import Invalid

from ..models import Member
from .members import MEMBER_SORTS, ROLES, STATUSES, Manager, manager_of, seats_taken, standing_of
from .paging import Ordering, window

MEMBERS_PAGE_SIZE = 50


@dataclass(frozen=True)
class MemberPage:
    """One page of the Members table, and the cursors of the pages around it."""

    members: list[Member]
    previous: str | None
    next: str | None
    seats: int
    used: int
    manager: Manager

    def actions_on(self, member: Member) -> list[str]:
        """What the reader may do to `member` ("manage", "recover"); nothing to themselves."""
        if member.user_id is not None and member.user_id == self.manager.user_id:
            return []
        return self.manager.standing.actions_on(standing_of(member))


# Each sort's key within an organization as its index holds it (emails are unique in one).
MEMBER_KEYS = {
    "email": ((Member.email,), (str,), lambda m: (m.email,)),
    "name": ((func.coalesce(Member.name, ""), Member.id), (str, str), lambda m: (m.name or "", m.id)),
    "role": ((Member.role, Member.id), (str, str), lambda m: (m.role, m.id)),
    "status": ((Member.status, Member.id), (str, str), lambda m: (m.status, m.id)),
}


def list_members(uow, actor_id: str, organization_id: str, search: str = "", status: str = "", role: str = "",
                 sort: str = "email", direction: str = "asc", after: str = "", before: str = "") -> MemberPage:
    """A page of the organization's members, filtered, searched and sorted, after or before a cursor."""
    manager = manager_of(uow, actor_id, organization_id)
    if sort not in MEMBER_SORTS or direction not in ("asc", "desc"):
        raise Invalid("Sort by email, name, role or status, ascending or descending.", "sort",
                      code="members.sort_invalid")
    statement = select(Member).where(Member.organization_id == organization_id)
    if status:
        if status not in STATUSES:
            raise Invalid("Unknown status.", "status", code="members.status_invalid")
        statement = statement.where(Member.status == status)
    if role:
        if role not in ROLES:
            raise Invalid("Unknown member type.", "role", code="members.role_invalid")
        statement = statement.where(Member.role == role)
    needle = " ".join((search or "").split())[:100].lower()
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(or_(func.lower(Member.email).like(f"%{escaped}%", escape="\\"),
                                        func.lower(func.coalesce(Member.name, "")).like(f"%{escaped}%", escape="\\")))
    columns, types, key_of = MEMBER_KEYS[sort]
    ordering = Ordering("members", organization_id, sort, direction == "desc", columns, types)
    found = window(uow, statement, ordering, MEMBERS_PAGE_SIZE, after, before)
    return MemberPage(found.rows,
                      ordering.cursor(key_of(found.rows[0])) if found.has_previous and found.rows else None,
                      ordering.cursor(key_of(found.rows[-1])) if found.has_next and found.rows else None,
                      manager.organization.seats, seats_taken(uow, organization_id), manager)
