"""What the billing service consumes: orgs' events about clients (created, seats, plan, unlinked, added)
and providers' names. Each consumer applies an event once (the inbox) and in its own transaction: an
event reads the client's ledger, which an earlier event of the same batch may have just written."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.config import Settings

from . import domain

# consumer name (a durable: never renamed, or it starts again from the stream's first event): subject
CLIENT_EVENTS = {
    "billing-organizations": "orgs.org.created",
    "billing-standalone": "orgs.org.standalone.created",
    "billing-seats": "orgs.org.seats.changed",
    "billing-plans": "orgs.org.plan.changed",
    "billing-unlinked": "orgs.org.unlinked",
    "billing-added": "orgs.org.added",
}


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the billing worker runs."""
    prices = settings.billing.plan_prices
    return [Consumer(name, "orgs", subject, lambda uow, event: domain.apply(uow, event, prices),
                     one_per_transaction=True) for name, subject in CLIENT_EVENTS.items()] + [
        Consumer("billing-providers", "orgs", "orgs.provider.created",
                 lambda uow, event: domain.name_provider(uow, event), one_per_transaction=True)]
