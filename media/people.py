"""The people of the training videos, set up off camera in the running portal as a person would."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from playwright.sync_api import expect

from .recording import PASSWORD, log_in, register, settle
from .takes import Take

CLIENT = "My Client's Organization"
COLLECTION = "Marketing"


def address(who: str) -> str:
    """This video's person's address (each video has its own person, in a fresh system)."""
    return f"{who}@example.com"


def fresh_account(take: Take, who: str, name: str) -> str:
    """A new account, logged in, on its vault."""
    email = address(who)
    register(take.page, email, name)
    log_in(take.page, email)
    return email


def member_of_client(take: Take, who: str, name: str) -> str:
    """A new account who is a confirmed member of the demo client, with Can edit on its Marketing
    collection: invited by the demo provider admin, joined from the invitation mail (the local
    mailbox), confirmed. The person ends logged in, on their vault."""
    email = address(who)
    admin = take.context.browser.new_context(base_url=take.portal.url, locale="en-US")
    admin.set_default_timeout(20_000)
    console = admin.new_page()
    log_in(console, *take.portal.admin)
    console.goto("/")
    console.get_by_role("link", name="Provider Portal").click()
    console.locator("table.clients tbody tr td:first-child a", has_text=CLIENT).click()
    expect(console.get_by_role("heading", name=CLIENT)).to_be_visible()
    organization = console.url
    console.get_by_role("link", name="Members").click()
    console.get_by_role("link", name="Invite member").click()
    invite = console.get_by_role("dialog", name="Invite member")
    invite.get_by_label("Email addresses").fill(email)
    invite.get_by_label("User type").select_option("user")
    settle(console)
    invite.get_by_role("button", name="Save").click()
    expect(console.locator(".toast")).to_contain_text("Invitations sent: 1.")

    console.goto("/dev/mailbox")
    mail = console.locator("article.mail", has_text=email).first
    link = re.search(r"http://\S+/invitations/accept\?token=[\w\-]+", mail.locator("pre").inner_text()).group(0)
    page = take.page
    page.goto(link)
    page.get_by_role("link", name="Create account").click()
    expect(page.get_by_label("Email address")).to_have_value(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Master password", exact=True).fill(PASSWORD)
    page.get_by_label("Re-type master password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account was created")).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_text(f"You joined {CLIENT}")).to_be_visible()

    console.goto(organization)
    console.get_by_role("link", name="Members").click()
    expect(console).to_have_url(re.compile(r"/members$"))
    # The table is paged: searched for, a rerun's person is on its first page whatever came before.
    console.goto(console.url.split("?")[0] + "?" + urlencode({"q": email}))
    row = console.locator("table.members tbody tr", has_text=email)
    expect(row).to_be_visible()
    settle(console)
    row.get_by_label(f"Options for {email}").click()
    row.get_by_role("button", name="Confirm").or_(row.get_by_role("link", name="Confirm")).click()
    confirm = console.get_by_role("dialog")
    settle(console)
    confirm.get_by_role("button", name="Confirm").click()
    expect(row).to_contain_text("Confirmed")
    console.get_by_role("link", name="Collections").click()
    expect(console.get_by_role("heading", name="Collections")).to_be_visible()
    if not console.locator("table.collections tbody tr", has_text=COLLECTION).count():
        console.get_by_role("link", name="New collection").click()
        collection = console.get_by_role("dialog", name="New collection")
        settle(console)
        collection.get_by_label("Name").fill(COLLECTION)
        collection.get_by_label(f"Access for {name}").select_option("edit")
        collection.get_by_role("button", name="Save").click()
        expect(console.locator("table.collections tbody tr", has_text=COLLECTION)).to_be_visible()
    else:
        row = console.locator("table.collections tbody tr", has_text=COLLECTION)
        row.get_by_label(f"Options for {COLLECTION}").click()
        row.get_by_role("link", name="Edit").click()
        collection = console.get_by_role("dialog", name="Edit collection")
        settle(console)
        collection.get_by_label(f"Access for {name}").select_option("edit")
        collection.get_by_role("button", name="Save").click()
        expect(console.get_by_role("dialog")).to_have_count(0)
    admin.close()

    page.goto("/")
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
    return email
