"""The orgs service's HTTP API: thin views that parse, call one handler and answer."""
from __future__ import annotations

from apiflask import APIBlueprint
from pydantic import Field

from services.common.errors import Forbidden, NotFound
from services.common.internal_auth import ClaimSigner, NotSigned
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, event_context, settings, unit_of_work

from . import domain

bp = APIBlueprint("orgs", __name__)


class ProviderIn(StrictBody):
    name: str = Field(max_length=1000)
    admin_email: str = Field(max_length=1000)
    wrapped_provider_key: str = Field(max_length=4000)


class ProviderUserIn(StrictBody):
    user_id: str = Field(min_length=1, max_length=36)
    email: str = Field(max_length=1000)
    role: str = Field(max_length=40)
    wrapped_provider_key: str = Field(max_length=4000)


class ClientIn(StrictBody):
    name: str = Field(max_length=1000)
    plan: str = Field(max_length=100)
    seats: int
    owner_email: str = Field(max_length=1000)
    billing_email: str = Field(max_length=1000)
    public_key: str = Field(max_length=4000)
    encrypted_private_key: str = Field(max_length=8000)
    encrypted_org_key: str = Field(max_length=4000)


class SeatsIn(StrictBody):
    seats: int
    autoscale_max_seats: int | None = None


class ClientQuery(StrictQuery):
    sort: str = "name"
    direction: str = "asc"
    q: str = Field(default="", max_length=200)
    page: int = Field(default=1, ge=1, le=100_000)


def _client_json(row) -> dict:
    return {"organization_id": row.organization_id, "name": row.name, "assigned": row.assigned,
            "used": row.used, "remaining": row.remaining, "plan": row.plan}


def _organization_json(organization, used: int | None = None) -> dict:
    body = {"organization_id": organization.id, "name": organization.name, "plan": organization.plan,
            "seats": organization.seats, "autoscale_max_seats": organization.autoscale_max_seats,
            "billing_email": organization.billing_email,
            "public_key": organization.public_key, "encrypted_private_key": organization.encrypted_private_key}
    if used is not None:
        body.update(used=used, remaining=organization.seats - used)
    return body


@bp.post("/providers")
@bp.input(ProviderIn)
def create_provider(json_data: ProviderIn):
    """Set up a provider; the caller becomes its first admin."""
    with unit_of_work() as uow:
        provider = domain.create_provider(uow, acting_user(), json_data.name, json_data.admin_email,
                                          json_data.wrapped_provider_key, event_context())
    return {"provider_id": provider.id, "name": provider.name}, 201


@bp.post("/providers/<provider_id>/users")
@bp.input(ProviderUserIn)
def add_provider_user(provider_id: str, json_data: ProviderUserIn):
    """Add a confirmed provider user (the provider key already wrapped to them)."""
    with unit_of_work() as uow:
        row = domain.add_confirmed_provider_user(uow, acting_user(), provider_id, json_data.user_id,
                                                 json_data.email, json_data.role, json_data.wrapped_provider_key,
                                                 event_context())
    return {"provider_user_id": row.id, "role": row.role, "status": row.status}, 201


@bp.get("/me/providers")
def my_providers():
    """The providers the caller belongs to, with the provider key wrapped to them."""
    with unit_of_work() as uow:
        found = domain.providers_of(uow, acting_user())
    return {"providers": [{"provider_id": provider.id, "name": provider.name, "role": staff.role,
                           "wrapped_provider_key": staff.wrapped_provider_key} for provider, staff in found]}


@bp.get("/me/organizations")
def my_organizations():
    """The organizations the caller administers as a member."""
    with unit_of_work() as uow:
        found = domain.organizations_administered(uow, acting_user())
    return {"organizations": [{"organization_id": o.id, "name": o.name, "role": m.role} for o, m in found]}


@bp.get("/me/memberships")
def my_memberships():
    """The organizations the caller is a confirmed member of, with the org key wrapped to them."""
    with unit_of_work() as uow:
        found = domain.memberships(uow, acting_user())
    return {"memberships": [{"organization_id": o.id, "name": o.name, "role": m.role,
                             "wrapped_org_key": m.wrapped_org_key} for o, m in found]}


@bp.get("/providers/<provider_id>/access")
def provider_access(provider_id: str):
    """The caller's role in the provider (404 when they have none): asked by other services."""
    with unit_of_work() as uow:
        staff = domain.provider_user(uow, acting_user(), provider_id)
    return {"provider_id": provider_id, "role": staff.role}


@bp.get("/providers/<provider_id>/clients")
@bp.input(ClientQuery, location="query")
def list_clients(provider_id: str, query_data: ClientQuery):
    """One page of the provider's clients, sorted and searched."""
    with unit_of_work() as uow:
        page = domain.list_clients(uow, acting_user(), provider_id, query_data.sort, query_data.direction,
                                   query_data.q, query_data.page)
    return {"clients": [_client_json(row) for row in page.rows], "total": page.total, "page": page.page,
            "pages": page.pages, "page_size": domain.PAGE_SIZE}


@bp.post("/providers/<provider_id>/clients")
@bp.input(ClientIn)
def create_client(provider_id: str, json_data: ClientIn):
    """Create a client organization and invite its owner."""
    with unit_of_work() as uow:
        organization = domain.create_client(uow, acting_user(), provider_id,
                                            domain.ClientDraft(**json_data.model_dump()), event_context())
    return _organization_json(organization, used=1), 201


class StandaloneIn(StrictBody):
    name: str = Field(max_length=1000)
    plan: str = Field(max_length=100)
    seats: int
    billing_email: str = Field(max_length=1000)
    owner_email: str = Field(max_length=1000)
    public_key: str = Field(max_length=4000)
    encrypted_private_key: str = Field(max_length=8000)
    wrapped_org_key: str = Field(max_length=4000)


class ExistingIn(StrictBody):
    organization_id: str = Field(max_length=36)
    encrypted_org_key: str = Field(max_length=4000)


@bp.post("/organizations")
@bp.input(StandaloneIn)
def create_organization(json_data: StandaloneIn):
    """Create an organization of one's own; the caller is its confirmed owner."""
    with unit_of_work() as uow:
        draft = domain.OrganizationDraft(**json_data.model_dump())
        organization = domain.create_standalone(uow, acting_user(), draft, event_context())
    return _organization_json(organization, used=1), 201


@bp.get("/providers/<provider_id>/attachable")
def attachable(provider_id: str):
    """The organizations the caller owns that could become this provider's clients."""
    with unit_of_work() as uow:
        found = domain.attachable(uow, acting_user(), provider_id)
    return {"organizations": [{"organization_id": o.id, "name": o.name, "plan": o.plan} for o in found]}


@bp.post("/providers/<provider_id>/clients/existing")
@bp.input(ExistingIn)
def add_existing(provider_id: str, json_data: ExistingIn):
    """Attach an organization the caller owns as a client of the provider."""
    with unit_of_work() as uow:
        organization = domain.add_existing(uow, acting_user(), provider_id, json_data.organization_id,
                                           json_data.encrypted_org_key, event_context())
    return _organization_json(organization), 201


@bp.get("/providers/<provider_id>/clients/<organization_id>")
def get_client(provider_id: str, organization_id: str):
    """One client of the provider."""
    with unit_of_work() as uow:
        organization, link = domain.client_of(uow, acting_user(), provider_id, organization_id)
        used = domain.seats_used(uow, organization_id)
    return {**_organization_json(organization, used), "encrypted_org_key": link.encrypted_org_key}


@bp.put("/providers/<provider_id>/clients/<organization_id>/seats")
@bp.input(SeatsIn)
def change_seats(provider_id: str, organization_id: str, json_data: SeatsIn):
    """Set a client's seat count."""
    with unit_of_work() as uow:
        organization = domain.change_seats(uow, acting_user(), provider_id, organization_id, json_data.seats,
                                           event_context(), json_data.autoscale_max_seats)
        used = domain.seats_used(uow, organization_id)
    return _organization_json(organization, used)


@bp.delete("/providers/<provider_id>/clients/<organization_id>")
def unlink_client(provider_id: str, organization_id: str):
    """Unlink a client from the provider (provider admins only)."""
    with unit_of_work() as uow:
        domain.unlink_client(uow, acting_user(), provider_id, organization_id, event_context())
    return "", 204


@bp.get("/organizations/<organization_id>")
def organization_overview(organization_id: str):
    """The organization as its Admin Console shows it, with the caller's access."""
    with unit_of_work() as uow:
        organization, members, access = domain.organization_overview(uow, acting_user(), organization_id)
    used = sum(1 for member in members if member.status != "revoked")
    return {**_organization_json(organization, used),
            "access": {"provider_id": access.provider_id, "role": access.role,
                       "encrypted_org_key": access.encrypted_org_key},
            "members": [{"member_id": m.id, "email": m.email, "role": m.role, "status": m.status}
                        for m in members]}


@bp.post("/organizations/<organization_id>/provider-access")
def record_provider_access(organization_id: str):
    """Log that the calling provider user opened this client."""
    with unit_of_work() as uow:
        domain.record_provider_access(uow, acting_user(), organization_id, event_context())
    return "", 204


@bp.get("/organizations/<organization_id>/access")
def organization_access(organization_id: str):
    """How the caller reaches the organization (404 when they cannot): asked by other services."""
    with unit_of_work() as uow:
        access = domain.organization_access(uow, acting_user(), organization_id)
    return {"organization_id": organization_id, "provider_id": access.provider_id, "role": access.role}


# --- members ---------------------------------------------------------------------------------

INVITATION_PROOF_SECONDS = 300


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


class AcceptIn(StrictBody):
    proof: str = Field(max_length=2000)
    name: str = Field(max_length=200)


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
    page: int = Field(default=1, ge=1, le=100_000)


def _member_json(member) -> dict:
    return {"member_id": member.id, "organization_id": member.organization_id, "user_id": member.user_id,
            "email": member.email, "name": member.name, "role": member.role, "permissions": member.permissions,
            "status": member.status, "recovery_enrolled": member.reset_password_key is not None}


@bp.get("/organizations/<organization_id>/members")
@bp.input(MemberQuery, location="query")
def list_members(organization_id: str, query_data: MemberQuery):
    """One page of the organization's members, filtered and sorted."""
    with unit_of_work() as uow:
        found = domain.list_members(uow, acting_user(), organization_id, query_data.q, query_data.status,
                                    query_data.role, query_data.sort, query_data.direction, query_data.page)
    return {"members": [_member_json(m) for m in found.members], "total": found.total, "page": found.page,
            "pages": found.pages, "page_size": domain.MEMBERS_PAGE_SIZE, "seats": found.seats, "used": found.used}


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
    claims = _verified_invitation(json_data.proof, member_id, actor)
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
    """Restore a revoked member."""
    with unit_of_work() as uow:
        member = domain.restore(uow, acting_user(), organization_id, member_id, event_context())
    return _member_json(member)


@bp.delete("/organizations/<organization_id>/members/<member_id>")
def remove_member(organization_id: str, member_id: str):
    """Remove (offboard) a member."""
    with unit_of_work() as uow:
        domain.remove(uow, acting_user(), organization_id, member_id, event_context())
    return "", 204


# --- the provider's staff ----------------------------------------------------------------------

class StaffInviteIn(StrictBody):
    emails: str = Field(max_length=10_000)
    role: str = Field(max_length=20)


class ProviderKeyIn(StrictBody):
    wrapped_provider_key: str = Field(max_length=4000)


def _staff_json(row) -> dict:
    return {"provider_user_id": row.id, "provider_id": row.provider_id, "user_id": row.user_id,
            "email": row.email, "name": row.name, "role": row.role, "status": row.status}


def _verified_invitation(proof: str, invited_id: str, actor: str) -> dict:
    """The claims of identity's statement that `actor` opened the link inviting `invited_id`."""
    try:
        claims = ClaimSigner(settings().internal_secret, "invitation").verify(proof, INVITATION_PROOF_SECONDS)
    except NotSigned as error:
        raise Forbidden("This invitation could not be verified. Open the link from the email again.") from error
    if claims.get("member_id") != invited_id or claims.get("user_id") != actor:
        raise Forbidden("This invitation could not be verified. Open the link from the email again.")
    return claims


@bp.get("/providers/<provider_id>/staff")
def list_staff(provider_id: str):
    """The provider's staff (provider admins only)."""
    with unit_of_work() as uow:
        rows = domain.list_staff(uow, acting_user(), provider_id)
    return {"users": [_staff_json(row) for row in rows]}


@bp.get("/providers/<provider_id>/staff/<provider_user_id>")
def get_staff(provider_id: str, provider_user_id: str):
    """One of the provider's staff."""
    with unit_of_work() as uow:
        row = domain.staff_member(uow, acting_user(), provider_id, provider_user_id)
    return _staff_json(row)


@bp.post("/providers/<provider_id>/staff")
@bp.input(StaffInviteIn)
def invite_staff(provider_id: str, json_data: StaffInviteIn):
    """Invite people to the provider's staff."""
    with unit_of_work() as uow:
        rows = domain.invite_staff(uow, acting_user(), provider_id, json_data.emails, json_data.role,
                                   event_context())
    return {"users": [_staff_json(row) for row in rows]}, 201


@bp.post("/providers/<provider_id>/staff/<provider_user_id>/reinvite")
def reinvite_staff(provider_id: str, provider_user_id: str):
    """Send a provider invitation again."""
    with unit_of_work() as uow:
        row = domain.reinvite_staff(uow, acting_user(), provider_id, provider_user_id, event_context())
    return _staff_json(row)


@bp.post("/providers/<provider_id>/staff/<provider_user_id>/accept")
@bp.input(AcceptIn)
def accept_staff(provider_id: str, provider_user_id: str, json_data: AcceptIn):
    """Accept a provider invitation, with identity's proof that its link was redeemed by the caller."""
    actor = acting_user()
    claims = _verified_invitation(json_data.proof, provider_user_id, actor)
    with unit_of_work() as uow:
        row = domain.accept_staff(uow, actor, provider_id, provider_user_id, claims["email"], json_data.name,
                                  event_context())
    return _staff_json(row)


@bp.post("/providers/<provider_id>/staff/<provider_user_id>/confirm")
@bp.input(ProviderKeyIn)
def confirm_staff(provider_id: str, provider_user_id: str, json_data: ProviderKeyIn):
    """Confirm a provider user with the provider key wrapped to them."""
    with unit_of_work() as uow:
        row = domain.confirm_staff(uow, acting_user(), provider_id, provider_user_id,
                                   json_data.wrapped_provider_key, event_context())
    return _staff_json(row)


class StaffRoleIn(StrictBody):
    role: str = Field(max_length=20)


@bp.put("/providers/<provider_id>/staff/<provider_user_id>/role")
@bp.input(StaffRoleIn)
def change_staff_role(provider_id: str, provider_user_id: str, json_data: StaffRoleIn):
    """Change a provider user's role."""
    with unit_of_work() as uow:
        row = domain.change_staff_role(uow, acting_user(), provider_id, provider_user_id, json_data.role,
                                       event_context())
    return _staff_json(row)


@bp.delete("/providers/<provider_id>/staff/<provider_user_id>")
def remove_staff(provider_id: str, provider_user_id: str):
    """Remove someone from the provider's staff."""
    with unit_of_work() as uow:
        domain.remove_staff(uow, acting_user(), provider_id, provider_user_id, event_context())
    return "", 204


# --- groups and collections --------------------------------------------------------------------

class GroupIn(StrictBody):
    name: str = Field(max_length=1000)
    member_ids: list[str] = Field(default_factory=list, max_length=10_000)


class Grant(StrictBody):
    group_id: str | None = Field(default=None, max_length=36)
    member_id: str | None = Field(default=None, max_length=36)
    permission: str = Field(max_length=30)


class CollectionIn(StrictBody):
    encrypted_name: str = Field(max_length=2000)
    access: list[Grant] = Field(default_factory=list, max_length=10_000)


def _group_json(group, member_ids) -> dict:
    return {"group_id": group.id, "name": group.name, "member_ids": member_ids}


def _collection_json(collection, access) -> dict:
    return {"collection_id": collection.id, "encrypted_name": collection.encrypted_name,
            "access": [{"group_id": a.group_id, "member_id": a.member_id, "permission": a.permission}
                       for a in access]}


@bp.get("/organizations/<organization_id>/groups")
def list_groups(organization_id: str):
    """The organization's groups and their members."""
    with unit_of_work() as uow:
        found = domain.list_groups(uow, acting_user(), organization_id)
    return {"groups": [_group_json(group, member_ids) for group, member_ids in found]}


@bp.post("/organizations/<organization_id>/groups")
@bp.input(GroupIn)
def create_group(organization_id: str, json_data: GroupIn):
    """Create a group."""
    with unit_of_work() as uow:
        group = domain.save_group(uow, acting_user(), organization_id, None, json_data.name, json_data.member_ids,
                                  event_context())
    return _group_json(group, sorted(set(json_data.member_ids))), 201


@bp.put("/organizations/<organization_id>/groups/<group_id>")
@bp.input(GroupIn)
def update_group(organization_id: str, group_id: str, json_data: GroupIn):
    """Rename a group and set its members."""
    with unit_of_work() as uow:
        group = domain.save_group(uow, acting_user(), organization_id, group_id, json_data.name,
                                  json_data.member_ids, event_context())
    return _group_json(group, sorted(set(json_data.member_ids)))


@bp.delete("/organizations/<organization_id>/groups/<group_id>")
def delete_group(organization_id: str, group_id: str):
    """Delete a group."""
    with unit_of_work() as uow:
        domain.delete_group(uow, acting_user(), organization_id, group_id, event_context())
    return "", 204


@bp.get("/organizations/<organization_id>/collections")
def list_collections(organization_id: str):
    """The organization's collections, names encrypted, with their access."""
    with unit_of_work() as uow:
        found = domain.list_collections(uow, acting_user(), organization_id)
    return {"collections": [_collection_json(c, access) for c, access in found]}


@bp.post("/organizations/<organization_id>/collections")
@bp.input(CollectionIn)
def create_collection(organization_id: str, json_data: CollectionIn):
    """Create a collection."""
    with unit_of_work() as uow:
        collection = domain.save_collection(uow, acting_user(), organization_id, None, json_data.encrypted_name,
                                            [g.model_dump() for g in json_data.access], event_context())
    return {"collection_id": collection.id}, 201


@bp.put("/organizations/<organization_id>/collections/<collection_id>")
@bp.input(CollectionIn)
def update_collection(organization_id: str, collection_id: str, json_data: CollectionIn):
    """Rename a collection and set its access."""
    with unit_of_work() as uow:
        collection = domain.save_collection(uow, acting_user(), organization_id, collection_id,
                                            json_data.encrypted_name, [g.model_dump() for g in json_data.access],
                                            event_context())
    return {"collection_id": collection.id}


@bp.delete("/organizations/<organization_id>/collections/<collection_id>")
def delete_collection(organization_id: str, collection_id: str):
    """Delete a collection."""
    with unit_of_work() as uow:
        domain.delete_collection(uow, acting_user(), organization_id, collection_id, event_context())
    return "", 204


# --- the organization's vault ------------------------------------------------------------------

class ItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict
    collection_ids: list[str] = Field(min_length=1, max_length=100)


class TrashQuery(StrictQuery):
    trash: bool = False


def _item_json(visible) -> dict:
    item = visible.item
    return {"item_id": item.id, "organization_id": item.organization_id, "type": item.type, "data": item.data,
            "collection_ids": visible.collection_ids, "permission": visible.permission,
            "passwords_hidden": visible.passwords_hidden, "revision": item.revision,
            "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None}


@bp.get("/organizations/<organization_id>/collections/editable")
def editable_collections(organization_id: str):
    """The collections the caller may add items to."""
    with unit_of_work() as uow:
        found = domain.editable_collections(uow, acting_user(), organization_id)
    return {"collections": [{"collection_id": c.id, "encrypted_name": c.encrypted_name} for c in found]}


@bp.get("/organizations/<organization_id>/items")
@bp.input(TrashQuery, location="query")
def list_items(organization_id: str, query_data: TrashQuery):
    """The organization's items the caller may see (fields still encrypted)."""
    with unit_of_work() as uow:
        found = domain.list_org_items(uow, acting_user(), organization_id, query_data.trash)
    return {"items": [_item_json(v) for v in found]}


@bp.get("/organizations/<organization_id>/items/<item_id>")
def get_item(organization_id: str, item_id: str):
    """One item, if the caller may see it."""
    with unit_of_work() as uow:
        return _item_json(domain.org_item(uow, acting_user(), organization_id, item_id))


@bp.post("/organizations/<organization_id>/items")
@bp.input(ItemIn)
def create_item(organization_id: str, json_data: ItemIn):
    """Create an item in one or more collections."""
    with unit_of_work() as uow:
        item = domain.save_org_item(uow, acting_user(), organization_id, None, json_data.type, json_data.data,
                                    json_data.collection_ids, event_context())
        return _item_json(domain.org_item(uow, acting_user(), organization_id, item.id)), 201


@bp.put("/organizations/<organization_id>/items/<item_id>")
@bp.input(ItemIn)
def update_item(organization_id: str, item_id: str, json_data: ItemIn):
    """Change an item and its collections."""
    with unit_of_work() as uow:
        domain.save_org_item(uow, acting_user(), organization_id, item_id, json_data.type, json_data.data,
                             json_data.collection_ids, event_context())
        return _item_json(domain.org_item(uow, acting_user(), organization_id, item_id))


@bp.post("/organizations/<organization_id>/items/<item_id>/trash")
def trash_item(organization_id: str, item_id: str):
    """Move an item to the trash."""
    with unit_of_work() as uow:
        domain.trash_org_item(uow, acting_user(), organization_id, item_id, event_context())
    return "", 204


@bp.post("/organizations/<organization_id>/items/<item_id>/restore")
def restore_item(organization_id: str, item_id: str):
    """Bring an item back from the trash."""
    with unit_of_work() as uow:
        domain.trash_org_item(uow, acting_user(), organization_id, item_id, event_context(), restore=True)
    return "", 204


@bp.delete("/organizations/<organization_id>/items/<item_id>")
def purge_item(organization_id: str, item_id: str):
    """Delete a trashed item for good."""
    with unit_of_work() as uow:
        domain.purge_org_item(uow, acting_user(), organization_id, item_id, event_context())
    return "", 204


# --- personal items ----------------------------------------------------------------------------

class PersonalItemIn(StrictBody):
    type: str = Field(max_length=20)
    data: dict


class ShareIn(StrictBody):
    organization_id: str = Field(max_length=36)
    data: dict
    collection_ids: list[str] = Field(min_length=1, max_length=100)


def _personal_json(item) -> dict:
    return {"item_id": item.id, "type": item.type, "data": item.data, "revision": item.revision,
            "deleted_at": item.deleted_at.isoformat() if item.deleted_at else None}


@bp.get("/me/items")
@bp.input(TrashQuery, location="query")
def my_items(query_data: TrashQuery):
    """The caller's own items (fields sealed with their user key)."""
    with unit_of_work() as uow:
        return {"items": [_personal_json(i) for i in domain.list_personal_items(uow, acting_user(),
                                                                                 query_data.trash)]}


@bp.post("/me/items")
@bp.input(PersonalItemIn)
def create_my_item(json_data: PersonalItemIn):
    """Create one of the caller's own items."""
    with unit_of_work() as uow:
        return _personal_json(domain.save_personal_item(uow, acting_user(), None, json_data.type,
                                                        json_data.data)), 201


@bp.post("/me/items/<item_id>/<action>")
def act_on_my_item(item_id: str, action: str):
    """Trash or restore one of the caller's items."""
    if action not in ("trash", "restore"):
        raise NotFound("No such action.")
    with unit_of_work() as uow:
        domain.trash_personal_item(uow, acting_user(), item_id, restore=action == "restore")
    return "", 204


@bp.delete("/me/items/<item_id>")
def purge_my_item(item_id: str):
    """Delete one of the caller's trashed items for good."""
    with unit_of_work() as uow:
        domain.purge_personal_item(uow, acting_user(), item_id)
    return "", 204


@bp.post("/me/items/<item_id>/share")
@bp.input(ShareIn)
def share_my_item(item_id: str, json_data: ShareIn):
    """Move one of the caller's items into an organization (re-sealed by the gateway)."""
    with unit_of_work() as uow:
        item = domain.share_item(uow, acting_user(), item_id, json_data.organization_id, json_data.data,
                                 json_data.collection_ids, event_context())
        return _item_json(domain.org_item(uow, acting_user(), json_data.organization_id, item.id))
