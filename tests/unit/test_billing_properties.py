"""Properties of provider invoices over any history of client events (hypothesis): the lines add up,
nothing is negative, re-applying any event changes nothing, and events of the same instant give
the same invoice in any order."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from services.billing import domain, models
from services.billing.domain.ledger import row_of
from services.billing.models import BillingTable, SeatChange, Subscription
from tests.unit.billing_support import PRICES, added, at, created, plan, seats, unlinked

START, END = date(2026, 1, 1), date(2026, 2, 1)
ORGS = ("org-a", "org-b", "org-c")


@st.composite
def histories(draw, provider="prov"):
    """Each client created on a day of January, then changed on later days (several on one instant)."""
    events = []
    for organization in ORGS[:draw(st.integers(1, 3))]:
        day = draw(st.integers(1, 20))
        events.append(created(provider, organization, draw(st.integers(1, 40)), draw(st.sampled_from(domain.PLANS)),
                              at(1, day)))
        for _ in range(draw(st.integers(0, 4))):
            day = draw(st.integers(day, 31))
            when = at(1, day, draw(st.sampled_from((9, 12))))
            kind = draw(st.sampled_from(("seats", "plan", "unlinked", "added")))
            events.append({"seats": lambda: seats(provider, organization, draw(st.integers(1, 40)), when),
                           "plan": lambda: plan(provider, organization, draw(st.sampled_from(domain.PLANS)), when),
                           "unlinked": lambda: unlinked(provider, organization, when),
                           "added": lambda: added(provider, organization, when)}[kind]())
    return events


def lines_from(events, minimums=None):
    rows = [row_of(event) for event in events]
    clients = {}
    for row in rows:
        clients.setdefault(row.organization_id, []).append(row)
    minimum_rows = [SeatChange(event_id=str(uuid.uuid4()), kind="minimum", provider_id="prov", plan=plan_name,
                               seats=value, effective_at=at(1, 1, 0)) for plan_name, value in (minimums or {}).items()]
    return domain.lines_of("prov", clients, minimum_rows, {}, PRICES, START, END, START)


@given(histories(), st.dictionaries(st.sampled_from(domain.PLANS), st.integers(0, 50)), st.integers(0, 2500))
def test_the_lines_add_up_to_the_total_and_nothing_is_negative(events, minimums, rate):
    lines = lines_from(events, minimums)
    bill = domain.Bill(START, END, lines, rate, False)
    assert sum(line.amount for line in lines) == bill.subtotal and bill.subtotal + bill.tax == bill.total
    assert all(line.amount >= 0 and line.quantity >= 0 for line in lines)
    # The pool and the additional seats carry the cost: their seat-days are what the clients used, or the minimum.
    for plan_name in domain.PLANS:
        used = sum(line.quantity for line in lines if line.plan == plan_name and line.kind == "client")
        extra = sum(line.quantity for line in lines if line.plan == plan_name and line.kind == "additional_seats")
        minimum = sum(line.quantity for line in lines if line.plan == plan_name and line.kind == "seat_minimum")
        assert extra >= used - minimum and (extra == 0 or used > 0)


@given(histories(), st.randoms(use_true_random=False))
def test_events_in_any_order_give_the_same_invoice(events, shuffler):
    shuffled = list(events)
    shuffler.shuffle(shuffled)
    assert lines_from(shuffled) == lines_from(events)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories(), st.data())
def test_re_applying_any_event_changes_nothing(make_uow, events, data):
    uow = make_uow(models, BillingTable)
    provider = str(uuid.uuid4())
    events = [type(e)(**{**e.__dict__, "providerid": provider if e.providerid else None,
                         "data": {**e.data, "organization_id": f"{provider}:{e.data['organization_id']}"[-36:]},
                         "id": str(uuid.uuid4())}) for e in events]
    for event in events:
        with uow() as unit:
            domain.apply(unit, event, PRICES)
            unit.commit()

    def state():
        with uow() as unit:
            ids = {e.data["organization_id"] for e in events}
            return (sorted((r.event_id, r.plan, r.seats) for r in unit.scalars(
                        select(SeatChange).where(SeatChange.organization_id.in_(ids)))),
                    sorted((s.organization_id, s.plan, s.seats, s.provider_id, s.status) for s in unit.scalars(
                        select(Subscription).where(Subscription.organization_id.in_(ids)))))
    before = state()
    again = data.draw(st.sampled_from(events))
    with uow() as unit:
        assert domain.apply(unit, again, PRICES) is None
        unit.commit()
    assert state() == before


def test_a_period_is_a_calendar_month_from_the_billing_day():
    assert domain.period_containing(date(2026, 3, 3), 5) == (date(2026, 2, 5), date(2026, 3, 5))
    assert domain.period_containing(date(2026, 12, 28), 28) == (date(2026, 12, 28), date(2027, 1, 28))
    assert domain.period_containing(date(2026, 1, 2), 15) == (date(2025, 12, 15), date(2026, 1, 15))
    assert all((domain.period_containing(START + timedelta(days=n), 1)[1] - domain.period_containing(
        START + timedelta(days=n), 1)[0]).days in (28, 30, 31) for n in range(365))

