"""A provider's staff onboards, confirms, revokes and re-roles a client's users, in a real browser."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.steps import PASSWORD, accept_from_mail, add_client_and_manage, dialog, log_in, member_action
from tests.browser.steps import member_row as row
from tests.support import new_provider_admin

def test_invite_two_accept_confirm_revoke_one_and_give_the_other_manage_users(browser, system, smtp, page):
    _controller, mailbox = smtp
    admin_email = f"staff-{uuid.uuid4().hex[:8]}@tests.example"
    _admin, provider_id = new_provider_admin(system, admin_email, PASSWORD)
    page.goto("/login")
    log_in(page, admin_email)
    add_client_and_manage(page, "Browser Members Ltd", 4, f"owner-{uuid.uuid4().hex[:6]}@tests.example")
    page.get_by_role("link", name="Members").click()
    expect(page.locator("#seat-use")).to_have_text("1 of 4 seats used")

    ana, ben = (f"{who}-{uuid.uuid4().hex[:6]}@tests.example" for who in ("ana", "ben"))
    page.get_by_role("link", name="Invite member").click()
    invite = dialog(page, "Invite member")
    invite.get_by_label("Email addresses").fill(f"{ana}, {ben}")
    invite.get_by_label("User type").select_option("user")
    invite.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Invitations sent: 2.")
    expect(page.locator("#seat-use")).to_have_text("3 of 4 seats used")

    for email in (ana, ben):
        accept_from_mail(browser, system, mailbox, email, "Browser Members Ltd")
    # Ana reads her fingerprint phrase in Account settings → My account, as the dialog tells the admin.
    own = browser.new_context(base_url=system.url).new_page()
    own.goto("/login")
    log_in(own, ana)
    own.get_by_role("link", name="Account settings").click()
    expect(own.get_by_role("heading", name="My account")).to_be_visible()
    anas_phrase = own.locator("#my-fingerprint").inner_text()
    own.context.close()
    page.reload()
    for email in (ana, ben):
        expect(row(page, email)).to_contain_text("Accepted")
        member_action(page, email, "Confirm")
        confirm = dialog(page)
        expect(confirm.locator("#fingerprint")).to_have_text(re.compile(r"^[a-z]+(-[a-z]+){4,}$"))
        if email == ana:
            expect(confirm.locator("#fingerprint")).to_have_text(anas_phrase)
        confirm.get_by_role("button", name="Confirm").click()
        expect(row(page, email)).to_contain_text("Confirmed")

    member_action(page, ben, "Revoke access")
    # The portal's own dialog says what will happen, and the safe choice is the one in focus.
    question = page.get_by_role("dialog", name=f"Revoke the access of {ben} to Browser Members Ltd?")
    expect(question).to_contain_text("their seat is freed")
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()
    question.get_by_role("button", name="Cancel").click()
    expect(question).to_have_count(0)
    expect(row(page, ben)).to_contain_text("Confirmed")
    member_action(page, ben, "Revoke access")
    question.get_by_role("button", name="Revoke access").click()
    expect(row(page, ben)).to_contain_text("Revoked")
    expect(page.locator("#seat-use")).to_have_text("2 of 4 seats used")
    page.goto(f"/providers/{provider_id}/clients")
    used = page.locator("table.clients tbody tr", has_text="Browser Members Ltd").locator("td").nth(2)
    expect(used).to_have_text("2")

    page.go_back()
    member_action(page, ana, "Edit user type")
    edit = dialog(page)
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
    invite = dialog(ana_page, "Invite member")
    invite.get_by_label("Email addresses").fill(f"boss-{uuid.uuid4().hex[:6]}@tests.example")
    # A Custom member is offered only what it may give: no Owner, no Admin, no permission it lacks.
    expect(invite.get_by_label("User type").locator("option")).to_have_text(["User", "Custom"])
    expect(invite.get_by_label("Manage users")).to_be_visible()
    expect(invite.get_by_label("Manage all collections")).to_have_count(0)
    invite.get_by_label("User type").select_option("user")
    invite.get_by_role("button", name="Save").click()
    expect(ana_page.locator(".toast")).to_contain_text("Invitations sent: 1.")
    expect(ana_page.locator("#seat-use")).to_have_text("3 of 4 seats used")
    context.close()
