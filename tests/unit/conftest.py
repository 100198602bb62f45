"""Unit tests of domain rules run against a throwaway SQLite database per test."""
from __future__ import annotations

import pytest
from sqlmodel import SQLModel

from services.common.database import UnitOfWork, make_engine


@pytest.fixture
def make_uow(tmp_path):
    """A factory of units of work on a fresh database holding `models`' tables."""
    engines = []

    def factory(models, base: type[SQLModel]):
        engine = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
        base.metadata.create_all(engine)
        engines.append(engine)
        return lambda: UnitOfWork(engine, models.OutboxMessage)

    yield factory
    for engine in engines:
        engine.dispose()
