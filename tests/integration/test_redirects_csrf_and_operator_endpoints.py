"""What a caller cannot make the gateway do: send a person off-site, reuse a CSRF token across a
log-in or log-out, read the metrics, or read the Dev mailbox without logging in."""
from __future__ import annotations

import pytest
import requests

from tests.support import Visitor, new_provider_admin

PASSWORD = "hardening-tests-sit-still-42"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "//evil.example", "https://evil.example"])
def test_choosing_a_language_never_sends_the_browser_to_another_site(system, target):
    visitor = Visitor(system.url)
    answer = visitor.submit("/login", {"language": "fr", "next": target}, action="/language", allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_a_newline_in_next_after_logging_in_goes_home(system, unique_email):
    email = unique_email("next")
    new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(system.url)
    page = visitor.get("/login")
    answer = visitor.http.post(f"{system.url}/login", params={"next": "/clients\r\nSet-Cookie: x=1"},
                               data={"email": email, "master_password": PASSWORD,
                                     "csrf_token": visitor.csrf_token(page.text)}, allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_a_csrf_token_from_before_logging_in_or_out_is_refused_after_it(system, unique_email):
    email = unique_email("csrf")
    new_provider_admin(system, email, PASSWORD)
    visitor = Visitor(system.url)
    before_login = visitor.csrf_token(visitor.get("/login").text)
    visitor.log_in(email, PASSWORD)
    replayed = visitor.http.post(f"{system.url}/language", data={"language": "fr", "csrf_token": before_login},
                                 allow_redirects=False)
    assert replayed.status_code == 400
    before_logout = visitor.csrf_token(visitor.get("/account").text)
    visitor.http.post(f"{system.url}/logout", data={"csrf_token": before_logout})
    replayed = visitor.http.post(f"{system.url}/language", data={"language": "fr", "csrf_token": before_logout},
                                 allow_redirects=False)
    assert replayed.status_code == 400


def test_the_gateway_serves_metrics_to_the_operators_token_only(system, proxied_gateway):
    assert requests.get(f"{system.url}/metrics", timeout=5).status_code == 404  # no token configured: none
    assert requests.get(f"{proxied_gateway.url}/metrics", timeout=5).status_code == 404
    assert requests.get(f"{proxied_gateway.url}/metrics", headers={"Authorization": "Bearer wrong"},
                        timeout=5).status_code == 404
    answer = requests.get(f"{proxied_gateway.url}/metrics", timeout=5,
                          headers={"Authorization": f"Bearer {proxied_gateway.metrics_token}"})
    assert answer.status_code == 200 and "http_requests_total" in answer.text


def test_a_request_id_is_taken_only_in_our_own_format(system):
    ours = "0123456789abcdef0123456789abcdef"
    assert requests.get(f"{system.url}/healthz", headers={"X-Request-Id": ours}, timeout=5) \
        .headers["X-Request-Id"] == ours
    for chosen in ("0123456789ABCDEF0123456789ABCDEF", ours + "0", "not-an-id; user=admin"):
        echoed = requests.get(f"{system.url}/healthz", headers={"X-Request-Id": chosen}, timeout=5)
        assert echoed.headers["X-Request-Id"] not in (chosen, ours)
