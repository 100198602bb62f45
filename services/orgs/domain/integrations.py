"""A provider's credentials of the integrator stream (ADR 26): made and revoked by its Provider Admins, the
secret shown once and kept as a SHA-256, checked for the gateway when a stream connects and while it runs.
No Flask here."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Conflict, Invalid, NotFound, TooManyAttempts, Unauthenticated
from services.common.validation import clean_name

from ..models import IntegrationCredential
from .providers import provider_acting

SECRET_BYTES = 30  # 40 URL-safe characters, as the public events API's keys
MAX_NAME = 50
MAX_ACTIVE = 10  # per provider: enough for a SIEM, a backup and a test, few enough to review
CONNECTS_PER_MINUTE = 60  # per credential; a client that reconnects every second is still served
LAST_USED_EVERY = timedelta(minutes=1)  # `last_used_at` is written at most this often
CLIENT_ID_PREFIX = "integration."
WRONG_CREDENTIAL = "The client id or client secret is wrong, or the credential was revoked."


@dataclass(frozen=True)
class NewCredential:
    """A credential as its maker sees it once: the secret is never shown again."""

    row: IntegrationCredential
    client_secret: str


@dataclass(frozen=True)
class Verified:
    """Whose events a credential reads."""

    provider_id: str
    integration_id: str


def client_id_of(row: IntegrationCredential) -> str:
    """The client id a stream authenticates with."""
    return f"{CLIENT_ID_PREFIX}{row.id}"


def _digest(secret: str) -> str:
    # A plain SHA-256 suffices: the secret is 240 random bits, not a password a slow hash must protect.
    return hashlib.sha256(secret.encode()).hexdigest()


def _event(event_type: str, row: IntegrationCredential, context: dict) -> Event:
    return Event(event_type, {"provider_id": row.provider_id, "integration_id": row.id, "name": row.name},
                 subject=row.id, providerid=row.provider_id, **context)


def credentials(uow, actor_id: str, provider_id: str) -> list[IntegrationCredential]:
    """The provider's credentials that still work, oldest first (Provider Admins only)."""
    provider_acting(uow, actor_id, provider_id, "manage_integrations")
    return list(uow.scalars(select(IntegrationCredential).where(
        IntegrationCredential.provider_id == provider_id, IntegrationCredential.revoked_at.is_(None))
        .order_by(IntegrationCredential.created_at, IntegrationCredential.id)))


def create(uow, actor_id: str, provider_id: str, name: str, context: dict) -> NewCredential:
    """A new credential named `name` (1 to 50 characters); at most MAX_ACTIVE work at once."""
    provider_acting(uow, actor_id, provider_id, "manage_integrations")
    name = clean_name(name or "")
    if not name or len(name) > MAX_NAME:
        raise Invalid("The name must be 1 to %(most)s characters long.", "name", code="integration.name_length",
                      most=MAX_NAME)
    active = uow.session.exec(select(func.count()).select_from(IntegrationCredential).where(
        IntegrationCredential.provider_id == provider_id, IntegrationCredential.revoked_at.is_(None))).one()
    if active >= MAX_ACTIVE:
        raise Conflict("A provider can have at most %(most)s credentials: revoke one first.", "name",
                       code="integration.too_many", most=MAX_ACTIVE)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    row = IntegrationCredential(provider_id=provider_id, name=name, secret_sha256=_digest(secret),
                                created_by=actor_id)
    uow.add(row)
    uow.publish(_event("provider.integration.created", row, context))
    uow.commit()
    return NewCredential(row, secret)


def revoke(uow, actor_id: str, provider_id: str, integration_id: str, context: dict) -> IntegrationCredential:
    """Revoke a credential of the provider: it stops working at the commit, its streams within 15 s."""
    provider_acting(uow, actor_id, provider_id, "manage_integrations")
    row = uow.get(IntegrationCredential, integration_id)
    if row is None or row.provider_id != provider_id or row.revoked_at is not None:
        raise NotFound("No such credential.", code="integration.not_found")
    row.revoked_at = utcnow()
    uow.add(row)
    uow.publish(_event("provider.integration.revoked", row, context))
    uow.commit()
    return row


def verify(uow, client_id: str, client_secret: str, connecting: bool, now: datetime | None = None) -> Verified:
    """Whose events the credential reads; Unauthenticated (never saying which part is wrong) for a wrong or
    revoked one. A connection counts against CONNECTS_PER_MINUTE (TooManyAttempts past it); the re-check of
    a running stream does not."""
    integration_id = client_id[len(CLIENT_ID_PREFIX):] if client_id.startswith(CLIENT_ID_PREFIX) else ""
    row = uow.get(IntegrationCredential, integration_id) if 0 < len(integration_id) <= 36 else None
    # Compared even without a credential, so an unknown client id takes as long as a wrong secret.
    expected = row.secret_sha256 if row is not None else _digest(secrets.token_urlsafe(SECRET_BYTES))
    if not hmac.compare_digest(expected, _digest(client_secret)) or row is None or row.revoked_at is not None:
        raise Unauthenticated(WRONG_CREDENTIAL, code="integration.wrong_credential")
    now = now or utcnow()
    changed = False
    if connecting:
        # Only connections with the right secret count: a client id is no secret, and a stranger must not
        # be able to use up its owner's allowance.
        if row.window_start is None or now - row.window_start >= timedelta(minutes=1):
            row.window_start, row.window_calls = now, 0
        if row.window_calls >= CONNECTS_PER_MINUTE:
            wait = max(60 - int((now - row.window_start).total_seconds()), 1)
            raise TooManyAttempts("At most %(calls)s connections a minute per credential: try again in %(wait)s s.",
                                  wait, code="integration.too_many_connections", calls=CONNECTS_PER_MINUTE,
                                  wait=wait)
        row.window_calls += 1
        changed = True
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        row.last_used_at = now
        changed = True
    if changed:
        uow.add(row)
        uow.commit()
    return Verified(row.provider_id, row.id)
