"""Rules of subscriptions."""
from __future__ import annotations

import pytest

from services.billing import domain, models
from services.billing.models import BillingTable
from services.common.envelope import Event
from services.common.errors import NotFound


@pytest.fixture
def uow(make_uow):
    return make_uow(models, BillingTable)


def created(seats=10, plan="Enterprise") -> Event:
    return Event("org.created", {"organization_id": "org-1", "name": "Acme", "plan": plan, "seats": seats,
                                 "billing_email": "b@acme.example"}, subject="org-1", orgid="org-1", providerid="p-1")


def test_an_organization_gets_one_subscription_priced_by_its_plan(uow):
    with uow() as unit:
        subscription = domain.start_subscription(unit, created())
        unit.commit()
    assert domain.monthly_price_cents(subscription) == 6000
    with uow() as unit:
        assert domain.start_subscription(unit, created()) is None


def test_a_seat_change_before_the_subscription_exists_waits_for_redelivery(uow):
    seats = Event("org.seats.changed", {"organization_id": "org-1", "plan": "Teams", "seats": 4, "previous_seats": 3})
    with uow() as unit, pytest.raises(NotFound):
        domain.change_seats(unit, seats)
    with uow() as unit:
        domain.start_subscription(unit, created(3, "Teams"))
        unit.commit()
    with uow() as unit:
        assert domain.monthly_price_cents(domain.change_seats(unit, seats)) == 1600
