"""`python -m services.audit.worker`: stores every event of the bus in the log."""
from services.common.worker import main

from . import models
from .events import consumers

if __name__ == "__main__":
    main("audit", models, consumers, publishes=False)
