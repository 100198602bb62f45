"""Members of an organization: invite, accept, confirm, re-role, revoke, restore, remove.

Who may do what is the permission table (`permissions.py`), asked here and never only in a
page: a member grants only what it holds and manages only members ranked no higher; nobody
changes their own type; the last owner can neither leave nor be revoked. Seats are counted
under a lock on the organization row, so two invitations racing for the last seat cannot
both win. Used seats are a column of the organization, changed (`take_seats`) in the
same transaction as the member who takes or frees one.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, update
from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Conflict, Forbidden, Invalid, NotFound
from services.common.validation import normalize_email, require_encstring

from ..models import Collection, CollectionAccess, Group, GroupMember, Member, Organization, ProviderOrganization
from .acceptance import require_acceptable
from .access import client_staff
from .permissions import PERMISSIONS, ROLES, Standing
STATUSES = ("invited", "accepted", "confirmed", "revoked")
SEATED = ("invited", "accepted", "confirmed")
MAX_INVITES = 20
MEMBER_SORTS = ("email", "name", "role", "status")
ACCESS_LEVELS = ("view", "view_except_passwords", "edit", "edit_except_passwords", "manage")


class SeatLimitReached(Invalid):
    """More members than the organization has seats for."""

    code = "seats.not_enough"


class LastOwner(Conflict):
    """The organization would be left without an owner."""

    code = "member.last_owner"


def standing_of(member: Member) -> Standing:
    """Where a member stands, as the permission table ranks them."""
    return Standing.of(member.role, member.permissions or ())


@dataclass(frozen=True)
class Manager:
    """The actor acting in an organization, with where they stand in it."""

    user_id: str
    standing: Standing
    organization: Organization
    member_id: str | None = None  # None for the provider's staff

    @property
    def role(self) -> str:
        return self.standing.role

    def may_grant(self, role: str, permissions=()) -> bool:
        """Whether the actor may give someone the type `role` with these permissions."""
        return self.standing.may_grant(role, permissions)

    def may_manage(self, member: Member) -> bool:
        """Whether the actor ranks at least as high as `member`, so may change or remove them."""
        return self.standing.at_least(standing_of(member))


def manager_of(uow, actor_id: str, organization_id: str, permission: str = "manage_users") -> Manager:
    """The actor as someone who may do what `permission` allows in the organization.

    Provider staff, owners and admins may do everything; a Custom member only what their
    permissions grant. Anyone else: NotFound (a stranger) or Forbidden (a member).
    """
    organization = uow.get(Organization, organization_id)
    if organization is None:
        raise NotFound("No such organization.", code="organization.not_found")
    staff = client_staff(uow, actor_id, organization_id)
    if staff is not None:
        return Manager(actor_id, Standing.of("provider_" + staff.role), organization)
    member = uow.first(select(Member).where(Member.organization_id == organization_id, Member.user_id == actor_id,
                                            Member.status == "confirmed"))
    if member is None:
        raise NotFound("No such organization.", code="organization.not_found")
    standing = standing_of(member)
    if standing.holds(permission):
        return Manager(actor_id, standing, organization, member.id)
    raise REFUSALS.get(permission, _not_allowed)()


def managed_collection_ids(uow, manager: Manager) -> set[str] | None:
    """The collections the actor manages ("Can manage", directly or through a group); None for all of them."""
    if manager.standing.holds("manage_all_collections"):
        return None
    groups = select(GroupMember.group_id).where(GroupMember.member_id == manager.member_id)
    return set(uow.scalars(select(CollectionAccess.collection_id).where(
        CollectionAccess.permission == "manage",
        or_(CollectionAccess.member_id == manager.member_id, CollectionAccess.group_id.in_(groups)))).all())


def require_managed_collections(uow, manager: Manager, collection_ids, group_ids=()) -> None:
    """Refuse giving access to collections (directly, or through groups that reach them) the actor does not manage."""
    managed = managed_collection_ids(uow, manager)
    if managed is None:
        return
    reached = set(collection_ids)
    if group_ids:
        reached |= set(uow.scalars(select(CollectionAccess.collection_id).where(
            CollectionAccess.group_id.in_(list(group_ids)))).all())
    if not reached <= managed:
        raise Forbidden("You can give access only to collections you manage.", "collections",
                        code="collections.not_managed")


REFUSALS = {
    "manage_users": lambda: Forbidden("Your role does not allow managing members.", code="role.cannot_manage_members"),
    "manage_groups": lambda: Forbidden("Your role does not allow managing groups.", code="role.cannot_manage_groups"),
    "create_collections": lambda: Forbidden("Your role does not allow creating collections.",
                                            code="role.cannot_create_collections"),
    "manage_all_collections": lambda: Forbidden("Your role does not allow managing collections.",
                                                code="role.cannot_manage_collections"),
}


def _not_allowed() -> Forbidden:
    return Forbidden("Your role does not allow this.", code="role.not_allowed")


def _member(uow, organization_id: str, member_id: str) -> Member:
    member = uow.get(Member, member_id)
    if member is None or member.organization_id != organization_id:
        raise NotFound("No such member.", code="member.not_found")
    return member


def member_of(uow, actor_id: str, organization_id: str, member_id: str) -> Member:
    """One member, for someone who manages the organization's members."""
    manager_of(uow, actor_id, organization_id)
    return _member(uow, organization_id, member_id)


def _lock(uow, organization_id: str) -> Organization:
    # A no-op write takes the row lock (PostgreSQL) or the write lock (SQLite) before seats are counted
    # or a member's state is read to change it; the organization is read again under the lock.
    uow.session.exec(update(Organization).where(Organization.id == organization_id)
                     .values(seats=Organization.seats))
    return uow.session.get(Organization, organization_id, populate_existing=True)


def seats_taken(uow, organization_id: str) -> int:
    """Seats used: invited, accepted and confirmed members (revoked ones free theirs)."""
    return uow.session.exec(select(Organization.used_seats).where(Organization.id == organization_id)).one()


def take_seats(uow, organization_id: str, count: int) -> None:
    """Count `count` more seats as used (fewer when negative), in the caller's transaction.

    One UPDATE adds to the stored value, so two transactions freeing seats at once both count.
    """
    uow.session.exec(update(Organization).where(Organization.id == organization_id)
                     .values(used_seats=Organization.used_seats + count))


def seats_changed(organization: Organization, previous: int, context: dict) -> Event:
    """The event of an organization's seat count (or autoscaling limit) changing."""
    return Event("org.seats.changed", {"organization_id": organization.id, "plan": organization.plan,
                                       "seats": organization.seats, "previous_seats": previous,
                                       "autoscale_max_seats": organization.autoscale_max_seats},
                 subject=organization.id, orgid=organization.id, **context)


def _require_seats(uow, organization: Organization, wanted: int, context: dict) -> None:
    used = seats_taken(uow, organization.id)
    remaining = organization.seats - used
    if wanted <= remaining:
        return
    if organization.autoscale_max_seats and used + wanted <= organization.autoscale_max_seats:
        previous, organization.seats = organization.seats, used + wanted
        uow.add(organization)
        link = uow.first(select(ProviderOrganization).where(ProviderOrganization.organization_id == organization.id))
        uow.publish(seats_changed(organization, previous,
                                  {"providerid": link.provider_id if link else None, **context}))
        return
    raise SeatLimitReached("Not enough seats: %(remaining)s remaining, %(needed)s needed. Add seats first.", "emails",
                           remaining=max(remaining, 0), needed=wanted)


def _role_and_permissions(role: str, permissions: list[str]) -> tuple[str, list[str]]:
    if role not in ROLES:
        raise Invalid("Choose the Owner, Admin, User or Custom type.", "role", code="member.role_invalid")
    unknown = [p for p in permissions if p not in PERMISSIONS]
    if unknown:
        raise Invalid("Unknown permission: %(permission)s.", "permissions", code="member.permission_unknown",
                      permission=unknown[0])
    return role, sorted(set(permissions)) if role == "custom" else []


def parse_emails(text: str) -> list[str]:
    """The distinct addresses of a comma- or newline-separated list; Invalid for any bad one."""
    candidates = [part.strip() for part in (text or "").replace("\n", ",").replace(";", ",").split(",")]
    emails: list[str] = []
    for candidate in filter(None, candidates):
        try:
            email = normalize_email(candidate, "emails")
        except Invalid as error:
            raise Invalid("%(email)s is not a valid email address.", "emails", code="email.not_valid",
                          email=candidate[:60]) from error
        if email not in emails:
            emails.append(email)
    if not emails:
        raise Invalid("Enter at least one email address.", "emails", code="emails.missing")
    if len(emails) > MAX_INVITES:
        raise Invalid("Invite at most %(most)s people at a time.", "emails", code="emails.too_many", most=MAX_INVITES)
    return emails


def member_event(event_type: str, member: Member, context: dict, **data) -> Event:
    return Event(event_type, {"member_id": member.id, "organization_id": member.organization_id,
                              "email": member.email, "name": member.name, "role": member.role, **data},
                 subject=member.id, orgid=member.organization_id, **context)


def invite(uow, actor_id: str, organization_id: str, emails: str, role: str, permissions: list[str],
           context: dict, group_ids: list[str] = (), collection_access: list[dict] = ()) -> list[Member]:
    """Invite people by email as `role`, already in `group_ids` and with `collection_access`.

    Each invitation is mailed by identity.
    """
    manager = manager_of(uow, actor_id, organization_id)
    addresses = parse_emails(emails)
    role, permissions = _role_and_permissions(role, permissions)
    _require_grantable(manager, role, permissions,
                       Forbidden("Your role cannot invite someone as %(role)s.", "role", code="role.cannot_invite_as",
                                 role=role))
    organization = _lock(uow, organization_id)
    already = uow.scalars(select(Member.email).where(Member.organization_id == organization_id,
                                                     Member.email.in_(addresses))).all()
    if already:
        raise Conflict("%(email)s is already a member of this organization.", "emails", code="member.already_member",
                       email=already[0])
    _require_seats(uow, organization, len(addresses), context)
    groups = _own(uow, Group, organization_id, group_ids,
                  Invalid("Choose groups of this organization.", "groups", code="groups.not_in_organization"))
    grants = [(grant["collection_id"], grant["permission"]) for grant in collection_access]
    _own(uow, Collection, organization_id, [c for c, _ in grants],
         Invalid("Choose collections of this organization.", "collections", code="collections.not_in_organization"))
    if any(permission not in ACCESS_LEVELS for _, permission in grants):
        raise Invalid("Choose an access level for the collections.", "collections",
                      code="collections.access_level_missing")
    require_managed_collections(uow, manager, [c for c, _ in grants], groups)
    members = [Member(organization_id=organization_id, email=email, role=role, permissions=permissions,
                      status="invited") for email in addresses]
    for member in members:
        uow.add(member)
        uow.flush()
        for group_id in groups:
            uow.add(GroupMember(group_id=group_id, member_id=member.id))
            joined = {"member_id": member.id, "organization_id": organization_id, "group_id": group_id,
                      "change": "added"}
            uow.publish(Event("org.member.groups_updated", joined, subject=member.id, orgid=organization_id,
                              **context))
        for collection_id, permission in grants:
            uow.add(CollectionAccess(collection_id=collection_id, member_id=member.id, permission=permission))
        uow.publish(member_event("org.member.invited", member, context, organization_name=organization.name))
    take_seats(uow, organization_id, len(members))
    uow.commit()
    return members


def _require_grantable(manager: Manager, role: str, permissions: list[str], refusal: Forbidden) -> None:
    if manager.may_grant(role):
        if not manager.may_grant(role, permissions):
            raise Forbidden("You can grant only permissions you hold yourself.", "permissions",
                            code="member.permissions_not_held")
        return
    raise refusal


def _own(uow, model, organization_id: str, ids, refusal: Invalid) -> list[str]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = uow.scalars(select(model.id).where(model.organization_id == organization_id, model.id.in_(wanted))).all()
    if len(found) != len(wanted):
        raise refusal
    return wanted


def reinvite(uow, actor_id: str, organization_id: str, member_ids: list[str], context: dict) -> list[Member]:
    """Send the invitations of still-invited members again (earlier links stop working)."""
    manager = manager_of(uow, actor_id, organization_id)
    members = [_member(uow, organization_id, member_id) for member_id in member_ids]
    for member in members:
        if not manager.may_manage(member):
            raise Forbidden("Your role cannot invite someone as %(role)s.", "member", code="role.cannot_invite_as",
                            role=member.role)
        if member.status != "invited":
            raise Conflict("%(email)s has already accepted.", "member", code="member.already_accepted",
                           email=member.email)
        uow.publish(member_event("org.member.reinvited", member, context,
                           organization_name=manager.organization.name))
    uow.commit()
    return members


def accept(uow, actor_id: str, organization_id: str, member_id: str, actor_email: str, actor_name: str,
           context: dict) -> Member:
    """The invited person, logged in, accepts: the membership now waits for confirmation."""
    member = _member(uow, organization_id, member_id)
    already_in = uow.first(select(Member.id).where(Member.organization_id == organization_id,
                                                   Member.user_id == actor_id)) is not None
    require_acceptable(member.status, member.email, actor_email, already_in,
                       Conflict("You are already a member of this organization.", code="member.already_in"))
    member.user_id, member.name, member.status, member.updated_at = actor_id, actor_name[:100], "accepted", utcnow()
    uow.add(member)
    uow.publish(member_event("org.member.accepted", member, {**context, "actorid": actor_id}))
    uow.commit()
    return member


def confirm(uow, actor_id: str, organization_id: str, member_id: str, wrapped_org_key: str,
            context: dict) -> Member:
    """Confirm an accepted member with the org key wrapped to their public key."""
    manager = manager_of(uow, actor_id, organization_id)
    member = _member(uow, organization_id, member_id)
    if not manager.may_manage(member):
        raise Forbidden("Your role cannot confirm this member.", code="member.cannot_confirm")
    if member.status != "accepted":
        raise Conflict("Only accepted members can be confirmed.", code="member.not_accepted")
    member.wrapped_org_key = require_encstring(wrapped_org_key, 4, "wrapped_org_key")
    member.status, member.updated_at = "confirmed", utcnow()
    uow.add(member)
    uow.publish(member_event("org.member.confirmed", member, context))
    uow.commit()
    return member


def _require_other_owner(uow, member: Member) -> None:
    if member.role != "owner":
        return
    others = uow.session.exec(select(func.count(Member.id)).where(
        Member.organization_id == member.organization_id, Member.role == "owner", Member.id != member.id,
        Member.status.in_(SEATED))).one()
    if not others:
        raise LastOwner("An organization needs an owner: make someone else owner first.", code="member.last_owner")


def _managed(uow, actor_id: str, organization_id: str, member_id: str) -> tuple[Manager, Member]:
    manager = manager_of(uow, actor_id, organization_id)
    # Under the organization's lock: two revokes (or a revoke and a remove) of one member at once
    # must not both free its seat.
    _lock(uow, organization_id)
    member = _member(uow, organization_id, member_id)
    if member.user_id == actor_id:
        raise Forbidden("You cannot change your own membership.", code="member.own_membership")
    if not manager.may_manage(member):
        raise Forbidden("Your role cannot change a member who is %(role)s.", code="role.cannot_change_member",
                        role=member.role)
    return manager, member


def change_role(uow, actor_id: str, organization_id: str, member_id: str, role: str, permissions: list[str],
                context: dict) -> Member:
    """Give a member another type (and, for Custom, its permissions)."""
    manager, member = _managed(uow, actor_id, organization_id, member_id)
    role, permissions = _role_and_permissions(role, permissions)
    _require_grantable(manager, role, permissions,
                       Forbidden("Your role cannot make someone %(role)s.", "role", code="role.cannot_make", role=role))
    if role != "owner":
        _require_other_owner(uow, member)
    member.role, member.permissions, member.updated_at = role, permissions, utcnow()
    uow.add(member)
    uow.publish(member_event("org.member.updated", member, context, permissions=permissions))
    uow.commit()
    return member


def revoke(uow, actor_id: str, organization_id: str, member_id: str, context: dict) -> Member:
    """Cut a member's access and free their seat, keeping them listed."""
    _manager, member = _managed(uow, actor_id, organization_id, member_id)
    if member.status == "revoked":
        raise Conflict("This member is already revoked.", code="member.already_revoked")
    _require_other_owner(uow, member)
    member.status_before_revoke, member.status, member.updated_at = member.status, "revoked", utcnow()
    uow.add(member)
    take_seats(uow, organization_id, -1)
    uow.publish(member_event("org.member.revoked", member, context))
    uow.commit()
    return member


def restore(uow, actor_id: str, organization_id: str, member_id: str, context: dict) -> Member:
    """Give a revoked member back their access, if a seat is free."""
    _manager, member = _managed(uow, actor_id, organization_id, member_id)
    if member.status != "revoked":
        raise Conflict("Only revoked members can be restored.", code="member.not_revoked")
    _require_seats(uow, _lock(uow, organization_id), 1, context)
    member.status, member.status_before_revoke = member.status_before_revoke or "invited", None
    member.updated_at = utcnow()
    uow.add(member)
    take_seats(uow, organization_id, 1)
    uow.publish(member_event("org.member.restored", member, context))
    uow.commit()
    return member


def remove(uow, actor_id: str, organization_id: str, member_id: str, context: dict) -> None:
    """Offboard a member: the row and the org key wrapped to them are deleted."""
    _manager, member = _managed(uow, actor_id, organization_id, member_id)
    _require_other_owner(uow, member)
    uow.session.exec(delete(GroupMember).where(GroupMember.member_id == member.id))
    uow.session.exec(delete(CollectionAccess).where(CollectionAccess.member_id == member.id))
    if member.status in SEATED:
        take_seats(uow, organization_id, -1)
    uow.session.delete(member)
    uow.publish(member_event("org.member.removed", member, context))
    uow.commit()
