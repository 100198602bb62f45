"""How the Event logs page grows, and what the filters and the export cost over the raw SQL they run.

Each size (10,000 and 1,000,000 events) gets its own SQLite file (audit's migrated schema), filled
by bulk executemany. The newest page, a deep page (by cursor, nine tenths back) and the page just
newer than it are timed, for the provider's log and for one organization's, against a baseline
measured on the same database in the same run (a primary-key lookup of one event). The goal
(issue 11): a page among 1,000,000 events costs about what it costs among 10,000.

Issue 12: an organization's page filtered by date range, event group and user, and the export
of that filtered range (every page of 1,000 by cursor, as the gateway pulls it), each through
audit's domain against the same query as raw indexed SQL on the same database (sqlite3, rows
fetched, nothing else; and the same with each row's JSON data decoded, which any reader of the
rows must do): goal ≤ 2× the raw SQL. Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.event_log [EVENTS ...]` (default 10000 1000000).
"""
from __future__ import annotations

import json
import sys
import tempfile
import uuid
from datetime import date, datetime, timedelta, timezone
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
ACTORS = 10
TODAY = date(2026, 1, 2)
FILTER = dict(start="2026-01-01", end="2026-01-01", group="members")  # and the first actor
RAW_FILTERED = ('SELECT id, type, code, source, subject, time, provider_id, organization_id, actor_id, ip, device, '
                'data, "group" FROM events WHERE organization_id = :organization AND time >= :start AND time < :end '
                'AND "group" = :group AND actor_id = :actor ORDER BY time DESC, id DESC')


# One in eight events is a policy change, the rest member events: the group filter has something to skip.
KINDS = [("org.member.invited", 1500, "members")] * 7 + [("org.policy.updated", 1700, "policies")]


def populate(engine, events: int) -> tuple[str, list[str], list[str]]:
    """One provider's log of `events` events over ORGANIZATIONS clients, a millisecond apart, a few at once,
    by ACTORS people (each known to the log, as ingest would have made them)."""
    provider_id = str(uuid.uuid4())
    organizations = [str(uuid.uuid4()) for _ in range(ORGANIZATIONS)]
    actors = [str(uuid.uuid4()) for _ in range(ACTORS)]
    with engine.begin() as connection:
        for first in range(0, events, CHUNK):
            connection.execute(insert(models.LoggedEvent.__table__), [dict(
                id=str(uuid.uuid4()), type=KINDS[number % 8][0], code=KINDS[number % 8][1], source="orgs",
                subject=None, time=START + timedelta(milliseconds=number // 3), provider_id=provider_id,
                organization_id=organizations[number % ORGANIZATIONS], actor_id=actors[number % 7 % ACTORS],
                ip="198.51.100.7", device="web", traceparent=None, data={"email": f"m{number}@bench.example"},
                group=KINDS[number % 8][2], search=f"m{number}@bench.example")
                for number in range(first, min(first + CHUNK, events))])
        connection.execute(insert(models.KnownUser.__table__), [
            {"id": actor, "name": f"Person {n}", "email": f"p{n}@bench.example"} for n, actor in enumerate(actors)])
        connection.execute(insert(models.LogActor.__table__), [
            {"log": f"organization:{organization}", "user_id": actor}
            for organization in organizations for actor in actors])
        connection.exec_driver_sql("ANALYZE")
    return provider_id, organizations, actors


def log_of(scope: dict) -> domain.Log:
    return domain.Log(provider_id=scope.get("provider_id"), organization_id=scope.get("organization_id"))


EVERYTHING = domain.EventFilter.parse(start="2026-01-01", today=TODAY)


def deep_cursor(engine, scope: dict, events_in_scope: int) -> str:
    """The cursor of the event nine tenths back in the log (found once, by OFFSET)."""
    column, value = (models.LoggedEvent.provider_id, scope["provider_id"]) if "provider_id" in scope else (
        models.LoggedEvent.organization_id, scope["organization_id"])
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        event = uow.session.exec(select(models.LoggedEvent).where(column == value)
                                 .order_by(models.LoggedEvent.time.desc(), models.LoggedEvent.id.desc())
                                 .offset(events_in_scope * 9 // 10).limit(1)).one()
    return domain.cursor_at(log_of(scope), EVERYTHING, event)


def measure(events: int) -> dict[str, float]:
    """Milliseconds of each page among `events` events, and of the baseline."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'audit.db'}"
        upgrade("audit", url)
        engine = make_engine(url)
        provider_id, organizations, actors = populate(engine, events)
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
            log = log_of(scope)
            results[f"{label}_newest"] = timed(lambda uow, g=log: domain.events_page(uow, g, EVERYTHING))
            results[f"{label}_older"] = timed(lambda uow, g=log, c=deep: domain.events_page(uow, g, EVERYTHING,
                                                                                            after=c))
            results[f"{label}_newer"] = timed(lambda uow, g=log, c=deep: domain.events_page(uow, g, EVERYTHING,
                                                                                            before=c))
        results.update(measure_filtered(engine, organizations[0], actors[0], timed))
        engine.dispose()
    return results


def export_all(uow, log: domain.Log, event_filter: domain.EventFilter) -> int:
    """Every event of the filtered log, a page of MAX_PAGE_SIZE at a time by cursor (the gateway's export)."""
    count, cursor = 0, ""
    while True:
        page = domain.events_page(uow, log, event_filter, after=cursor, size=domain.MAX_PAGE_SIZE)
        count += len(page.events)
        if not page.older:
            return count
        cursor = page.older


def measure_filtered(engine, organization: str, actor: str, timed) -> dict[str, float]:
    """Milliseconds of a filtered page and of its filtered export, through audit's domain and as raw SQL."""
    log = domain.Log(organization_id=organization)
    event_filter = domain.EventFilter.parse(**FILTER, actor_id=actor, today=TODAY)
    bounds = {"organization": organization, "start": START.isoformat(sep=" ").replace("+00:00", ""),
              "end": (START + timedelta(days=1)).isoformat(sep=" ").replace("+00:00", ""), "group": "members",
              "actor": actor}
    raw_page = RAW_FILTERED + f" LIMIT {domain.PAGE_SIZE + 1}"

    def raw(uow, sql: str) -> list:
        # The sqlite3 connection itself: no SQLAlchemy, no row objects, no JSON decoding.
        return uow.session.connection().connection.driver_connection.execute(sql, bounds).fetchall()

    with UnitOfWork(engine, models.OutboxMessage) as uow:  # the two must read the same rows
        assert export_all(uow, log, event_filter) == len(raw(uow, RAW_FILTERED)) > 0
        assert [e.id for e in domain.events_page(uow, log, event_filter).events] == \
            [row[0] for row in raw(uow, raw_page)][:domain.PAGE_SIZE]
    def decoded(uow, sql: str) -> list:
        # What any reader of those rows must do before using them: the JSON data decoded.
        return [(*row[:11], json.loads(row[11]), row[12]) for row in raw(uow, sql)]

    return {"filtered_page": timed(lambda uow: domain.events_page(uow, log, event_filter)),
            "raw_page": timed(lambda uow: raw(uow, raw_page)),
            "decoded_page": timed(lambda uow: decoded(uow, raw_page)),
            "filtered_export": timed(lambda uow: export_all(uow, log, event_filter)),
            "raw_export": timed(lambda uow: raw(uow, RAW_FILTERED)),
            "decoded_export": timed(lambda uow: decoded(uow, RAW_FILTERED))}


PAGES = ("provider_newest", "provider_older", "provider_newer", "organization_newest", "organization_older",
         "organization_newer")


def main(sizes=SIZES) -> None:
    runs = {}
    for events in sizes:
        runs[events] = found = measure(events)
        print(f"{events:,} events: baseline (primary-key lookup) {found['baseline']:.3f} ms")
        for name in PAGES:
            print(f"  {name}: {found[name]:.2f} ms = {found[name] / found['baseline']:.1f}x baseline")
        for name in ("page", "export"):
            ours, raw, decoded = found[f"filtered_{name}"], found[f"raw_{name}"], found[f"decoded_{name}"]
            print(f"  filtered {name} (organization, one day, members, one user): {ours:.2f} ms vs raw SQL "
                  f"{raw:.2f} ms = {ours / raw:.2f}x (raw SQL with its JSON decoded {decoded:.2f} ms = "
                  f"{ours / decoded:.2f}x)")
    small, large = runs[min(sizes)], runs[max(sizes)]
    growth = {name: large[name] / small[name] for name in PAGES}
    worst = max(growth, key=growth.get)
    page_ratio = large["filtered_page"] / large["raw_page"]
    export_ratio = large["filtered_export"] / large["raw_export"]
    met = growth[worst] <= GOAL and page_ratio <= GOAL and export_ratio <= GOAL
    print(f"growth {max(sizes):,}/{min(sizes):,} per page: " + " ".join(f"{n}={g:.2f}" for n, g in growth.items()))
    print(f"event_log: page growth {max(sizes):,}/{min(sizes):,} events worst {growth[worst]:.2f}x ({worst}); at "
          f"{max(sizes):,} events filtered page {page_ratio:.2f}x and filtered export {export_ratio:.2f}x raw SQL "
          f"({large['filtered_export']:.1f} ms); goals <= {GOAL:.0f}x {'met' if met else 'NOT met'}; newest page "
          f"{small['provider_newest']:.2f} ms vs {large['provider_newest']:.2f} ms; "
          f"baseline {large['baseline']:.3f} ms")


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
