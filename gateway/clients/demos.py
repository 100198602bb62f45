"""Demo sign-up, in the identity service, as the gateway uses it: the provider staff's sessions and the
public sign-up of the provider's link."""
from __future__ import annotations

from . import BoundClient


class Demos(BoundClient):
    """A provider's demo sessions, as the person who acts (nobody, on the public sign-up page)."""

    # --- the provider's staff (identity asks orgs whether they may) -------------------------------

    def schedule(self, provider_id: str, session: dict) -> dict:
        """Schedule a session: title, date, time, time_zone, duration_minutes, capacity, video_link."""
        return self._post(f"/providers/{provider_id}/demo-sessions", session)

    def sessions(self, provider_id: str, when: str = "upcoming", after: str | None = None,
                 before: str | None = None) -> dict:
        """A page of the provider's sessions (`upcoming` or `past`), with the cursors around it."""
        query = {"when": when, **{k: v for k, v in (("after", after), ("before", before)) if v}}
        return self._get(f"/providers/{provider_id}/demo-sessions", **query)

    def session(self, provider_id: str, session_id: str) -> dict:
        """A session with everyone registered for it."""
        return self._get(f"/providers/{provider_id}/demo-sessions/{session_id}")

    def cancel(self, provider_id: str, session_id: str) -> dict:
        """Cancel a session (its registrants are mailed)."""
        return self._post(f"/providers/{provider_id}/demo-sessions/{session_id}/cancel", {})

    # --- the public sign-up -----------------------------------------------------------------------

    def open_sessions(self, provider_id: str) -> list[dict]:
        """The provider's sessions one may still sign up for, soonest first."""
        return self._get(f"/providers/{provider_id}/demo-sessions/open")["sessions"]

    def register(self, provider_id: str, session_id: str, registrant: dict) -> dict:
        """Take a seat: name, email, company, company_size, language."""
        return self._post(f"/providers/{provider_id}/demo-sessions/{session_id}/registrations", registrant)
