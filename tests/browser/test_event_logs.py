"""The Admin Console's event log in Chromium: who invited whom, filters, the export, and who may not see it."""
from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, settled
from tests.conftest import wait_for
from tests.support import STAFF_PASSWORD, StaffedProvider


@pytest.fixture(scope="module")
def acme(system):
    """A provider whose client Acme has an Owner (invited by the provider's admin) and a Custom member
    who manages users but may not access event logs."""
    world = StaffedProvider(system)
    world.acme = world.client("Acme Browser Logs")
    world.owner = world.member(world.acme, "olive", "owner")
    world.manager = world.member(world.acme, "mick", "custom", ("manage_users",))
    audit = world.backends.audit
    wait_for(lambda: any(e["type"] == "org.member.confirmed" and e["data"]["email"] == world.manager.email
                         for e in audit.get(f"/organizations/{world.acme.organization_id}/events",
                                            world.admin.caller())["events"]), message="the confirmations logged")
    return world


def logged_in(page, who) -> None:
    page.goto("/login")
    log_in(page, who.email, STAFF_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def open_event_log(page, acme, who) -> None:
    logged_in(page, who)
    page.goto(f"/organizations/{acme.acme.organization_id}")
    page.get_by_role("link", name="Event logs").click()
    expect(page.get_by_role("heading", name="Event logs")).to_be_visible()


def test_the_client_log_shows_an_invitation_with_the_inviters_name(page, acme):
    open_event_log(page, acme, acme.admin)
    row = page.locator("table.events tbody tr", has_text=f"Invited user {acme.owner.email}")
    expect(row).to_contain_text("Petra Provider")


def test_the_filters_narrow_the_log(page, acme):
    open_event_log(page, acme, acme.owner)
    rows = page.locator("table.events tbody tr")
    expect(rows.filter(has_text="Created client Acme Browser Logs")).to_have_count(1)
    page.get_by_label("Event group").select_option("members")
    page.get_by_label("Search").fill(acme.manager.email)
    page.get_by_role("button", name="Filter").click()
    settled(page)
    expect(rows.filter(has_text="Created client")).to_have_count(0)
    expect(rows.filter(has_text=f"Confirmed user {acme.manager.email}")).to_have_count(1)
    assert all(acme.manager.email in text for text in rows.all_inner_texts())
    assert "group=members" in page.url  # the filtered log is a link


def test_the_exports_rows_are_the_pages_rows(page, acme):
    open_event_log(page, acme, acme.owner)
    page.get_by_label("Event group").select_option("members")
    page.get_by_role("button", name="Filter").click()
    settled(page)
    shown = [[cell.strip() for cell in row.locator("td").all_inner_texts()]
             for row in page.locator("table.events tbody tr").all()]
    with page.expect_download() as download:
        page.get_by_role("link", name="Export").click()
    exported = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert exported[0] == ["Timestamp", "Device / IP", "User", "Event"]
    assert [[row[0][:19].replace("T", " "), *row[1:]] for row in exported[1:]] == shown


def test_a_member_without_access_event_logs_gets_no_link_and_403(page, acme):
    logged_in(page, acme.manager)
    page.goto(f"/organizations/{acme.acme.organization_id}")
    expect(page.get_by_role("link", name="Members")).to_be_visible()
    expect(page.get_by_role("link", name="Event logs")).to_have_count(0)
    response = page.goto(f"/organizations/{acme.acme.organization_id}/events")
    assert response.status == 403
    expect(page.get_by_text("Your role does not allow this.")).to_be_visible()


def test_a_bad_range_is_said_next_to_its_field(page, acme):
    open_event_log(page, acme, acme.owner)
    page.get_by_label("From").fill("2026-12-01")
    page.get_by_label("To").fill("2026-11-01")
    page.get_by_role("button", name="Filter").click()
    settled(page)
    expect(page.locator("#filter-end-error")).to_have_text("To must be on or after From.")
    expect(page.get_by_label("To")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("table.events tbody tr", has_text="Invited user")).to_have_count(0)
