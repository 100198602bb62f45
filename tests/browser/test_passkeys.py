"""Passkeys in a real browser: Chromium's virtual authenticator (the DevTools protocol's WebAuthn domain)
stands for the security key. Browsers refuse an IP address as relying party id, so the system runs at
localhost (what `make run` prints, ADR 22), and one test opens it at 127.0.0.1 to see the refusal there."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.steps import PASSWORD, dialog, log_in, register_and_log_in

KEY = {"protocol": "ctap2", "transport": "usb", "hasResidentKey": True, "hasUserVerification": True,
       "isUserVerified": True, "automaticPresenceSimulation": True}


def at_loopback_ip(system) -> str:
    """The portal's own address, by IP: the system runs at localhost, as `make run` does."""
    assert "://localhost:" in system.url, system.url
    return system.url.replace("://localhost:", "://127.0.0.1:")


@pytest.fixture
def keyed(browser, system):
    """A page at localhost with a security key plugged in; `keyed.swap_key()` plugs another one instead."""
    context = browser.new_context(base_url=system.url, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    plugged = [devtools.send("WebAuthn.addVirtualAuthenticator", {"options": KEY})["authenticatorId"]]

    def swap_key():
        devtools.send("WebAuthn.removeVirtualAuthenticator", {"authenticatorId": plugged.pop()})
        plugged.append(devtools.send("WebAuthn.addVirtualAuthenticator", {"options": KEY})["authenticatorId"])

    page.swap_key = swap_key
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def open_passkeys(page):
    page.goto("/account/two-step-login")
    page.get_by_role("region", name="Passkey").get_by_role("link", name="Manage").click()
    return dialog(page, "Passkey")


def read_and_save(page, name: str):
    form = open_passkeys(page) if not page.get_by_role("dialog", name="Passkey").count() else dialog(page, "Passkey")
    form.get_by_label("Master password").fill(PASSWORD)
    form.get_by_label("Name", exact=True).fill(name)
    form.get_by_role("button", name="Read key").click()
    expect(form.get_by_text("Key read. Press Save to add it.")).to_be_visible()
    form.get_by_role("button", name="Save").click()


def with_first_key(page, email: str, name: str = "Blue key") -> None:
    register_and_log_in(page, email, "Pat Passkey")
    read_and_save(page, name)
    saved = dialog(page, "Save your recovery code")
    saved.get_by_role("link", name="I saved it").click()
    expect(page.get_by_role("region", name="Passkey").get_by_text("On", exact=True)).to_be_visible()


def test_a_named_passkey_turns_two_step_login_on_and_logs_in(keyed, unique_email):
    email = unique_email("passkey")
    with_first_key(keyed, email)
    keyed.get_by_role("button", name="Log out").click()
    log_in(keyed, email)
    expect(keyed.get_by_role("heading", name="Passkey")).to_be_visible()
    keyed.get_by_role("button", name="Use passkey").click()
    expect(keyed.get_by_role("heading", name="My vault")).to_be_visible()


def test_a_second_key_is_listed_beside_the_first_and_the_same_key_is_refused(keyed, unique_email):
    with_first_key(keyed, unique_email("two-keys"))
    form = open_passkeys(keyed)
    form.get_by_label("Master password").fill(PASSWORD)
    form.get_by_label("Name", exact=True).fill("Blue again")
    form.get_by_role("button", name="Read key").click()
    expect(form.get_by_role("alert")).to_have_text("This key is already registered. Use another key.")
    keyed.swap_key()
    read_and_save(keyed, "Green key")
    expect(keyed.locator(".toast")).to_contain_text("The passkey was saved.")
    keys = dialog(keyed, "Passkey").get_by_role("list", name="Your keys").get_by_role("listitem")
    expect(keys).to_have_count(2)
    expect(keys.nth(0)).to_contain_text("Blue key")
    expect(keys.nth(1)).to_contain_text("Green key")


def test_removing_the_only_key_needs_the_master_password_and_turns_passkeys_off(keyed, unique_email):
    email = unique_email("remove-key")
    with_first_key(keyed, email)
    open_passkeys(keyed).get_by_role("button", name="Remove Blue key").click()
    confirm = dialog(keyed, "Remove the passkey Blue key")
    confirm.get_by_label("Master password").fill("not my master password")
    confirm.get_by_role("button", name="Remove").click()
    expect(confirm.get_by_text("This is not your master password.")).to_be_visible()
    confirm = dialog(keyed, "Remove the passkey Blue key")
    confirm.get_by_label("Master password").fill(PASSWORD)
    confirm.get_by_role("button", name="Remove").click()
    expect(keyed.get_by_text("The passkey was removed. Passkeys are off.")).to_be_visible()
    expect(keyed.get_by_text("Two-step login is off.")).to_be_visible()
    keyed.get_by_role("button", name="Log out").click()
    log_in(keyed, email)
    expect(keyed.get_by_role("heading", name="My vault")).to_be_visible()


def test_a_key_is_not_read_at_another_address_than_the_portals(browser, system, unique_email):
    context = browser.new_context(base_url=at_loopback_ip(system), locale="en-US")  # the same portal, by its IP
    context.set_default_timeout(10_000)
    page = context.new_page()
    register_and_log_in(page, unique_email("elsewhere"), "Pat Passkey")
    form = open_passkeys(page)
    form.get_by_role("button", name="Read key").click()
    expect(form.get_by_role("alert")).to_have_text(
        f"Passkeys work only when Custodian is opened at {system.url}.")
    context.close()
