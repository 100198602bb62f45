"""Names people give (clients, groups, collections, folders, their own) over HTTP: one rule, refused clearly."""
from __future__ import annotations

import html

import pytest

from services.common.internal_http import ServiceError
from tests.integration.conftest import PASSWORD
from tests.support import Visitor, service_backends

RIGHT_TO_LEFT_OVERRIDE = "\u202e"
UNSEEN_IN_NAME = "A name cannot contain control, invisible or text-direction characters."


def _clients(system, admin, provider_id: str) -> list[str]:
    return [c["name"] for c in service_backends(system).orgs.get(f"/providers/{provider_id}/clients",
                                                                admin.caller())["clients"]]


def _new_client(visitor, provider_id: str, name: str, unique_email):
    return visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": name, "plan": "Teams", "seats": "3", "owner_email": unique_email("owner"),
        "billing_email": unique_email("billing")})


@pytest.mark.parametrize("name", [f"Acme{RIGHT_TO_LEFT_OVERRIDE}gpj.exe", "Acme\u200bCorp", "Acme\x00Corp"])
def test_a_client_name_with_an_invisible_or_text_direction_character_is_refused_and_nothing_is_made(
        system, client_org, unique_email, name):
    visitor, admin, provider_id, _organization_id = client_org
    answer = _new_client(visitor, provider_id, name, unique_email)
    assert answer.status_code == 422 and UNSEEN_IN_NAME in html.unescape(answer.text)
    assert _clients(system, admin, provider_id) == ["Members Co"]


def test_client_names_are_unique_after_normalisation_and_case_folding(system, client_org, unique_email):
    visitor, admin, provider_id, _organization_id = client_org
    assert _new_client(visitor, provider_id, "Stra\u00dfe Caf\u00e9", unique_email).status_code == 200
    clash = _new_client(visitor, provider_id, "STRASSE CAFE\u0301", unique_email)
    assert clash.status_code == 422 and "already have a client with this name" in clash.text
    assert sorted(_clients(system, admin, provider_id)) == ["Members Co", "Straße Café"]


def test_a_group_name_with_a_zero_width_space_is_refused_by_orgs(system, client_org):
    _visitor, admin, _provider_id, organization_id = client_org
    with pytest.raises(ServiceError) as refused:
        service_backends(system).orgs.post(f"/organizations/{organization_id}/groups", admin.caller(),
                                           {"name": "Ops\u200b", "member_ids": []})
    assert refused.value.status == 422 and refused.value.message == UNSEEN_IN_NAME


def test_a_collection_name_is_checked_in_the_gateway_before_it_is_sealed(system, client_org):
    visitor, admin, _provider_id, organization_id = client_org
    answer = visitor.submit(f"/organizations/{organization_id}/collections/new",
                            {"name": f"Finance{RIGHT_TO_LEFT_OVERRIDE}"})
    assert answer.status_code == 422 and UNSEEN_IN_NAME in html.unescape(answer.text)
    assert service_backends(system).orgs.get(f"/organizations/{organization_id}/collections",
                                             admin.caller())["collections"] == []


def test_a_folder_name_is_checked_in_the_gateway_before_it_is_sealed(system, client_org):
    visitor, *_ = client_org
    answer = visitor.submit("/vault/folders", {"name": "Bank\u2066"})
    assert answer.status_code == 422 and UNSEEN_IN_NAME in html.unescape(answer.text)


def test_an_account_name_with_a_nul_is_refused_in_french_too(system, unique_email):
    visitor = Visitor(system.url, language="fr")
    answer = visitor.register(unique_email("zoe"), "Zo\u00eb\x00", PASSWORD)
    assert answer.status_code == 422
    assert "Un nom ne peut pas contenir de caractères de contrôle, invisibles ou de sens d’écriture." \
        in html.unescape(answer.text)
