"""The rules of provider billing (ADR 20). No Flask here.

- `plans`: plans, money, tax and billing periods;
- `ledger`: orgs' events applied once each to the seat ledger, and the subscriptions it yields;
- `invoicing`: a period's lines, issuing invoices, the next invoice's estimate, invoice history;
- `payments`: the payment port and its manual kind, paid and void;
- `information`: a provider's billing information;
- `subscriptions`: what the Billing pages read.
"""
from __future__ import annotations

from .information import BillingInformation, cleaned, information, update_information
from .invoicing import (INVOICE_SORTS, PAGE_SIZE, Bill, Line, bill_for, estimate, invoice_number, invoice_of,
                        invoices_page, issue, issue_due, lines_of)
from .ledger import ClientState, apply, fold, minimums_of, name_provider, set_minimums
from .payments import InvoiceNotOpen, ManualPayments, PaymentProvider, mark_paid, void
from .plans import PLANS, period_containing, round_half_up, tax_terms
from .subscriptions import billed_by, billing_day, monthly_price_cents, plans_of, subscription_of

__all__ = ["INVOICE_SORTS", "PAGE_SIZE", "PLANS", "Bill", "BillingInformation", "ClientState", "InvoiceNotOpen",
           "Line", "ManualPayments", "PaymentProvider", "apply", "bill_for", "billed_by", "billing_day", "cleaned",
           "estimate",
           "fold", "information", "invoice_number", "invoice_of", "invoices_page", "issue", "issue_due", "lines_of",
           "mark_paid", "minimums_of", "monthly_price_cents", "name_provider", "period_containing",
           "plans_of",
           "round_half_up", "set_minimums", "subscription_of", "tax_terms", "update_information", "void"]
