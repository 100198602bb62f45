"""The audit service's tables: one row per event, whatever its producer, and what reading the log needs."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text
from sqlalchemy.orm import registry
from sqlmodel import Column, Field, SQLModel

from services.common.database import json_column, messaging_tables


class AuditTable(SQLModel, registry=registry()):
    """Base of the audit service's tables."""


OutboxMessage, InboxMessage = messaging_tables(AuditTable)


class LoggedEvent(AuditTable, table=True):
    """One event of the log, as its producer published it, with what the filters read filled in at ingest."""

    __tablename__ = "events"
    # A provider's and an organization's log, newest first: a page starts where its index says.
    # The group and actor indexes serve the filtered pages the same way (a keyset walk, no sort).
    __table_args__ = (Index("ix_events_provider_time", "provider_id", "time", "id"),
                      Index("ix_events_organization_time", "organization_id", "time", "id"),
                      Index("ix_events_organization_group_time", "organization_id", "group", "time", "id"),
                      Index("ix_events_organization_actor_time", "organization_id", "actor_id", "time", "id"),
                      Index("ix_events_rollup_time", "rollup_provider_id", "time", "id"))
    id: str = Field(primary_key=True, max_length=36)  # the CloudEvents id: stored once
    type: str = Field(max_length=100)  # not indexed: no page reads by type alone, and every index slows ingest
    code: int
    source: str = Field(max_length=100)
    subject: str | None = Field(default=None, max_length=100)
    time: datetime = Field(index=True)
    provider_id: str | None = Field(default=None, max_length=36)
    organization_id: str | None = Field(default=None, max_length=36)
    actor_id: str | None = Field(default=None, max_length=36)
    ip: str | None = Field(default=None, max_length=64)
    device: str | None = Field(default=None, max_length=64)
    traceparent: str | None = Field(default=None, max_length=64)
    data: dict = Field(default_factory=dict, sa_column=json_column())
    group: str = Field(default="", max_length=20)  # the catalogue's group of `type`
    search: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))  # lower-cased names
    # The provider whose roll-up shows the event: its own, or the one the organization was a client of then.
    rollup_provider_id: str | None = Field(default=None, max_length=36)


class KnownUser(AuditTable, table=True):
    """Who a user id is, from identity's `user.registered`: the log names who acted without asking identity."""

    __tablename__ = "users"
    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(default="", max_length=1000)
    email: str = Field(default="", max_length=1000)


class ClientLink(AuditTable, table=True):
    """Which provider an organization is a client of now, from orgs' org.created, org.added and org.unlinked:
    ingest files a client's events under its provider's roll-up with it."""

    __tablename__ = "client_links"
    organization_id: str = Field(primary_key=True, max_length=36)
    provider_id: str = Field(max_length=36)


class LogActor(AuditTable, table=True):
    """A user who acted at least once in a log ("organization:<id>" or "provider:<id>"): the User filter's choices."""

    __tablename__ = "log_actors"
    log: str = Field(primary_key=True, max_length=50)
    user_id: str = Field(primary_key=True, max_length=36)


class ApiKey(AuditTable, table=True):
    """An organization's key of the public events API: its secret is kept only as a SHA-256."""

    __tablename__ = "api_keys"
    organization_id: str = Field(primary_key=True, max_length=36)
    client_id: str = Field(max_length=60, unique=True)  # "organization.<organization id>", as Bitwarden's
    secret_hash: str = Field(max_length=64)
    created_at: datetime
    rotated_at: datetime | None = None
    window_start: datetime | None = None  # the current minute of its rate limit, and the calls made in it
    window_calls: int = 0


class LogSettings(AuditTable, table=True):
    """An organization's choices about its log: how many days its events are kept."""

    __tablename__ = "log_settings"
    organization_id: str = Field(primary_key=True, max_length=36)
    retention_days: int
