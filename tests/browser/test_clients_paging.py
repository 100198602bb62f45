"""Paging through the Clients table in a real browser: Next and Previous, with a sort and a search."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in
from tests.support import new_provider_admin, service_backends

PASSWORD = "browser-paging-fifty-three-7"
CLIENTS = 53


@pytest.fixture
def crowded_provider(system):
    """A provider admin of their own provider with CLIENTS clients: "Paged 00" to "Paged 52"."""
    from gateway import keyring

    email = f"paging-{uuid.uuid4().hex[:8]}@tests.example"
    admin, provider_id = new_provider_admin(system, email, PASSWORD)
    backends = service_backends(system)
    provider_key = admin.keys.provider_key(next(
        p for p in backends.orgs.get("/me/providers", admin.caller())["providers"]
        if p["provider_id"] == provider_id)["wrapped_provider_key"])
    keys = keyring.new_client_organization(provider_key)
    for number in range(CLIENTS):
        backends.orgs.post(f"/providers/{provider_id}/clients", admin.caller(), {
            "name": f"Paged {number:02}", "plan": ("Teams", "Enterprise")[number % 2], "seats": 5,
            "owner_email": f"o{number}@paged.example", "billing_email": "b@paged.example",
            "public_key": keys.public_key, "encrypted_private_key": keys.encrypted_private_key,
            "encrypted_org_key": keys.encrypted_org_key})
    return email, provider_id


def client_names(page) -> list[str]:
    return page.locator("table.clients tbody tr td:first-child").all_inner_texts()


def test_next_shows_the_rest_of_the_clients_and_previous_the_first_fifty(page, crowded_provider):
    email, provider_id = crowded_provider
    page.goto("/login")
    log_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.goto(f"/providers/{provider_id}/clients")
    rows = page.locator("table.clients tbody tr")
    expect(rows).to_have_count(50)
    expect(page.get_by_role("link", name="Previous")).to_have_count(0)
    first = client_names(page)
    assert first == [f"Paged {n:02}" for n in range(50)]

    page.get_by_role("link", name="Next").click()
    expect(rows).to_have_count(3)
    expect(page).to_have_url(re.compile(r"after="))
    assert client_names(page) == ["Paged 50", "Paged 51", "Paged 52"]
    expect(page.get_by_role("link", name="Next")).to_have_count(0)

    page.get_by_role("link", name="Previous").click()
    expect(rows).to_have_count(50)
    expect(page).to_have_url(re.compile(r"before="))
    assert client_names(page) == first


def test_paging_keeps_the_sort_and_the_search(page, crowded_provider):
    email, provider_id = crowded_provider
    page.goto("/login")
    log_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.goto(f"/providers/{provider_id}/clients?sort=plan&dir=desc&q=paged")
    rows = page.locator("table.clients tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("link", name="Next").click()
    expect(rows).to_have_count(3)
    expect(page).to_have_url(re.compile(r"sort=plan&dir=desc&q=paged&after="))
    plans = page.locator("table.clients tbody tr td:nth-child(5)").all_inner_texts()
    assert plans == ["Enterprise"] * 3  # Teams first when descending: 27 Teams, then 26 Enterprise
