"""Who may see and do what: visitors, another provider's staff, service users, forged callers."""
from __future__ import annotations

import re
import uuid

import pytest
import requests

from services.common.internal_auth import HEADER, Caller
from tests.support import Visitor, new_provider_admin, service_backends, signed_call


@pytest.fixture(scope="module")
def demo(system):
    """The demo provider's id and one of its clients, read as the demo admin."""
    visitor = Visitor(system.url)
    visitor.log_in(system.admin_email, system.password)
    provider_id = re.search(r"/providers/([^/]+)/clients", visitor.get("/").url).group(1)
    organization_id = re.search(r'href="/organizations/([^"]+)"', visitor.last_html).group(1)
    return provider_id, organization_id


@pytest.fixture(scope="module")
def outsider(system):
    """The admin of another provider, logged in."""
    email = f"outsider-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, email, "outsider-walks-alone-here-5")
    visitor = Visitor(system.url)
    visitor.log_in(email, "outsider-walks-alone-here-5")
    return visitor


PAGES = ["/providers/{provider}/clients", "/providers/{provider}/events", "/providers/{provider}/clients/new",
         "/providers/{provider}/clients/{organization}/seats", "/organizations/{organization}"]


@pytest.mark.parametrize("page", PAGES)
def test_another_providers_user_gets_404_whatever_id_they_type(system, demo, outsider, page):
    provider_id, organization_id = demo
    response = outsider.get(page.format(provider=provider_id, organization=organization_id))
    assert response.status_code == 404
    assert "My Client" not in response.text


@pytest.mark.parametrize("page", PAGES + ["/", "/vault", "/organizations"])
def test_a_logged_out_visitor_is_sent_to_log_in(system, demo, page):
    provider_id, organization_id = demo
    response = Visitor(system.url).get(page.format(provider=provider_id, organization=organization_id))
    assert response.status_code == 200 and "/login" in response.url
    assert "My Client" not in response.text


def test_another_providers_admin_cannot_change_seats_or_unlink_through_forms(system, demo, outsider):
    provider_id, organization_id = demo
    page = outsider.get("/vault")
    token = outsider.csrf_token(page.text)
    seats = outsider.http.post(f"{system.url}/providers/{provider_id}/clients/{organization_id}/seats",
                               data={"seats": "999", "csrf_token": token})
    unlink = outsider.http.post(f"{system.url}/providers/{provider_id}/clients/{organization_id}/unlink",
                                data={"csrf_token": token})
    assert seats.status_code == unlink.status_code == 404


def test_a_service_user_administers_clients_but_not_the_providers_event_log_or_unlinking(system, demo):
    provider_id, organization_id = demo
    service_user = Visitor(system.url)
    service_user.log_in("service@demo-msp.example", system.password)
    assert service_user.get(f"/providers/{provider_id}/clients").status_code == 200
    assert "Unlink" not in service_user.last_html
    assert service_user.get(f"/organizations/{organization_id}").status_code == 200
    assert service_user.get(f"/providers/{provider_id}/events").status_code == 403
    token = service_user.csrf_token()
    refused = service_user.http.post(f"{system.url}/providers/{provider_id}/clients/{organization_id}/unlink",
                                     data={"csrf_token": token})
    assert refused.status_code == 403
    assert "Your role does not allow this." in refused.text
    assert service_user.get(f"/providers/{provider_id}/clients/new").status_code == 403
    assert service_user.get(f"/providers/{provider_id}/clients/{organization_id}/seats").status_code == 403
    assert "+ Add new organization" not in service_user.get(f"/providers/{provider_id}/clients").text
    assert "Manage subscription" not in service_user.last_html


@pytest.mark.parametrize("service, path", [("orgs", "/me/providers"), ("identity", "/users"),
                                           ("audit", "/providers/x/events"),
                                           ("billing", "/organizations/x/subscription")])
def test_a_service_refuses_a_forged_or_missing_caller(system, service, path):
    url = system.service_url(service) + path
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, timeout=5, **signed_call(b"guessed-secret-" * 4, "GET", path)).status_code == 401
    assert requests.get(url, headers={HEADER: "gateway:" + str(uuid.uuid4())}, timeout=5).status_code == 401


def test_a_signature_cannot_be_replayed_on_another_request(system, demo):
    provider_id, _ = demo
    backends = service_backends(system)
    token = signed_call(system.settings("gateway").internal_secret, "GET", "/me/providers",
                        caller=Caller("gateway", str(uuid.uuid4()), "r"))["headers"][HEADER]
    ok = requests.get(system.service_url("orgs") + "/me/providers", headers={HEADER: token}, timeout=5)
    assert ok.status_code == 200 and ok.json() == {"providers": []}
    replayed = requests.get(system.service_url("orgs") + f"/providers/{provider_id}/clients",
                            headers={HEADER: token}, timeout=5)
    assert replayed.status_code == 401
    assert backends  # the signed clients of the gateway reach the same services
