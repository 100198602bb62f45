"""`python -m services.audit.worker`: stores every event of the bus in the log, relays the per-provider copies
integrators stream (ADR 26), and deletes what is past its retention."""
from functools import cache

from services.common import provider_events
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


def drop_published_copies(engine) -> None:
    """Forget the outbox rows of copies published a day ago (the worker's hourly chore)."""
    domain.drop_published_copies(engine)


def copies_stream(settings: Settings):
    """The stream the relay publishes the copies to, kept PROVIDER_EVENTS_DAYS."""
    return provider_events.stream_config(settings.provider_events_days)


CHORES = (Chore("delete events past their retention", PURGE_EVERY_SECONDS, purge_old_events),
          Chore("forget published copies", PURGE_EVERY_SECONDS, drop_published_copies))

WORKER = ServiceWorker("audit", models, consumers, publishes=True, chores=CHORES, stream=copies_stream)

if __name__ == "__main__":
    main(WORKER)
