"""Who is calling: the signed header on every internal HTTP call.

The gateway (or a service asking another) signs the acting user, its own name, the request
id and client IP together with everything that makes this very request: its method, path,
raw query, a SHA-256 of its body, the time it was signed and a random nonce. A service
verifies the signature, the age and every part before it looks at anything else, then
claims the nonce in a store all its instances share, so an actor id nobody signed, a
signature lifted onto another request, a changed body and a replay are all refused.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

HEADER = "X-Custodian-Caller"
MAX_AGE_SECONDS = 30
# Hosts' clocks differ a little; a call dated further ahead than this was not signed by us now.
CLOCK_SKEW_SECONDS = 5
# A nonce must be remembered for as long as a call carrying it could still be accepted.
NONCE_MEMORY_SECONDS = MAX_AGE_SECONDS + 2 * CLOCK_SKEW_SECONDS
NONCE = re.compile(r"^[0-9a-f]{32}$")  # 128 random bits; also a valid NATS KV key


class NotSigned(Exception):
    """The call carries no valid signature."""


class NoncesUnavailable(RuntimeError):
    """The store of used nonces does not answer, so no call can be told from a replay."""


class UsedNonces(Protocol):
    """Where the nonces of accepted calls are remembered, shared by every instance of a service."""

    def claim(self, nonce: str) -> bool:
        """True if `nonce` was unused and is now taken; False if a call already used it."""


@dataclass(frozen=True)
class InternalRequest:
    """The parts of an HTTP call that its signature covers."""

    method: str
    path: str  # decoded, as Flask's request.path
    query: str = ""  # raw, as sent on the wire
    body: bytes = b""

    @property
    def body_digest(self) -> str:
        """SHA-256 of the exact body bytes."""
        return hashlib.sha256(self.body).hexdigest()


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
        # A new salt: a header signed under the old scheme (no body, no nonce) never verifies.
        self._serializer = URLSafeSerializer(secret, salt="custodian-internal-call-v2")

    def sign(self, caller: Caller, call: InternalRequest) -> str:
        """The header value that proves `caller` makes this very `call`, once, now."""
        return self._serializer.dumps(
            {"by": caller.by, "act": caller.actor_id, "rid": caller.request_id, "ip": caller.ip,
             "dev": caller.device, "m": call.method.upper(), "p": call.path, "q": call.query,
             "b": call.body_digest, "t": time.time(), "n": secrets.token_hex(16)}
        )

    def verify(self, token: str | None, call: InternalRequest, nonces: UsedNonces) -> Caller:
        """The caller that signed `token` for this `call`, its nonce now used; NotSigned otherwise.

        The nonce is claimed last, so a forged or tampered call never uses up the nonce of the
        genuine one it was copied from.
        """
        if not token:
            raise NotSigned("missing caller signature")
        try:
            claims = self._serializer.loads(token)
        except BadSignature as error:
            raise NotSigned("caller signature invalid") from error
        age = time.time() - float(claims.get("t") or 0)
        if age > MAX_AGE_SECONDS:
            raise NotSigned("caller signature expired")
        if age < -CLOCK_SKEW_SECONDS:
            raise NotSigned("caller signature is dated in the future")
        if (claims.get("m"), claims.get("p"), claims.get("q")) != (call.method.upper(), call.path, call.query):
            raise NotSigned("caller signature is for another request")
        if claims.get("b") != call.body_digest:
            raise NotSigned("caller signature is for another body")
        nonce = claims.get("n") or ""
        if not NONCE.match(nonce) or not nonces.claim(nonce):
            raise NotSigned("caller signature was already used")
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
