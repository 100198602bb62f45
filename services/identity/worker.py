"""`python -m services.identity.worker`: relays the identity outbox and mails invitations."""
from services.common.worker import main

from . import models
from .events import consumers

if __name__ == "__main__":
    main("identity", models, consumers)
