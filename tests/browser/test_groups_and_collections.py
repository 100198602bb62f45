"""Sharing in a client: a group of members, and a collection they may edit, in a real browser."""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.steps import dialog
from tests.support import new_provider_admin, service_backends

PASSWORD = "browser-collections-share-5"


def test_make_a_group_and_give_it_a_collection_whose_name_orgs_never_sees(page, system):
    admin_email = f"sharer-{uuid.uuid4().hex[:8]}@tests.example"
    admin, provider_id = new_provider_admin(system, admin_email, PASSWORD)
    page.goto("/login")
    page.get_by_label("Email address").fill(admin_email)
    page.get_by_label("Master password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="+ Add new organization").click()
    form = dialog(page)
    form.get_by_label("Organization name").fill("Sharing Ltd")
    form.get_by_label("Seats").fill("5")
    owner = f"owner-{uuid.uuid4().hex[:6]}@tests.example"
    form.get_by_label("Owner email").fill(owner)
    form.get_by_label("Billing email").fill("billing@tests.example")
    form.get_by_role("button", name="Save").click()
    row = page.locator("table.clients tbody tr", has_text="Sharing Ltd")
    row.get_by_label("Options for Sharing Ltd").click()
    row.get_by_role("link", name="Manage", exact=True).click()
    expect(page.get_by_role("heading", name="Sharing Ltd")).to_be_visible()

    page.get_by_role("link", name="Groups").click()
    expect(page.get_by_role("heading", name="Groups")).to_be_visible()
    page.get_by_role("link", name="New group").click()
    group = dialog(page, "New group")
    group.get_by_role("button", name="Save").click()
    expect(group.locator("#group-name-error")).to_have_text("Enter the group's name.")
    group = dialog(page, "New group")
    group.get_by_label("Name").fill("Ops")
    group.get_by_label(owner).check()
    group.get_by_role("button", name="Save").click()
    expect(page.locator("table.groups tbody tr", has_text="Ops")).to_contain_text(owner)

    page.get_by_role("link", name="Collections").click()
    expect(page.get_by_role("heading", name="Collections")).to_be_visible()
    page.get_by_role("link", name="New collection").click()
    collection = dialog(page, "New collection")
    collection.get_by_label("Name").fill("Servers")
    collection.get_by_label("Access for group Ops").select_option("edit")
    collection.get_by_label(f"Access for {owner}").select_option("view_except_passwords")
    collection.get_by_role("button", name="Save").click()
    listed = page.locator("table.collections tbody tr", has_text="Servers")
    expect(listed).to_contain_text("Group Ops: Can edit")
    expect(listed).to_contain_text(f"{owner}: Can view, except passwords")

    page.get_by_role("link", name="Members").click()
    expect(page.locator("#seat-use")).to_be_visible()
    page.get_by_role("link", name="Invite member").click()
    invite = dialog(page, "Invite member")
    newcomer = f"dev-{uuid.uuid4().hex[:6]}@tests.example"
    invite.get_by_label("Email addresses").fill(newcomer)
    invite.get_by_label("Ops").check()
    invite.get_by_label("Servers").check()
    invite.get_by_label("Access to these collections").select_option("edit")
    invite.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Invitations sent: 1.")
    page.get_by_role("link", name="Collections").click()
    expect(page.locator("table.collections tbody tr", has_text="Servers")).to_contain_text(f"{newcomer}: Can edit")

    page.get_by_role("link", name="Vault").click()
    expect(page.get_by_role("heading", name="Vault")).to_be_visible()
    page.get_by_role("link", name="New item").click()
    item = dialog(page, "New item")
    item.get_by_label("Name", exact=True).fill("Core switch")
    item.get_by_label("Username").fill("netops")
    item.get_by_role("button", name="Generate password").click()
    expect(item.get_by_label("Password", exact=True)).to_have_value(re.compile(r"^.{20}$"))
    generated = item.get_by_label("Password", exact=True).input_value()
    item.get_by_label("Servers").check()
    item.get_by_role("button", name="Save").click()
    stored = page.locator("table.items tbody tr", has_text="Core switch")
    expect(stored).to_contain_text("netops")
    stored.get_by_role("link", name="Core switch").click()
    view = dialog(page, "Core switch")
    view.get_by_role("button", name="Show Password").click()
    expect(view.locator("#view-password")).to_have_text(generated)

    organization_id = page.url.split("/organizations/")[1].split("/")[0]
    stored = service_backends(system).orgs.get(f"/organizations/{organization_id}/collections", admin.caller())
    [only] = stored["collections"]
    assert only["encrypted_name"].startswith("2.") and "Servers" not in only["encrypted_name"]
