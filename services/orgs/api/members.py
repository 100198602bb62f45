"""An organization's members: invite, accept, confirm, re-role, revoke, remove."""
from __future__ import annotations

from pydantic import Field

from services.common.errors import Forbidden
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, event_context, unit_of_work

from .. import domain
from . import bp
from .invitations import AcceptIn, verified_invitation
from .policies import users_with_two_factor


class CollectionGrant(StrictBody):
    collection_id: str = Field(max_length=36)
    permission: str = Field(max_length=30)


class InviteIn(StrictBody):
    emails: str = Field(max_length=10_000)
    role: str = Field(max_length=20)
    permissions: list[str] = Field(default_factory=list, max_length=20)
    group_ids: list[str] = Field(default_factory=list, max_length=500)
    collection_access: list[CollectionGrant] = Field(default_factory=list, max_length=500)


class ReinviteIn(StrictBody):
    member_ids: list[str] = Field(min_length=1, max_length=50)


class ConfirmIn(StrictBody):
    wrapped_org_key: str = Field(max_length=4000)


class RoleIn(StrictBody):
    role: str = Field(max_length=20)
    permissions: list[str] = Field(default_factory=list, max_length=20)


class MemberQuery(StrictQuery):
    q: str = Field(default="", max_length=200)
    status: str = Field(default="", max_length=20)
    role: str = Field(default="", max_length=20)
    sort: str = Field(default="email", max_length=20)
    direction: str = Field(default="asc", max_length=4)
    after: str = Field(default="", max_length=domain.MAX_CURSOR)
    before: str = Field(default="", max_length=domain.MAX_CURSOR)


def _member_json(member) -> dict:
    return {"member_id": member.id, "organization_id": member.organization_id, "user_id": member.user_id,
            "email": member.email, "name": member.name, "role": member.role, "permissions": member.permissions,
            "status": member.status, "recovery_enrolled": member.reset_password_key is not None}


@bp.get("/organizations/<organization_id>/members")
@bp.input(MemberQuery, location="query")
def list_members(organization_id: str, query_data: MemberQuery):
    """One page of the organization's members, filtered and sorted: the first, or the one after or
    before a cursor; `previous` and `next` are the cursors of the pages around it."""
    with unit_of_work() as uow:
        found = domain.list_members(uow, acting_user(), organization_id, query_data.q, query_data.status,
                                    query_data.role, query_data.sort, query_data.direction, query_data.after,
                                    query_data.before)
    return {"members": [{**_member_json(m), "may": found.actions_on(m)} for m in found.members],
            "previous": found.previous, "next": found.next, "page_size": domain.MEMBERS_PAGE_SIZE,
            "seats": found.seats, "used": found.used}


@bp.get("/organizations/<organization_id>/members/<member_id>")
def get_member(organization_id: str, member_id: str):
    """One member, for those who manage members."""
    with unit_of_work() as uow:
        member = domain.member_of(uow, acting_user(), organization_id, member_id)
    return _member_json(member)


@bp.post("/organizations/<organization_id>/members")
@bp.input(InviteIn)
def invite_members(organization_id: str, json_data: InviteIn):
    """Invite people by email."""
    with unit_of_work() as uow:
        members = domain.invite(uow, acting_user(), organization_id, json_data.emails, json_data.role,
                                json_data.permissions, event_context(), json_data.group_ids,
                                [grant.model_dump() for grant in json_data.collection_access])
    return {"members": [_member_json(m) for m in members]}, 201


@bp.post("/organizations/<organization_id>/members/reinvite")
@bp.input(ReinviteIn)
def reinvite_members(organization_id: str, json_data: ReinviteIn):
    """Send invitations again."""
    with unit_of_work() as uow:
        members = domain.reinvite(uow, acting_user(), organization_id, json_data.member_ids, event_context())
    return {"members": [_member_json(m) for m in members]}


@bp.post("/organizations/<organization_id>/members/<member_id>/accept")
@bp.input(AcceptIn)
def accept_invitation(organization_id: str, member_id: str, json_data: AcceptIn):
    """Accept an invitation, with identity's proof that its link was redeemed by the caller."""
    actor = acting_user()
    claims = verified_invitation(json_data.proof, member_id, actor)
    _require_two_factor_if_the_policy_says(organization_id, actor)
    with unit_of_work() as uow:
        member = domain.accept(uow, actor, organization_id, member_id, claims["email"], json_data.name,
                               event_context())
    return _member_json(member)


@bp.post("/organizations/<organization_id>/members/<member_id>/confirm")
@bp.input(ConfirmIn)
def confirm_member(organization_id: str, member_id: str, json_data: ConfirmIn):
    """Confirm an accepted member with the org key wrapped to them."""
    with unit_of_work() as uow:
        member = domain.confirm(uow, acting_user(), organization_id, member_id, json_data.wrapped_org_key,
                                event_context())
    return _member_json(member)


@bp.put("/organizations/<organization_id>/members/<member_id>/role")
@bp.input(RoleIn)
def change_member_role(organization_id: str, member_id: str, json_data: RoleIn):
    """Change a member's type and permissions."""
    with unit_of_work() as uow:
        member = domain.change_role(uow, acting_user(), organization_id, member_id, json_data.role,
                                    json_data.permissions, event_context())
    return _member_json(member)


@bp.post("/organizations/<organization_id>/members/<member_id>/revoke")
def revoke_member(organization_id: str, member_id: str):
    """Revoke a member's access."""
    with unit_of_work() as uow:
        member = domain.revoke(uow, acting_user(), organization_id, member_id, event_context())
    return _member_json(member)


@bp.post("/organizations/<organization_id>/members/<member_id>/restore")
def restore_member(organization_id: str, member_id: str):
    """Restore a revoked member (who must have two-step login on, if the organization requires it)."""
    with unit_of_work() as uow:
        user_id = domain.member_of(uow, acting_user(), organization_id, member_id).user_id
    if user_id:
        _require_two_factor_if_the_policy_says(organization_id, user_id)
    with unit_of_work() as uow:
        member = domain.restore(uow, acting_user(), organization_id, member_id, event_context())
    return _member_json(member)


@bp.delete("/organizations/<organization_id>/members/<member_id>")
def remove_member(organization_id: str, member_id: str):
    """Remove (offboard) a member."""
    with unit_of_work() as uow:
        domain.remove(uow, acting_user(), organization_id, member_id, event_context())
    return "", 204


def _require_two_factor_if_the_policy_says(organization_id: str, user_id: str) -> None:
    with unit_of_work() as uow:
        required = domain.requires_two_factor(uow, organization_id)
    if required and user_id not in users_with_two_factor([user_id]):
        raise Forbidden("This organization requires two-step login: turn it on in your account first.",
                        code="policy.two_factor_required")
