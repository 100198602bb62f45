"""Reporting → Reports in a real browser: an admin finds each report's items and count; a User is refused."""
from __future__ import annotations

import re
import secrets
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, settled
from tests.integration.conftest import PASSWORD, new_client_org
from tests.integration.members import confirmed_member
from tests.support import Visitor


@pytest.fixture(scope="module")
def client(system, smtp):
    """"Members Co" with an Admin and a User who joined by mail, and a vault with a weak, exposed
    password used twice, and a website on http://."""
    staff, admin, provider_id, organization_id = new_client_org(system, seats=5)
    people = {role: f"{role}-{uuid.uuid4().hex[:6]}@tests.example" for role in ("admin", "user")}
    for role, address in people.items():
        confirmed_member(system, smtp, (staff, admin, provider_id, organization_id), address, role)
    staff.submit(f"/organizations/{organization_id}/collections/new", {"name": "Office"})
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              staff.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    for name, password, uri in (("Wifi", "password1", "https://wifi.example"),
                                ("Printer", "password1", "http://printer.office.example"),
                                ("Mail", "grain-Velvet-osprey-ledger-58", "https://mail.example")):
        staff.submit(f"/organizations/{organization_id}/vault/new", {
            "type": "login", "name": name, "login_username": "office", "login_password": password, "uri_0": uri,
            "match_0": "", "notes": "", "collection_ids": collection_id})
    return organization_id, people


@pytest.mark.parametrize("report, count, names", [
    ("Exposed passwords report", 2, ("Wifi", "Printer")), ("Reused passwords report", 2, ("Wifi", "Printer")),
    ("Weak passwords report", 2, ("Wifi", "Printer")), ("Unsecured websites report", 1, ("Printer",))])
def test_an_admin_finds_each_reports_items_and_count(page, client, report, count, names):
    organization_id, people = client
    page.goto("/login")
    log_in(page, people["admin"], PASSWORD)
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
    page.goto(f"/organizations/{organization_id}")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.get_by_role("link", name=report).click()
    expect(page.get_by_role("heading", name=report)).to_be_visible()
    expect(page.locator("#report-count")).to_have_text(f"{count} item{'s' if count > 1 else ''} found")
    rows = page.locator("table.report tbody tr")
    expect(rows).to_have_count(count)
    for name in names:
        expect(rows.filter(has_text=name).get_by_role("link", name=name)).to_be_visible()
    expect(rows.filter(has_text="Mail")).to_have_count(0)


def test_a_user_gets_403_and_no_link(page, client):
    organization_id, people = client
    page.goto("/login")
    log_in(page, people["user"], PASSWORD)
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    response = page.goto(f"/organizations/{organization_id}/reports")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_a_long_report_shows_its_progress_then_replaces_it_with_the_result(page, client, system, range_server):
    organization_id, people = client
    staff = Visitor(system.url)
    staff.log_in(people["admin"], PASSWORD)
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              staff.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    for number in range(3):  # passwords never asked before: the slow range source is asked about each
        staff.submit(f"/organizations/{organization_id}/vault/new", {
            "type": "login", "name": f"Fresh {number}", "login_username": "office", "match_0": "", "notes": "",
            "login_password": f"Fresh-{secrets.token_hex(8)}-pass", "uri_0": "", "collection_ids": collection_id})
    page.goto("/login")
    log_in(page, people["admin"], PASSWORD)
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
    range_server.delay = 0.8
    try:
        page.goto(f"/organizations/{organization_id}/reports/weak-passwords")
        expect(page.get_by_role("status").filter(has_text="Making the report")).to_be_visible()
        expect(page.locator("#report-count")).to_have_text("2 items found", timeout=15_000)
    finally:
        range_server.delay = 0.0
    settled(page)
    expect(page.get_by_role("status").filter(has_text="Making the report")).to_have_count(0)
