"""`python -m services.billing.worker`: opens subscriptions and relays billing's outbox."""
from services.common.worker import main

from . import models
from .events import consumers

if __name__ == "__main__":
    main("billing", models, consumers)
