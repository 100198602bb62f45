"""The identity service's tables. It never sees a master password: only a slow hash of the
master password hash, and keys wrapped by the user's own keys."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKeyConstraint, Index, PrimaryKeyConstraint, UniqueConstraint
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


class PasskeyCredential(IdentityTable, table=True):
    """A passkey or security key registered as a two-step login method (WebAuthn, ADR 22).

    Only what verifies the key's signatures is kept: its credential id and public key (COSE),
    both base64url, and the signature counter it last reported, which must grow.
    """

    __tablename__ = "passkey_credentials"
    __table_args__ = (PrimaryKeyConstraint("id", name="pk_passkey_credentials"),
                      UniqueConstraint("credential_id", name="uq_passkey_credentials_credential_id"),
                      UniqueConstraint("user_id", "name", name="uq_passkey_credentials_user_id_name"),
                      ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_passkey_credentials_user_id_users",
                                           ondelete="CASCADE"))
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    user_id: str = Field(index=True, max_length=36)
    credential_id: str = Field(max_length=1400)  # base64url of up to 1023 bytes, the most WebAuthn allows
    public_key: str = Field(max_length=2000)  # base64url of the COSE key
    sign_count: int = 0
    name: str = Field(max_length=50)
    transports: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None


class PasskeyChallenge(IdentityTable, table=True):
    """The one live WebAuthn challenge of a user for a purpose ("register" or "login").

    Asking for new options replaces it; the registration or assertion that answers it deletes it
    by a conditional DELETE, so it is good once and for five minutes.
    """

    __tablename__ = "passkey_challenges"
    __table_args__ = (PrimaryKeyConstraint("user_id", "purpose", name="pk_passkey_challenges"),
                      ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_passkey_challenges_user_id_users",
                                           ondelete="CASCADE"))
    user_id: str = Field(primary_key=True, max_length=36)
    purpose: str = Field(primary_key=True, max_length=20)
    challenge: str = Field(max_length=100)  # base64url of 32 random bytes
    expires_at: datetime


class DemoSession(IdentityTable, table=True):
    """A live demo a provider's staff scheduled for its clients' end users.

    `starts_at` is the instant (UTC); `time_zone` the IANA zone it was chosen in, which every page,
    mail and invitation shows it in. `registered` is kept with the registrations, changed only by the
    conditional UPDATE that admits one (demos.py), so two sign-ups for the last seat cannot both win.
    `sequence` is the iCalendar SEQUENCE of its invitations: a cancellation sends a higher one.
    """

    __tablename__ = "demo_sessions"
    __table_args__ = (Index("ix_demo_sessions_provider_start", "provider_id", "starts_at", "id"),)
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    provider_id: str = Field(max_length=36)
    provider_name: str = Field(max_length=100)  # as orgs named it when the session was scheduled
    title: str = Field(max_length=100)
    starts_at: datetime
    ends_at: datetime  # starts_at + duration_minutes, kept so "upcoming" is one indexed comparison
    time_zone: str = Field(max_length=64)
    duration_minutes: int
    capacity: int
    registered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    video_link: str = Field(max_length=500)
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    cancelled_at: datetime | None = None
    scheduled_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow)


class DemoRegistration(IdentityTable, table=True):
    """An end user's seat in a demo session; one per email address and session."""

    __tablename__ = "demo_registrations"
    __table_args__ = (UniqueConstraint("session_id", "email", name="uq_demo_registrations_session_email"),
                      ForeignKeyConstraint(["session_id"], ["demo_sessions.id"],
                                           name="fk_demo_registrations_session_id_demo_sessions", ondelete="CASCADE"),
                      Index("ix_demo_registrations_session_registered", "session_id", "registered_at", "id"))
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    session_id: str = Field(max_length=36)
    name: str = Field(max_length=100)
    email: str = Field(max_length=256)
    company: str = Field(max_length=100)
    company_size: str = Field(max_length=20)
    language: str = Field(default="en", max_length=5)  # of the mails they get: en or fr
    registered_at: datetime = Field(default_factory=utcnow)
    # Set once their cancellation mail is handed over, so a redelivered cancellation mails only the rest.
    cancellation_mailed_at: datetime | None = None


class GettingStartedMail(IdentityTable, table=True):
    """A "Getting started" email handed to the mail server: one row per event and address, committed
    after each mail, so that a redelivered event (or one retried after the mail server failed half-way
    through its members) mails nobody twice."""

    __tablename__ = "getting_started_mails"
    event_id: str = Field(primary_key=True, max_length=36)
    email: str = Field(primary_key=True, max_length=256)
    sent_at: datetime = Field(default_factory=utcnow)
