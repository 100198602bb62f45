"""`python -m services.identity.worker`: relays the identity outbox and mails invitations."""
from services.common.worker import ServiceWorker, main

from . import models
from .events import consumers

WORKER = ServiceWorker("identity", models, consumers)

if __name__ == "__main__":
    main(WORKER)
