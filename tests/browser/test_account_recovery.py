"""Account recovery in a real browser: a member enrols, the provider's admin resets their master
password, and the member logs in with it to find their items intact."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.steps import (add_client_and_manage, bring_in_member, dialog, log_in, member_action, member_row,
                                 settled)

NEW_PASSWORD = "seven amber lanterns over the quiet harbour 31"
OWN_PASSWORD = "only I know this tidal clock and its nine bells"


def test_member_enrols_provider_admin_recovers_member_logs_in_with_new_password(browser, system, smtp, page):
    _controller, mailbox = smtp
    page.goto("/login")
    log_in(page, system.admin_email, system.password)
    client = f"Recovery Co {uuid.uuid4().hex[:4]}"  # its own client: the demo rows stay as seeded
    add_client_and_manage(page, client, 5, f"owner-{uuid.uuid4().hex[:6]}@tests.example")

    page.get_by_role("link", name="Policies").click()
    expect(page.get_by_role("heading", name="Policies")).to_be_visible()
    page.get_by_role("link", name="Edit Account recovery administration").click()
    policy = dialog(page, "Account recovery administration")
    policy.get_by_label("Turn on").check()
    policy.get_by_role("button", name="Save").click()
    expect(page.locator("table.policies tbody tr", has_text="Account recovery administration")).to_contain_text("On")

    member = f"forgetful-{uuid.uuid4().hex[:6]}@tests.example"
    bring_in_member(browser, system, mailbox, page, member, client)

    # The member keeps an item and enrols in account recovery from their own session.
    context = browser.new_context(base_url=system.url)
    own = context.new_page()
    own.goto("/login")
    log_in(own, member)
    expect(own.get_by_role("heading", name="My vault")).to_be_visible()
    own.get_by_role("link", name="New item").click()
    form = dialog(own, "New item")
    form.get_by_label("Type").select_option("note")
    form = dialog(own, "New item")
    expect(form.get_by_label("Username")).to_have_count(0)
    form.get_by_label("Name", exact=True).fill("Safe combination")
    form.get_by_label("Notes").fill("12-34-56")
    form.get_by_role("button", name="Save").click()
    expect(own.locator("table.items tbody tr", has_text="Safe combination")).to_be_visible()
    own.goto("/account")
    own.get_by_role("button", name=f"Enrol in {client}").click()
    expect(own.locator(".toast")).to_contain_text(f"You are enrolled in the account recovery of {client}.")
    context.close()

    # The provider's admin recovers the account.
    page.reload()
    expect(member_row(page, member)).to_contain_text("Enrolled")
    member_action(page, member, "Recover account")
    recover = dialog(page)
    recover.get_by_label("New master password", exact=True).fill(NEW_PASSWORD)
    expect(recover.locator("#strength")).to_contain_text("Strength")
    recover.get_by_label("Confirm the new master password").fill(NEW_PASSWORD)
    recover.get_by_role("button", name="Reset master password").click()
    expect(page.locator(".toast")).to_contain_text(f"The master password of {member} was reset.")

    # The member logs in with the new password and finds their item.
    context = browser.new_context(base_url=system.url)
    again = context.new_page()
    again.goto("/login")
    log_in(again, member, NEW_PASSWORD)
    expect(again.get_by_role("heading", name="Account settings")).to_be_visible()
    expect(again.locator("#must-change")).to_contain_text("An administrator reset your master password.")
    again.get_by_label("Current master password").fill(NEW_PASSWORD)
    settled(again)
    again.get_by_label("New master password", exact=True).fill(OWN_PASSWORD)
    again.get_by_label("Confirm the new master password").fill(OWN_PASSWORD)
    again.get_by_role("button", name="Change master password").click()
    expect(again.locator(".toast")).to_contain_text("Your master password was changed.")
    again.get_by_role("link", name="Password Manager").click()
    expect(again.get_by_role("heading", name="My vault")).to_be_visible()
    expect(again.locator("table.items tbody tr", has_text="Safe combination")).to_be_visible()
    context.close()
