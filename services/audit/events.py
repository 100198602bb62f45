"""What the audit service consumes: every event of every producing service."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.catalogue import STREAMS
from services.common.config import Settings

from . import domain


def consumers(settings: Settings) -> list[Consumer]:
    """One durable consumer per producing service's stream."""
    return [Consumer(f"audit-{service}", service, f"{service}.>", domain.record, apply_batch=domain.record_all)
            for service in STREAMS]
