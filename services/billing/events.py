"""What the billing service consumes: organizations created (by a provider or by their owner) and their
seat changes."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.config import Settings

from . import domain


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the billing worker runs."""
    return [
        Consumer("billing-organizations", "orgs", "orgs.org.created",
                 lambda uow, event: domain.start_subscription(uow, event)),
        Consumer("billing-standalone", "orgs", "orgs.org.standalone.created",
                 lambda uow, event: domain.start_subscription(uow, event)),
        Consumer("billing-seats", "orgs", "orgs.org.seats.changed",
                 lambda uow, event: domain.change_seats(uow, event)),
    ]
