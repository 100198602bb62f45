"""The identity service's tables. It never sees a master password: only a slow hash of the
master password hash, and keys wrapped by the user's own keys."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKeyConstraint, PrimaryKeyConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.database import messaging_tables, utcnow


class IdentityTable(SQLModel, registry=registry()):
    """Base of the identity service's tables."""


OutboxMessage, InboxMessage = messaging_tables(IdentityTable)


class User(IdentityTable, table=True):
    """An account: who the person is and the wrapped keys only they can open."""

    __tablename__ = "users"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    email: str = Field(unique=True, index=True, max_length=256)
    name: str = Field(max_length=100)
    kdf: str = Field(max_length=20)
    kdf_iterations: int
    kdf_memory_mib: int | None = None
    kdf_parallelism: int | None = None
    auth_hash: str = Field(max_length=200)  # argon2id of the master password hash
    protected_user_key: str = Field(max_length=1000)
    public_key: str = Field(max_length=1000)
    encrypted_private_key: str = Field(max_length=4000)
    email_verified: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    # Bitwarden's shape: {"<provider>": {"enabled": bool, ...}}, secrets encrypted with the service key
    # (see two_factor.py): {"authenticator": {"enabled": bool, "seed": sealed}, "email": {"enabled": bool}}.
    # Set when an administrator reset the master password: the member must choose their own next.
    force_password_reset: bool = False
    two_factor_providers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    # Every "remember this device" token carries the epoch it was issued in: bumping it (a method
    # turned off, the recovery code used, "Forget remembered devices") forgets every device at once.
    two_factor_epoch: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The last TOTP time step accepted, so that a code, once used, is refused for the rest of its window.
    authenticator_last_step: int | None = None
    recovery_code_hash: str | None = Field(default=None, max_length=64)  # SHA-256 of a 160-bit random code
    # The language the person reads the portal in ("en", "fr"), for the mail sent to them; None: never said.
    language: str | None = Field(default=None, max_length=5)


class LoginThrottle(IdentityTable, table=True):
    """Recent failed log-ins of one account or one IP address, to slow guessing down."""

    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=300)
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow)
    blocked_until: datetime | None = None


class InvitationToken(IdentityTable, table=True):
    """The link mailed to an invited person; only its hash is kept, and only until used or replaced."""

    __tablename__ = "invitation_tokens"
    token_hash: str = Field(primary_key=True, max_length=64)
    kind: str = Field(default="organization", max_length=20)  # or "provider": whose staff the link joins
    member_id: str = Field(index=True, max_length=36)  # the member, or the provider user, invited
    organization_id: str = Field(max_length=36)
    organization_name: str = Field(max_length=100)
    email: str = Field(max_length=256)
    expires_at: datetime
    created_at: datetime = Field(default_factory=utcnow)


class LoginChallenge(IdentityTable, table=True):
    """A log-in whose master password was right, waiting for its second step.

    The signed challenge the gateway holds names this row; the row is deleted by the second
    step that succeeds, so a challenge opens the account's keys once.
    """

    __tablename__ = "login_challenges"
    __table_args__ = (PrimaryKeyConstraint("id", name="pk_login_challenges"),
                      ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_login_challenges_user_id_users",
                                           ondelete="CASCADE"))
    id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(index=True, max_length=36)
    expires_at: datetime


class EmailCode(IdentityTable, table=True):
    """The last code mailed to a user for one purpose ("login" or "setup"), kept only as a keyed hash."""

    __tablename__ = "email_codes"
    __table_args__ = (PrimaryKeyConstraint("user_id", "purpose", name="pk_email_codes"),
                      ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_email_codes_user_id_users",
                                           ondelete="CASCADE"))
    user_id: str = Field(primary_key=True, max_length=36)
    purpose: str = Field(primary_key=True, max_length=20)
    code_hash: str = Field(max_length=64)
    sent_at: datetime
    expires_at: datetime


class GettingStartedMail(IdentityTable, table=True):
    """A "Getting started" email handed to the mail server: one row per event and address, committed
    after each mail, so that a redelivered event (or one retried after the mail server failed half-way
    through its members) mails nobody twice."""

    __tablename__ = "getting_started_mails"
    event_id: str = Field(primary_key=True, max_length=36)
    email: str = Field(primary_key=True, max_length=256)
    sent_at: datetime = Field(default_factory=utcnow)
