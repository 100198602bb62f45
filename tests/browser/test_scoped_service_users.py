"""A Provider Admin limits a Service User to one client, in a real browser (issue 18, ADR 27): the user,
already logged in, sees only that client, and loses it at their next click when it is taken away."""
from __future__ import annotations

import uuid

from playwright.sync_api import expect

from gateway import keyring
from tests.browser.steps import dialog, log_in
from tests.support import STAFF_PASSWORD, StaffedProvider


# What the admin reads and clicks, in each language the tests speak.
ENGLISH = {"portal": "Provider Portal", "members": "Members", "options": "Options for {}", "dialog": "Clients of {}",
           "rotation": "provider key is rotated", "only": "Only these clients", "search": "Search clients",
           "save": "Save", "saved": "The clients of {} were saved.", "badge": "Some clients"}
FRENCH = {"portal": "Portail fournisseur", "members": "Membres", "options": "Options pour {}",
          "dialog": "Clients de {}", "rotation": "clé du fournisseur", "only": "Seulement ces clients",
          "search": "Rechercher des clients", "save": "Enregistrer", "saved": "Les clients de {} ont été enregistrés.",
          "badge": "Certains clients"}


def limit_to_one_client(page, person, alpha, bravo, words: dict):
    """As the logged-in admin: Members → the user's row → Clients → Only these clients → alpha → Save; the row."""
    page.get_by_role("navigation", name=words["portal"]).get_by_role("link", name=words["members"]).click()
    row = page.locator("table.staff tbody tr", has_text=person.email)
    row.get_by_label(words["options"].format(person.email)).click()
    row.get_by_role("link", name="Clients").click()
    clients = dialog(page, words["dialog"].format(person.email))
    expect(clients.locator("#staff-clients-rotation")).to_contain_text(words["rotation"])
    clients.get_by_label(words["only"]).check()
    clients.get_by_label(words["search"]).fill(alpha.name)
    expect(clients.get_by_label(bravo.name)).to_have_count(0)
    clients.get_by_label(alpha.name).check()
    clients.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".toast")).to_contain_text(words["saved"].format(person.email))
    expect(page.locator("table.staff tbody tr", has_text=person.email)).to_contain_text(words["badge"])
    return row


def test_an_admin_gives_a_service_user_one_client_then_takes_it(browser, system, page):
    world = StaffedProvider(system)
    alpha, bravo = world.client(f"Alpha {uuid.uuid4().hex[:4]}"), world.client(f"Bravo {uuid.uuid4().hex[:4]}")
    person = world.account("limited", "Limited Service")
    world.backends.orgs.post(f"/providers/{world.provider_id}/users", world.admin.caller(), {
        "user_id": person.user_id, "email": person.email, "role": "service_user",
        "wrapped_provider_key": keyring.wrap_provider_key(world.provider_key, person.public_key)})
    them = browser.new_context(base_url=system.url, locale="en-US").new_page()
    them.goto("/login")
    log_in(them, person.email, STAFF_PASSWORD)
    expect(them.get_by_role("heading", name="Clients")).to_be_visible()
    them.goto(f"/providers/{world.provider_id}/clients")
    expect(them.locator("table.clients")).to_contain_text(bravo.name)

    page.goto("/login")
    log_in(page, world.admin.email, STAFF_PASSWORD)
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    row = limit_to_one_client(page, person, alpha, bravo, ENGLISH)

    them.reload()  # the same session, logged in before
    expect(them.locator("table.clients")).to_contain_text(alpha.name)
    expect(them.locator("table.clients")).not_to_contain_text(bravo.name)
    them.goto("/organizations")
    expect(them.get_by_role("link", name=alpha.name)).to_be_visible()
    expect(them.get_by_role("link", name=bravo.name)).to_have_count(0)
    assert them.goto(f"/organizations/{bravo.organization_id}").status == 404
    expect(them.get_by_role("heading", name="Page not found")).to_be_visible()
    them.goto("/organizations")

    row.get_by_label(f"Options for {person.email}").click()
    row.get_by_role("link", name="Clients").click()
    clients = dialog(page, f"Clients of {person.email}")
    clients.get_by_label(alpha.name).uncheck()
    clients.get_by_role("button", name="Save").click()
    expect(page.locator(".toast")).to_contain_text(f"The clients of {person.email} were saved.")

    with them.expect_response(lambda answer: alpha.organization_id in answer.url) as answer:
        them.get_by_role("link", name=alpha.name).click()  # the next click, in the page shown before
    assert answer.value.status == 404
    them.context.close()


def test_in_french_an_admin_limits_a_service_user_to_one_client(browser, system):
    world = StaffedProvider(system)
    alpha, bravo = world.client(f"Alpha {uuid.uuid4().hex[:4]}"), world.client(f"Bravo {uuid.uuid4().hex[:4]}")
    person = world.account("limitee", "Limitée Service")
    world.backends.orgs.post(f"/providers/{world.provider_id}/users", world.admin.caller(), {
        "user_id": person.user_id, "email": person.email, "role": "service_user",
        "wrapped_provider_key": keyring.wrap_provider_key(world.provider_key, person.public_key)})
    context = browser.new_context(base_url=system.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        page.get_by_label("Adresse électronique").fill(world.admin.email)
        page.get_by_label("Mot de passe principal").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Clients")).to_be_visible()
        limit_to_one_client(page, person, alpha, bravo, FRENCH)
    finally:
        context.close()
