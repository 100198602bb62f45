"""`python -m services.orgs.worker`: relays the orgs outbox to NATS and empties the trash."""
from services.common.database import UnitOfWork
from services.common.worker import Chore, ServiceWorker, main

from . import models
from .domain import empty_trash
from .events import consumers


def _empty_trash(engine) -> None:
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        empty_trash(uow)


WORKER = ServiceWorker("orgs", models, consumers, chores=(Chore("empty the trash", 3600, _empty_trash),))

if __name__ == "__main__":
    main(WORKER)
