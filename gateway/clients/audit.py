"""The audit service as the gateway uses it: the event logs."""
from __future__ import annotations

from . import BoundClient


class Audit(BoundClient):
    """Audit, as the person who acts."""

    def provider_events(self, provider_id: str, **query) -> dict:
        """One page of the provider's event log, newest first."""
        return self._get(f"/providers/{provider_id}/events", **query)
