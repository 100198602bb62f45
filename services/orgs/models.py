"""The orgs service's tables. Keys are stored only wrapped (EncStrings), never in the clear."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (JSON, BigInteger, CheckConstraint, Column, Computed, ForeignKeyConstraint, Index, Integer,
                        LargeBinary, UniqueConstraint, text)
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.database import messaging_tables, utcnow


def new_id() -> str:
    """A fresh random identifier."""
    return str(uuid.uuid4())


class OrgsTable(SQLModel, registry=registry()):
    """Base of the orgs service's tables (its own metadata, its own database)."""


OutboxMessage, InboxMessage = messaging_tables(OrgsTable)


class Provider(OrgsTable, table=True):
    """A managed service provider: the company whose staff administer client organizations."""

    __tablename__ = "providers"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    # Its linked clients, kept as they are added and unlinked: the Clients table shows it uncounted.
    client_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class TrainingHubBranding(OrgsTable, table=True):
    """How a provider dressed its clients' training hub: a name, a support contact and a logo.

    The logo is kept as Pillow re-encoded it (PNG, no metadata), whatever was uploaded; `logo_version`
    (the first 16 hex digits of its SHA-256) names it in its public URL, so a new logo is a new URL
    and the old one may be cached for a year."""

    __tablename__ = "training_hub_brandings"
    provider_id: str = Field(foreign_key="providers.id", primary_key=True, max_length=36)
    hub_name: str | None = Field(default=None, max_length=50)
    support_email: str | None = Field(default=None, max_length=256)
    support_url: str | None = Field(default=None, max_length=300)
    logo_png: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    logo_version: str | None = Field(default=None, max_length=16)
    updated_at: datetime = Field(default_factory=utcnow)


class IntegrationCredential(OrgsTable, table=True):
    """A provider's read-only credential of the integrator stream (ADR 26): it sees that provider's events
    only. Its secret is kept as a SHA-256 and shown once, when made; a revoked one stays, for the record."""

    __tablename__ = "integration_credentials"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    provider_id: str = Field(foreign_key="providers.id", index=True, max_length=36)
    name: str = Field(max_length=50)
    secret_sha256: str = Field(max_length=64)
    created_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None  # written at most once a minute
    revoked_at: datetime | None = None
    window_start: datetime | None = None  # the current minute of its connect limit, and the connects in it
    window_calls: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ProviderUser(OrgsTable, table=True):
    """A member of a provider's staff; confirmed once the provider key is wrapped to them, or, when
    scoped to chosen clients (ADR 27), once those clients' org keys are (never the provider key)."""

    __tablename__ = "provider_users"
    __table_args__ = (UniqueConstraint("provider_id", "user_id"),
                      UniqueConstraint("provider_id", "email", name="uq_provider_users_provider_email"),
                      CheckConstraint("NOT scoped OR role = 'service_user'", name="ck_provider_users_scoped_role"),
                      CheckConstraint("NOT scoped OR wrapped_provider_key IS NULL",
                                      name="ck_provider_users_scoped_no_provider_key"))
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    provider_id: str = Field(foreign_key="providers.id", index=True, max_length=36)
    user_id: str | None = Field(default=None, index=True, max_length=36)  # set when the invitation is accepted
    email: str = Field(max_length=256)
    role: str = Field(max_length=20)
    status: str = Field(max_length=20)
    wrapped_provider_key: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    name: str | None = Field(default=None, max_length=100)
    # Limited to the clients of its grants (ProviderUserClient); a Service User only.
    scoped: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    # SHA-256 (hex) of the public key whose fingerprint phrase an admin accepted: nothing more is wrapped
    # to this user if identity later answers another key.
    key_fingerprint: str | None = Field(default=None, max_length=64)


class ProviderUserClient(OrgsTable, table=True):
    """A client given to a scoped Service User, with the client's org key wrapped to them (type 4; NULL
    until they are confirmed). Deleting the row is what takes the client away."""

    __tablename__ = "provider_user_clients"
    __table_args__ = (ForeignKeyConstraint(["provider_user_id"], ["provider_users.id"],
                                           name="fk_provider_user_clients_provider_user_id", ondelete="CASCADE"),
                      Index("ix_provider_user_clients_organization_id", "organization_id"))
    provider_user_id: str = Field(primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organizations.id", primary_key=True, max_length=36)
    provider_id: str = Field(max_length=36)
    wrapped_org_key: str | None = Field(default=None, max_length=1000)
    granted_by: str = Field(max_length=36)
    created_at: datetime = Field(default_factory=utcnow)


class Organization(OrgsTable, table=True):
    """An organization: a client of a provider, with its plan, seats and org key pair.

    `used_seats`, `remaining_seats` and `provider_id` are there so that the Clients table reads and
    sorts rows and never counts members: each of its sorts has an index starting with the provider
    and ending with the id, which a page's cursor seeks.
    """

    __tablename__ = "organizations"
    __table_args__ = (
        Index("ix_organizations_provider_seats", "provider_id", "seats", "id"),
        Index("ix_organizations_provider_used_seats", "provider_id", "used_seats", "id"),
        Index("ix_organizations_provider_remaining_seats", "provider_id", "remaining_seats", "id"),
        Index("ix_organizations_provider_plan", "provider_id", "plan", "id"),
    )
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    name: str = Field(max_length=100, index=True)
    plan: str = Field(max_length=20)
    seats: int
    billing_email: str = Field(max_length=256)
    public_key: str = Field(max_length=1000)
    encrypted_private_key: str = Field(max_length=4000)
    created_at: datetime = Field(default_factory=utcnow)
    autoscale_max_seats: int | None = None  # invitations may add seats up to this; None: never
    # Invited, accepted and confirmed members: changed in the transaction that seats or unseats one.
    used_seats: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Generated by the database (a column, not an expression, so that an index seeks a (remaining, id) cursor).
    remaining_seats: int | None = Field(default=None, sa_column=Column(Integer, Computed("seats - used_seats")))
    # The provider whose client it is: a copy of its ProviderOrganization link's, for the indexes above.
    provider_id: str | None = Field(default=None, max_length=36)
    # Members not meeting the provider's policies (ADR 28): counted again by orgs' worker whenever a
    # member, their two-step login or a provider policy changes, so the Clients table filters on a column.
    non_compliant_members: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ProviderOrganization(OrgsTable, table=True):
    """The link between a provider and a client; holds the client's org key under the provider key."""

    __tablename__ = "provider_organizations"
    __table_args__ = (UniqueConstraint("provider_id", "client_name_key"),)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    provider_id: str = Field(foreign_key="providers.id", index=True, max_length=36)
    organization_id: str = Field(foreign_key="organizations.id", unique=True, max_length=36)
    client_name_key: str = Field(max_length=100)
    encrypted_org_key: str = Field(max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)


class Member(OrgsTable, table=True):
    """A person's place in an organization: invited, accepted, then confirmed (org key wrapped)."""

    __tablename__ = "members"
    # The Members table's sorts, each within an organization and tie-broken by id (email is unique).
    __table_args__ = (UniqueConstraint("organization_id", "email"),
                      Index("ix_members_organization_name", "organization_id", text("coalesce(name, '')"), "id"),
                      Index("ix_members_organization_role", "organization_id", "role", "id"),
                      Index("ix_members_organization_status", "organization_id", "status", "id"))
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organizations.id", index=True, max_length=36)
    user_id: str | None = Field(default=None, index=True, max_length=36)
    email: str = Field(max_length=256)
    role: str = Field(max_length=20)
    status: str = Field(max_length=20)
    wrapped_org_key: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow)
    name: str | None = Field(default=None, max_length=100)
    # The member's user key wrapped to the org's public key once they enrol in account recovery.
    reset_password_key: str | None = Field(default=None, max_length=1000)
    permissions: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    status_before_revoke: str | None = Field(default=None, max_length=20)
    updated_at: datetime = Field(default_factory=utcnow)


class Group(OrgsTable, table=True):
    """A named set of members, given collection access together."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("organization_id", "name_key"),)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organizations.id", index=True, max_length=36)
    name: str = Field(max_length=100)
    name_key: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow)


class GroupMember(OrgsTable, table=True):
    """A member's place in a group."""

    __tablename__ = "group_members"
    group_id: str = Field(foreign_key="groups.id", primary_key=True, max_length=36)
    member_id: str = Field(foreign_key="members.id", primary_key=True, max_length=36)


class Collection(OrgsTable, table=True):
    """A folder of shared vault items; its name is an EncString under the org key."""

    __tablename__ = "collections"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str = Field(foreign_key="organizations.id", index=True, max_length=36)
    encrypted_name: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class CollectionAccess(OrgsTable, table=True):
    """What one member, or one group, may do with a collection's items."""

    __tablename__ = "collection_access"
    __table_args__ = (UniqueConstraint("collection_id", "group_id", "member_id"),)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    collection_id: str = Field(foreign_key="collections.id", index=True, max_length=36)
    group_id: str | None = Field(default=None, foreign_key="groups.id", max_length=36)
    member_id: str | None = Field(default=None, foreign_key="members.id", max_length=36)
    permission: str = Field(max_length=30)


class Cipher(OrgsTable, table=True):
    """A vault item. Every field a person typed is inside `data`, EncStrings under the org key
    (organization items) or the owner's user key (personal items); orgs cannot read any of it."""

    __tablename__ = "ciphers"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    organization_id: str | None = Field(default=None, foreign_key="organizations.id", index=True, max_length=36)
    user_id: str | None = Field(default=None, index=True, max_length=36)  # the owner of a personal item
    type: str = Field(max_length=20)  # login, note, card, identity
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    favorite: bool = False  # unused: a favourite is a person's choice, see ItemFavorite
    folder_id: str | None = Field(default=None, foreign_key="folders.id", index=True, max_length=36)
    revision: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = Field(default=None, index=True)  # in the trash since


class CipherCollection(OrgsTable, table=True):
    """An organization item's place in a collection (an item may be in several)."""

    __tablename__ = "cipher_collections"
    cipher_id: str = Field(foreign_key="ciphers.id", primary_key=True, max_length=36)
    collection_id: str = Field(foreign_key="collections.id", primary_key=True, max_length=36)


class Folder(OrgsTable, table=True):
    """A person's folder for their own items; its name is an EncString under their user key."""

    __tablename__ = "folders"
    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    user_id: str = Field(index=True, max_length=36)
    encrypted_name: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class ItemFavorite(OrgsTable, table=True):
    """An item one person marked as a favourite (each member of an organization chooses their own)."""

    __tablename__ = "item_favorites"
    cipher_id: str = Field(foreign_key="ciphers.id", primary_key=True, max_length=36)
    user_id: str = Field(primary_key=True, max_length=36)


class Policy(OrgsTable, table=True):
    """A rule an organization sets for its members (account recovery, two-step login, master passwords)."""

    __tablename__ = "policies"
    organization_id: str = Field(foreign_key="organizations.id", primary_key=True, max_length=36)
    type: str = Field(primary_key=True, max_length=40)
    enabled: bool = False
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    updated_at: datetime = Field(default_factory=utcnow)


class ProviderPolicy(OrgsTable, table=True):
    """A rule a provider sets for every client (ADR 28): the floor each client's own policy of that type
    may tighten, never loosen."""

    __tablename__ = "provider_policies"
    provider_id: str = Field(foreign_key="providers.id", primary_key=True, max_length=36)
    type: str = Field(primary_key=True, max_length=40)
    enabled: bool = False
    settings: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    updated_at: datetime = Field(default_factory=utcnow)


class Send(OrgsTable, table=True):
    """A text or file one person shares through a link (ADR 19). Every text is an EncString under the
    Send's content key, which only the link carries; `key` is the send key under the creator's user key.
    A file's sealed parts are in the SendStore, not here."""

    __tablename__ = "send"
    # The caller's Sends across organizations, newest first (a keyset page); the purge by date.
    __table_args__ = (Index("ix_send_owner_updated", "owner_user_id", "updated_at", "id"),
                      Index("ix_send_deletion_date", "deletion_date"))
    id: str = Field(primary_key=True, max_length=22)
    owner_user_id: str = Field(max_length=36)
    organization_id: str = Field(foreign_key="organizations.id", max_length=36)
    type: str = Field(max_length=10)  # text, file
    name: str = Field(max_length=4000)
    notes: str | None = Field(default=None, max_length=4000)
    key: str = Field(max_length=4000)
    text: str | None = Field(default=None, max_length=4000)
    file_name: str | None = Field(default=None, max_length=4000)
    text_hidden: bool = False
    file_prefix: str | None = Field(default=None, max_length=12)  # the CSF1 nonce prefix, base64 of 8 bytes
    file_size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # plaintext bytes
    file_parts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # parts stored so far
    file_state: str = Field(default="none", max_length=10)  # none, uploading, ready
    password_hash: str | None = Field(default=None, max_length=200)  # argon2id of the recipient's proof
    access_token_hash: str = Field(max_length=64)  # SHA-256 (hex) of the token the link's key yields
    max_access_count: int | None = None
    access_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    expiration_date: datetime | None = None
    deletion_date: datetime
    disabled: bool = False
    hide_email: bool = False
    creator_email: str | None = Field(default=None, max_length=256)  # None when hidden
    failed_passwords: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


# Every column holding a copy of an organization's key (ADR 27): an org key rotation re-wraps each of them
# in one transaction, and a unit test fails when a new `*org_key*` column is missing here.
ORG_KEY_HOLDERS = (Member.wrapped_org_key, ProviderOrganization.encrypted_org_key, ProviderUserClient.wrapped_org_key)
