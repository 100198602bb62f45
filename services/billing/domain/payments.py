"""Payments are recorded, never taken: one port, `PaymentProvider`, and its manual (bank transfer) kind.

No service of ours ever accepts a card number; an operator records a transfer's reference.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Protocol

from sqlmodel import select

from services.common.errors import Conflict, Invalid, NotFound

from ..models import Invoice
from .invoicing import invoice_event

REFERENCE = re.compile(r"[\w ./:#-]{1,100}")


class InvoiceNotOpen(Conflict):
    """The invoice is already paid or void."""

    code = "invoice.not_open"


class PaymentProvider(Protocol):
    """How a provider pays its invoices."""

    kind: str
    label: str

    def instructions(self) -> str:
        """What the payer is told to do."""

    def record(self, invoice: Invoice, reference: str, when: datetime) -> None:
        """Note that `invoice` was paid, with the payment's reference."""


class ManualPayments:
    """Bank transfers, recorded by an operator once they arrive."""

    kind = "manual"
    label = "Bank transfer"

    def __init__(self, bank_details: str):
        self._bank_details = bank_details

    def instructions(self) -> str:
        """The operator's bank details, or where to find them."""
        return self._bank_details or ("Pay each invoice by bank transfer, quoting its number; "
                                      "ask us for our bank details.")

    def record(self, invoice: Invoice, reference: str, when: datetime) -> None:
        """Mark `invoice` paid by the transfer `reference`."""
        invoice.status, invoice.paid_at, invoice.payment_reference = "paid", when, reference


def invoice_numbered(uow, number: str) -> Invoice:
    """The invoice of that number; NotFound otherwise."""
    found = list(uow.scalars(select(Invoice).where(Invoice.number == number.strip(), Invoice.status != "draft")))
    if len(found) != 1:
        raise NotFound("No invoice is numbered '%(number)s'.", "number", code="invoice.number_unknown", number=number)
    return found[0]


def mark_paid(uow, payments: PaymentProvider, number: str, reference: str, now: datetime) -> Invoice:
    """Record that an open invoice was paid."""
    reference = " ".join((reference or "").split())
    if not REFERENCE.fullmatch(reference):
        raise Invalid("Give the payment's reference: 1 to 100 letters, digits, spaces or . / : # -", "reference",
                      code="payment.reference_invalid")
    invoice = invoice_numbered(uow, number)
    if invoice.status != "open":
        raise InvoiceNotOpen("Invoice %(number)s is %(status)s, not open.", "number", number=invoice.number,
                             status=invoice.status)
    payments.record(invoice, reference, now)
    uow.add(invoice)
    uow.publish(invoice_event("invoice.paid", invoice, reference=reference))
    uow.commit()
    return invoice


def void(uow, number: str) -> Invoice:
    """Void an open invoice (a paid one stays paid: a refund is a matter for the books)."""
    invoice = invoice_numbered(uow, number)
    if invoice.status != "open":
        raise InvoiceNotOpen("Invoice %(number)s is %(status)s, not open.", "number", number=invoice.number,
                             status=invoice.status)
    invoice.status = "void"
    uow.add(invoice)
    uow.publish(invoice_event("invoice.voided", invoice))
    uow.commit()
    return invoice
