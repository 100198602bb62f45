"""A provider's staff onboards, confirms, revokes and re-roles a client's users, in a real browser."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.conftest import wait_for
from tests.support import new_provider_admin

PASSWORD = "browser-members-stroll-by-7"
LINK = re.compile(r"(http://\S+/invitations/accept\?token=[\w\-]+)")


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(password)
    page.get_by_role("button", name="Log in").click()


def accept_from_mail(browser, system, mailbox, email: str) -> None:
    """The invited person opens the link in their mail, creates an account and accepts."""
    message = wait_for(lambda: mailbox.to(email), message=f"the mail to {email}")[-1]
    link = LINK.search(message.get_payload(decode=True).decode()).group(1)
    context = browser.new_context(base_url=system.url)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("link", name="Create account").click()
    expect(page.get_by_label("Email address")).to_have_value(email)
    page.get_by_label("Name", exact=True).fill(email.split("@")[0])
    page.get_by_label("Master password", exact=True).fill(PASSWORD)
    page.get_by_label("Re-type master password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account was created")).to_be_visible()
    log_in(page, email)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_text("You joined Browser Members Ltd")).to_be_visible()
    context.close()


def row(page, email: str):
    return page.locator("table.members tbody tr", has_text=email)


def member_action(page, email: str, action: str) -> None:
    row(page, email).get_by_label(f"Options for {email}").click()
    control = row(page, email).get_by_role("link", name=action)
    (control if control.count() else row(page, email).get_by_role("button", name=action)).click()


def test_invite_two_accept_confirm_revoke_one_and_give_the_other_manage_users(browser, system, smtp, page):
    _controller, mailbox = smtp
    admin_email = f"staff-{uuid.uuid4().hex[:8]}@tests.example"
    _admin, provider_id = new_provider_admin(system, admin_email, PASSWORD)
    page.goto("/login")
    log_in(page, admin_email)
    page.get_by_role("link", name="+ Add new organization").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Organization name").fill("Browser Members Ltd")
    dialog.get_by_label("Seats").fill("4")
    dialog.get_by_label("Owner email").fill(f"owner-{uuid.uuid4().hex[:6]}@tests.example")
    dialog.get_by_label("Billing email").fill("billing@tests.example")
    dialog.get_by_role("button", name="Save").click()
    client_row = page.locator("table.clients tbody tr", has_text="Browser Members Ltd")
    client_row.get_by_label("Options for Browser Members Ltd").click()
    client_row.get_by_role("link", name="Manage").click()
    expect(page.get_by_role("heading", name="Browser Members Ltd")).to_be_visible()
    page.get_by_role("link", name="Members").click()
    expect(page.locator("#seat-use")).to_have_text("1 of 4 seats used")

    ana, ben = (f"{who}-{uuid.uuid4().hex[:6]}@tests.example" for who in ("ana", "ben"))
    page.get_by_role("link", name="Invite member").click()
    invite = page.get_by_role("dialog", name="Invite member")
    invite.get_by_label("Email addresses").fill(f"{ana}, {ben}")
    invite.get_by_label("User type").select_option("user")
    invite.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Invitations sent: 2.")
    expect(page.locator("#seat-use")).to_have_text("3 of 4 seats used")

    for email in (ana, ben):
        accept_from_mail(browser, system, mailbox, email)
    page.reload()
    for email in (ana, ben):
        expect(row(page, email)).to_contain_text("Accepted")
        member_action(page, email, "Confirm")
        confirm = page.get_by_role("dialog")
        expect(confirm.locator("#fingerprint")).to_have_text(re.compile(r"^[a-z]+(-[a-z]+){4,}$"))
        confirm.get_by_role("button", name="Confirm").click()
        expect(row(page, email)).to_contain_text("Confirmed")

    page.once("dialog", lambda question: question.accept())
    member_action(page, ben, "Revoke access")
    expect(row(page, ben)).to_contain_text("Revoked")
    expect(page.locator("#seat-use")).to_have_text("2 of 4 seats used")
    page.goto(f"/providers/{provider_id}/clients")
    used = page.locator("table.clients tbody tr", has_text="Browser Members Ltd").locator("td").nth(2)
    expect(used).to_have_text("2")

    page.go_back()
    member_action(page, ana, "Edit user type")
    edit = page.get_by_role("dialog")
    edit.get_by_label("User type").select_option("custom")
    edit.get_by_label("Manage users").check()
    edit.get_by_role("button", name="Save").click()
    expect(row(page, ana)).to_contain_text("Custom")

    context = browser.new_context(base_url=system.url)
    ana_page = context.new_page()
    ana_page.goto("/login")
    log_in(ana_page, ana)
    expect(ana_page.get_by_role("heading", name="My vault")).to_be_visible()
    ana_page.get_by_role("link", name="Admin Console").click()
    ana_page.get_by_role("link", name="Browser Members Ltd").click()
    expect(ana_page.get_by_role("heading", name="Browser Members Ltd")).to_be_visible()
    ana_page.get_by_role("link", name="Members").click()
    expect(ana_page.locator("#seat-use")).to_have_text("2 of 4 seats used")
    ana_page.get_by_role("link", name="Invite member").click()
    invite = ana_page.get_by_role("dialog", name="Invite member")
    invite.get_by_label("Email addresses").fill(f"boss-{uuid.uuid4().hex[:6]}@tests.example")
    invite.get_by_label("User type").select_option("owner")
    invite.get_by_role("button", name="Save").click()
    expect(invite.locator("#role-error")).to_contain_text("cannot invite someone as owner")
    invite.get_by_label("User type").select_option("user")
    invite.get_by_role("button", name="Save").click()
    expect(ana_page.locator(".toast")).to_contain_text("Invitations sent: 1.")
    expect(ana_page.locator("#seat-use")).to_have_text("3 of 4 seats used")
    context.close()
