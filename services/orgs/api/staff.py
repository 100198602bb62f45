"""The provider's own staff."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from .. import domain
from . import bp
from .invitations import AcceptIn, verified_invitation


class StaffInviteIn(StrictBody):
    emails: str = Field(max_length=10_000)
    role: str = Field(max_length=20)


class ProviderKeyIn(StrictBody):
    # The provider key wrapped to them, or (a scoped Service User) exactly their clients' org keys.
    wrapped_provider_key: str | None = Field(default=None, max_length=4000)
    wrapped_org_keys: dict[str, str] | None = Field(default=None, max_length=500)
    key_fingerprint: str | None = Field(default=None, max_length=64)


class ScopeIn(StrictBody):
    scoped: bool
    add: dict[str, str | None] = Field(default_factory=dict, max_length=500)
    remove: list[str] = Field(default_factory=list, max_length=500)
    wrapped_provider_key: str | None = Field(default=None, max_length=4000)
    key_fingerprint: str | None = Field(default=None, max_length=64)


def _staff_json(row, client_ids: list[str] | None = None) -> dict:
    found = {"provider_user_id": row.id, "provider_id": row.provider_id, "user_id": row.user_id,
             "email": row.email, "name": row.name, "role": row.role, "status": row.status, "scoped": row.scoped,
             "key_fingerprint": row.key_fingerprint}
    return found if client_ids is None else {**found, "client_ids": client_ids}


def _with_clients(uow, row) -> dict:
    return _staff_json(row, [grant.organization_id for grant in domain.granted_clients(uow, row.id)])


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
        return _with_clients(uow, row)


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
    claims = verified_invitation(json_data.proof, provider_user_id, actor)
    with unit_of_work() as uow:
        row = domain.accept_staff(uow, actor, provider_id, provider_user_id, claims["email"], json_data.name,
                                  event_context())
    return _staff_json(row)


@bp.post("/providers/<provider_id>/staff/<provider_user_id>/confirm")
@bp.input(ProviderKeyIn)
def confirm_staff(provider_id: str, provider_user_id: str, json_data: ProviderKeyIn):
    """Confirm a provider user with the provider key wrapped to them, or (scoped) their clients' org keys;
    409 staff.scope_changed when those are not exactly the clients given to them now."""
    with unit_of_work() as uow:
        row = domain.confirm_staff(uow, acting_user(), provider_id, provider_user_id,
                                   json_data.wrapped_provider_key, event_context(), json_data.wrapped_org_keys,
                                   json_data.key_fingerprint)
        return _with_clients(uow, row)


@bp.put("/providers/<provider_id>/staff/<provider_user_id>/scope")
@bp.input(ScopeIn)
def change_scope(provider_id: str, provider_user_id: str, json_data: ScopeIn):
    """Limit a Service User to chosen clients (their org keys wrapped to them), change which, or give them
    every client again (the provider key wrapped to them, every grant deleted). Provider Admins only."""
    with unit_of_work() as uow:
        row = domain.change_scope(uow, acting_user(), provider_id, provider_user_id,
                                  domain.ScopeChange(**json_data.model_dump()), event_context())
        return _with_clients(uow, row)


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
