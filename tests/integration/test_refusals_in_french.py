"""A French user reads the services' refusals in French, their numbers and addresses in place (issue 15)."""
from __future__ import annotations

import html
import uuid

from tests.integration.conftest import PASSWORD
from tests.support import Visitor, new_provider_admin, service_backends


def french_provider_admin_with_a_client(system, seats: int = 3):
    email = f"msp-fr-{uuid.uuid4().hex[:10]}@tests.example"
    admin, provider_id = new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(system.url, language="fr")
    visitor.log_in(email, PASSWORD)
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": "Client Français", "plan": "Teams", "seats": str(seats), "owner_email": f"owner-{email}",
        "billing_email": f"billing-{email}"})
    organization_id = service_backends(system).orgs.get(f"/providers/{provider_id}/clients", admin.caller())[
        "clients"][0]["organization_id"]
    return visitor, provider_id, organization_id


def test_seats_below_those_used_are_refused_in_french_with_the_count(system):
    visitor, provider_id, organization_id = french_provider_admin_with_a_client(system)
    invited = visitor.submit(f"/organizations/{organization_id}/members/invite",
                             {"emails": f"olivia-{uuid.uuid4().hex[:6]}@tests.example", "role": "user"})
    assert invited.status_code in (200, 303), invited.text[-800:]
    refused = visitor.submit(f"/providers/{provider_id}/clients/{organization_id}/seats",
                             {"plan": "Teams", "seats": "1"})
    page = html.unescape(refused.text)
    assert refused.status_code == 422
    assert "Les sièges ne peuvent pas être moins nombreux que les membres qui en utilisent un (2)." in page
    assert "members who use a seat" not in page


def test_an_invalid_address_is_refused_in_french_naming_it(system):
    visitor, _provider_id, organization_id = french_provider_admin_with_a_client(system)
    refused = visitor.submit(f"/organizations/{organization_id}/members/invite",
                             {"emails": "alice@@acme", "role": "user"})
    page = html.unescape(refused.text)
    assert refused.status_code == 422
    assert "alice@@acme n'est pas une adresse électronique valide." in page
    assert "is not a valid email address" not in page


def test_statuses_are_french_and_de_is_elided_before_a_vowel(system):
    visitor, _provider_id, organization_id = french_provider_admin_with_a_client(system)
    alice = f"alice-{uuid.uuid4().hex[:6]}@tests.example"
    visitor.submit(f"/organizations/{organization_id}/members/invite", {"emails": alice, "role": "admin"})
    page = html.unescape(visitor.get(f"/organizations/{organization_id}/members").text)
    assert "Invité" in page and ">Invited<" not in page
    assert "Administrateur" in page
    assert f"Révoquer l'accès d'{alice} à " in page
    assert f"de {alice}" not in page
