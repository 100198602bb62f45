"""The seat ledger and the subscriptions it yields: orgs' events applied once each, in any order.

Each applied event is a row of `seat_changes` setting only what its event changed; the state of
a client at any instant is, per attribute (plan, seats, provider), the last row setting it by
(effective time, event id). So a redelivered event finds its row and changes nothing, and events
that arrive in another order than they happened (each subject has its own consumer) give the
same state, the same subscription and the same invoices.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import select

from services.common.database import utcnow
from services.common.envelope import Event
from services.common.errors import Invalid, NotFound

from ..models import BillingAccount, SeatChange, Subscription
from .plans import MAX_MINIMUM, PLANS, billing_day_of

# What each kind of row sets.
SETS = {"created": ("plan", "seats", "provider"), "seats": ("seats",), "plan": ("plan",),
        "unlinked": ("provider",), "added": ("provider",)}
LINKING = ("created", "added")


@dataclass(frozen=True)
class ClientState:
    """A client's plan, seats and provider at one instant, and the events that made them so."""

    plan: str
    seats: int
    provider_id: str | None
    unlinked: bool  # it left a provider and nobody bills it since
    event_ids: tuple[str, ...]


def in_order(rows) -> list[SeatChange]:
    """Ledger rows in the order they took effect; the event id settles a tie the same way every time."""
    return sorted(rows, key=lambda row: (row.effective_at, row.event_id))


def _state(last: dict[str, SeatChange]) -> ClientState | None:
    if "plan" not in last or "seats" not in last:
        return None
    link = last.get("provider")
    unlinked = link is not None and link.kind == "unlinked"
    return ClientState(last["plan"].plan, last["seats"].seats, None if unlinked or link is None else link.provider_id,
                       unlinked, tuple(sorted({row.event_id for row in last.values()})))


def fold_each(rows, instants: list[datetime]) -> list[ClientState | None]:
    """The client's state before each of `instants` (in increasing order), in one pass over its rows
    sorted once: an invoice asks for every day of a month, and refolding per day made the
    Subscription page's estimate cost days × rows."""
    ordered, states, last, at = in_order(rows), [], {}, 0
    state, changed = None, True
    for until in instants:
        while at < len(ordered) and ordered[at].effective_at < until:
            for attribute in SETS[ordered[at].kind]:
                last[attribute] = ordered[at]
            at, changed = at + 1, True
        if changed:  # most days change nothing: the same state serves them
            state, changed = _state(last), False
        states.append(state)
    return states


def fold(rows, until: datetime | None = None) -> ClientState | None:
    """The client's state from its rows (in effect before `until`, when given); None before its creation."""
    if until is None:
        last: dict[str, SeatChange] = {}
        for row in in_order(rows):
            for attribute in SETS[row.kind]:
                last[attribute] = row
        return _state(last)
    return fold_each(rows, [until])[0]


def minimums_each(rows, plan: str, instants: list[datetime]) -> list[tuple[int, str | None]]:
    """A provider's seat minimum of `plan` before each of `instants` (increasing), and the event that set it."""
    ordered, found, at, each = [row for row in in_order(rows) if row.plan == plan], (0, None), 0, []
    for until in instants:
        while at < len(ordered) and ordered[at].effective_at < until:
            found = ordered[at].seats or 0, ordered[at].event_id
            at += 1
        each.append(found)
    return each


def minimum_at(rows, plan: str, until: datetime) -> tuple[int, str | None]:
    """A provider's seat minimum of `plan` before `until`, from its minimum rows, and the event that set it."""
    return minimums_each(rows, plan, [until])[0]


def _cleaned_plan(value) -> str:
    if value not in PLANS:
        raise Invalid("Unknown plan '%(plan)s'.", "plan", code="plan.unknown", plan=str(value))
    return value


def row_of(event: Event) -> SeatChange:
    """The ledger row an orgs event makes."""
    data, kind = event.data, event.type.removeprefix("org.").removesuffix(".changed")
    kind = {"created": "created", "standalone.created": "created"}.get(kind, kind)
    row = SeatChange(event_id=event.id, kind=kind, organization_id=data["organization_id"],
                     provider_id=event.providerid, effective_at=event.time)
    if kind == "created":
        row.plan, row.seats = _cleaned_plan(data["plan"]), int(data["seats"])
    elif kind == "seats":
        row.seats = int(data["seats"])
    elif kind == "plan":
        row.plan = _cleaned_plan(data["plan"])
    return row


def apply(uow, event: Event, prices: dict[str, int]) -> Subscription | None:
    """Apply one orgs event to the ledger and the client's subscription (once, however often told)."""
    row = row_of(event)
    if uow.first(select(SeatChange.seq).where(SeatChange.event_id == event.id)) is not None:
        return None
    uow.add(row)
    uow.flush()
    if row.kind in LINKING and row.provider_id:
        start_billing(uow, row.provider_id, row.effective_at)
    subscription = _follow(uow, row.organization_id, event.data.get("name"), prices)
    if subscription is not None:
        uow.publish(Event("subscription.changed", {
            "organization_id": subscription.organization_id, "provider_id": subscription.provider_id,
            "plan": subscription.plan, "seats": subscription.seats, "status": subscription.status,
            "change": row.kind}, subject=subscription.organization_id, orgid=subscription.organization_id,
            # An unlinking is filed in the log of the provider it left.
            providerid=subscription.provider_id or row.provider_id, actorid=event.actorid,
            traceparent=event.traceparent))
    return subscription


def _follow(uow, organization_id: str, name: str | None, prices: dict[str, int]) -> Subscription | None:
    """The client's subscription made to match its ledger; None until its creation is applied."""
    state = fold(uow.scalars(select(SeatChange).where(SeatChange.organization_id == organization_id)).all())
    if state is None:
        return None  # a later change applied before the creation: the creation brings it in
    subscription = uow.first(select(Subscription).where(Subscription.organization_id == organization_id))
    if subscription is None:
        subscription = Subscription(organization_id=organization_id, plan=state.plan, seats=state.seats,
                                    seat_price_cents=prices[state.plan])
    subscription.plan, subscription.seats, subscription.provider_id = state.plan, state.seats, state.provider_id
    subscription.seat_price_cents = prices[state.plan]
    subscription.status = "billing_needed" if state.unlinked else "active"
    subscription.organization_name = name or subscription.organization_name
    subscription.updated_at = utcnow()
    uow.add(subscription)
    return subscription


def account_of(uow, provider_id: str) -> BillingAccount:
    """The provider's billing account, opened now if it has none yet."""
    account = uow.get(BillingAccount, provider_id)
    if account is None:
        account = BillingAccount(provider_id=provider_id)
        uow.add(account)
        uow.flush()
    return account


def start_billing(uow, provider_id: str, when: datetime) -> BillingAccount:
    """Start the provider's billing at `when` unless it already started: its billing day is that day's."""
    account = account_of(uow, provider_id)
    if account.billing_start is None:
        account.billing_start = when.date()
        account.billing_day = billing_day_of(account.billing_start)
        uow.add(account)
    return account


def name_provider(uow, provider_created: Event) -> None:
    """Remember a provider's name, which its clients' Billing page shows as who bills them."""
    account = account_of(uow, provider_created.data["provider_id"])
    account.provider_name = str(provider_created.data.get("name") or "")[:200]
    uow.add(account)


def ledger_of(uow, provider_id: str, before: datetime) -> tuple[dict[str, list[SeatChange]], list[SeatChange]]:
    """The ledger rows an invoice of the provider up to `before` reads: each client's ever linked to it
    (by organization), and its minimum rows."""
    clients = select(SeatChange.organization_id).where(SeatChange.provider_id == provider_id,
                                                       SeatChange.kind.in_(("created", "added", "unlinked")))
    rows = uow.scalars(select(SeatChange).where(SeatChange.effective_at < before, or_(
        SeatChange.organization_id.in_(clients),
        (SeatChange.kind == "minimum") & (SeatChange.provider_id == provider_id)))).all()
    by_client: dict[str, list[SeatChange]] = {}
    for row in rows:
        if row.kind != "minimum":
            by_client.setdefault(row.organization_id, []).append(row)
    return by_client, [row for row in rows if row.kind == "minimum"]


def minimums_of(uow, provider_id: str, now: datetime | None = None) -> dict[str, int]:
    """The provider's seat minimum of each plan now."""
    rows = uow.scalars(select(SeatChange).where(SeatChange.kind == "minimum",
                                                SeatChange.provider_id == provider_id)).all()
    now = now or utcnow()
    return {plan: minimum_at(rows, plan, now)[0] for plan in PLANS}


def set_minimums(uow, provider_id: str, wanted: dict, now: datetime) -> dict[str, int]:
    """An operator sets the provider's seat minimums (from now on); the minimums now in force."""
    for plan, value in wanted.items():
        _cleaned_plan(plan)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MINIMUM:
            raise Invalid("A seat minimum is a whole number from 0 to %(most)s.", plan, code="billing.minimum_invalid",
                          most=MAX_MINIMUM)
    if uow.get(BillingAccount, provider_id) is None:
        raise NotFound("No provider '%(provider)s' is known to billing.", "provider_id",
                       code="billing.provider_unknown", provider=provider_id)
    previous = minimums_of(uow, provider_id, now)
    changed = {plan: value for plan, value in wanted.items() if previous[plan] != value}
    if not changed:
        return previous
    start_billing(uow, provider_id, now)
    event = Event("minimums.changed", {"provider_id": provider_id, "seat_minimums": {**previous, **changed},
                                       "previous": previous}, subject=provider_id, providerid=provider_id)
    for plan, value in changed.items():
        uow.add(SeatChange(event_id=event.id, kind="minimum", provider_id=provider_id, plan=plan, seats=value,
                           effective_at=now))
    uow.publish(event)
    uow.commit()
    return {**previous, **changed}
