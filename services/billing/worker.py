"""`python -m services.billing.worker`: opens subscriptions and relays billing's outbox."""
from services.common.worker import ServiceWorker, main

from . import models
from .events import consumers

WORKER = ServiceWorker("billing", models, consumers)

if __name__ == "__main__":
    main(WORKER)
