"""The audit service as the gateway uses it: the event logs, their API key and retention."""
from __future__ import annotations

from . import BoundClient


class Audit(BoundClient):
    """Audit, as the person who acts."""

    def provider_events(self, provider_id: str, **query) -> dict:
        """One page of the provider's event log (with its clients' when `client` says so), filtered, newest first."""
        return self._get(f"/providers/{provider_id}/events", **query)

    def organization_events(self, organization_id: str, **query) -> dict:
        """One page of an organization's event log, filtered, newest first."""
        return self._get(f"/organizations/{organization_id}/events", **query)

    def log_settings(self, organization_id: str) -> dict:
        """The organization's API key (never its secret) and retention."""
        return self._get(f"/organizations/{organization_id}/log-settings")

    def change_retention(self, organization_id: str, days: int) -> dict:
        """Keep the organization's events `days` days."""
        return self._put(f"/organizations/{organization_id}/log-settings/retention", {"retention_days": days})

    def issue_api_key(self, organization_id: str) -> dict:
        """Make or rotate the organization's API key; the answer holds the secret, once."""
        return self._post(f"/organizations/{organization_id}/api-key")

    def public_events(self, query: dict) -> dict:
        """A page of the events of the organization whose key `query` holds (the public API)."""
        return self._post("/public/events", query)
