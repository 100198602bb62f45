"""The gateway's typed clients against the running services: typed refusals, and an
organization read once per request but read again after a change."""
from __future__ import annotations

import uuid

import pytest

from gateway.clients.orgs import Orgs
from services.common.internal_http import NotFound, Refused, ServiceClient
from tests.support import service_backends


class CountingClient(ServiceClient):
    """The real signed client, counting the calls that leave the gateway."""

    def __init__(self, client: ServiceClient):
        self.__dict__.update(client.__dict__)
        self.sent = []

    def call(self, method, path, caller, **options):
        self.sent.append((method, path))
        return super().call(method, path, caller, **options)


@pytest.fixture
def counted(system, client_org):
    _visitor, admin, provider_id, organization_id = client_org
    http = CountingClient(service_backends(system).orgs)
    return Orgs(http, admin.caller(), {}), http, provider_id, organization_id


def test_an_organization_is_read_once_until_something_changes(counted):
    orgs, http, provider_id, organization_id = counted
    first = orgs.organization(organization_id)
    assert orgs.organization(organization_id) is first
    assert http.sent == [("GET", f"/organizations/{organization_id}")]

    orgs.change_seats(provider_id, organization_id, 4, None)
    assert orgs.organization(organization_id)["seats"] == 4  # read again: the change is seen
    assert http.sent[-1] == ("GET", f"/organizations/{organization_id}")
    assert len(http.sent) == 3


def test_refusals_arrive_typed_and_change_nothing(counted):
    orgs, http, provider_id, organization_id = counted
    with pytest.raises(NotFound):
        orgs.organization(str(uuid.uuid4()))
    with pytest.raises(Refused) as refusal:
        orgs.change_seats(provider_id, organization_id, 0, None)
    assert refusal.value.field == "seats"
    assert orgs.client(provider_id, organization_id)["seats"] == 3
    with pytest.raises(Refused):
        orgs.clients(provider_id, after="not-a-cursor")
