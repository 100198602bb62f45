"""How the Event logs page grows: a page of a provider's log among 10,000 events and among 1,000,000.

Each size gets its own SQLite file (audit's migrated schema), filled by bulk executemany. The
newest page, a deep page (by cursor, nine tenths back) and the page just newer than it are timed,
for the provider's log and for one organization's, against a baseline measured on the same
database in the same run (a primary-key lookup of one event). The goal (issue 11): a page among
1,000,000 events costs about what it costs among 10,000. Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.event_log [EVENTS ...]` (default 10000 1000000).
"""
from __future__ import annotations

import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import select

from bench.measure import median_seconds
from services.audit import domain, models
from services.common.database import UnitOfWork, make_engine
from services.common.migrations import upgrade

SIZES = (10_000, 1_000_000)
REPEAT = 30
CHUNK = 50_000
ORGANIZATIONS = 20
GOAL = 2.0
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def populate(engine, events: int) -> tuple[str, list[str]]:
    """One provider's log of `events` events over ORGANIZATIONS clients, a millisecond apart, a few at once."""
    provider_id = str(uuid.uuid4())
    organizations = [str(uuid.uuid4()) for _ in range(ORGANIZATIONS)]
    with engine.begin() as connection:
        for first in range(0, events, CHUNK):
            connection.execute(insert(models.LoggedEvent.__table__), [dict(
                id=str(uuid.uuid4()), type="org.member.invited", code=1500, source="orgs", subject=None,
                time=START + timedelta(milliseconds=number // 3), provider_id=provider_id,
                organization_id=organizations[number % ORGANIZATIONS], actor_id=None, ip="198.51.100.7",
                device="web", traceparent=None, data={"email": f"m{number}@bench.example"})
                for number in range(first, min(first + CHUNK, events))])
        connection.exec_driver_sql("ANALYZE")
    return provider_id, organizations


def deep_cursor(engine, scope: dict, events_in_scope: int) -> str:
    """The cursor of the event nine tenths back in the log (found once, by OFFSET)."""
    column, value = (models.LoggedEvent.provider_id, scope["provider_id"]) if "provider_id" in scope else (
        models.LoggedEvent.organization_id, scope["organization_id"])
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        event = uow.session.exec(select(models.LoggedEvent).where(column == value)
                                 .order_by(models.LoggedEvent.time.desc(), models.LoggedEvent.id.desc())
                                 .offset(events_in_scope * 9 // 10).limit(1)).one()
    return domain.cursor_at(domain.log_scope(scope.get("provider_id"), scope.get("organization_id")), event)


def measure(events: int) -> dict[str, float]:
    """Milliseconds of each page among `events` events, and of the baseline."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'audit.db'}"
        upgrade("audit", url)
        engine = make_engine(url)
        provider_id, organizations = populate(engine, events)
        with UnitOfWork(engine, models.OutboxMessage) as uow:
            some_event = uow.session.exec(select(models.LoggedEvent.id).limit(1)).one()

        def timed(action) -> float:
            def once():
                with UnitOfWork(engine, models.OutboxMessage) as uow:
                    action(uow)
            once()  # every run reads a warm database
            return median_seconds(once, REPEAT) * 1e3

        results = {"baseline": timed(lambda uow: uow.get(models.LoggedEvent, some_event))}
        for label, scope, size in (("provider", {"provider_id": provider_id}, events),
                                   ("organization", {"organization_id": organizations[0]}, events // ORGANIZATIONS)):
            deep = deep_cursor(engine, scope, size)
            results[f"{label}_newest"] = timed(lambda uow, s=scope: domain.events_page(uow, **s))
            results[f"{label}_older"] = timed(lambda uow, s=scope, c=deep: domain.events_page(uow, after=c, **s))
            results[f"{label}_newer"] = timed(lambda uow, s=scope, c=deep: domain.events_page(uow, before=c, **s))
        engine.dispose()
    return results


def main(sizes=SIZES) -> None:
    runs = {}
    for events in sizes:
        runs[events] = found = measure(events)
        print(f"{events:,} events: baseline (primary-key lookup) {found['baseline']:.3f} ms")
        for name, ms in found.items():
            if name != "baseline":
                print(f"  {name}: {ms:.2f} ms = {ms / found['baseline']:.1f}x baseline")
    small, large = runs[min(sizes)], runs[max(sizes)]
    growth = {name: large[name] / small[name] for name in small if name != "baseline"}
    worst = max(growth, key=growth.get)
    print(f"growth {max(sizes):,}/{min(sizes):,} per page: " + " ".join(f"{n}={g:.2f}" for n, g in growth.items()))
    print(f"event_log: page growth {max(sizes):,}/{min(sizes):,} events worst {growth[worst]:.2f}x ({worst}), goal "
          f"<= {GOAL:.0f}x {'met' if growth[worst] <= GOAL else 'NOT met'}; newest page "
          f"{small['provider_newest']:.2f} ms vs {large['provider_newest']:.2f} ms; "
          f"baseline {large['baseline']:.3f} ms")


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
