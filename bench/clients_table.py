"""How the Clients table's SQL scales: one page of 5,000 clients, sorted and searched.

Prints ratios against a baseline measured in the same run (a primary-key lookup on the same
database), so the numbers compare across machines. Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.clients_table [CLIENTS]`.
"""
from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from bench.measure import median_seconds
from services.common.database import UnitOfWork, make_engine
from services.common.migrations import upgrade
from services.orgs import domain, models

REPEAT = 30


def timed(action) -> float:
    """The median seconds of `action` over REPEAT runs."""
    return median_seconds(action, REPEAT)


def populate(engine, clients: int) -> tuple[str, str, str]:
    admin = str(uuid.uuid4())
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        provider = models.Provider(name="Bench MSP")
        uow.add(provider)
        uow.flush()
        uow.add(models.ProviderUser(provider_id=provider.id, user_id=admin, email="a@bench.example", role="admin",
                                    status="confirmed", wrapped_provider_key="4.x"))
        first = None
        for number in range(clients):
            organization = models.Organization(name=f"Client {number:05}", plan=("Teams", "Enterprise")[number % 2],
                                               seats=number % 90 + 10, billing_email="b@bench.example",
                                               public_key="k", encrypted_private_key="2.a|b|c")
            uow.add(organization)
            uow.flush()
            first = first or organization.id
            uow.add(models.ProviderOrganization(provider_id=provider.id, organization_id=organization.id,
                                                client_name_key=organization.name.lower(), encrypted_org_key="2.a|b|c"))
            for seat in range(number % 3 + 1):
                uow.add(models.Member(organization_id=organization.id, email=f"m{seat}@c{number}.example",
                                      role="user", status="invited"))
        uow.commit()
    return provider.id, admin, first


def main(clients: int = 5000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'orgs.db'}"
        upgrade("orgs", url)
        engine = make_engine(url)
        provider_id, admin, some_org = populate(engine, clients)

        def run(action):
            def once():
                with UnitOfWork(engine, models.OutboxMessage) as uow:
                    action(uow)
            return once

        baseline = timed(run(lambda uow: uow.get(models.Organization, some_org)))
        results = {
            "page1_by_name": timed(run(lambda uow: domain.list_clients(uow, admin, provider_id, "name"))),
            "page1_by_remaining_desc": timed(run(lambda uow: domain.list_clients(uow, admin, provider_id,
                                                                                 "remaining", "desc"))),
            "last_page_by_used": timed(run(lambda uow: domain.list_clients(uow, admin, provider_id, "used",
                                                                           page=clients // domain.PAGE_SIZE))),
            "search_by_name": timed(run(lambda uow: domain.list_clients(uow, admin, provider_id, search="client 04"))),
        }
        engine.dispose()
    print(f"baseline (primary-key lookup): {baseline * 1e3:.3f} ms")
    for name, seconds in results.items():
        print(f"{name}: {seconds * 1e3:.2f} ms = {seconds / baseline:.1f}x baseline")
    print(f"clients_table[{clients}]: " + " ".join(f"{name}={seconds / baseline:.1f}x" for name, seconds in
                                                   results.items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
