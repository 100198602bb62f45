"""The audit service's tables: one row per event, whatever its producer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.database import json_column, messaging_tables


class AuditTable(SQLModel, registry=registry()):
    """Base of the audit service's tables."""


OutboxMessage, InboxMessage = messaging_tables(AuditTable)


class LoggedEvent(AuditTable, table=True):
    """One event of the log, as its producer published it."""

    __tablename__ = "events"
    # A provider's and an organization's log, newest first: a page starts where its index says.
    __table_args__ = (Index("ix_events_provider_time", "provider_id", "time", "id"),
                      Index("ix_events_organization_time", "organization_id", "time", "id"))
    id: str = Field(primary_key=True, max_length=36)  # the CloudEvents id: stored once
    type: str = Field(max_length=100, index=True)
    code: int = Field(index=True)
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
