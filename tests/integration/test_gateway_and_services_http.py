"""The HTTP contract: CSRF, CSP and language in the gateway; validation, OpenAPI, health and
metrics in every service."""
from __future__ import annotations

import uuid

import pytest
import requests

from services.common.config import SERVICES
from services.common.internal_auth import Caller
from tests.support import Visitor, signed_call

PUBLIC_PAGES = ["/login", "/register"]


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(system, unique_email):
    email = unique_email()
    response = requests.post(system.url + "/register", data={
        "email": email, "name": "No Token", "master_password": "quiet-falcon-river-stone-7",
        "master_password_confirm": "quiet-falcon-river-stone-7"}, timeout=10)
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert "Wrong email" in Visitor(system.url).log_in(email, "quiet-falcon-river-stone-7").text


def test_every_page_carries_a_strict_content_security_policy(system):
    visitor = Visitor(system.url)
    pages = [visitor.get(path) for path in PUBLIC_PAGES]
    visitor.log_in(system.admin_email, system.password)
    pages += [visitor.last_response] if hasattr(visitor, "last_response") else []
    pages += [visitor.get(path) for path in ("/", "/vault", "/organizations", "/does-not-exist")]
    for response in pages:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'self'" in policy
        assert "<script>" not in response.text and " onclick=" not in response.text
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_http_only_and_same_site(system):
    visitor = Visitor(system.url)
    response = visitor.submit("/login", {"email": system.admin_email, "master_password": system.password},
                              allow_redirects=False)
    cookie = response.headers["Set-Cookie"]
    assert "custodian_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_clients_page_speaks_french_to_a_french_browser(system):
    visitor = Visitor(system.url, language="fr-FR,fr;q=0.9,en;q=0.5")
    assert "Mot de passe principal" in visitor.get("/login").text
    visitor.log_in(system.admin_email, system.password)
    html = visitor.last_html
    assert 'lang="fr"' in html
    for words in ("Attribués", "Utilisés", "Restants", "Forfait", "Ajouter une nouvelle organisation",
                  "Portail fournisseur"):
        assert words in html


def test_the_chosen_language_wins_over_the_browsers(system):
    visitor = Visitor(system.url, language="fr")
    page = visitor.get("/login")
    visitor.http.post(system.url + "/language", data={"language": "en", "next": "/login",
                                                       "csrf_token": visitor.csrf_token(page.text)})
    assert "Master password" in visitor.get("/login").text


def test_htmx_gets_the_partial_and_a_browser_the_whole_page_from_the_same_url(system):
    visitor = Visitor(system.url)
    visitor.log_in(system.admin_email, system.password)
    clients_url = visitor.http.get(system.url + "/").url
    full = visitor.http.get(clients_url)
    part = visitor.http.get(clients_url, headers={"HX-Request": "true", "HX-Target": "clients"})
    assert "<html" in full.text and "<html" not in part.text
    assert "<table" in part.text and "My Client" in part.text
    assert "HX-Request" in part.headers["Vary"]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_reports_health_readiness_metrics_and_openapi(system, service):
    base = system.service_url(service)
    assert requests.get(base + "/healthz", timeout=5).json()["status"] == "ok"
    ready = requests.get(base + "/readyz", timeout=5)
    assert ready.status_code == 200 and ready.json()["checks"] == {"database": True, "nats": True}
    assert "http_requests_total" in requests.get(base + "/metrics", timeout=5).text
    spec = requests.get(base + "/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.") and spec["paths"]


def test_the_openapi_documents_are_generated_from_the_input_models(system):
    spec = requests.get(system.service_url("orgs") + "/openapi.json", timeout=5).json()
    body = spec["paths"]["/providers/{provider_id}/clients"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert {"name", "plan", "seats", "owner_email"} <= set(schema["properties"])


@pytest.mark.parametrize("body, content_type, status", [
    ("{not json", "application/json", 400),
    ('{"email": 42, "master_password_hash": "x"}', "application/json", 422),
    ('{"email": "a@b.example", "master_password_hash": "x", "admin": true}', "application/json", 422),
    ('["a", "list"]', "application/json", 422),
    ("", "application/json", 400),
])
def test_malformed_input_to_a_service_gets_a_clear_4xx_never_a_5xx(system, body, content_type, status):
    call = signed_call(system.settings("gateway").internal_secret, "POST", "/sessions", body=body.encode(),
                       caller=Caller("gateway", None, uuid.uuid4().hex))
    response = requests.post(system.service_url("identity") + "/sessions", data=call["data"],
                             headers={**call["headers"], "Content-Type": content_type}, timeout=5)
    assert response.status_code == status
    assert response.json().get("message")


def test_a_wrong_type_names_the_field(system):
    path = "/providers/x/clients/y/seats"
    response = requests.put(system.service_url("orgs") + path, timeout=5,
                            **signed_call(system.settings("gateway").internal_secret, "PUT", path, {"seats": "ten"}))
    assert response.status_code == 422
    assert "seats" in response.json()["detail"]["json"]


def test_gateway_readiness_covers_nats_and_every_service(system):
    ready = requests.get(system.url + "/readyz", timeout=5).json()
    assert ready["checks"] == {"nats": True, **{name: True for name in SERVICES}}


@pytest.mark.parametrize("service, path", [("identity", "/sessions"), ("orgs", "/organizations/x/items/import")])
def test_a_json_body_nested_100000_levels_deep_is_refused_with_400_not_500(system, service, path):
    body = "[" * 100_000 + "]" * 100_000
    response = requests.post(system.service_url(service) + path, timeout=10,
                             **signed_call(system.settings("gateway").internal_secret, "POST", path, body=body.encode()))
    assert response.status_code == 400 and "nested more than 32 levels" in response.json()["message"]
