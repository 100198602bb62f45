"""Service Users limited to chosen clients (ADR 27): giving and taking clients, in one transaction.

The keys are wrapped in the admin's gateway, where they are open: orgs only checks each is an
RSA-wrapped EncString (type 4) for a current client of the provider, and keeps it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound
from services.common.validation import require_encstring

from ..models import ProviderOrganization, ProviderUser, ProviderUserClient
from .providers import _staff_event, _staff_row, granted_clients, key_fingerprint_of, provider_admin

MAX_CHANGES = 500  # clients given or taken in one change: a dialog's pages, never a provider's every client


@dataclass(frozen=True)
class ScopeChange:
    """What a Provider Admin asks: all clients (the provider key wrapped to them), or only some."""

    scoped: bool
    add: dict[str, str | None] = field(default_factory=dict)  # organization id → org key wrapped to them
    remove: list[str] = field(default_factory=list)
    wrapped_provider_key: str | None = None
    key_fingerprint: str | None = None  # the key whose phrase the admin accepted, when none was recorded


def change_scope(uow, actor_id: str, provider_id: str, provider_user_id: str, change: ScopeChange,
                 context: dict) -> ProviderUser:
    """Limit a Service User to chosen clients, change which, or give them every client again.

    Refusals change nothing: a Provider Admin cannot be scoped (409), a client that is not a current
    client of this provider is 404, a key that is not wrapped to a public key is 422.
    """
    provider_admin(uow, actor_id, provider_id)
    row = _staff_row(uow, provider_id, provider_user_id, lock=True)
    if row.role != "service_user":
        raise Conflict("Only a Service User can be limited to some clients.", code="staff.scope_admin")
    fingerprint = key_fingerprint_of(change.key_fingerprint)
    if fingerprint and row.key_fingerprint and fingerprint != row.key_fingerprint:
        raise Conflict("%(email)s has another key than the one checked at confirmation.",
                       code="staff.key_changed", email=row.email)
    confirmed = row.status == "confirmed"
    if change.scoped:
        _scope(uow, actor_id, row, change, confirmed, context)
    else:
        _unscope(uow, row, change, confirmed, context)
    if fingerprint and not row.key_fingerprint:
        row.key_fingerprint = fingerprint
    uow.add(row)
    uow.commit()
    return row


def _scope(uow, actor_id: str, row: ProviderUser, change: ScopeChange, confirmed: bool, context: dict) -> None:
    if len(change.add) + len(change.remove) > MAX_CHANGES:
        raise Invalid("Give or take at most %(most)s clients at once.", "add", code="staff.scope_too_many",
                      most=MAX_CHANGES)
    if set(change.add) & set(change.remove):
        raise Invalid("A client cannot be both given and taken.", "remove", code="staff.scope_overlap")
    if change.wrapped_provider_key is not None:
        raise Invalid("A user limited to some clients is given no provider key.", "wrapped_provider_key",
                      code="staff.scope_provider_key")
    keys = {}
    for organization_id, wrapped in change.add.items():
        # A confirmed user is given the key now; an invited one when an admin confirms them.
        if confirmed:
            keys[organization_id] = require_encstring(wrapped, 4, "add")
        elif wrapped is not None:
            raise Invalid("Keys are wrapped to an invited user only when they are confirmed.", "add",
                          code="staff.scope_key_too_early")
        else:
            keys[organization_id] = None
    _require_current_clients(uow, row.provider_id, [*keys, *change.remove])
    was_scoped = row.scoped
    row.scoped, row.wrapped_provider_key = True, None  # the first scoping deletes their provider key
    existing = {grant.organization_id: grant for grant in granted_clients(uow, row.id)}
    for organization_id, wrapped in keys.items():
        grant = existing.get(organization_id)
        if grant is None:
            grant = ProviderUserClient(provider_user_id=row.id, organization_id=organization_id,
                                       provider_id=row.provider_id, granted_by=actor_id)
            uow.publish(client_grant_event("provider.user.client_granted", row, organization_id, context))
        grant.wrapped_org_key = wrapped
        uow.add(grant)
    for organization_id in change.remove:
        if organization_id in existing:
            uow.session.delete(existing[organization_id])
            uow.publish(client_grant_event("provider.user.client_revoked", row, organization_id, context))
    if not was_scoped:
        uow.publish(_staff_event("provider.user.updated", row, context, scoped=True, changed=["scoped"]))


def _unscope(uow, row: ProviderUser, change: ScopeChange, confirmed: bool, context: dict) -> None:
    if change.add or change.remove:
        raise Invalid("A user given every client has no list of clients.", "add", code="staff.scope_unscoped_list")
    if confirmed:
        wrapped = require_encstring(change.wrapped_provider_key, 4, "wrapped_provider_key")
    elif change.wrapped_provider_key is not None:
        raise Invalid("Keys are wrapped to an invited user only when they are confirmed.", "wrapped_provider_key",
                      code="staff.scope_key_too_early")
    else:
        wrapped = None
    if not row.scoped:
        return  # already given every client: their provider key stays as it is
    for grant in granted_clients(uow, row.id):
        uow.session.delete(grant)
        uow.publish(client_grant_event("provider.user.client_revoked", row, grant.organization_id, context))
    row.scoped, row.wrapped_provider_key = False, wrapped
    uow.publish(_staff_event("provider.user.updated", row, context, scoped=False, changed=["scoped"]))


def _require_current_clients(uow, provider_id: str, organization_ids: list[str]) -> None:
    """NotFound unless every organization is a client of the provider now; the links stay locked until the
    commit, so an unlink in between waits and then deletes the grants made here."""
    if not organization_ids:
        return
    linked = set(uow.scalars(select(ProviderOrganization.organization_id).where(
        ProviderOrganization.provider_id == provider_id,
        ProviderOrganization.organization_id.in_(organization_ids)).with_for_update()).all())
    if any(organization_id not in linked for organization_id in organization_ids):
        raise NotFound("No such client organization.", "add", code="client.not_found")


def client_grant_event(event_type: str, row: ProviderUser, organization_id: str, context: dict) -> Event:
    """A client given to, or taken from, a scoped Service User: in the provider's log and the client's."""
    return Event(event_type, {"provider_user_id": row.id, "provider_id": row.provider_id,
                              "organization_id": organization_id, "email": row.email},
                 subject=row.id, orgid=organization_id, providerid=row.provider_id, **context)


def forget_client_grants(uow, organization_id: str, context: dict) -> None:
    """Take an unlinked client from every scoped user it was given to (adding it back restores none)."""
    for grant, row in uow.session.exec(select(ProviderUserClient, ProviderUser)
                                       .join(ProviderUser, ProviderUser.id == ProviderUserClient.provider_user_id)
                                       .where(ProviderUserClient.organization_id == organization_id)).all():
        uow.publish(client_grant_event("provider.user.client_revoked", row, organization_id, context))
    uow.session.exec(delete(ProviderUserClient).where(ProviderUserClient.organization_id == organization_id))
