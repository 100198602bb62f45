"""Unit tests of domain rules run against a throwaway SQLite database per test."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import SQLModel

from gateway import keyring
from gateway.crypto import KeyPair
from services.common.database import UnitOfWork, make_engine
from services.orgs import domain, models
from services.orgs.models import OrgsTable
from tests.unit.orgs_support import CONTEXT


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


@pytest.fixture
def uow(make_uow):
    """Units of work on the orgs service's tables (other services' tests bring their own)."""
    return make_uow(models, OrgsTable)


@pytest.fixture
def client(uow):
    """A provider with one client of 4 seats whose owner is invited; returns (staff id, org id)."""
    staff = str(uuid.uuid4())
    provider = keyring.new_provider(KeyPair.generate().public_key_b64)
    with uow() as unit:
        provider_id = domain.create_provider(unit, staff, "MSP", "staff@msp.example", provider.wrapped_for_admin,
                                             CONTEXT).id
    keys = keyring.new_client_organization(provider.key)
    with uow() as unit:
        organization = domain.create_client(unit, staff, provider_id, domain.ClientDraft(
            "Acme", "Teams", 4, "owner@acme.example", "billing@acme.example", keys.public_key,
            keys.encrypted_private_key, keys.encrypted_org_key), CONTEXT)
    return staff, organization.id
