"""The billing service's HTTP API."""
from __future__ import annotations

from apiflask import APIBlueprint

from services.common.service_app import ask, unit_of_work

from . import domain

bp = APIBlueprint("billing", __name__)


@bp.get("/organizations/<organization_id>/subscription")
def subscription(organization_id: str):
    """The organization's plan, seats and monthly price, for those who administer it."""
    ask("orgs", f"/organizations/{organization_id}/access")
    with unit_of_work() as uow:
        found = domain.subscription_of(uow, organization_id)
    return {"subscription_id": found.id, "organization_id": found.organization_id, "plan": found.plan,
            "seats": found.seats, "seat_price_cents": found.seat_price_cents,
            "monthly_price_cents": domain.monthly_price_cents(found), "status": found.status}
