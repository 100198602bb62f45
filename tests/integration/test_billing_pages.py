"""Provider Portal → Billing over HTTP: only Provider Admins reach it (Service Users get 403 and no
link), Billing information refuses bad fields and changes nothing, Manage subscription changes a
client's plan, and a client's Admin Console says its provider bills it."""
from __future__ import annotations

import html

import pytest

from tests.conftest import wait_for
from tests.support import StaffedProvider

PAGES = ("subscription", "history", "payment-method", "information")
GOOD = {"name": "Acme MSP SAS", "address_line1": "1 rue de la Paix", "address_line2": "", "city": "Paris",
        "postal_code": "75002", "country": "FR", "tax_id": "FR12345678901", "billing_email": "billing@acme-msp.example"}


@pytest.fixture(scope="module")
def world(system):
    world = StaffedProvider(system)
    world.acme = world.client("Acme Billing")
    world.people = {"provider-admin": world.admin, "service-user": world.service_user,
                    "owner": world.member(world.acme, "owner", "owner"), "user": world.member(world.acme, "user", "user")}
    return world


@pytest.mark.parametrize("label, status", [("provider-admin", 200), ("service-user", 403)])
def test_only_provider_admins_reach_billing(world, label, status):
    person = world.browsing(label)
    for page in PAGES:
        assert person.get(f"/providers/{world.provider_id}/billing/{page}").status_code == status, page
    clients = person.get(f"/providers/{world.provider_id}/clients").text
    assert (f"/providers/{world.provider_id}/billing/subscription" in clients) == (status == 200)


def test_another_providers_billing_is_not_there(world, system):
    other = StaffedProvider(system)
    assert world.browsing("provider-admin").get(f"/providers/{other.provider_id}/billing/subscription").status_code \
        in (403, 404)


@pytest.mark.parametrize("changes, field, message", [
    ({"name": ""}, "name", "Enter the name invoices are made out to."),
    ({"name": "n" * 101}, "name", "Field cannot be longer than 100 characters."),
    ({"billing_email": "not-an-email"}, "billing_email", "Enter a valid email address."),
    ({"country": ""}, "country", "Choose a country."),
    ({"country": "XX"}, "country", None),
    ({"tax_id": "bad tax id!"}, "tax_id", None),
    ({"city": ""}, "city", "Enter the city."),
])
def test_billing_information_refuses_bad_fields_and_changes_nothing(world, changes, field, message):
    admin = world.browsing("provider-admin")
    path = f"/providers/{world.provider_id}/billing/information"
    assert admin.submit(path, GOOD, allow_redirects=False).status_code == 303
    refused = admin.submit(path, {**GOOD, **changes}, allow_redirects=False)
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    if message:
        assert message in text
    assert f'id="{field}-error"' in refused.text or 'role="alert"' in refused.text
    saved = admin.get(path).text
    assert 'value="Acme MSP SAS"' in saved and "FR12345678901" in saved


def test_manage_subscription_moves_a_client_to_another_plan_and_its_owner_sees_who_bills_it(world):
    admin = world.browsing("provider-admin")
    acme = world.acme.organization_id
    dialog = f"/providers/{world.provider_id}/clients/{acme}/seats"
    changed = admin.submit(dialog, {"plan": "Teams", "seats": "40"}, allow_redirects=False)
    assert changed.status_code == 303
    client = admin.get(f"/organizations/{acme}").text
    assert "Teams" in client and ">40<" in client
    refused = admin.submit(dialog, {"plan": "Gold", "seats": "40"})
    assert refused.status_code == 422
    owner = world.browsing("owner")
    page = wait_for(lambda: (lambda answer: answer if "Teams" in answer.text else None)(
        owner.get(f"/organizations/{acme}/billing")), message="billing to follow the plan change")
    assert page.status_code == 200 and "billed by its provider" in page.text
    assert world.browsing("user").get(f"/organizations/{acme}/billing").status_code == 403


def test_an_unlinked_client_shows_billing_needed_to_its_owners(world):
    """Last in this module: Acme leaves the provider."""
    acme = world.acme.organization_id
    admin = world.browsing("provider-admin")
    clients = admin.get(f"/providers/{world.provider_id}/clients")
    unlinked = admin.http.post(f"{admin.base}/providers/{world.provider_id}/clients/{acme}/unlink",
                               data={"csrf_token": admin.csrf_token(clients.text)}, allow_redirects=False)
    assert unlinked.status_code in (200, 303)
    owner = world.browsing("owner")
    page = wait_for(lambda: (lambda answer: answer if "Billing needed" in answer.text else None)(
        owner.get(f"/organizations/{acme}/billing")), message="billing to end the provider's share")
    assert "billed by its provider" not in page.text
