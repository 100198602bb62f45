"""What an MSP's staff member does in the Provider Portal, in a real browser."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.steps import dialog

SEED = [
    ["My Client's Organization", "15", "1", "14", "Enterprise"],
    ["Second Client's Organization", "20", "1", "19", "Teams"],
    ["Third Client's Organization", "10", "1", "9", "Enterprise"],
]


def table_rows(page) -> list[list[str]]:
    rows = page.locator("table.clients tbody tr")
    return [[cell.strip() for cell in rows.nth(i).locator("td").all_inner_texts()[:5]] for i in range(rows.count())]


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_register_log_in_then_run_the_clients_table_as_the_demo_admin(page, system):
    email = f"browser-{uuid.uuid4().hex[:8]}@tests.example"
    page.goto("/register")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Name", exact=True).fill("Brow Ser")
    page.get_by_label("Master password", exact=True).fill("kind-otter-lamp-river-41")
    expect(page.locator("#strength")).to_contain_text("Strength:")
    page.get_by_label("Re-type master password").fill("kind-otter-lamp-river-41")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account was created")).to_be_visible()

    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill("kind-otter-lamp-river-41")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    log_in(page, system.admin_email, system.password)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    rows = table_rows(page)
    assert [row for row in rows if row[0] in {seed[0] for seed in SEED}] == SEED

    page.get_by_role("link", name=re.compile(r"^Assigned")).click()
    expect(page).to_have_url(re.compile(r"sort=assigned&dir=asc"))
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Assigned")
    assigned = [int(row[1]) for row in table_rows(page)]
    assert assigned == sorted(assigned)
    page.get_by_role("link", name=re.compile(r"^Assigned")).click()
    expect(page).to_have_url(re.compile(r"sort=assigned&dir=desc"))
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Assigned")
    assigned = [int(row[1]) for row in table_rows(page)]
    assert assigned == sorted(assigned, reverse=True)

    page.get_by_label("Search clients").fill("Second")
    expect(page.locator("table.clients tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=Second"))
    page.get_by_label("Search clients").fill("")
    expect(page.locator("table.clients tbody tr")).not_to_have_count(1)

    page.get_by_role("link", name="+ Add new organization").click()
    form = dialog(page, "Add new organization")
    name = f"Browser Client {uuid.uuid4().hex[:6]}"
    form.get_by_label("Seats").fill("0")
    form.get_by_label("Owner email").fill("owner@browser.example")
    form.get_by_label("Billing email").fill("billing@browser.example")
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#name-error")).to_have_text("Enter the organization's name.")
    form = dialog(page, "Add new organization")
    form.get_by_label("Organization name").fill(name)
    form.get_by_role("button", name="Save").click()
    expect(form.locator("#seats-error")).to_contain_text("from 1 to 10,000")
    expect(form.get_by_label("Seats")).to_have_attribute("aria-invalid", "true")
    form = dialog(page, "Add new organization")
    assert name not in page.locator("table.clients").inner_text()

    form.get_by_label("Plan").select_option("Teams")
    form.get_by_label("Seats").fill("25")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("table.clients")).to_contain_text(name)
    expect(page.locator(".toast")).to_contain_text(f"{name} was added.")
    new_row = page.locator("table.clients tbody tr", has_text=name)
    expect(new_row.locator("td").nth(1)).to_have_text("25")
    expect(new_row.locator("td").nth(2)).to_have_text("1")
    expect(new_row.locator("td").nth(3)).to_have_text("24")

    new_row.get_by_label(f"Options for {name}").click()
    new_row.get_by_role("link", name="Manage subscription").click()
    seats = dialog(page)
    seats.get_by_label("Seats", exact=True).fill("30")
    seats.get_by_role("button", name="Save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("table.clients tbody tr", has_text=name).locator("td").nth(1)).to_have_text("30")

    row = page.locator("table.clients tbody tr", has_text="Third Client's Organization")
    row.get_by_label("Options for Third Client's Organization").click()
    row.get_by_role("link", name="Manage", exact=True).click()
    expect(page.get_by_role("heading", name="Third Client's Organization")).to_be_visible()
    expect(page.get_by_text("Organization key unlocked")).to_be_visible()
    expect(page.get_by_text("owner@third-client.example")).to_be_visible()


def test_the_portal_speaks_french_in_a_french_browser(browser, system):
    context = browser.new_context(base_url=system.url, locale="fr-FR", extra_http_headers={"Accept-Language": "fr"})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse électronique").fill(system.admin_email)
    page.get_by_label("Mot de passe principal").fill(system.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("columnheader", name=re.compile("Attribués"))).to_be_visible()
    expect(page.get_by_role("link", name="+ Ajouter une nouvelle organisation")).to_be_visible()
    context.close()


def test_the_event_log_lists_what_happened_newest_first(page, system):
    log_in(page, system.admin_email, system.password)
    page.get_by_role("link", name="Event logs").click()
    expect(page.get_by_role("heading", name="Event logs")).to_be_visible()
    expect(page.locator("table.events")).to_contain_text("Created client My Client's Organization")
    times = page.locator("table.events tbody time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert times == sorted(times, reverse=True)
