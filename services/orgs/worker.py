"""`python -m services.orgs.worker`: relays the orgs outbox to NATS."""
from services.common.worker import main

from . import models
from .events import consumers

if __name__ == "__main__":
    main("orgs", models, consumers)
