"""Invoices: a period's lines computed from the ledger, issued once per period with gapless numbers.

For each plan, each day d of a period is billed max(minimum(d), used(d)) seats, as they stand at
the end of day d; the lines are the Seat minimum, the Additional seats purchased and one line per
client (amount 0: the pool and the additional seats carry the cost). Each line is rounded half-up
once, so the lines add up to the subtotal and the subtotal and tax to the total, to the cent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from services.common.envelope import Event
from services.common.errors import Invalid, NotFound
from services.common.paging import Ordering, window

from ..models import BillingAccount, Invoice, InvoiceLine, Subscription
from .ledger import fold_each, ledger_of, minimums_each
from .plans import PLANS, days_of, end_of, period_containing, prorated, tax_of, tax_terms, next_month

PAGE_SIZE = 20
INVOICE_SORTS = ("issued_at", "number", "total", "status")
INFORMATION_FIELDS = ("name", "address_line1", "address_line2", "city", "postal_code", "country", "tax_id",
                      "billing_email")


@dataclass(frozen=True)
class Line:
    """One line of a bill."""

    kind: str  # seat_minimum, additional_seats, client
    plan: str
    quantity: int  # seat-days
    unit_price: int
    amount: int
    description: dict
    organization_id: str | None = None
    event_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bill:
    """What a provider owes for one period."""

    period_start: date
    period_end: date
    lines: list[Line]
    tax_rate: int
    reverse_charge: bool
    subtotal: int = field(init=False)
    tax: int = field(init=False)
    total: int = field(init=False)

    def __post_init__(self):
        subtotal = sum(line.amount for line in self.lines)
        object.__setattr__(self, "subtotal", subtotal)
        object.__setattr__(self, "tax", tax_of(subtotal, self.tax_rate))
        object.__setattr__(self, "total", subtotal + self.tax)


def lines_of(provider_id: str, clients: dict, minimums: list, names: dict, prices: dict, start: date, end: date,
             billing_start: date, as_of: datetime | None = None) -> list[Line]:
    """The lines of the period [start, end) of a provider whose billing started on `billing_start`, from
    its ledger; days ending after `as_of` are billed as things stand at `as_of` (an estimate)."""
    days = (end - start).days
    billed = [day for day in days_of(start, end) if day >= billing_start]
    instants = [min(end_of(day), as_of) if as_of else end_of(day) for day in billed]
    # Each client's state at the end of each billed day, folded once.
    states = {organization: fold_each(rows, instants) for organization, rows in clients.items()}
    lines = []
    for plan in PLANS:
        price = prices[plan]
        minimum_days = extra_days = 0
        minimum_events: set[str] = set()
        seat_days: dict[str, int] = {}
        client_events: dict[str, set[str]] = {}
        plan_minimums = minimums_each(minimums, plan, instants)
        used = [0] * len(instants)
        for organization, each in states.items():
            previous = None
            for index, state in enumerate(each):
                if state and state.provider_id == provider_id and state.plan == plan:
                    used[index] += state.seats
                    seat_days[organization] = seat_days.get(organization, 0) + state.seats
                    if state is not previous:  # a state lasts many days: its events are counted once
                        client_events.setdefault(organization, set()).update(state.event_ids)
                        previous = state
        for index, (minimum, setter) in enumerate(plan_minimums):
            minimum_days += minimum
            extra_days += max(0, used[index] - minimum)
            if setter and minimum:
                minimum_events.add(setter)
        if minimum_days:
            lines.append(Line("seat_minimum", plan, minimum_days, price, prorated(price, minimum_days, days),
                              {"seat_minimum": plan_minimums[-1][0], "days": days},
                              event_ids=tuple(sorted(minimum_events))))
        if extra_days:
            lines.append(Line("additional_seats", plan, extra_days, price, prorated(price, extra_days, days),
                              {"seat_days": extra_days, "days": days},
                              event_ids=tuple(sorted(set().union(*client_events.values())))))
        for organization in sorted(seat_days, key=lambda o: (names.get(o, ""), o)):
            if seat_days[organization]:
                lines.append(Line("client", plan, seat_days[organization], price, 0,
                                  {"organization_name": names.get(organization, ""),
                                   "seat_days": seat_days[organization], "days": days,
                                   "average_seats": round(seat_days[organization] / days, 2)},
                                  organization, tuple(sorted(client_events[organization]))))
    return lines


def bill_for(uow, account: BillingAccount, start: date, end: date, terms, as_of: datetime | None = None) -> Bill:
    """The provider's bill of the period [start, end), from its ledger and its billing information."""
    clients, minimums = ledger_of(uow, account.provider_id, end_of(end))
    names = dict(uow.session.exec(select(Subscription.organization_id, Subscription.organization_name)
                                  .where(Subscription.organization_id.in_(list(clients)))).all()) if clients else {}
    lines = lines_of(account.provider_id, clients, minimums, names, terms.plan_prices, start, end,
                     account.billing_start, as_of)
    rate, reverse_charge = tax_terms(account.country, account.tax_id, terms)
    return Bill(start, end, lines, rate, reverse_charge)


def invoice_number(terms, provider_id: str, sequence: int) -> str:
    """How an invoice number reads: `<prefix>-<provider short>-<000001>`."""
    return f"{terms.invoice_prefix}-{provider_id.replace('-', '')[:8].upper()}-{sequence:06d}"


def information_of(account: BillingAccount) -> dict:
    """The provider's billing information, as an invoice keeps it."""
    return {name: getattr(account, name) for name in INFORMATION_FIELDS}


def due_period(uow, account: BillingAccount) -> tuple[date, date] | None:
    """The next period of the provider to invoice (ended or not); None before its billing starts."""
    if account.billing_start is None:
        return None
    last = uow.first(select(func.max(Invoice.period_end)).where(Invoice.provider_id == account.provider_id))
    if last is not None:
        return last, next_month(last)
    return period_containing(account.billing_start, account.billing_day)


def issue(make_uow, provider_id: str, terms, now: datetime) -> Invoice | None:
    """Issue the provider's next invoice if its period has ended; None when none is due or another worker
    issued it first.

    The bill is computed first; then one transaction takes the next number by a conditional UPDATE
    (its first statement, so on SQLite it waits for the write lock instead of failing on a stale read)
    and inserts the invoice: a second worker's UPDATE finds the number taken, or its INSERT the
    period, and rolls back, so two workers issue one invoice and no number is lost.
    """
    with make_uow() as uow:
        account = uow.get(BillingAccount, provider_id)
        period = due_period(uow, account) if account else None
        if period is None or period[1] > now.date():
            return None
        bill = bill_for(uow, account, *period, terms)
        seen, information = account.last_invoice_number, information_of(account)
    with make_uow() as uow:
        taken = uow.session.exec(update(BillingAccount).where(BillingAccount.provider_id == provider_id,
                                                              BillingAccount.last_invoice_number == seen)
                                 .values(last_invoice_number=seen + 1))
        if taken.rowcount != 1:
            return None
        invoice = Invoice(provider_id=provider_id, sequence=seen + 1,
                          number=invoice_number(terms, provider_id, seen + 1),
                          period_start=bill.period_start, period_end=bill.period_end, currency=terms.currency,
                          subtotal=bill.subtotal, tax=bill.tax, total=bill.total, tax_rate=bill.tax_rate,
                          reverse_charge=bill.reverse_charge, billing_information=information)
        uow.add(invoice)
        for position, line in enumerate(bill.lines):
            uow.add(InvoiceLine(invoice_id=invoice.id, position=position, kind=line.kind, plan=line.plan,
                                organization_id=line.organization_id, description=line.description,
                                quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
                                event_ids=list(line.event_ids)))
        invoice.status, invoice.issued_at = "open", now  # built as a draft in this transaction, seen open
        uow.publish(invoice_event("invoice.issued", invoice))
        try:
            uow.commit()
        except IntegrityError:
            return None  # another worker issued this period between our read and our write
    return invoice


def issue_due(make_uow, terms, now: datetime) -> list[str]:
    """Issue every due period of every provider (the worker's chore); the numbers issued."""
    with make_uow() as uow:
        providers = list(uow.scalars(select(BillingAccount.provider_id)
                                     .where(BillingAccount.billing_start.is_not(None))))
    issued = []
    for provider_id in providers:
        while (invoice := issue(make_uow, provider_id, terms, now)) is not None:
            issued.append(invoice.number)
    return issued


def invoice_event(event_type: str, invoice: Invoice, **more) -> Event:
    """An invoice's event: what it is and what it comes to, nothing else."""
    return Event(event_type, {"invoice_id": invoice.id, "provider_id": invoice.provider_id, "number": invoice.number,
                              "period_start": invoice.period_start.isoformat(),
                              "period_end": invoice.period_end.isoformat(), "currency": invoice.currency,
                              "total": invoice.total, "status": invoice.status, **more},
                 subject=invoice.id, providerid=invoice.provider_id)


def estimate(uow, provider_id: str, terms, now: datetime) -> Bill | None:
    """The provider's next invoice as it would read if today's seats held to the end of the period."""
    account = uow.get(BillingAccount, provider_id)
    if account is None or account.billing_start is None:
        return None
    start, end = period_containing(max(now.date(), account.billing_start), account.billing_day)
    return bill_for(uow, account, start, end, terms, as_of=now)


# Each sort's key within a provider; numbers are given in the order invoices are issued, so the
# issue order is the number's index.
INVOICE_KEYS = {
    "issued_at": ((Invoice.sequence, Invoice.id), (int, str), lambda row: (row.sequence, row.id)),
    "number": ((Invoice.sequence, Invoice.id), (int, str), lambda row: (row.sequence, row.id)),
    "total": ((Invoice.total, Invoice.id), (int, str), lambda row: (row.total, row.id)),
    "status": ((Invoice.status, Invoice.id), (str, str), lambda row: (row.status, row.id)),
}


def invoices_page(uow, provider_id: str, sort: str = "issued_at", direction: str = "desc", after: str = "",
                  before: str = "") -> tuple[list[Invoice], str | None, str | None]:
    """A page of the provider's invoices, sorted, after or before a cursor, with the cursors around it."""
    if sort not in INVOICE_SORTS:
        raise Invalid("Sort by issued_at, number, total or status.", "sort", code="invoices.sort_invalid")
    if direction not in ("asc", "desc"):
        raise Invalid("Sort direction must be asc or desc.", "dir", code="sort.direction_invalid")
    columns, types, key_of = INVOICE_KEYS[sort]
    ordering = Ordering("invoices", provider_id, sort, direction == "desc", columns, types)
    found = window(uow, select(Invoice).where(Invoice.provider_id == provider_id, Invoice.status != "draft"),
                   ordering, PAGE_SIZE, after, before)
    rows = list(found.rows)
    return (rows, ordering.cursor(key_of(rows[0])) if found.has_previous and rows else None,
            ordering.cursor(key_of(rows[-1])) if found.has_next and rows else None)


def invoice_of(uow, provider_id: str, invoice_id: str) -> tuple[Invoice, list[InvoiceLine]]:
    """One invoice of the provider, with its lines."""
    invoice = uow.get(Invoice, invoice_id)
    if invoice is None or invoice.provider_id != provider_id or invoice.status == "draft":
        raise NotFound("No such invoice.", code="invoice.not_found")
    lines = uow.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                        .order_by(InvoiceLine.position)).all()
    return invoice, list(lines)
