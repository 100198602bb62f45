"""`python -m services.audit.worker`: stores every event of the bus in the log, and deletes what is past
its retention."""
from functools import cache

from services.common.config import Settings
from services.common.worker import Chore, ServiceWorker, main

from . import domain, models
from .events import consumers

PURGE_EVERY_SECONDS = 3600


@cache
def _default_retention_days() -> int:
    return Settings.from_env("audit").event_retention_days  # read once per process


def purge_old_events(engine) -> None:
    """Delete the events older than their organization's retention (the worker's hourly chore)."""
    domain.purge(engine, _default_retention_days())


CHORES = (Chore("delete events past their retention", PURGE_EVERY_SECONDS, purge_old_events),)

WORKER = ServiceWorker("audit", models, consumers, publishes=False, chores=CHORES)

if __name__ == "__main__":
    main(WORKER)
