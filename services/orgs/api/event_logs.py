"""The event logs as orgs serves them: logging an export, and the clients a provider's roll-up covers."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from services.common.schemas import StrictBody
from services.common.service_app import acting_user, event_context, unit_of_work

from ..domain import event_logs, vault
from . import bp


class ExportedIn(StrictBody):
    start: str = Field(max_length=10)
    end: str = Field(max_length=10)
    group: str = Field(default="", max_length=20)
    text: str = Field(default="", max_length=200)


class ProviderExportedIn(ExportedIn):
    include_clients: str = Field(default="", max_length=100)


@bp.post("/organizations/<organization_id>/events/exported")
@bp.input(ExportedIn)
def organization_log_exported(organization_id: str, json_data: ExportedIn):
    """Log that the caller exported the organization's event log (Admin Console → Event logs → Export)."""
    with unit_of_work() as uow:
        event_logs.log_exported(uow, acting_user(), organization_id, json_data.model_dump(), event_context())
    return "", 204


class LogSettingsIn(StrictBody):
    setting: Literal["api_key", "retention"]
    rotated: bool | None = None
    retention_days: int | None = None


@bp.post("/organizations/<organization_id>/log-settings/updated")
@bp.input(LogSettingsIn)
def organization_log_settings_updated(organization_id: str, json_data: LogSettingsIn):
    """Log that the caller made or rotated the organization's API key, or changed its event retention."""
    with unit_of_work() as uow:
        event_logs.log_settings_updated(uow, acting_user(), organization_id, json_data.model_dump(), event_context())
    return "", 204


class ItemIdsIn(StrictBody):
    item_ids: list[Annotated[str, Field(max_length=36)]] = Field(max_length=1000)


@bp.post("/organizations/<organization_id>/items/names")
@bp.input(ItemIdsIn)
def organization_item_names(organization_id: str, json_data: ItemIdsIn):
    """The sealed names of those items the caller may see (an event log page's, at most 1,000): the gateway
    opens them with the org key to write "Edited item Wi-Fi router"."""
    with unit_of_work() as uow:
        return {"names": vault.sealed_item_names(uow, acting_user(), organization_id, json_data.item_ids)}


@bp.post("/providers/<provider_id>/events/exported")
@bp.input(ProviderExportedIn)
def provider_log_exported(provider_id: str, json_data: ProviderExportedIn):
    """Log that a provider admin exported the provider's event log."""
    with unit_of_work() as uow:
        event_logs.provider_log_exported(uow, acting_user(), provider_id, json_data.model_dump(), event_context())
    return "", 204


@bp.get("/providers/<provider_id>/log-clients")
def provider_log_clients(provider_id: str):
    """Every client of the provider by name (provider admins only): the roll-up's Client filter, and what
    audit reads the roll-up of."""
    with unit_of_work() as uow:
        found = event_logs.clients_named(uow, acting_user(), provider_id)
    return {"clients": [{"organization_id": organization_id, "name": name} for organization_id, name in found]}
