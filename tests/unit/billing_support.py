"""Helpers of the billing unit tests: orgs' events at chosen times, and a provider's invoices."""
from __future__ import annotations

from datetime import datetime, timezone

from services.billing import domain
from services.common.config import BillingTerms
from services.common.envelope import Event

TERMS = BillingTerms()
PRICES = TERMS.plan_prices


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    """An instant of 2026, in UTC."""
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def created(provider_id, organization_id, seats, plan="Teams", when=None, name="Acme") -> Event:
    return Event("org.created", {"organization_id": organization_id, "name": name, "plan": plan, "seats": seats,
                                 "billing_email": "b@acme.example"}, subject=organization_id, orgid=organization_id,
                 providerid=provider_id, time=when or at(1, 1))


def standalone(organization_id, seats, plan="Teams", when=None) -> Event:
    return Event("org.standalone.created", {"organization_id": organization_id, "name": "Solo", "plan": plan,
                                            "seats": seats, "billing_email": "b@solo.example"},
                 subject=organization_id, orgid=organization_id, time=when or at(1, 1))


def seats(provider_id, organization_id, count, when, plan="Teams") -> Event:
    return Event("org.seats.changed", {"organization_id": organization_id, "plan": plan, "seats": count,
                                       "previous_seats": 0, "autoscale_max_seats": None},
                 subject=organization_id, orgid=organization_id, providerid=provider_id, time=when)


def plan(provider_id, organization_id, new_plan, when, count=10) -> Event:
    return Event("org.plan.changed", {"organization_id": organization_id, "plan": new_plan,
                                      "previous_plan": "Teams", "seats": count},
                 subject=organization_id, orgid=organization_id, providerid=provider_id, time=when)


def unlinked(provider_id, organization_id, when) -> Event:
    return Event("org.unlinked", {"organization_id": organization_id, "name": "Acme"}, subject=organization_id,
                 orgid=organization_id, providerid=provider_id, time=when)


def added(provider_id, organization_id, when) -> Event:
    return Event("org.added", {"organization_id": organization_id, "name": "Solo"}, subject=organization_id,
                 orgid=organization_id, providerid=provider_id, time=when)


def provider_created(provider_id, name="Unit MSP") -> Event:
    return Event("provider.created", {"provider_id": provider_id, "name": name}, subject=provider_id,
                 providerid=provider_id, time=at(1, 1, 0))


def apply_all(uow, events) -> None:
    """Apply each event in its own transaction, as the consumers do."""
    for event in events:
        with uow() as unit:
            if event.type == "provider.created":
                domain.name_provider(unit, event)
            else:
                domain.apply(unit, event, PRICES)
            unit.commit()


def line_tuples(invoice_lines) -> list[tuple]:
    """Lines as (kind, plan, seat-days, amount)."""
    return [(line.kind, line.plan, line.quantity, line.amount) for line in invoice_lines]
