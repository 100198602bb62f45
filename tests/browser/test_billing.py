"""Provider billing in a real browser: a Provider Admin moves a client to another plan, reads the
seat minimums against the seats used, fills in the billing information, and after a month downloads
the invoice as a PDF whose text holds its number and its total."""
from __future__ import annotations

import io
import uuid
from datetime import timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from services.billing import domain, models
from services.billing.__main__ import main as billing_command
from services.common.database import UnitOfWork, make_engine, utcnow
from tests.browser.steps import PASSWORD, add_client_and_manage, dialog, log_in
from tests.conftest import wait_for
from tests.support import new_provider_admin


def issue_invoice(system, provider_id: str):
    """What the billing worker's chore does once the month is over (the clock moved a month on)."""
    engine = make_engine(system.database_urls["billing"])
    try:
        return domain.issue(lambda: UnitOfWork(engine, models.OutboxMessage), provider_id,
                            system.settings("billing").billing, utcnow() + timedelta(days=32))
    finally:
        engine.dispose()


def test_a_provider_admin_reads_the_subscription_and_downloads_the_invoice(system, page):
    email = f"payer-{uuid.uuid4().hex[:8]}@tests.example"
    _admin, provider_id = new_provider_admin(system, email, PASSWORD)
    page.goto("/login")
    log_in(page, email)
    client = f"Billed Co {uuid.uuid4().hex[:4]}"
    add_client_and_manage(page, client, 12, f"owner-{uuid.uuid4().hex[:6]}@tests.example")

    # Manage subscription from the Clients row menu: Teams, 30 seats.
    page.get_by_role("link", name="Back to the Provider Portal").click()
    row = page.locator("table.clients tbody tr", has_text=client)
    row.get_by_label(f"Options for {client}").click()
    row.get_by_role("link", name="Manage subscription").click()
    form = dialog(page, f"Manage subscription of {client}")
    form.get_by_label("Plan").select_option("Teams")
    form.get_by_label("Seats", exact=True).fill("30")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text(f"{client} is on Teams with 30 seats.")

    # The operator sets the provider's seat minimums (a command, as deploy/README.md says).
    assert billing_command(["set-minimums", provider_id, "Teams=20", "Enterprise=0"],
                           settings=system.settings("billing")) == 0

    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Billing").click()
    expect(page.get_by_role("heading", name="Subscription")).to_be_visible()
    teams = page.locator("table.billing-plans tbody tr", has_text="Teams")

    def shows_thirty():
        page.reload()
        return "30" in teams.locator("td").nth(3).inner_text()

    wait_for(shows_thirty, message="billing to follow the plan and seat change")
    expect(teams.locator("td").nth(2)).to_have_text("20")
    expect(teams.locator("td").nth(4)).to_have_text("10")

    # Billing information, each field labelled; a bad email is refused first.
    page.get_by_role("link", name="Billing information").click()
    page.get_by_label("Name").fill("Payer MSP SAS")
    page.get_by_label("Address line 1").fill("1 rue de la Paix")
    page.get_by_label("City").fill("Paris")
    page.get_by_label("Postal code").fill("75002")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Billing email").fill("not an email")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    page.get_by_label("Billing email").fill("billing@payer.example")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Billing information saved.")

    # A month later the worker issues the invoice; the history lists it and its PDF downloads.
    issued = issue_invoice(system, provider_id)
    assert issued is not None and issued.total > 0
    page.get_by_role("link", name="Billing history").click()
    invoice_row = page.locator("table.invoices tbody tr", has_text=issued.number)
    expect(invoice_row).to_contain_text("Open")
    invoice_row.get_by_role("link", name=issued.number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Invoice {issued.number}")).to_be_visible()
    expect(page.get_by_text("Payer MSP SAS")).to_be_visible()
    total = page.locator("table.invoice-lines tfoot tr").last.locator("td").inner_text()  # the Total row
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    assert issued.number in text and total in text
    assert "Payer MSP SAS" in text and "Seat minimum" in text

    # The provider's event log tells the billing changes in words.
    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Event logs").click()
    expect(page.get_by_role("heading", name="Event logs")).to_be_visible()

    def logged() -> bool:  # audit stores events as they arrive: a person reloads until they show
        page.reload()
        return page.get_by_text(f"Issued invoice {issued.number}").count() > 0
    wait_for(logged, message="the invoice in the provider's event log")
    expect(page.get_by_text("Updated the billing information")).to_be_visible()

    # The client's owners see who bills it.
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name=client).click()
    expect(page.get_by_role("heading", name=client)).to_be_visible()
    page.get_by_role("navigation", name="Admin Console").get_by_role("link", name="Billing").click()
    expect(page.get_by_text("billed by its provider")).to_be_visible()
