"""Two-step login in a real browser: an authenticator app set up from the page, a log-in with a
computed code, then one with the recovery code, which turns two-step login off."""
from __future__ import annotations

import time

import pyotp
from playwright.sync_api import expect

from tests.browser.steps import dialog, log_in, register_and_log_in


def test_an_authenticator_app_then_the_recovery_code(page, unique_email):
    email = unique_email("browser-2fa")
    register_and_log_in(page, email, "Tess Two-Step")

    page.get_by_role("link", name="Account settings").click()
    page.get_by_role("link", name="Manage two-step login").click()
    expect(page.get_by_text("Two-step login is off.")).to_be_visible()
    page.get_by_role("region", name="Authenticator app").get_by_role("button", name="Turn on").click()
    form = dialog(page, "Turn on the authenticator app")
    expect(form.get_by_role("img", name="QR code of your Custodian secret")).to_be_visible()
    key = form.get_by_label("Key for manual entry").input_value()
    assert len(key.replace(" ", "")) == 32  # 160 bits in base32, shown in groups of four
    totp = pyotp.TOTP(key.replace(" ", ""))
    form.get_by_label("Verification code").fill("000000" if totp.now() != "000000" else "111111")
    form.get_by_role("button", name="Turn on").click()
    expect(form.get_by_text("This code is not right")).to_be_visible()
    form = dialog(page, "Turn on the authenticator app")
    form.get_by_label("Verification code").fill(totp.now())
    form.get_by_role("button", name="Turn on").click()
    saved = dialog(page, "Save your recovery code")
    recovery_code = saved.get_by_label("Your recovery code").input_value()
    assert len(recovery_code.replace(" ", "")) == 32
    saved.get_by_role("link", name="I saved it").click()
    expect(page.get_by_text("Two-step login is on.")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, email)
    expect(page.get_by_role("heading", name="Two-step login", exact=True)).to_be_visible()
    page.get_by_label("Verification code").fill(totp.at(int(time.time()) + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, email)
    page.get_by_role("link", name="Use your recovery code").click()
    page.get_by_label("Recovery code").fill(recovery_code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used your recovery code: two-step login is now off.")).to_be_visible()
    expect(page.get_by_text("Two-step login is off.")).to_be_visible()
    expect(page.get_by_role("region", name="Authenticator app").get_by_text("Off", exact=True)).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, email)
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
