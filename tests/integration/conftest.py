"""Fixtures shared by the integration tests."""
from __future__ import annotations

import pytest

from tests.support import Visitor, new_provider_admin, service_backends

PASSWORD = "members-walk-in-quietly-42"


@pytest.fixture
def client_org(system, unique_email):
    """A provider admin logged in, with a client of 3 seats (its owner invited)."""
    email = unique_email("msp")
    admin, provider_id = new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(system.url)
    visitor.log_in(email, PASSWORD)
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": "Members Co", "plan": "Teams", "seats": "3", "owner_email": unique_email("owner"),
        "billing_email": unique_email("billing")})
    organization_id = service_backends(system).orgs.get(f"/providers/{provider_id}/clients", admin.caller())[
        "clients"][0]["organization_id"]
    return visitor, admin, provider_id, organization_id
