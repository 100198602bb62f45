"""Who is calling: the signed header on every internal HTTP call.

The gateway (or a service asking another) signs the acting user, its own name, the request
id and client IP together with the method and path of this very request. A service
verifies the signature and the age before it looks at anything else, so an actor id that
nobody signed, or a signature lifted from another request, is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

HEADER = "X-Custodian-Caller"
MAX_AGE_SECONDS = 30


def request_target(path: str, query: str = "") -> str:
    """The canonical form of what a call asks for: its decoded path and raw query string."""
    return f"{path}?{query}" if query else path


class NotSigned(Exception):
    """The call carries no valid signature."""


@dataclass(frozen=True)
class Caller:
    """The verified identity behind an internal call."""

    by: str  # "gateway" or a service name
    actor_id: str | None  # the user acting, None for anonymous steps such as log-in
    request_id: str
    ip: str | None = None
    device: str | None = None


class CallerSigner:
    """Signs and verifies `Caller`s with the shared internal secret."""

    def __init__(self, secret: bytes):
        self._serializer = URLSafeTimedSerializer(secret, salt="custodian-internal-call")

    def sign(self, caller: Caller, method: str, path: str) -> str:
        """The header value that proves `caller` makes this `method` on `path`."""
        return self._serializer.dumps(
            {"by": caller.by, "act": caller.actor_id, "rid": caller.request_id, "ip": caller.ip,
             "dev": caller.device, "m": method.upper(), "p": path}
        )

    def verify(self, token: str | None, method: str, path: str) -> Caller:
        """The caller that signed `token` for this `method` and `path`; NotSigned otherwise."""
        if not token:
            raise NotSigned("missing caller signature")
        try:
            claims = self._serializer.loads(token, max_age=MAX_AGE_SECONDS)
        except SignatureExpired as error:
            raise NotSigned("caller signature expired") from error
        except BadSignature as error:
            raise NotSigned("caller signature invalid") from error
        if claims.get("m") != method.upper() or claims.get("p") != path:
            raise NotSigned("caller signature is for another request")
        return Caller(by=claims["by"], actor_id=claims.get("act"), request_id=claims.get("rid") or "",
                      ip=claims.get("ip"), device=claims.get("dev"))


class ClaimSigner:
    """Signs a statement one service makes for another to check, e.g. "this invitation was redeemed".

    The purpose is part of the signature, so a statement made for one purpose proves nothing
    for another.
    """

    def __init__(self, secret: bytes, purpose: str):
        self._serializer = URLSafeTimedSerializer(secret, salt=f"custodian-claim-{purpose}")

    def sign(self, claims: dict) -> str:
        """A token carrying `claims`."""
        return self._serializer.dumps(claims)

    def verify(self, token: str, max_age: int) -> dict:
        """The claims of a token younger than `max_age` seconds; NotSigned otherwise."""
        try:
            return self._serializer.loads(token or "", max_age=max_age)
        except (BadSignature, SignatureExpired) as error:
            raise NotSigned("the statement is not signed, or too old") from error
