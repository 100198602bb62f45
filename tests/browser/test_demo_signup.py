"""Demo sign-up in a real browser: the provider schedules and cancels, a visitor signs up."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.steps import dialog, log_in, settled
from tests.support import Visitor, new_provider_admin, service_backends

PASSWORD = "browser-demo-takes-a-seat-5"
NEXT_JANUARY = date(date.today().year + 1, 1, 14).isoformat()


@pytest.fixture(scope="module")
def provider(system):
    """A provider admin (an account of their own) and their provider's id."""
    email = f"demo-msp-{uuid.uuid4().hex[:8]}@tests.example"
    admin, provider_id = new_provider_admin(system, email, PASSWORD, provider_name="Browser Demo MSP")
    return admin, provider_id


def scheduled(system, provider, **changes) -> dict:
    admin, provider_id = provider
    body = {"title": f"Vault basics {uuid.uuid4().hex[:6]}", "date": NEXT_JANUARY, "time": "10:00",
            "time_zone": "Europe/Paris", "duration_minutes": 30, "capacity": 5,
            "video_link": "https://meet.example.com/basics", **changes}
    return service_backends(system).identity.post(f"/providers/{provider_id}/demo-sessions", admin.caller(), body)


def open_demo_sessions(page, provider) -> None:
    admin, _provider_id = provider
    page.goto("/login")
    log_in(page, admin.email, PASSWORD)
    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Demo sessions").click()
    expect(page.get_by_role("heading", name="Demo sessions")).to_be_visible()


def test_the_provider_schedules_a_session(page, provider):
    open_demo_sessions(page, provider)
    settled(page)
    page.get_by_role("link", name="New session").click()
    form = dialog(page, "New session")
    form.get_by_label("Title").fill("Password manager tour")
    form.get_by_label("Date").fill(NEXT_JANUARY)
    form.get_by_label("Time", exact=True).fill("14:00")
    form.get_by_label("Time zone").select_option("Europe/Paris")
    form.get_by_label("Duration").fill("45")
    form.get_by_label("Capacity").fill("8")
    form.get_by_label("Video link").fill("https://meet.example.com/tour")
    form.get_by_role("button", name="Save").click()
    row = page.locator("table.demo-sessions tbody tr", has_text="Password manager tour")
    expect(row).to_contain_text("(Europe/Paris)")
    expect(row).to_contain_text("0 of 8")
    expect(page.get_by_label("Public sign-up link")).to_have_value(f"{page.url.split('/providers')[0]}"
                                                                   f"/training/demo?provider={provider[1]}")


def test_a_visitor_signs_up_and_sees_the_confirmation(page, system, provider):
    session = scheduled(system, provider)
    page.goto(f"/training/demo?provider={provider[1]}")
    expect(page.get_by_role("heading", name="Demo sign-up")).to_be_visible()
    settled(page)
    page.get_by_label(session["title"]).check()
    page.get_by_label("Name").fill("Grace Hopper")
    page.get_by_label("Work email").fill(f"grace-{uuid.uuid4().hex[:6]}@acme.example")
    page.get_by_label("Company", exact=True).fill("Acme Dental")
    page.get_by_label("Company size").select_option("51-200")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="You are signed up")).to_be_visible()
    expect(page.get_by_text("Check your inbox")).to_contain_text(session["title"])


def test_an_empty_sign_up_shows_every_field_error(page, system, provider):
    scheduled(system, provider)
    page.goto(f"/training/demo?provider={provider[1]}")
    settled(page)
    page.get_by_role("button", name="Sign up").click()
    for message in ("Choose a session.", "Enter your name.", "Enter your work email address.",
                    "Enter your company's name.", "Choose your company's size from the list."):
        expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")


def test_the_provider_sees_the_registration_and_cancels_the_session(page, system, provider):
    session = scheduled(system, provider)
    email = f"ada-{uuid.uuid4().hex[:6]}@acme.example"
    Visitor(system.url).submit(f"/training/demo?provider={provider[1]}", {
        "name": "Ada Lovelace", "email": email, "company": "Acme Dental", "company_size": "1-10",
        "session_id": session["session_id"]})
    open_demo_sessions(page, provider)
    page.get_by_role("link", name=session["title"]).click()
    registration = page.locator("table.demo-registrations tbody tr", has_text=email)
    expect(registration).to_contain_text("Ada Lovelace")
    expect(registration).to_contain_text("Acme Dental")
    expect(registration).to_contain_text("1–10 employees")
    settled(page)
    page.get_by_role("button", name="Cancel session").click()
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text(f"Cancel {session['title']}?")
    confirm.get_by_role("button", name="Cancel session").click()
    expect(page.get_by_text("This session is cancelled. Everyone registered was emailed.")).to_be_visible()
    expect(page.locator(".toast")).to_contain_text("is cancelled")
    expect(page.get_by_role("button", name="Cancel session")).to_have_count(0)
