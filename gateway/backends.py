"""The gateway's clients of the services: one per service, made in `create_app`, and the typed
clients views use (`identity()`, `orgs()`, `billing()`, `audit()`: see `gateway.clients`).

Every call is signed with who acts (the logged-in user, or nobody for register/log-in),
the request id and the browser's IP, so the services can authorise for themselves.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request

from services.common.config import Settings
from services.common.internal_auth import Caller, CallerSigner
from services.common.internal_http import ServiceClient

from .clients.audit import Audit
from .clients.billing import Billing
from .clients.demos import Demos
from .clients.identity import Identity
from .clients.orgs import Orgs
from .clients.sends import Sends


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


def identity() -> Identity:
    """Identity, as the person of this request."""
    return Identity(backends().identity, caller())


def demos() -> Demos:
    """Demo sessions (in identity), as the person of this request."""
    return Demos(backends().identity, caller())


def orgs() -> Orgs:
    """Orgs, as the person of this request; what it read in this request is not read again."""
    caller_now = caller()
    # Keyed by who acts: a log-in in the middle of a request must not see what nobody was shown.
    memo = g.setdefault("orgs_reads", {}).setdefault(caller_now.actor_id, {})
    return Orgs(backends().orgs, caller_now, memo)


def orgs_anonymously() -> Orgs:
    """Orgs as a visitor of a public page reaches it: as nobody, even when someone is logged in here
    (the training hub's branding and logo are the same for everyone)."""
    anonymous = Caller(by="gateway", actor_id=None, request_id=g.get("request_id", ""), ip=request.remote_addr,
                       device="web")
    return Orgs(backends().orgs, anonymous, g.setdefault("orgs_reads", {}).setdefault(None, {}))


def billing() -> Billing:
    """Billing, as the person of this request."""
    return Billing(backends().billing, caller())


def audit() -> Audit:
    """Audit, as the person of this request."""
    return Audit(backends().audit, caller())


def sends() -> Sends:
    """The Sends of the person of this request."""
    return Sends(backends().orgs, caller())


def sends_anonymously() -> Sends:
    """Sends as a recipient reaches them: as nobody, even when someone is logged in here."""
    return Sends(backends().orgs, Caller(by="gateway", actor_id=None, request_id=g.get("request_id", ""),
                                         ip=request.remote_addr, device="web"))
