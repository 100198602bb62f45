"""Organizations' keys of the public events API: made and rotated by owners, kept only as a hash."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.common.database import utcnow
from services.common.errors import TooManyAttempts, Unauthenticated

from ..models import ApiKey

SECRET_BYTES = 30  # 40 URL-safe characters, as long as Bitwarden's client secrets
CALLS_PER_MINUTE = 60  # per key; what a SIEM polling every few seconds needs, far from what would load the log
WRONG_KEY = "The client id or client secret is wrong, or the key was rotated."


@dataclass(frozen=True)
class NewKey:
    """A key as its owner sees it once: the secret is never shown again."""

    client_id: str
    client_secret: str
    created_at: datetime
    rotated_at: datetime | None


def client_id_of(organization_id: str) -> str:
    """The client id of an organization's key, spelt as Bitwarden spells it."""
    return f"organization.{organization_id}"


def _digest(secret: str) -> str:
    # A plain SHA-256 suffices: the secret is 240 random bits, not a password a slow hash must protect.
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key(uow, organization_id: str) -> ApiKey | None:
    """The organization's key (without its secret), or None before one is made."""
    return uow.get(ApiKey, organization_id)


def issue(uow, organization_id: str) -> NewKey:
    """Make the organization's key, or rotate it: the old secret stops working at the commit."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    now = utcnow()
    row = uow.get(ApiKey, organization_id)
    if row is None:
        row = ApiKey(organization_id=organization_id, client_id=client_id_of(organization_id),
                     secret_hash=_digest(secret), created_at=now)
        uow.add(row)
    else:
        row.secret_hash, row.rotated_at = _digest(secret), now
        uow.add(row)
    uow.commit()
    return NewKey(row.client_id, secret, row.created_at, row.rotated_at)


def authenticate(uow, client_id: str, client_secret: str, now: datetime | None = None) -> str:
    """The organization whose key this is; Unauthenticated (never saying which part is wrong) otherwise,
    TooManyAttempts past CALLS_PER_MINUTE calls of one key in a minute."""
    prefix = "organization."
    row = uow.get(ApiKey, client_id[len(prefix):]) if client_id.startswith(prefix) and len(client_id) <= 60 else None
    # Compared even without a key, so an unknown client id takes as long as a wrong secret.
    expected = row.secret_hash if row is not None else _digest(secrets.token_urlsafe(SECRET_BYTES))
    if not hmac.compare_digest(expected, _digest(client_secret)) or row is None or row.client_id != client_id:
        raise Unauthenticated(WRONG_KEY, code="api_key.wrong")
    now = now or utcnow()
    # Only calls with the right secret count: anyone may know a client id (it holds the organization's id),
    # and must not be able to use up its owner's allowance.
    if row.window_start is None or now - row.window_start >= timedelta(minutes=1):
        row.window_start, row.window_calls = now, 0
    if row.window_calls >= CALLS_PER_MINUTE:
        wait = 60 - int((now - row.window_start).total_seconds())
        raise TooManyAttempts("At most %(calls)s calls a minute per key: try again in %(wait)s s.", max(wait, 1),
                              code="api_key.too_many_calls", calls=CALLS_PER_MINUTE, wait=wait)
    row.window_calls += 1
    uow.add(row)
    uow.commit()
    return row.organization_id
