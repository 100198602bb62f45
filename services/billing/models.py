"""The billing service's tables (ADR 20): accounts, the seat ledger, subscriptions, invoices."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from services.common.database import messaging_tables, utcnow


class BillingTable(SQLModel, registry=registry()):
    """Base of the billing service's tables."""


OutboxMessage, InboxMessage = messaging_tables(BillingTable)


def _id() -> str:
    return str(uuid.uuid4())


class BillingAccount(BillingTable, table=True):
    """A provider as billing knows it: when its billing started, its invoice counter, its billing information
    (its seat minimums are rows of the ledger, so a change takes effect from its day on)."""

    __tablename__ = "billing_accounts"
    provider_id: str = Field(primary_key=True, max_length=36)
    provider_name: str = Field(default="", max_length=200)
    billing_start: date | None = None  # the first day billed: its first client, or its minimums set
    billing_day: int | None = None  # 1–28: each period runs from this day of a month to the next
    last_invoice_number: int = 0
    name: str = Field(default="", max_length=100)
    address_line1: str = Field(default="", max_length=100)
    address_line2: str = Field(default="", max_length=100)
    city: str = Field(default="", max_length=60)
    postal_code: str = Field(default="", max_length=20)
    country: str = Field(default="", max_length=2)
    tax_id: str = Field(default="", max_length=20)
    billing_email: str = Field(default="", max_length=320)
    updated_at: datetime = Field(default_factory=utcnow)


class SeatChange(BillingTable, table=True):
    """One applied event of the ledger invoices are computed from: what it set, and since when.

    Each row sets only what its event changes (`kind`): a client created sets plan, seats and provider,
    seats changed its seats, plan changed its plan, unlinked and added its provider, an operator's
    minimum a provider's minimum of one plan. The state at any time is, per attribute, the last row
    setting it, so events applied in any order give the same state."""

    __tablename__ = "seat_changes"
    # One row per event, but an operator's minimums event sets each plan's in a row of its own.
    __table_args__ = (UniqueConstraint("event_id", "plan", name="uq_seat_changes_event_plan"),
                      Index("ix_seat_changes_organization", "organization_id", "effective_at"),
                      Index("ix_seat_changes_provider", "provider_id", "effective_at"))
    seq: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=36)
    kind: str = Field(max_length=20)  # created, seats, plan, unlinked, added, minimum
    organization_id: str | None = Field(default=None, max_length=36)
    provider_id: str | None = Field(default=None, max_length=36)
    plan: str = Field(default="", max_length=20)  # "" where the row sets no plan (never NULL: it is in the key)
    seats: int | None = None
    effective_at: datetime
    recorded_at: datetime = Field(default_factory=utcnow)


class Subscription(BillingTable, table=True):
    """What a client organization pays for now: a plan and a number of seats (the ledger folded)."""

    __tablename__ = "subscriptions"
    id: str = Field(default_factory=_id, primary_key=True, max_length=36)
    organization_id: str = Field(unique=True, index=True, max_length=36)
    organization_name: str = Field(default="", max_length=200)
    provider_id: str | None = Field(default=None, index=True, max_length=36)
    plan: str = Field(max_length=20)
    seats: int
    seat_price_cents: int
    status: str = Field(default="active", max_length=20)  # active, billing_needed
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Invoice(BillingTable, table=True):
    """A provider's invoice for one period; its number is gapless per provider."""

    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("provider_id", "period_start", name="uq_invoices_provider_period"),
                      UniqueConstraint("provider_id", "number", name="uq_invoices_provider_number"),
                      Index("ix_invoices_provider_sequence", "provider_id", "sequence", "id"),
                      Index("ix_invoices_provider_total", "provider_id", "total", "id"),
                      Index("ix_invoices_provider_status", "provider_id", "status", "id"))
    id: str = Field(default_factory=_id, primary_key=True, max_length=36)
    provider_id: str = Field(max_length=36)
    sequence: int
    number: str = Field(index=True, max_length=40)
    period_start: date
    period_end: date
    status: str = Field(default="draft", max_length=10)  # draft, open, paid, void
    currency: str = Field(max_length=3)
    subtotal: int
    tax: int
    total: int
    tax_rate: int  # basis points
    reverse_charge: bool = False
    billing_information: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    issued_at: datetime | None = None
    paid_at: datetime | None = None
    payment_reference: str = Field(default="", max_length=100)


class InvoiceLine(BillingTable, table=True):
    """One line of an invoice, with the ids of the events that made it."""

    __tablename__ = "invoice_lines"
    id: str = Field(default_factory=_id, primary_key=True, max_length=36)
    invoice_id: str = Field(foreign_key="invoices.id", index=True, max_length=36)
    position: int
    kind: str = Field(max_length=20)  # seat_minimum, additional_seats, client
    plan: str = Field(max_length=20)
    organization_id: str | None = Field(default=None, max_length=36)
    description: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    quantity: int  # seat-days
    unit_price: int  # per seat per month
    amount: int
    event_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
