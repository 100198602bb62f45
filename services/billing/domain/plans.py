"""Plans, prices, money and billing periods (ADR 20). Money is integer minor units everywhere."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

PLANS = ("Teams", "Enterprise")
MAX_MINIMUM = 10_000  # no client holds more seats than this, so no minimum needs to
LAST_BILLING_DAY = 28  # every month has it: a period always ends on the same day of the next month

# The member states of the EU; a tax id in one of them but the seller's means a reverse charge.
EU_COUNTRIES = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up to a whole number, in integers (never a float)."""
    return (2 * numerator + denominator) // (2 * denominator)


def prorated(price: int, seat_days: int, days: int) -> int:
    """What `seat_days` cost in a period of `days` days at `price` per seat per month."""
    return round_half_up(price * seat_days, days)


def tax_of(subtotal: int, rate: int) -> int:
    """Tax at `rate` basis points on `subtotal`, rounded half-up once."""
    return round_half_up(subtotal * rate, 10_000)


def tax_terms(country: str, tax_id: str, terms) -> tuple[int, bool]:
    """The tax rate (basis points) a buyer of `country` pays, and whether it is a reverse charge
    (an EU buyer with a tax id outside the seller's country accounts for the tax itself)."""
    if tax_id and country in EU_COUNTRIES and country != terms.seller_country:
        return 0, True
    return terms.tax_rates.get(country, 0), False


def billing_day_of(start: date) -> int:
    """The billing day of a billing that started on `start`."""
    return min(start.day, LAST_BILLING_DAY)


def next_month(day: date) -> date:
    """The same day of the next month (`day` is a billing day, so at most the 28th)."""
    return date(day.year + day.month // 12, day.month % 12 + 1, day.day)


def period_containing(day: date, billing_day: int) -> tuple[date, date]:
    """The period [start, end) of a billing on `billing_day` that holds `day`."""
    start = date(day.year, day.month, billing_day)
    if day < start:
        start = date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, billing_day)
    return start, next_month(start)


def days_of(start: date, end: date) -> list[date]:
    """Every day of [start, end)."""
    return [start + timedelta(days=n) for n in range((end - start).days)]


def end_of(day: date) -> datetime:
    """The instant a day ends (UTC): what a day is billed by is what holds then."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.utc)
