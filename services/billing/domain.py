"""The rules of plans and subscriptions. No Flask here."""
from __future__ import annotations

from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Invalid, NotFound

from .models import Subscription

# Monthly price of one seat, in cents, per plan (Bitwarden's published business prices).
SEAT_PRICES_CENTS = {"Teams": 400, "Enterprise": 600}


def monthly_price_cents(subscription: Subscription) -> int:
    """What the subscription costs a month."""
    return subscription.seats * subscription.seat_price_cents


def _event(event_type: str, subscription: Subscription, cause: Event) -> Event:
    return Event(event_type, {"subscription_id": subscription.id, "organization_id": subscription.organization_id,
                              "plan": subscription.plan, "seats": subscription.seats,
                              "monthly_price_cents": monthly_price_cents(subscription)},
                 subject=subscription.id, orgid=subscription.organization_id, providerid=subscription.provider_id,
                 actorid=cause.actorid, traceparent=cause.traceparent)


def start_subscription(uow, organization_created: Event) -> Subscription | None:
    """Open the subscription of a newly created organization (once, however often told)."""
    data = organization_created.data
    if data["plan"] not in SEAT_PRICES_CENTS:
        raise Invalid(f"Unknown plan {data['plan']!r}.", "plan")
    if uow.first(select(Subscription).where(Subscription.organization_id == data["organization_id"])):
        return None
    subscription = Subscription(organization_id=data["organization_id"], provider_id=organization_created.providerid,
                                plan=data["plan"], seats=data["seats"],
                                seat_price_cents=SEAT_PRICES_CENTS[data["plan"]])
    uow.add(subscription)
    uow.publish(_event("subscription.created", subscription, organization_created))
    return subscription


def change_seats(uow, seats_changed: Event) -> Subscription:
    """Follow an organization's new seat count."""
    subscription = uow.first(select(Subscription).where(
        Subscription.organization_id == seats_changed.data["organization_id"]))
    if subscription is None:
        # The creation event has not been applied yet; raising makes the bus redeliver later.
        raise NotFound("No subscription yet for this organization.")
    subscription.seats = seats_changed.data["seats"]
    subscription.updated_at = utcnow()
    uow.add(subscription)
    uow.publish(_event("subscription.updated", subscription, seats_changed))
    return subscription


def subscription_of(uow, organization_id: str) -> Subscription:
    """The organization's subscription."""
    subscription = uow.first(select(Subscription).where(Subscription.organization_id == organization_id))
    if subscription is None:
        raise NotFound("This organization has no subscription yet.")
    return subscription
