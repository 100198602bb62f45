"""`python -m services.orgs.worker`: relays the orgs outbox to NATS, empties the trash and deletes
Sends past their deletion date."""
from services.common.database import UnitOfWork, utcnow
from services.common.worker import Chore, ServiceWorker, main

from . import models
from .domain import empty_trash
from .domain.send_files import purge_sends
from .events import consumers
from .sendstore import send_store_from


def _empty_trash(engine) -> None:
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        empty_trash(uow)


def delete_due_sends(engine, settings, now=None) -> int:
    """Delete the Sends past their deletion date and the uploads abandoned an hour ago: parts first, then rows."""
    return purge_sends(lambda: UnitOfWork(engine, models.OutboxMessage), send_store_from(settings),
                       now or utcnow())


WORKER = ServiceWorker("orgs", models, consumers, chores=(
    Chore("empty the trash", 3600, _empty_trash),
    Chore("delete Sends", 300, delete_due_sends, needs_settings=True)))

if __name__ == "__main__":
    main(WORKER)
