"""How the Clients table's SQL grows: a page among 1,000, 10,000 and 100,000 clients.

For each size: the first page and a deep page (by cursor, nine tenths in) of every sort, each
timed against a baseline measured on the same database in the same run (a primary-key lookup
of one organization). The goal (issue 11) is a flat table: a page among 100,000 clients costs
at most twice a page among 1,000. A name search is shown too: a substring cannot use an index,
so it reads the provider's names (not part of the goal). Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.clients_table [SIZE ...]`.
"""
from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import select

from bench.measure import median_seconds
from services.common.database import UnitOfWork, make_engine, utcnow
from services.common.migrations import upgrade
from services.orgs import domain, models
from services.orgs.domain.clients import CLIENT_KEYS
from services.orgs.domain.paging import Ordering

SIZES = (1_000, 10_000, 100_000)
REPEAT = 30
GOAL = 2.0


def populate(engine, clients: int) -> tuple[str, str, str]:
    """One provider with `clients` clients and their 1 to 3 members, bulk-inserted."""
    admin, provider_id, now = str(uuid.uuid4()), str(uuid.uuid4()), utcnow()
    organizations, links, members = [], [], []
    for number in range(clients):
        organization_id, seated = str(uuid.uuid4()), number % 3 + 1
        organizations.append(dict(id=organization_id, name=f"Client {number:06}",
                                  plan=("Teams", "Enterprise")[number % 2], seats=number % 90 + 10,
                                  used_seats=seated, provider_id=provider_id,
                                  billing_email="b@bench.example", public_key="k", encrypted_private_key="2.a|b|c",
                                  created_at=now))
        links.append(dict(id=str(uuid.uuid4()), provider_id=provider_id, organization_id=organization_id,
                          client_name_key=f"client {number:06}", encrypted_org_key="2.a|b|c", created_at=now))
        members += [dict(id=str(uuid.uuid4()), organization_id=organization_id, email=f"m{seat}@c{number}.example",
                         role="user", status="invited", permissions=[], created_at=now, updated_at=now)
                    for seat in range(seated)]
    with engine.begin() as connection:
        connection.execute(insert(models.Provider.__table__), [dict(id=provider_id, name="Bench MSP", created_at=now,
                                                                    client_count=clients)])
        connection.execute(insert(models.ProviderUser.__table__), [dict(
            id=str(uuid.uuid4()), provider_id=provider_id, user_id=admin, email="a@bench.example", role="admin",
            status="confirmed", wrapped_provider_key="4.x", created_at=now)])
        connection.execute(insert(models.Organization.__table__), organizations)
        connection.execute(insert(models.ProviderOrganization.__table__), links)
        connection.execute(insert(models.Member.__table__), members)
    return provider_id, admin, organizations[clients // 2]["id"]


def deep_cursor(engine, provider_id: str, sort: str, clients: int) -> str:
    """The cursor of the row nine tenths into the table sorted by `sort` (found once, by OFFSET)."""
    columns, types, key_of = CLIENT_KEYS[sort]
    organization, link = models.Organization, models.ProviderOrganization
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        row = uow.session.exec(select(organization.id, organization.seats, organization.used_seats, organization.plan,
                                      link.client_name_key)
                               .join(link, link.organization_id == organization.id)
                               .where(link.provider_id == provider_id)
                               .order_by(*columns).offset(clients * 9 // 10).limit(1)).one()
    return Ordering("clients", provider_id, sort, False, columns, types).cursor(key_of(row))


def measure(clients: int) -> dict[str, float]:
    """Milliseconds of each page at this size, and of the baseline."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'orgs.db'}"
        upgrade("orgs", url)
        engine = make_engine(url)
        provider_id, admin, some_org = populate(engine, clients)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")

        def timed(action) -> float:
            def once():
                with UnitOfWork(engine, models.OutboxMessage) as uow:
                    action(uow)
            once()  # warm the cache: every run reads a warm database
            return median_seconds(once, REPEAT) * 1e3

        results = {"baseline": timed(lambda uow: uow.get(models.Organization, some_org))}
        for sort in domain.CLIENT_SORTS:
            cursor = deep_cursor(engine, provider_id, sort, clients)
            results[f"{sort}_first"] = timed(lambda uow, s=sort: domain.list_clients(uow, admin, provider_id, s))
            results[f"{sort}_deep"] = timed(lambda uow, s=sort, c=cursor: domain.list_clients(
                uow, admin, provider_id, s, after=c))
        # The last client's number: one match, found only after reading every name.
        needle = f"client {clients - 1:06}"
        results["search"] = timed(lambda uow: domain.list_clients(uow, admin, provider_id, search=needle))
        engine.dispose()
    return results


def main(sizes=SIZES) -> None:
    runs = {}
    for clients in sizes:
        runs[clients] = found = measure(clients)
        baseline = found["baseline"]
        print(f"{clients:,} clients: baseline (primary-key lookup) {baseline:.3f} ms")
        for name, ms in found.items():
            if name != "baseline":
                print(f"  {name}: {ms:.2f} ms = {ms / baseline:.1f}x baseline")
    small, large = runs[min(sizes)], runs[max(sizes)]
    pages = [name for name in small if name not in ("baseline", "search")]
    growth = {name: large[name] / small[name] for name in pages}
    worst = max(growth, key=growth.get)
    print(f"growth {max(sizes):,}/{min(sizes):,} per page: " + " ".join(f"{n}={g:.2f}" for n, g in growth.items())
          + f"; search={large['search'] / small['search']:.1f} (a substring: reads every name)")
    first_pages = " ".join(f"{n}={runs[n]['name_first']:.2f}ms" for n in sizes)
    print(f"clients_table: page growth {max(sizes):,}/{min(sizes):,} worst {growth[worst]:.2f}x ({worst}), goal "
          f"<= {GOAL:.0f}x {'met' if growth[worst] <= GOAL else 'NOT met'}; first page by name {first_pages}; "
          f"baseline {large['baseline']:.3f} ms")


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
