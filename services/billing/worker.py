"""`python -m services.billing.worker`: follows orgs' client events, issues due invoices and relays
billing's outbox."""
from services.common.database import UnitOfWork, utcnow
from services.common.worker import Chore, ServiceWorker, main

from . import models
from .domain import issue_due
from .events import consumers


def issue_invoices(engine, settings, now=None) -> list[str]:
    """Issue every provider's due invoices; the numbers issued (none twice, however many workers run it)."""
    return issue_due(lambda: UnitOfWork(engine, models.OutboxMessage), settings.billing, now or utcnow())


WORKER = ServiceWorker("billing", models, consumers, chores=(
    Chore("issue invoices", 300, issue_invoices, needs_settings=True),))

if __name__ == "__main__":
    main(WORKER)
