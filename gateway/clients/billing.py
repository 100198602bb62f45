"""The billing service as the gateway uses it: an organization's subscription."""
from __future__ import annotations

from . import BoundClient


class Billing(BoundClient):
    """Billing, as the person who acts."""

    def subscription(self, organization_id: str) -> dict:
        """The organization's subscription: plan, seats and what they cost."""
        return self._get(f"/organizations/{organization_id}/subscription")
