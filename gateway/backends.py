"""The gateway's clients of the services: one per service, made in `create_app`.

Every call is signed with who acts (the logged-in user, or nobody for register/log-in),
the request id and the browser's IP, so the services can authorise for themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request

from services.common.config import Settings
from services.common.internal_auth import Caller, CallerSigner
from services.common.internal_http import ServiceClient


@dataclass(frozen=True)
class Backends:
    """The four services, as the gateway reaches them."""

    identity: ServiceClient
    orgs: ServiceClient
    billing: ServiceClient
    audit: ServiceClient

    @classmethod
    def from_settings(cls, settings: Settings) -> "Backends":
        """Clients of every service, signing with the internal secret."""
        signer = CallerSigner(settings.internal_secret)
        return cls(**{name: ServiceClient(name, settings.service_urls[name], signer)
                      for name in ("identity", "orgs", "billing", "audit")})


def backends() -> Backends:
    """The service clients of this app."""
    return current_app.extensions["backends"]


def caller() -> Caller:
    """The signed identity of the current browser request."""
    session = g.get("vault_session")
    return Caller(by="gateway", actor_id=session.user_id if session else None,
                  request_id=g.get("request_id", ""), ip=request.remote_addr, device="web")
