"""Issue 15's changes as a French-speaking technician meets them: a form names every wrong field at
once, in French; the portal's own dialog asks before revoking, in French, with "d'" before a vowel;
My account shows the fingerprint phrase; the password being typed is masked until "Afficher";
the Password Manager's Tools import and export one's own vault. (The same flows in English are in
test_members, test_vault, test_provider_portal and the integration tests.)"""
from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from tests.browser.steps import PASSWORD, dialog
from tests.support import new_provider_admin


def test_a_french_technician_runs_the_portal_in_french(browser, system):
    email = f"technicienne-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, email, PASSWORD)
    context = browser.new_context(base_url=system.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe principal").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()

    # Every wrong field of a new client at once, in French, before any service is asked.
    page.get_by_role("link", name="+ Ajouter une nouvelle organisation").click()
    form = dialog(page)
    form.get_by_label("Forfait").select_option("Teams")
    form.get_by_label("Sièges", exact=True).fill("2000")
    form.get_by_label("Adresse électronique du propriétaire").fill("pas-une-adresse")
    form.get_by_label("Adresse électronique de facturation").fill("a@b")
    form.get_by_role("button", name="Enregistrer").click()
    form = dialog(page)
    expect(form).to_contain_text("Saisissez le nom de l'organisation.")
    expect(form).to_contain_text("Le forfait Teams permet au plus 1\u202f000 sièges.")
    expect(form.get_by_text("Saisissez une adresse électronique valide.")).to_have_count(2)
    client = f"Atelier {uuid.uuid4().hex[:4]}"
    form.get_by_label("Nom de l'organisation").fill(client)
    form.get_by_label("Sièges", exact=True).fill("5")
    form.get_by_label("Adresse électronique du propriétaire").fill(f"proprio-{uuid.uuid4().hex[:6]}@tests.example")
    form.get_by_label("Adresse électronique de facturation").fill("facturation@tests.example")
    form.get_by_role("button", name="Enregistrer").click()
    row = page.locator("table.clients tbody tr", has_text=client)
    row.get_by_label(f"Options pour {client}").click()
    row.get_by_role("link", name="Gérer", exact=True).click()
    expect(page.get_by_role("heading", name=client)).to_be_visible()

    # Revoking asks in the portal's own dialog, in French, eliding "de" before a vowel.
    invited = f"alice-{uuid.uuid4().hex[:6]}@tests.example"
    page.get_by_role("link", name="Membres").click()
    expect(page.locator("#seat-use")).to_have_text("1 siège utilisé sur 5")  # French agrees with the number
    page.get_by_role("link", name="Inviter un membre").click()
    invite = dialog(page, "Inviter un membre")
    invite.get_by_label("Adresses électroniques").fill(invited)
    invite.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".toast")).to_contain_text("Invitations envoyées : 1.")
    expect(page.locator("#seat-use")).to_have_text("2 sièges utilisés sur 5")
    member = page.locator("table.members tbody tr", has_text=invited)
    member.get_by_label(f"Options pour {invited}").click()
    member.get_by_role("button", name="Révoquer l'accès").click()
    question = page.get_by_role("dialog", name=f"Révoquer l'accès d'{invited} à {client} ?")
    expect(question.get_by_role("button", name="Annuler")).to_be_focused()
    question.get_by_role("button", name="Annuler").click()
    expect(question).to_have_count(0)
    expect(member).to_contain_text("Invité")

    # My account: the fingerprint phrase an administrator checks.
    page.get_by_role("link", name="Paramètres du compte").first.click()
    expect(page.get_by_role("heading", name="Mon compte")).to_be_visible()
    expect(page.locator("#my-fingerprint")).to_have_text(re.compile(r"^[a-z]+(-[a-z]+){4,}$"))

    # The password being typed is masked until "Afficher".
    page.get_by_role("link", name="Gestionnaire de mots de passe").first.click()
    page.get_by_role("link", name="Nouvel élément").click()
    item = dialog(page, "Nouvel élément")
    item.get_by_label("Mot de passe", exact=True).fill("Canary-Francais-42")
    expect(item.get_by_label("Mot de passe", exact=True)).to_have_attribute("type", "password")
    item.get_by_role("button", name="Afficher", exact=True).click()
    expect(item.get_by_label("Mot de passe", exact=True)).to_have_attribute("type", "text")

    # Tools: import into and export out of one's own vault.
    page.goto("/vault")
    page.get_by_role("link", name="Importer des données").click()
    expect(page.get_by_label("Dossier de destination")).to_be_visible()
    page.get_by_role("link", name="Exporter le coffre").click()
    expect(page.get_by_text("Exporte les éléments de votre propre coffre")).to_be_visible()
    context.close()


def test_a_service_user_finds_the_clients_they_administer_in_the_admin_console(browser, system):
    context = browser.new_context(base_url=system.url, locale="fr-FR")
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Adresse électronique").fill("service@demo-msp.example")
    page.get_by_label("Mot de passe principal").fill(system.password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Clients")).to_be_visible()
    page.get_by_role("link", name="Console d'administration").first.click()
    expect(page.get_by_role("heading", name="Clients de Demo MSP")).to_be_visible()
    page.get_by_role("link", name="My Client's Organization").click()
    expect(page.get_by_role("heading", name="My Client's Organization")).to_be_visible()
    context.close()
