"""Providers, their clients and organizations as the gateway reaches them."""
from __future__ import annotations

from pydantic import Field

from services.common.errors import NotFound
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import acting_user, event_context, unit_of_work

from .. import domain
from ..models import Provider
from . import bp


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


class PlanIn(StrictBody):
    plan: str = Field(max_length=100)


class ClientQuery(StrictQuery):
    sort: str = "name"
    direction: str = "asc"
    q: str = Field(default="", max_length=200)
    after: str = Field(default="", max_length=domain.MAX_CURSOR)
    before: str = Field(default="", max_length=domain.MAX_CURSOR)
    compliance: str = Field(default="", max_length=20)


def _client_json(row) -> dict:
    return {"organization_id": row.organization_id, "name": row.name, "assigned": row.assigned,
            "used": row.used, "remaining": row.remaining, "plan": row.plan, "non_compliant": row.non_compliant}


def _organization_json(organization, used: int | None = None) -> dict:
    body = {"organization_id": organization.id, "name": organization.name, "plan": organization.plan,
            "seats": organization.seats, "autoscale_max_seats": organization.autoscale_max_seats,
            "billing_email": organization.billing_email, "managing_provider_id": organization.provider_id,
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
                           "scoped": staff.scoped, "may": domain.provider_actions(staff.role, staff.scoped),
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
    return {"provider_id": provider_id, "role": staff.role, "scoped": staff.scoped}


@bp.get("/providers/<provider_id>/actions/<action>")
def provider_action(provider_id: str, action: str):
    """Whether the caller's role in the provider may do `action` of the permission table: their role and the
    provider's name if so, 404 when they are not on its staff, 403 when their role may not. Asked by other
    services (identity, before it schedules or shows a provider's demo sessions)."""
    if action not in domain.PROVIDER_ACTIONS:
        raise NotFound("No such action.", code="action.not_found")
    with unit_of_work() as uow:
        staff = domain.provider_acting(uow, acting_user(), provider_id, action)
        provider = uow.get(Provider, provider_id)
        return {"provider_id": provider_id, "provider_name": provider.name, "role": staff.role, "action": action}


@bp.get("/providers/<provider_id>/clients")
@bp.input(ClientQuery, location="query")
def list_clients(provider_id: str, query_data: ClientQuery):
    """One page of the provider's clients, sorted and searched: the first, or the one after or before a
    cursor; `previous` and `next` are the cursors of the pages around it (null at either end)."""
    with unit_of_work() as uow:
        page = domain.list_clients(uow, acting_user(), provider_id, query_data.sort, query_data.direction,
                                   query_data.q, query_data.after, query_data.before, query_data.compliance)
    return {"clients": [_client_json(row) for row in page.rows], "total": page.total, "previous": page.previous,
            "next": page.next, "page_size": domain.PAGE_SIZE}


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
    return {**_organization_json(organization, organization.used_seats), "encrypted_org_key": link.encrypted_org_key}


@bp.put("/providers/<provider_id>/clients/<organization_id>/seats")
@bp.input(SeatsIn)
def change_seats(provider_id: str, organization_id: str, json_data: SeatsIn):
    """Set a client's seat count."""
    with unit_of_work() as uow:
        organization = domain.change_seats(uow, acting_user(), provider_id, organization_id, json_data.seats,
                                           event_context(), json_data.autoscale_max_seats)
    return _organization_json(organization, organization.used_seats)


@bp.post("/providers/<provider_id>/clients/<organization_id>/plan")
@bp.input(PlanIn)
def change_plan(provider_id: str, organization_id: str, json_data: PlanIn):
    """Move a client to another plan (Provider Admins); its seats stay."""
    with unit_of_work() as uow:
        organization = domain.change_plan(uow, acting_user(), provider_id, organization_id, json_data.plan,
                                          event_context())
    return _organization_json(organization, organization.used_seats)


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
    return {**_organization_json(organization, organization.used_seats),
            "access": {"provider_id": access.provider_id, "role": access.role, "may": access.standing.actions(),
                       "grantable": access.standing.grantable(), "key_path": access.key_path,
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
    return {"organization_id": organization_id, "provider_id": access.provider_id, "role": access.role,
            "may": access.standing.actions()}
