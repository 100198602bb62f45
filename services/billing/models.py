"""The billing service's tables."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.database import messaging_tables, utcnow


class BillingTable(SQLModel, registry=registry()):
    """Base of the billing service's tables."""


OutboxMessage, InboxMessage = messaging_tables(BillingTable)


class Subscription(BillingTable, table=True):
    """What a client organization pays for: a plan and a number of seats."""

    __tablename__ = "subscriptions"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), primary_key=True, max_length=36)
    organization_id: str = Field(unique=True, index=True, max_length=36)
    provider_id: str | None = Field(default=None, index=True, max_length=36)
    plan: str = Field(max_length=20)
    seats: int
    seat_price_cents: int
    status: str = Field(default="active", max_length=20)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
