"""How long events are kept: per organization, and the worker's chore that deletes what is older."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, true
from sqlmodel import Session, select

from services.common.database import utcnow
from services.common.errors import Invalid

from ..models import LoggedEvent, LogSettings, OutboxMessage

COPIES_KEPT = timedelta(days=1)  # a published copy's outbox row, kept a day to tell what was sent
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
PURGE_BATCH = 5000  # rows per transaction: a purge never holds the log's table for long
PURGE_BATCHES_PER_TICK = 20  # at most 100,000 rows a tick; a backlog is worked off tick after tick
log = logging.getLogger(__name__)


def retention_days(uow, organization_id: str, default_days: int) -> int:
    """How many days the organization's events are kept."""
    row = uow.get(LogSettings, organization_id)
    return row.retention_days if row is not None else default_days


def set_retention(uow, organization_id: str, days: int) -> int:
    """Keep the organization's events `days` days (MIN_RETENTION_DAYS to MAX_RETENTION_DAYS)."""
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise Invalid("Keep events from %(low)s to %(high)s days.", "retention_days", code="retention.out_of_range",
                      low=MIN_RETENTION_DAYS, high=MAX_RETENTION_DAYS)
    row = uow.get(LogSettings, organization_id) or LogSettings(organization_id=organization_id, retention_days=days)
    row.retention_days = days
    uow.add(row)
    uow.commit()
    return days


def _delete_batch(engine, condition) -> int:
    """Delete up to PURGE_BATCH of the oldest events matching `condition`, in one transaction."""
    with Session(engine) as session:
        oldest = select(LoggedEvent.id).where(condition).order_by(LoggedEvent.time, LoggedEvent.id) \
            .limit(PURGE_BATCH)
        deleted = session.exec(delete(LoggedEvent).where(LoggedEvent.id.in_(oldest.scalar_subquery()))).rowcount
        session.commit()
    return deleted


def purge(engine, default_days: int, now: datetime | None = None) -> int:
    """Delete the events older than their organization's retention (`default_days` for the rest), oldest
    first, PURGE_BATCH rows a transaction; how many were deleted."""
    now = now or utcnow()
    with Session(engine) as session:
        chosen = {row.organization_id: row.retention_days for row in session.exec(select(LogSettings))}
    plans = [(LoggedEvent.organization_id == organization_id) & (LoggedEvent.time < now - timedelta(days=days))
             for organization_id, days in chosen.items()]
    # Everything else (other organizations, providers' own events, accounts') is kept the default time.
    others = or_(LoggedEvent.organization_id.is_(None), LoggedEvent.organization_id.not_in(list(chosen))) \
        if chosen else true()
    plans.append((LoggedEvent.time < now - timedelta(days=default_days)) & others)
    total, batches = 0, 0
    for condition in plans:
        while batches < PURGE_BATCHES_PER_TICK:
            deleted = _delete_batch(engine, condition)
            total, batches = total + deleted, batches + 1
            if deleted < PURGE_BATCH:
                break
    if total:
        log.info("retention: deleted %d events", total)
    return total


def drop_published_copies(engine, now: datetime | None = None) -> int:
    """Delete the outbox rows of copies published more than a day ago, PURGE_BATCH a transaction (at
    most PURGE_BATCHES_PER_TICK); how many were deleted. The stream keeps the copies themselves."""
    before, total = (now or utcnow()) - COPIES_KEPT, 0
    for _ in range(PURGE_BATCHES_PER_TICK):
        with Session(engine) as session:
            oldest = select(OutboxMessage.seq).where(OutboxMessage.published_at < before) \
                .order_by(OutboxMessage.seq).limit(PURGE_BATCH)
            deleted = session.exec(delete(OutboxMessage).where(OutboxMessage.seq.in_(oldest.scalar_subquery()))) \
                .rowcount
            session.commit()
        total += deleted
        if deleted < PURGE_BATCH:
            break
    return total
