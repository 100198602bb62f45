"""Sends, in the orgs service, as the gateway uses them: the creator's own calls and the
recipient's anonymous ones (see ADR 19's addendum for the API)."""
from __future__ import annotations

from contextlib import contextmanager

from . import BoundClient


class Sends(BoundClient):
    """The Sends of the person who acts, or a recipient's access when nobody is logged in."""

    # --- the creator's ---------------------------------------------------------------------------

    def page(self, **query) -> dict:
        """A page of the person's Sends (`after`, `type`, `status`, `organization_id`), or all of them
        (`all=true`, for a search), with the policy that applies to them."""
        return self._get("/sends", **{k: v for k, v in query.items() if v not in (None, "")})

    def policy(self) -> dict:
        """Whether a policy stops the person creating Sends or hiding their email."""
        return self._get("/sends/policy")

    def create(self, organization_id: str, body: dict) -> dict:
        """Store a new Send (a file Send starts uploading)."""
        return self._post(f"/organizations/{organization_id}/sends", body)

    def get(self, send_id: str) -> dict:
        """One of the person's Sends."""
        return self._get(f"/sends/{send_id}")

    def update(self, send_id: str, body: dict) -> dict:
        """Change a Send's settings and sealed texts."""
        return self._put(f"/sends/{send_id}", body)

    def remove_password(self, send_id: str) -> dict:
        """Open a Send to anyone with its link again."""
        return self._post(f"/sends/{send_id}/remove-password", {})

    def delete(self, send_id: str) -> None:
        """Delete a Send, its file first."""
        self._delete(f"/sends/{send_id}")

    def put_part(self, send_id: str, number: int, part: bytes) -> None:
        """Store part `number` of a file Send's ciphertext."""
        self._http.send_bytes("PUT", f"/sends/{send_id}/parts/{number}", self._caller, part)

    def file_ready(self, send_id: str) -> dict:
        """Mark a file Send's upload complete (orgs checks every part is there)."""
        return self._post(f"/sends/{send_id}/file-ready", {})

    # --- the recipient's -------------------------------------------------------------------------

    def access(self, send_id: str, access_token: str, password_proof: str | None) -> dict:
        """What a recipient holding the link's key may see of a Send (a text Send counts this access)."""
        return self._post(f"/sends/{send_id}/access", {"access_token": access_token, "password_proof": password_proof})

    @contextmanager
    def download(self, send_id: str, access_token: str, password_proof: str | None):
        """A file Send's ciphertext as a stream (counted as one access before the first byte)."""
        with self._http.stream("POST", f"/sends/{send_id}/download", self._caller,
                               json={"access_token": access_token, "password_proof": password_proof}) as answer:
            yield answer
