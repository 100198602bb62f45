"""A provider admin brands the training hub and sends a client's members its Getting started email,
in a real browser (short tests sharing one provider and the session's running system)."""
from __future__ import annotations

import base64
import io
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.steps import log_in, member_row, settled
from tests.conftest import wait_for
from tests.support import STAFF_PASSWORD, StaffedProvider


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def msp(system):
    """A provider with one client whose member was invited, shared by this module's tests."""
    provider = StaffedProvider(system)
    provider.acme = provider.client(f"Browser Acme {uuid.uuid4().hex[:6]}")
    provider.newcomer = f"newcomer-{uuid.uuid4().hex[:8]}@acme.example"
    provider.backends.orgs.post(f"/organizations/{provider.acme.organization_id}/members", provider.admin.caller(), {
        "emails": provider.newcomer, "role": "user", "permissions": []})
    return provider


def open_settings(page, msp) -> None:
    page.goto("/login")
    log_in(page, msp.admin.email, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Training hub").click()
    expect(page.get_by_role("heading", name="Training hub")).to_be_visible()
    settled(page)


def test_the_admin_names_the_hub_gives_its_support_email_and_logo_and_the_hub_shows_them(page, msp):
    open_settings(page, msp)
    page.get_by_label("Hub name").fill("Acme IT Academy")
    page.get_by_label("Support email").fill("help@acme-it.example")
    page.get_by_label("Support website").fill("https://help.acme-it.example/")
    page.get_by_label("Logo", exact=True).set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": png(96, 96)})
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text("Training hub saved.")
    expect(page.get_by_role("img", name="Acme IT Academy logo")).to_be_visible()
    page.get_by_role("link", name="Preview the hub").click()
    expect(page.locator(".hub-name")).to_have_text("Acme IT Academy")
    logo = page.get_by_role("img", name="Acme IT Academy logo")
    expect(logo).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", logo.element_handle()) == 96  # the browser decoded it
    expect(page.get_by_role("link", name="help@acme-it.example")).to_have_attribute("href",
                                                                                     "mailto:help@acme-it.example")
    expect(page.get_by_role("link", name="Support site")).to_have_attribute("href", "https://help.acme-it.example/")
    page.get_by_role("navigation", name="Training").get_by_role("link", name="Registration").click()
    expect(page.locator(".hub-name")).to_have_text("Acme IT Academy")


def test_a_bad_logo_shows_its_error_and_the_old_logo_stays(page, msp):
    msp.backends.orgs.call("PUT", f"/providers/{msp.provider_id}/training-hub", msp.admin.caller(), json={
        "hub_name": "Kept Academy", "logo": base64.b64encode(png(40, 40)).decode()})
    open_settings(page, msp)
    old = page.get_by_role("img", name="Kept Academy logo").get_attribute("src")
    page.get_by_label("Logo", exact=True).set_input_files(
        {"name": "logo.png", "mimeType": "image/png", "buffer": b"this is a text file with a .png name\n"})
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The logo must be a PNG, JPEG or WebP image.")).to_be_visible()
    expect(page.get_by_role("img", name="Kept Academy logo")).to_have_attribute("src", old)
    page.goto(f"/training?provider={msp.provider_id}")
    expect(page.get_by_role("img", name="Kept Academy logo")).to_have_attribute("src", old)


def test_the_getting_started_email_is_sent_from_the_members_page(page, msp, smtp):
    _controller, mailbox = smtp
    page.goto("/login")
    log_in(page, msp.admin.email, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.goto(f"/organizations/{msp.acme.organization_id}/members")
    settled(page)
    member_row(page, msp.newcomer).get_by_label(f"Select {msp.newcomer}").check()
    page.get_by_role("button", name="Send getting started email").click()
    expect(page.locator(".toast")).to_contain_text("Getting started email sent to 1 member.")
    mail = wait_for(lambda: [m for m in mailbox.to(msp.newcomer) if m["Subject"].startswith("Getting started")],
                    message="the getting started email")[0]
    assert f"/training/registration?provider={msp.provider_id}" in mail.get_payload(decode=True).decode()
