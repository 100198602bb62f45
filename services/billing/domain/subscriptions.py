"""What a provider's and a client's Billing pages read: seats against minimums, and who bills a client."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import func, select

from services.common.errors import NotFound

from ..models import BillingAccount, Subscription
from .ledger import minimums_of
from .plans import PLANS


def plans_of(uow, provider_id: str, prices: dict[str, int], now: datetime) -> list[dict]:
    """Per plan: its price, the provider's minimum, the seats its clients use now and those above the minimum."""
    used = dict(uow.session.exec(select(Subscription.plan, func.sum(Subscription.seats))
                                 .where(Subscription.provider_id == provider_id)
                                 .group_by(Subscription.plan)).all())
    minimums = minimums_of(uow, provider_id, now)
    return [{"plan": plan, "seat_price": prices[plan], "seat_minimum": minimums[plan],
             "seats_used": int(used.get(plan) or 0),
             "additional_seats": max(0, int(used.get(plan) or 0) - minimums[plan])} for plan in PLANS]


def subscription_of(uow, organization_id: str) -> Subscription:
    """The organization's subscription."""
    subscription = uow.first(select(Subscription).where(Subscription.organization_id == organization_id))
    if subscription is None:
        raise NotFound("This organization has no subscription yet.", code="subscription.not_found")
    return subscription


def monthly_price_cents(subscription: Subscription) -> int:
    """What the subscription's seats cost a month at its plan's price."""
    return subscription.seats * subscription.seat_price_cents


def billed_by(uow, subscription: Subscription) -> dict | None:
    """The provider that bills the organization, if one does."""
    if subscription.provider_id is None:
        return None
    account = uow.get(BillingAccount, subscription.provider_id)
    return {"provider_id": subscription.provider_id,
            "name": (account.provider_name or account.name) if account else ""}


def billing_day(uow, provider_id: str) -> int | None:
    """The day of the month the provider's periods start; None before its billing starts."""
    account = uow.get(BillingAccount, provider_id)
    return account.billing_day if account else None
