"""The billing service's HTTP API: ADR 20's table. Provider billing is for Provider Admins only (billing
asks orgs for the caller's role: a Service User gets 403, anyone else 404); an organization's billing
for those who administer it."""
from __future__ import annotations

from apiflask import APIBlueprint
from flask import current_app
from pydantic import Field

from services.common.errors import Forbidden
from services.common.paging import MAX_CURSOR
from services.common.schemas import StrictBody, StrictQuery
from services.common.service_app import ask, event_context, settings, unit_of_work

from . import domain

bp = APIBlueprint("billing", __name__)
LONG = 1000  # a bound on any text field's size; the domain's rules say what fits


class InvoiceQuery(StrictQuery):
    sort: str = Field(default="issued_at", max_length=20)
    dir: str = Field(default="desc", max_length=4)  # noqa: A003 - ADR 20's name
    after: str = Field(default="", max_length=MAX_CURSOR)
    before: str = Field(default="", max_length=MAX_CURSOR)


class InformationIn(StrictBody):
    name: str = Field(max_length=LONG)
    address_line1: str = Field(max_length=LONG)
    address_line2: str = Field(default="", max_length=LONG)
    city: str = Field(max_length=LONG)
    postal_code: str = Field(default="", max_length=LONG)
    country: str = Field(max_length=LONG)
    tax_id: str = Field(default="", max_length=LONG)
    billing_email: str = Field(max_length=LONG)


def now():
    """The service's clock (tests move it; a running server's never moves)."""
    return current_app.extensions["clock"]()


def provider_admin(provider_id: str) -> None:
    """Go on only for a Provider Admin of `provider_id`: 403 for its other staff, 404 for anyone else."""
    if ask("orgs", f"/providers/{provider_id}/access")["role"] != "admin":
        raise Forbidden("Only Provider Admins manage billing.", code="billing.provider_admin_only")


def _bill_json(bill) -> dict | None:
    if bill is None:
        return None
    return {"period_start": bill.period_start.isoformat(), "period_end": bill.period_end.isoformat(),
            "lines": [_line_json(line) for line in bill.lines], "subtotal": bill.subtotal, "tax_rate": bill.tax_rate,
            "reverse_charge": bill.reverse_charge, "tax": bill.tax, "total": bill.total}


def _line_json(line) -> dict:
    return {"kind": line.kind, "plan": line.plan, "organization_id": line.organization_id,
            "description": line.description, "quantity": line.quantity, "unit_price": line.unit_price,
            "amount": line.amount, "event_ids": list(line.event_ids)}


def _invoice_json(invoice) -> dict:
    return {"invoice_id": invoice.id, "number": invoice.number, "status": invoice.status,
            "period_start": invoice.period_start.isoformat(), "period_end": invoice.period_end.isoformat(),
            "currency": invoice.currency, "subtotal": invoice.subtotal, "tax": invoice.tax, "total": invoice.total,
            "issued_at": invoice.issued_at.isoformat() if invoice.issued_at else None,
            "paid_at": invoice.paid_at.isoformat() if invoice.paid_at else None}


@bp.get("/providers/<provider_id>/billing/subscription")
def provider_subscription(provider_id: str):
    """Seat minimums, seats used per plan against them, and the next invoice as it stands."""
    provider_admin(provider_id)
    terms = settings().billing
    with unit_of_work() as uow:
        plans = domain.plans_of(uow, provider_id, terms.plan_prices, now())
        bill = domain.estimate(uow, provider_id, terms, now())
        billing_day = domain.billing_day(uow, provider_id)
    return {"currency": terms.currency, "billing_day": billing_day, "plans": plans,
            "next_invoice": _bill_json(bill)}


@bp.get("/providers/<provider_id>/billing/invoices")
@bp.input(InvoiceQuery, location="query")
def invoices(provider_id: str, query_data: InvoiceQuery):
    """One page of the provider's invoices (20), sorted; `previous` and `next` are the cursors around it."""
    provider_admin(provider_id)
    with unit_of_work() as uow:
        rows, previous, following = domain.invoices_page(uow, provider_id, query_data.sort, query_data.dir,
                                                         query_data.after, query_data.before)
    return {"invoices": [_invoice_json(row) for row in rows], "previous": previous, "next": following,
            "page_size": domain.PAGE_SIZE}


@bp.get("/providers/<provider_id>/billing/invoices/<invoice_id>")
def invoice(provider_id: str, invoice_id: str):
    """One invoice with its lines, the billing information it was issued to and the seller."""
    provider_admin(provider_id)
    terms = settings().billing
    with unit_of_work() as uow:
        found, lines = domain.invoice_of(uow, provider_id, invoice_id)
    return {**_invoice_json(found), "tax_rate": found.tax_rate, "reverse_charge": found.reverse_charge,
            "payment_reference": found.payment_reference,
            "lines": [_line_json(line) for line in lines],
            "billing_information": found.billing_information,
            "seller": {"name": terms.seller_name, "address": terms.seller_address, "country": terms.seller_country,
                       "tax_id": terms.seller_tax_id,
                       "payment_instructions": domain.ManualPayments(terms.bank_details).instructions()}}


@bp.get("/providers/<provider_id>/billing/information")
def get_information(provider_id: str):
    """Who the provider's invoices are made out to."""
    provider_admin(provider_id)
    with unit_of_work() as uow:
        return domain.information(uow, provider_id)


@bp.put("/providers/<provider_id>/billing/information")
@bp.input(InformationIn)
def put_information(provider_id: str, json_data: InformationIn):
    """Replace the provider's billing information (422 naming the first field that breaks its rule)."""
    provider_admin(provider_id)
    with unit_of_work() as uow:
        return domain.update_information(uow, provider_id, domain.BillingInformation(**json_data.model_dump()),
                                         event_context())


@bp.get("/providers/<provider_id>/billing/payment-method")
def payment_method(provider_id: str):
    """How the provider pays: a bank transfer, recorded by the operator (no card is ever taken)."""
    provider_admin(provider_id)
    payments = domain.ManualPayments(settings().billing.bank_details)
    return {"kind": payments.kind, "label": payments.label, "instructions": payments.instructions()}


@bp.get("/organizations/<organization_id>/billing")
def organization_billing(organization_id: str):
    """The organization's plan and seats and who bills it, for those who administer it."""
    ask("orgs", f"/organizations/{organization_id}/access")
    with unit_of_work() as uow:
        found = domain.subscription_of(uow, organization_id)
        by = domain.billed_by(uow, found)
    return {"plan": found.plan, "seats": found.seats, "seat_price": found.seat_price_cents,
            "currency": settings().billing.currency, "billed_by": by, "status": found.status}


@bp.get("/organizations/<organization_id>/subscription")
def subscription(organization_id: str):
    """The organization's plan, seats and monthly price, for those who administer it (the Admin Console's)."""
    ask("orgs", f"/organizations/{organization_id}/access")
    with unit_of_work() as uow:
        found = domain.subscription_of(uow, organization_id)
    return {"subscription_id": found.id, "organization_id": found.organization_id, "plan": found.plan,
            "seats": found.seats, "seat_price_cents": found.seat_price_cents,
            "monthly_price_cents": domain.monthly_price_cents(found), "status": found.status}
