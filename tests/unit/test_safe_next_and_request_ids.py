"""Where the gateway may send a person next, which request ids it takes, and when it sends HSTS."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, redirect
from hypothesis import example, given
from hypothesis import strategies as st

from gateway.app import create_app
from gateway.render import local_path
from services.common.config import Settings
from services.common.observability import accepted_request_id
from tests.conftest import TEST_SECRETS


def as_a_browser_reads_it(location: str):
    """The URL a browser goes to for this Location: tabs and newlines dropped, backslashes as slashes."""
    return urlsplit(re.sub(r"[\t\n\r]", "", location).replace("\\", "/"), allow_fragments=True)


@given(st.one_of(st.text(), st.text(alphabet="/\\\t\n\r %09:.evilxample@").map(lambda text: "/" + text)))
@example("/\t/evil.example")
@example("/%09/evil.example")
@example("/\n/evil.example")
@example("/\\evil.example")
@example("/\u00e9\u20ac")
def test_next_is_a_path_on_this_site_that_a_header_can_carry_or_nothing(target):
    path = local_path(target)
    if path is None:
        return
    read = as_a_browser_reads_it(path)
    assert not read.scheme and not read.netloc and path.startswith("/") and not path.startswith("//")
    assert path.isascii() and not re.search(r"[\x00-\x1f\x7f]", path)
    with Flask(__name__).test_request_context():
        assert redirect(path, 303).headers["Location"] == path


def test_ordinary_paths_are_kept_as_they_are():
    for path in ("/", "/providers/p1/clients?page=2&sort=name", "/invitations/accept?token=a%2Fb", "/x#y"):
        assert local_path(path) == path


@given(st.text())
@example("0123456789abcdef0123456789abcdef\n")
def test_a_request_id_is_ours_in_form_whatever_came_in(incoming):
    accepted = accepted_request_id(incoming)
    assert re.fullmatch(r"[0-9a-f]{32}", accepted)
    if re.fullmatch(r"[0-9a-f]{32}", incoming):
        assert accepted == incoming
    else:
        assert accepted != incoming.strip()  # not even the id that a trailing newline followed


def test_a_well_formed_request_id_is_kept():
    assert accepted_request_id("0123456789abcdef0123456789abcdef") == "0123456789abcdef0123456789abcdef"


def test_hsts_is_sent_exactly_when_cookies_are_secure(tmp_path):
    for secure, expected in (("true", True), ("false", False)):
        app = create_app(Settings.from_env("gateway", {**TEST_SECRETS, "CUSTODIAN_VAR": str(tmp_path),
                                                       "SECURE_COOKIES": secure}))
        answer = app.test_client().get("/healthz")
        assert ("Strict-Transport-Security" in answer.headers) is expected
