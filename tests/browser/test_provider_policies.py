"""Provider Portal → Policies in a real browser: the admin requires two-step login in every client after
seeing whom it affects, the Clients table shows who is not compliant, and a client's own Policies page
shows the provider's floor and refuses a weaker master password length."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.browser.steps import dialog, log_in
from tests.support import STAFF_PASSWORD, StaffedProvider


def test_provider_admin_sets_policies_for_every_client(system, page):
    msp = StaffedProvider(system)  # a provider of its own: the demo provider's clients stay as seeded
    name = f"Brightwater {uuid.uuid4().hex[:4]}"
    client = msp.client(name)
    msp.member(client, "boss", "admin")
    msp.member(client, "lax", "user")
    page.goto("/login")
    log_in(page, msp.admin.email, STAFF_PASSWORD)

    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Policies").click()
    expect(page.get_by_role("heading", name="Policies")).to_be_visible()
    page.get_by_role("link", name="Edit Require two-step login").click()
    policy = dialog(page, "Require two-step login")
    expect(policy.locator("#policy-impact")).to_contain_text(f"{name}: 1 member revoked, 1 owner or admin warned")
    policy.get_by_label("Turn on").check()
    policy.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("The policy Require two-step login was saved.")
    page.get_by_role("link", name="Edit Master password requirements").click()
    policy = dialog(page, "Master password requirements")
    policy.get_by_label("Turn on").check()
    policy.get_by_label("Minimum length").fill("16")
    policy.get_by_role("button", name="Save").click()
    expect(page.locator("table.policies tbody tr", has_text="Master password requirements")).to_contain_text("On")

    # The worker revokes the User and counts the Admin, who kept access without two-step login.
    page.get_by_role("link", name="Clients").click()
    row = page.locator("table.clients tbody tr", has_text=name)
    for _ in range(30):
        if "1 member not compliant" in row.inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(row).to_contain_text("1 member not compliant")
    page.get_by_label("Compliance").select_option("non_compliant")
    expect(page.locator("table.clients tbody tr")).to_have_count(1)
    expect(row).to_be_visible()

    # The client's own Policies page: the provider's floor, and a weaker length refused.
    row.get_by_label(f"Options for {name}").click()
    row.get_by_role("link", name="Manage", exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.get_by_role("link", name="Policies").click()
    expect(page.locator("table.policies tbody tr", has_text="Master password requirements")).to_contain_text(
        "Set by your provider: on (minimum length 16)")
    page.get_by_role("link", name="Edit Master password requirements").click()
    policy = dialog(page, "Master password requirements")
    policy.get_by_label("Turn on").check()
    policy.get_by_label("Minimum length").fill("12")
    policy.get_by_role("button", name="Save").click()
    expect(dialog(page, "Master password requirements").get_by_role("alert")).to_contain_text(
        "weaker than your provider's policy")
