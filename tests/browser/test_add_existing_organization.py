"""A provider admin creates an organization of their own, then takes it on as a client."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.steps import dialog
from tests.support import new_provider_admin

PASSWORD = "browser-existing-org-joins-8"


def test_create_an_organization_then_add_it_as_a_client_whose_key_opens(page, system):
    email = f"owner-admin-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, email, PASSWORD)
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()

    page.get_by_role("link", name="Admin Console").click()
    expect(page.get_by_role("heading", name="Admin Console")).to_be_visible()
    page.get_by_role("link", name="New organization").click()
    expect(page.get_by_role("heading", name="New organization")).to_be_visible()
    page.get_by_label("Organization name").fill("Own Org Ltd")
    page.get_by_label("Seats").fill("7")
    page.get_by_label("Billing email").fill("billing@own.example")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", name="Own Org Ltd")).to_be_visible()
    expect(page.get_by_text("Organization key unlocked")).to_be_visible()

    page.get_by_role("link", name="Provider Portal").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.get_by_role("link", name="Add existing organization").click()
    form = dialog(page, "Add existing organization")
    form.get_by_label("Own Org Ltd (Teams)").check()
    form.get_by_role("button", name="Add").click()
    row = page.locator("table.clients tbody tr", has_text="Own Org Ltd")
    expect(row.locator("td").nth(1)).to_have_text("7")
    expect(row.locator("td").nth(2)).to_have_text("1")

    page.get_by_role("link", name="Add existing organization").click()
    expect(page.get_by_role("dialog")).to_contain_text("You own no organization that a provider could take on.")
