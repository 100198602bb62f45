"""What the orgs service consumes. It publishes what its domain records (see the catalogue)
and needs nothing from other services yet."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.config import Settings


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the orgs worker runs (none yet)."""
    return []
