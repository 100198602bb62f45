"""Provider Portal → Integrations in a real browser (ADR 26): a Provider Admin creates a credential of the event
stream, sees its secret once and revokes it; a Service User is not offered the page."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.steps import dialog, log_in, settled
from tests.sse import STREAM_PATH
from tests.support import STAFF_PASSWORD, StaffedProvider


@pytest.fixture(scope="module")
def msp(system):
    return StaffedProvider(system)


def open_integrations(page, msp) -> None:
    page.goto("/login")
    log_in(page, msp.admin.email, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="Integrations")).to_be_visible()
    settled(page)


def test_an_admin_creates_a_credential_sees_its_secret_once_and_revokes_it(page, msp, system):
    open_integrations(page, msp)
    page.get_by_role("link", name="New credential").click()
    form = dialog(page, "New credential")
    form.get_by_role("button", name="Create").click()
    expect(dialog(page, "New credential").get_by_text("Enter a name.")).to_be_visible()
    dialog(page, "New credential").get_by_label("Name").fill("Splunk")
    dialog(page, "New credential").get_by_role("button", name="Create").click()
    shown = dialog(page, "Credential Splunk")
    expect(shown).to_contain_text("Copy the client secret now: it is not shown again.")
    secret = shown.locator("#client-secret").inner_text()
    client_id = shown.locator("#client-id").inner_text()
    assert len(secret) == 40 and client_id.startswith("integration.")
    with requests.get(system.url + STREAM_PATH, auth=(client_id, secret), stream=True, timeout=10) as stream:
        assert stream.status_code == 200  # what the dialog showed reads the stream

    shown.get_by_role("link", name="Done").click()
    row = page.locator("table.integrations tbody tr", has_text="Splunk")
    expect(row).to_contain_text(client_id)
    page.reload()
    expect(row).to_be_visible()
    expect(page.get_by_text(secret)).to_have_count(0)  # shown once, never again

    settled(page)
    row.get_by_role("button", name="Revoke Splunk").click()
    question = page.get_by_role("dialog", name="Revoke Splunk? Whatever uses it can no longer read your events.")
    question.get_by_role("button", name="Revoke").click()
    expect(page.locator(".toast")).to_contain_text("Credential revoked")
    expect(row).to_have_count(0)
    assert requests.get(system.url + STREAM_PATH, auth=(client_id, secret), timeout=10).status_code == 401


def test_a_service_user_is_not_offered_integrations(page, msp):
    page.goto("/login")
    log_in(page, msp.service_user.email, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    nav = page.get_by_role("navigation", name="Provider Portal")
    expect(nav.get_by_role("link", name="Clients")).to_be_visible()
    expect(nav.get_by_role("link", name="Integrations")).to_have_count(0)
    page.goto(f"/providers/{msp.provider_id}/integrations")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_in_french_the_secret_is_shown_once_too(browser, system, msp):
    context = browser.new_context(base_url=system.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Adresse électronique").fill(msp.admin.email)
        page.get_by_label("Mot de passe principal").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Clients")).to_be_visible()
        page.get_by_role("navigation", name="Portail fournisseur").get_by_role("link", name="Intégrations").click()
        expect(page.get_by_role("heading", name="Intégrations")).to_be_visible()
        settled(page)
        page.get_by_role("link", name="Nouvel identifiant").click()
        form = dialog(page, "Nouvel identifiant")
        form.get_by_label("Nom").fill("Sauvegarde")
        form.get_by_role("button", name="Créer").click()
        shown = dialog(page, "Identifiant Sauvegarde")
        expect(shown).to_contain_text("Copiez le secret client maintenant : il ne sera plus affiché.")
        secret = shown.locator("#client-secret").inner_text()
        shown.get_by_role("link", name="Terminé").click()
        expect(page.locator("table.integrations tbody tr", has_text="Sauvegarde")).to_be_visible()
        expect(page.get_by_text(secret)).to_have_count(0)
    finally:
        context.close()
