"""What a person does again and again in the browser tests: log in, open a client, join from a mail."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import wait_for

PASSWORD = "browser-members-stroll-by-7"
LINK = re.compile(r"(http://\S+/invitations/accept\?token=[\w\-]+)")


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(password)
    page.get_by_role("button", name="Log in").click()


def register_and_log_in(page, email: str, name: str, password: str = PASSWORD) -> None:
    """Create an account on the registration page, then log in with it: the new, empty vault opens."""
    page.goto("/register")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Master password", exact=True).fill(password)
    page.get_by_label("Re-type master password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account was created")).to_be_visible()
    log_in(page, email, password)
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()


def accept_from_mail(browser, system, mailbox, email: str, organization: str) -> None:
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
    expect(page.get_by_text(f"You joined {organization}")).to_be_visible()
    context.close()


def member_row(page, email: str):
    return page.locator("table.members tbody tr", has_text=email)


def member_action(page, email: str, action: str) -> None:
    member_row(page, email).get_by_label(f"Options for {email}").click()
    control = member_row(page, email).get_by_role("link", name=action)
    (control if control.count() else member_row(page, email).get_by_role("button", name=action)).click()


def add_client_and_manage(page, name: str, seats: int, owner_email: str) -> None:
    """On the Clients page: add a client organization, then open it in the Admin Console."""
    page.get_by_role("link", name="+ Add new organization").click()
    form = dialog(page)
    form.get_by_label("Organization name").fill(name)
    form.get_by_label("Seats").fill(str(seats))
    form.get_by_label("Owner email").fill(owner_email)
    form.get_by_label("Billing email").fill("billing@tests.example")
    form.get_by_role("button", name="Save").click()
    client_row = page.locator("table.clients tbody tr", has_text=name)
    client_row.get_by_label(f"Options for {name}").click()
    client_row.get_by_role("link", name="Manage", exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def bring_in_member(browser, system, mailbox, page, email: str, organization: str) -> None:
    """From the client's Admin Console: invite `email` as a User, who joins by mail; confirm them."""
    page.get_by_role("link", name="Members").click()
    page.get_by_role("link", name="Invite member").click()
    invite = dialog(page, "Invite member")
    invite.get_by_label("Email addresses").fill(email)
    invite.get_by_label("User type").select_option("user")
    invite.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Invitations sent: 1.")
    accept_from_mail(browser, system, mailbox, email, organization)
    page.reload()
    member_action(page, email, "Confirm")
    dialog(page).get_by_role("button", name="Confirm").click()
    expect(member_row(page, email)).to_contain_text("Confirmed")


# htmx binds what it swaps in before the swap's task ends (base.html: defaultSettleDelay 0), so this
# waits out requests in flight and checks that every form and htmx control in the page is bound.
HTMX_SETTLED = """() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')
  && Array.from(document.querySelectorAll('form, [hx-get], [hx-post], [hx-put], [hx-patch], [hx-delete]'))
       .every(element => element['htmx-internal-data'] && element['htmx-internal-data'].initHash)"""


def settled(page) -> None:
    """Wait until htmx has answered every request and bound all it swapped in: what is typed next is heard."""
    page.wait_for_function(HTMX_SETTLED)


def dialog(page, name: str | None = None):
    """The open dialog (by its title), once htmx has bound it; call again after anything re-renders it."""
    found = page.get_by_role("dialog", name=name) if name else page.get_by_role("dialog")
    expect(found).to_be_visible()
    settled(page)
    return found
