"""What orgs decides about the event logs audit keeps: who exported one (logged here, in orgs' outbox, as
every change is) and which organizations a provider's roll-up may read."""
from __future__ import annotations

from sqlmodel import select

from services.common.envelope import Event
from services.common.errors import Forbidden

from ..models import Organization, ProviderOrganization
from .access import organization_access
from .providers import provider_acting


def log_exported(uow, actor_id: str, organization_id: str, filters: dict, context: dict) -> None:
    """Log that the actor exported the organization's event log (they must be allowed to read it)."""
    access = organization_access(uow, actor_id, organization_id)
    if not access.standing.may("read_event_logs"):
        raise Forbidden("Only members allowed to access event logs can export them.", code="event_log.export_forbidden")
    uow.publish(Event("org.events.exported", {"organization_id": organization_id, **filters},
                      subject=organization_id, orgid=organization_id, providerid=access.provider_id, **context))
    uow.commit()


def log_settings_updated(uow, actor_id: str, organization_id: str, change: dict, context: dict) -> None:
    """Log that the actor made or rotated the organization's API key, or changed its retention (audit keeps both;
    the change is logged here, through orgs' outbox, as the exports are)."""
    access = organization_access(uow, actor_id, organization_id)
    if not access.standing.may("manage_event_log_settings"):
        raise Forbidden("Only the organization's owners and its provider's staff can manage its API key and how "
                        "long its events are kept.", code="event_log.settings_forbidden")
    uow.publish(Event("org.log_settings.updated", {"organization_id": organization_id, "setting": change["setting"],
                                                   "rotated": change.get("rotated"),
                                                   "retention_days": change.get("retention_days")},
                      subject=organization_id, orgid=organization_id, providerid=access.provider_id, **context))
    uow.commit()


def provider_log_exported(uow, actor_id: str, provider_id: str, filters: dict, context: dict) -> None:
    """Log that a provider admin exported the provider's event log."""
    provider_acting(uow, actor_id, provider_id, "read_event_logs")
    uow.publish(Event("provider.events.exported", {"provider_id": provider_id, **filters}, subject=provider_id,
                      providerid=provider_id, **context))
    uow.commit()


def clients_named(uow, actor_id: str, provider_id: str) -> list[tuple[str, str]]:
    """Every client organization of the provider (id, name) by name, for its admins' roll-up of their events."""
    provider_acting(uow, actor_id, provider_id, "read_event_logs")
    return list(uow.session.exec(select(Organization.id, Organization.name)
                                 .join(ProviderOrganization, ProviderOrganization.organization_id == Organization.id)
                                 .where(ProviderOrganization.provider_id == provider_id)
                                 .order_by(ProviderOrganization.client_name_key)).all())
