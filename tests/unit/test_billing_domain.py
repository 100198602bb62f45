"""Rules of provider billing (ADR 20): the ledger applied once in any order, proration as a table of
cases, rounding and tax, issuing once with gapless numbers, billing information and payments."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from services.billing import domain, models
from services.billing.models import BillingTable, Invoice, InvoiceLine, SeatChange, Subscription
from services.common.config import BillingTerms
from services.common.database import UnitOfWork, make_engine
from services.common.errors import Conflict, Invalid, NotFound
from tests.unit.billing_support import (PRICES, TERMS, added, apply_all, at, created, line_tuples, plan,
                                        provider_created, seats, standalone, unlinked)


@pytest.fixture
def uow(make_uow):
    return make_uow(models, BillingTable)


def invoices(uow, provider_id) -> list[tuple[Invoice, list[InvoiceLine]]]:
    with uow() as unit:
        found = unit.scalars(select(Invoice).where(Invoice.provider_id == provider_id).order_by(Invoice.sequence)).all()
        return [(invoice, list(unit.scalars(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                                            .order_by(InvoiceLine.position)))) for invoice in found]


def outbox(uow) -> list[str]:
    with uow() as unit:
        return [row.subject for row in unit.scalars(select(models.OutboxMessage).order_by(models.OutboxMessage.seq))]


P, A = "prov-1", "org-a"
# (case, minimum of Teams set on the first day, the events, when the invoices are issued, each invoice's lines)
PRORATION = [
    ("seats added mid-month (31 days)", 0,
     [created(P, A, 10), seats(P, A, 20, at(1, 16))], at(2, 1, 12),
     [[("additional_seats", "Teams", 470, 6065), ("client", "Teams", 470, 0)]]),
    ("seats removed back to the minimum: no additional line the next month (28 days)", 10,
     [created(P, A, 15), seats(P, A, 10, at(1, 11))], at(3, 1, 12),
     [[("seat_minimum", "Teams", 310, 4000), ("additional_seats", "Teams", 50, 645), ("client", "Teams", 360, 0)],
      [("seat_minimum", "Teams", 280, 4000), ("client", "Teams", 280, 0)]]),
    ("plan changed on the 21st", 0,
     [created(P, A, 10), plan(P, A, "Enterprise", at(1, 21))], at(2, 1, 12),
     [[("additional_seats", "Teams", 200, 2581), ("client", "Teams", 200, 0),
       ("additional_seats", "Enterprise", 110, 2129), ("client", "Enterprise", 110, 0)]]),
    ("unlinked on the 11th: counted until the 10th", 0,
     [created(P, A, 10), unlinked(P, A, at(1, 11))], at(2, 1, 12),
     [[("additional_seats", "Teams", 100, 1290), ("client", "Teams", 100, 0)]]),
    ("seats cross the minimum on the 17th", 20,
     [created(P, A, 15), seats(P, A, 25, at(1, 17))], at(2, 1, 12),
     [[("seat_minimum", "Teams", 620, 8000), ("additional_seats", "Teams", 75, 968), ("client", "Teams", 615, 0)]]),
    ("a month of 30 days", 0,
     [created(P, A, 10, when=at(4, 1)), seats(P, A, 13, at(4, 16))], at(5, 1, 12),
     [[("additional_seats", "Teams", 345, 4600), ("client", "Teams", 345, 0)]]),
    ("a month of 28 days, Enterprise", 0,
     [created(P, A, 7, "Enterprise", when=at(2, 1))], at(3, 1, 12),
     [[("additional_seats", "Enterprise", 196, 4200), ("client", "Enterprise", 196, 0)]]),
    ("a minimum and no client: the minimum alone", 5, [], at(2, 1, 12),
     [[("seat_minimum", "Teams", 155, 2000)]]),
]


@pytest.mark.parametrize("case, minimum, events, issued_at, expected", PRORATION, ids=[c[0] for c in PRORATION])
def test_proration(uow, case, minimum, events, issued_at, expected):
    start = events[0].time if events else at(1, 1)
    apply_all(uow, [provider_created(P)])
    if minimum:
        with uow() as unit:
            domain.set_minimums(unit, P, {"Teams": minimum}, start.replace(hour=8))
    apply_all(uow, events)
    domain.issue_due(uow, TERMS, issued_at)
    found = invoices(uow, P)
    assert [line_tuples(lines) for _invoice, lines in found] == expected
    for invoice, lines in found:
        assert invoice.subtotal == sum(line.amount for line in lines) and invoice.total == invoice.subtotal
        assert all(line.event_ids for line in lines if line.kind != "seat_minimum" or minimum)


def test_every_line_keeps_the_events_that_made_it(uow):
    events = [created(P, A, 10), seats(P, A, 20, at(1, 16))]
    apply_all(uow, events)
    domain.issue_due(uow, TERMS, at(2, 1, 12))
    [(_invoice, lines)] = invoices(uow, P)
    assert all(sorted(line.event_ids) == sorted(event.id for event in events) for line in lines)


def test_a_redelivered_event_changes_nothing(uow):
    event = seats(P, A, 20, at(1, 16))
    apply_all(uow, [created(P, A, 10), event])
    before = outbox(uow)
    with uow() as unit:
        assert domain.apply(unit, event, PRICES) is None
        unit.commit()
    with uow() as unit:
        assert len(unit.scalars(select(SeatChange)).all()) == 2
        assert unit.first(select(Subscription)).seats == 20
    assert outbox(uow) == before


def test_a_change_applied_before_the_creation_is_folded_in_once_the_creation_arrives(uow):
    apply_all(uow, [seats(P, A, 20, at(1, 16))])
    with uow() as unit:
        assert unit.first(select(Subscription)) is None
    apply_all(uow, [created(P, A, 10)])
    with uow() as unit:
        assert (unit.first(select(Subscription)).seats, unit.first(select(Subscription)).plan) == (20, "Teams")


def test_an_unlinked_client_needs_billing_and_one_added_is_billed_by_its_new_provider(uow):
    apply_all(uow, [created(P, A, 10), unlinked(P, A, at(1, 5))])
    with uow() as unit:
        subscription = domain.subscription_of(unit, A)
        assert (subscription.provider_id, subscription.status) == (None, "billing_needed")
    apply_all(uow, [standalone("solo", 4), added("prov-2", "solo", at(1, 10)), provider_created("prov-2", "Other")])
    with uow() as unit:
        subscription = domain.subscription_of(unit, "solo")
        assert (subscription.provider_id, subscription.status) == ("prov-2", "active")
        assert domain.billed_by(unit, subscription) == {"provider_id": "prov-2", "name": "Other"}
    assert outbox(uow).count("billing.subscription.changed") == 4


def test_running_the_invoices_twice_issues_nothing_twice_and_numbers_have_no_gap(uow):
    apply_all(uow, [created(P, A, 10)])
    assert domain.issue_due(uow, TERMS, at(3, 1, 12)) == [f"CUS-{P[:8].upper().replace('-', '')}-000001",
                                                         f"CUS-{P[:8].upper().replace('-', '')}-000002"]
    assert domain.issue_due(uow, TERMS, at(3, 1, 12)) == []
    assert [invoice.sequence for invoice, _ in invoices(uow, P)] == [1, 2]
    assert outbox(uow).count("billing.invoice.issued") == 2


def test_nothing_is_issued_before_a_period_ends(uow):
    apply_all(uow, [created(P, A, 10)])
    assert domain.issue_due(uow, TERMS, at(1, 31, 23)) == []


def race(engines) -> int:
    """Run the chore on each engine at once; how many invoices were issued in all."""
    barrier, issued = threading.Barrier(len(engines)), []
    domain.invoicing.bill_for, saved = _waiting_bill_for(barrier), domain.invoicing.bill_for
    try:
        threads = [threading.Thread(target=lambda e=e: issued.append(
            domain.invoicing.issue(lambda: UnitOfWork(e, models.OutboxMessage), P, TERMS, at(2, 1, 12))))
            for e in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        domain.invoicing.bill_for = saved
    return sum(1 for outcome in issued if outcome is not None)


def _waiting_bill_for(barrier):
    original = domain.invoicing.bill_for

    def bill_then_wait(*args, **kwargs):
        bill = original(*args, **kwargs)
        barrier.wait(10)  # both workers have read the counter and computed the bill
        return bill
    return bill_then_wait


def test_tax_comes_from_the_country_and_an_eu_tax_id_abroad_is_a_reverse_charge():
    terms = BillingTerms(seller_country="FR")
    assert domain.tax_terms("FR", "FR40303265045", terms) == (2000, False)
    assert domain.tax_terms("DE", "", terms) == (1900, False)
    assert domain.tax_terms("DE", "DE123456789", terms) == (0, True)
    assert domain.tax_terms("US", "12-3456789", terms) == (0, False)
    bill = domain.Bill(at(1, 1).date(), at(2, 1).date(), [domain.Line("additional_seats", "Teams", 470, 400, 6065, {})],
                       2000, False)
    assert (bill.subtotal, bill.tax, bill.total) == (6065, 1213, 7278)


@pytest.mark.parametrize("numerator, denominator, rounded", [(5, 10, 1), (4, 10, 0), (15, 10, 2), (25, 10, 3),
                                                             (188000, 31, 6065), (0, 31, 0)])
def test_rounding_is_half_up(numerator, denominator, rounded):
    assert domain.round_half_up(numerator, denominator) == rounded


def test_billing_information_is_kept_and_goes_on_the_next_invoice(uow):
    apply_all(uow, [created(P, A, 10)])
    with uow() as unit:
        kept = domain.update_information(unit, P, domain.BillingInformation(
            "  Acme   MSP ", "1 rue de la Paix", "", "Paris", "75002", "fr", "fr 403 032 650 45",
            "Billing@MSP.example"),
            {})
    assert kept == {"name": "Acme MSP", "address_line1": "1 rue de la Paix", "address_line2": "", "city": "Paris",
                    "postal_code": "75002", "country": "FR", "tax_id": "FR40303265045",
                    "billing_email": "billing@msp.example"}
    domain.issue_due(uow, TERMS, at(2, 1, 12))
    [(invoice, _lines)] = invoices(uow, P)
    assert invoice.billing_information == kept and (invoice.tax_rate, invoice.reverse_charge) == (0, True)
    assert outbox(uow).count("billing.information.updated") == 1


GOOD = dict(name="Acme", address_line1="1 Main St", address_line2="", city="Springfield", postal_code="12345",
            country="US", tax_id="", billing_email="ap@acme.example")


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "name is required"), ("name", "x" * 101, "at most 100"), ("address_line1", " ", "address is required"),
    ("city", "y" * 61, "at most 60"), ("postal_code", "12#45", "postal code"), ("country", "XX", "two-letter"),
    ("country", "", "two-letter"), ("country", "FRA", "two-letter"), ("tax_id", "AB", "4 to 20"),
    ("tax_id", "FR_123456", "4 to 20"), ("billing_email", "not-an-email", "valid email"),
    ("billing_email", "", "Enter an email"), ("name", "Acme\u202e", "invisible")])
def test_bad_billing_information_is_refused_naming_its_field_and_changes_nothing(uow, field, value, message):
    with uow() as unit:
        domain.update_information(unit, P, domain.BillingInformation(**GOOD), {})
    with uow() as unit, pytest.raises(Invalid, match=message) as refused:
        domain.update_information(unit, P, domain.BillingInformation(**{**GOOD, field: value}), {})
    assert refused.value.field == field
    with uow() as unit:
        assert domain.information(unit, P) == GOOD


def test_an_operator_marks_an_invoice_paid_once_and_voids_only_an_open_one(uow):
    apply_all(uow, [created(P, A, 10)])
    first, second = domain.issue_due(uow, TERMS, at(3, 1, 12))
    payments = domain.ManualPayments("IBAN FR76 3000 6000 0112 3456 7890 189")
    with uow() as unit:
        paid = domain.mark_paid(unit, payments, first, "TRF-2026-0042", at(3, 2))
    assert (paid.status, paid.payment_reference) == ("paid", "TRF-2026-0042")
    with uow() as unit, pytest.raises(Conflict):
        domain.mark_paid(unit, payments, first, "again", at(3, 3))
    with uow() as unit, pytest.raises(Conflict):
        domain.void(unit, first)
    with uow() as unit, pytest.raises(Invalid):
        domain.mark_paid(unit, payments, second, "", at(3, 3))
    with uow() as unit, pytest.raises(NotFound):
        domain.void(unit, "CUS-NOPE-000009")
    with uow() as unit:
        assert domain.void(unit, second).status == "void"
    assert [e for e in outbox(uow) if e.startswith("billing.invoice")] == [
        "billing.invoice.issued", "billing.invoice.issued", "billing.invoice.paid", "billing.invoice.voided"]


def test_seat_minimums_are_whole_numbers_for_plans_we_sell_of_a_known_provider(uow):
    apply_all(uow, [provider_created(P)])
    for wanted in ({"Free": 3}, {"Teams": -1}, {"Teams": 10_001}, {"Teams": "5"}, {"Teams": True}):
        with uow() as unit, pytest.raises(Invalid):
            domain.set_minimums(unit, P, wanted, at(1, 1))
    with uow() as unit, pytest.raises(NotFound):
        domain.set_minimums(unit, "nobody", {"Teams": 3}, at(1, 1))
    with uow() as unit:
        assert domain.set_minimums(unit, P, {"Teams": 3}, at(1, 1)) == {"Teams": 3, "Enterprise": 0}
    with uow() as unit:
        domain.set_minimums(unit, P, {"Teams": 3}, at(1, 2))  # the same again: nothing to tell
    assert outbox(uow).count("billing.minimums.changed") == 1


def test_the_operator_commands_set_minimums_mark_paid_and_void(tmp_path, capsys):
    from services.billing.__main__ import main
    from services.common.config import Settings
    from tests.conftest import TEST_SECRETS

    settings = Settings.from_env("billing", {**TEST_SECRETS, "CUSTODIAN_VAR": str(tmp_path)},
                                 database_url=f"sqlite:///{tmp_path / 'cli.db'}")
    engine = make_engine(settings.database_url)
    BillingTable.metadata.create_all(engine)
    uow = lambda: UnitOfWork(engine, models.OutboxMessage)  # noqa: E731
    apply_all(uow, [provider_created(P)])
    assert main(["set-minimums", P, "Teams=5", "Enterprise=2"], settings, now=at(1, 1)) == 0
    assert "Teams=5, Enterprise=2" in capsys.readouterr().out
    first, second = domain.issue_due(uow, TERMS, at(3, 1, 12))
    assert main(["mark-paid", first, "--reference", "TRF-42"], settings) == 0
    assert main(["mark-paid", first, "--reference", "TRF-42"], settings) == 1
    assert "is paid, not open" in capsys.readouterr().err
    assert main(["void", second], settings) == 0
    assert main(["set-minimums", "nobody", "Teams=1"], settings) == 1
    with pytest.raises(SystemExit):
        main(["set-minimums", P, "Free=1"], settings)
    with uow() as unit:
        assert [(i.status, i.payment_reference, i.total) for i in unit.scalars(select(Invoice).order_by(
            Invoice.sequence))] == [("paid", "TRF-42", 3200), ("void", "", 3200)]
    engine.dispose()


def test_invoice_history_pages_by_twenty_in_any_sort(uow):
    apply_all(uow, [created(P, A, 10)])
    with uow() as unit:
        domain.set_minimums(unit, P, {"Enterprise": 1}, at(6, 1))  # later invoices cost more: totals differ
    assert len(domain.issue_due(uow, TERMS, at(3, 1, 12, year=2028))) == 26
    for sort, direction in (("number", "asc"), ("issued_at", "desc"), ("total", "desc"), ("status", "asc")):
        with uow() as unit:
            first, previous, following = domain.invoices_page(unit, P, sort, direction)
            second, back, end = domain.invoices_page(unit, P, sort, direction, after=following)
            again, _, _ = domain.invoices_page(unit, P, sort, direction, before=back)
        assert (len(first), len(second), previous, end) == (20, 6, None, None)
        assert [i.id for i in again] == [i.id for i in first]
        assert len({i.id for i in first + second}) == 26
    with uow() as unit, pytest.raises(Invalid):
        domain.invoices_page(unit, P, "total", "asc", after=following)  # a cursor of another sort
