"""The event logs as orgs serves them: logging an export, and the clients a provider's roll-up covers."""
from __future__ import annotations

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from ..domain import event_logs
from . import bp


class ExportedIn(StrictBody):
    start: str = Field(max_length=10)
    end: str = Field(max_length=10)
    group: str = Field(default="", max_length=20)
    text: str = Field(default="", max_length=200)


class ProviderExportedIn(ExportedIn):
    include_clients: str = Field(default="", max_length=36)


@bp.post("/organizations/<organization_id>/events/exported")
@bp.input(ExportedIn)
def organization_log_exported(organization_id: str, json_data: ExportedIn):
    """Log that the caller exported the organization's event log (Admin Console → Event logs → Export)."""
    with unit_of_work() as uow:
        event_logs.log_exported(uow, acting_user(), organization_id, json_data.model_dump(), event_context())
    return "", 204


@bp.post("/providers/<provider_id>/events/exported")
@bp.input(ProviderExportedIn)
def provider_log_exported(provider_id: str, json_data: ProviderExportedIn):
    """Log that a provider admin exported the provider's event log."""
    with unit_of_work() as uow:
        event_logs.provider_log_exported(uow, acting_user(), provider_id, json_data.model_dump(), event_context())
    return "", 204


@bp.get("/providers/<provider_id>/client-ids")
def provider_client_ids(provider_id: str):
    """The ids of all the provider's clients (provider admins only): asked by audit for the roll-up."""
    with unit_of_work() as uow:
        return {"organization_ids": event_logs.client_ids(uow, acting_user(), provider_id)}
