"""A provider admin brings a new service user onto the provider's staff, in a real browser."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.steps import dialog
from tests.conftest import wait_for
from tests.support import new_provider_admin

PASSWORD = "browser-staff-comes-aboard-3"
LINK = re.compile(r"(http://\S+/invitations/accept\?token=[\w\-]+)")


def log_in(page, email: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_invite_accept_and_confirm_a_service_user(browser, system, smtp, page):
    _controller, mailbox = smtp
    admin_email = f"boss-{uuid.uuid4().hex[:8]}@tests.example"
    newcomer = f"recruit-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, admin_email, PASSWORD, provider_name="Browser Staff MSP")
    page.goto("/login")
    log_in(page, admin_email)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    page.get_by_role("link", name="Invite provider user").click()
    form = dialog(page, "Invite provider user")
    form.get_by_label("Email addresses").fill(newcomer)
    form.get_by_label("Role").select_option("service_user")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("table.staff tbody tr", has_text=newcomer)).to_contain_text("Invited")

    message = wait_for(lambda: mailbox.to(newcomer), message="the provider invitation")[-1]
    link = LINK.search(message.get_payload(decode=True).decode()).group(1)
    context = browser.new_context(base_url=system.url)
    recruit = context.new_page()
    recruit.goto(link)
    recruit.get_by_role("link", name="Create account").click()
    recruit.get_by_label("Name", exact=True).fill("Recruit")
    recruit.get_by_label("Master password", exact=True).fill(PASSWORD)
    recruit.get_by_label("Re-type master password").fill(PASSWORD)
    recruit.get_by_role("button", name="Create account").click()
    expect(recruit.get_by_text("Your account was created")).to_be_visible()
    log_in(recruit, newcomer)
    recruit.get_by_role("button", name="Accept invitation").click()
    expect(recruit.get_by_text("You joined Browser Staff MSP")).to_be_visible()

    page.reload()
    row = page.locator("table.staff tbody tr", has_text=newcomer)
    expect(row).to_contain_text("Accepted")
    row.get_by_label(f"Options for {newcomer}").click()
    row.get_by_role("link", name="Confirm").click()
    confirm = dialog(page)
    expect(confirm.locator("#fingerprint")).to_have_text(re.compile(r"^[a-z]+(-[a-z]+){4,}$"))
    confirm.get_by_role("button", name="Confirm").click()
    expect(page.locator("table.staff tbody tr", has_text=newcomer)).to_contain_text("Confirmed")

    recruit.get_by_role("button", name="Log out").click()
    log_in(recruit, newcomer)
    recruit.get_by_role("link", name="Provider Portal").click()
    expect(recruit.get_by_role("heading", name="Clients")).to_be_visible()
    expect(recruit.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Members")) \
        .to_have_count(0)
    context.close()
