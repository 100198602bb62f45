"""A provider's credentials of the integrator stream (ADR 26): listed, made (the secret answered once) and revoked
by its Provider Admins, and checked for the gateway when a stream connects and while it runs."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from ..domain import integrations
from . import bp


class IntegrationIn(StrictBody):
    name: str = Field(max_length=1000)


class VerifyIn(StrictBody):
    client_id: str = Field(max_length=100)
    client_secret: str = Field(max_length=100)
    connecting: bool = True


def credential_json(row) -> dict:
    """A credential as its provider's admins see it: never its secret, nor the secret's hash."""
    return {"integration_id": row.id, "client_id": integrations.client_id_of(row), "name": row.name,
            "created_at": row.created_at.isoformat(),
            "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None}


@bp.get("/providers/<provider_id>/integrations")
def list_integrations(provider_id: str):
    """The provider's credentials that still work (Provider Admins only)."""
    with unit_of_work() as uow:
        rows = integrations.credentials(uow, acting_user(), provider_id)
    return {"integrations": [credential_json(row) for row in rows], "most": integrations.MAX_ACTIVE}


@bp.post("/providers/<provider_id>/integrations")
@bp.input(IntegrationIn)
def create_integration(provider_id: str, json_data: IntegrationIn):
    """A new credential; the answer holds its secret, this once."""
    with unit_of_work() as uow:
        made = integrations.create(uow, acting_user(), provider_id, json_data.name, event_context())
    return {**credential_json(made.row), "client_secret": made.client_secret}, 201


@bp.delete("/providers/<provider_id>/integrations/<integration_id>")
def revoke_integration(provider_id: str, integration_id: str):
    """Revoke a credential: it stops working now, its open streams within 15 seconds."""
    with unit_of_work() as uow:
        integrations.revoke(uow, acting_user(), provider_id, integration_id, event_context())
    return "", 204


@bp.post("/integrations/verify")
@bp.input(VerifyIn)
def verify_integration(json_data: VerifyIn):
    """Whose events a credential reads (the gateway asks, acting for nobody); 401 for a wrong or revoked one,
    429 past its connections a minute."""
    with unit_of_work() as uow:
        found = integrations.verify(uow, json_data.client_id, json_data.client_secret, json_data.connecting)
    return {"provider_id": found.provider_id, "integration_id": found.integration_id}
