"""Two billing workers issuing at once, on the database this run uses: SQLite in `make test`,
PostgreSQL in `make test-db` (where the WHERE of the numbering UPDATE and the UNIQUE period are
what keep the second worker from a second invoice)."""
from __future__ import annotations

from sqlmodel import select

from services.billing import models
from services.billing.models import BillingTable, Invoice
from services.common.database import UnitOfWork, make_engine
from tests.conftest import database_urls, drop_databases
from tests.unit.billing_support import apply_all, created
from tests.unit.test_billing_domain import A, P, race


def test_two_workers_at_once_issue_one_invoice(tmp_path):
    urls = database_urls(tmp_path, "race")
    url = urls["billing"]
    setup = make_engine(url)
    engines = [make_engine(url), make_engine(url)]  # two engines, as two worker processes have
    try:
        BillingTable.metadata.create_all(setup)
        first = lambda: UnitOfWork(setup, models.OutboxMessage)  # noqa: E731
        apply_all(first, [created(P, A, 10)])
        assert race(engines) == 1
        with first() as unit:
            assert [i.sequence for i in unit.scalars(select(Invoice))] == [1]
            assert unit.get(models.BillingAccount, P).last_invoice_number == 1
    finally:
        for engine in [setup, *engines]:
            engine.dispose()
        drop_databases(urls)
