"""Send's pages over HTTP against the running system: the form's refusals change nothing, the
policies Remove Send and Send options with Bitwarden's exemptions, someone else's Send, the
recipient's calls from elsewhere, a broken upload, and the events in the client's log."""
from __future__ import annotations

import html
import io
import os
import re

import pytest

from gateway.crypto.kdf import send_keys
from gateway.sends import from_b64url
from tests.conftest import wait_for
from tests.support import StaffedProvider, Visitor

LINK = re.compile(r'id="send-link" value="([^"]+)"')
NOT_AVAILABLE = {"available": False}


@pytest.fixture(scope="module")
def world(system):
    """A provider and two clients; Acme has a member of each role, Other a plain member."""
    world = StaffedProvider(system)
    world.acme = world.client("Acme Sends")
    world.other = world.client("Other Sends")
    world.people = {label: world.member(world.acme, label, role) for label, role in
                    (("owner", "owner"), ("admin", "admin"), ("user", "user"), ("user2", "user"))}
    world.people["other-user"] = world.member(world.other, "outsider", "user")
    world.people.update({"provider-admin": world.admin, "service-user": world.service_user})
    return world


def visitor(world, label: str) -> Visitor:
    return world.browsing(label)


def form(organization: str, **changes) -> dict:
    return {"send_type": "text", "organization_id": organization, "name": "Router", "text": "Canary-Pages-1",
            "deletion": "7d", "expiration": "never", **changes}


def create(world, label: str, organization_id: str, **changes):
    person = visitor(world, label)
    path = f"/sends/new?organization_id={organization_id}"  # as the client's Admin Console links to it
    return person.submit(path, form(organization_id, **changes), allow_redirects=False)


def sends_listed(world, label: str) -> str:
    return visitor(world, label).get("/sends").text


def link_of(world, label: str, edit_path: str) -> str:
    return html.unescape(LINK.search(visitor(world, label).get(edit_path).text).group(1))


@pytest.mark.parametrize("changes, message", [
    ({"name": ""}, "Enter a name for the Send."),
    ({"name": "n" * 1001}, "Field cannot be longer than 1000 characters."),
    ({"text": ""}, "Enter the text you want to send."),
    ({"text": "t" * 1001}, "Field cannot be longer than 1000 characters."),
    ({"deletion": "custom", "custom_deletion": "2099-01-01T00:00"}, "The deletion date must be within the next 31 days."),
    ({"deletion": "1d", "expiration": "7d"}, "no later than the deletion date"),
    ({"max_access_count": "0"}, "Enter a number from 1 to 1,000,000."),
    ({"max_access_count": "many"}, "Not a valid integer value."),
    ({"send_type": "file"}, "Sending a file needs JavaScript"),
    ({"organization_id": "not-an-organization"}, "Choose one of your organizations."),
])
def test_a_refused_form_says_why_and_creates_nothing(world, changes, message):
    changes = {"name": "Refused Send", **changes}
    answer = visitor(world, "user2").submit("/sends/new", form(world.acme.organization_id, **changes),
                                            allow_redirects=False)
    assert answer.status_code == 422
    assert message in html.unescape(answer.text)
    assert "Refused Send" not in sends_listed(world, "user2")


def test_a_member_sends_and_nobody_else_may_touch_it(world):
    answer = create(world, "user", world.acme.organization_id, name="Member Send")
    assert answer.status_code == 303
    edit = answer.headers["Location"]
    assert "Member Send" in sends_listed(world, "user")
    for other in ("user2", "owner", "provider-admin", "other-user"):
        assert "Member Send" not in sends_listed(world, other)
        assert visitor(world, other).get(edit).status_code == 404
        refused = visitor(world, other).submit("/sends", {}, action=edit.replace("/edit", "/delete"),
                                               allow_redirects=False)
        assert refused.status_code == 404
    assert "Member Send" in sends_listed(world, "user")
    # Someone outside the organization cannot make a Send in it.
    answer = create(world, "other-user", world.acme.organization_id, name="Intruder Send")
    assert answer.status_code in (404, 422)
    assert "Intruder Send" not in sends_listed(world, "other-user")


def test_remove_send_binds_members_not_owners_admins_or_the_provider(world):
    acme = world.acme.organization_id
    admin = visitor(world, "provider-admin")
    policy = f"/organizations/{acme}/policies/disable_send"
    assert admin.submit(policy, {"enabled": "on"}, allow_redirects=False).status_code in (200, 303)
    try:
        refused = create(world, "user", acme, name="Blocked Send")
        assert refused.status_code == 403
        assert "only able to delete an existing Send" in html.unescape(refused.text)
        assert "New Send" not in sends_listed(world, "user")
        for exempt in ("owner", "admin", "service-user"):
            assert create(world, exempt, acme, name=f"Exempt {exempt}").status_code == 303
    finally:
        admin.submit(policy, {}, allow_redirects=False)
    assert create(world, "user", acme, name="Allowed again").status_code == 303


def test_send_options_keep_members_from_hiding_their_email(world):
    acme = world.acme.organization_id
    admin = visitor(world, "provider-admin")
    policy = f"/organizations/{acme}/policies/send_options"
    admin.submit(policy, {"enabled": "on", "disable_hide_email": "on"}, allow_redirects=False)
    try:
        refused = create(world, "user", acme, name="Anonymous Send", hide_email="y")
        assert refused.status_code == 403 or refused.status_code == 422
        assert "not allowed to hide your email address" in html.unescape(refused.text)
        assert create(world, "user", acme, name="Signed Send").status_code == 303
        assert create(world, "owner", acme, name="Owner hides", hide_email="y").status_code == 303
    finally:
        admin.submit(policy, {}, allow_redirects=False)


def opening(world, label: str, edit_path: str) -> tuple[str, dict]:
    """A Send's id and what its recipient's page would post, from the link its creator copies."""
    link = link_of(world, label, edit_path)
    send_id, key = link.split("/send/")[1].split("#")
    return send_id, {"access_token": send_keys(from_b64url(key)).access_token, "password": None}


def test_recipient_calls_from_elsewhere_or_malformed_get_the_one_answer(world, system):
    answer = create(world, "user", world.acme.organization_id, name="Probe Send")
    send_id, body = opening(world, "user", answer.headers["Location"])
    anyone = Visitor(system.url).http
    url = f"{system.url}/send/{send_id}/access"
    assert anyone.post(url, json=body, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert anyone.post(url, json=body, headers={"Origin": "https://evil.example"}).status_code == 403
    for wrong in ({**body, "password": "short"}, {**body, "password": 7}, {"password": None}, {**body, "access_token":
                  send_keys(bytes(16)).access_token}, {**body, "access_token": None}, [1]):
        refused = anyone.post(url, json=wrong)
        assert (refused.status_code, refused.json()) == (404, NOT_AVAILABLE)
    good = anyone.post(url, json=body, headers={"Sec-Fetch-Site": "same-origin"})
    assert good.status_code == 200 and good.json()["type"] == "text" and "notes" not in good.json()
    assert "Canary-Pages-1" not in good.text
    refused = anyone.post(url, data="password=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (refused.status_code, refused.json()) == (404, NOT_AVAILABLE)
    for unknown in ("AAAAAAAAAAAAAAAAAAAAAA", "../../etc", "x" * 300):
        refused = anyone.post(f"{system.url}/send/{unknown}/access", json={"password": None})
        assert refused.status_code == 404
    # The recipient's page is the same for every id: it looks nothing up.
    assert anyone.get(f"{system.url}/send/{send_id}").text.replace(send_id, "") == \
        anyone.get(f"{system.url}/send/AAAAAAAAAAAAAAAAAAAAAA").text.replace("AAAAAAAAAAAAAAAAAAAAAA", "")


def test_an_upload_that_is_not_the_declared_file_leaves_no_send(world):
    person = visitor(world, "user")
    answer = person.submit("/sends/new", form(world.acme.organization_id, send_type="file", name="Half File",
                                              file_name="half.bin", file_size="200000"), action="/sends/new")
    assert answer.status_code == 201
    upload = re.search(r'data-send-upload="([^"]+)"', answer.text).group(1)
    token = person.csrf_token(answer.text)
    without_token = person.http.put(person.base + upload, data=b"x" * 1000,
                                    headers={"Content-Type": "application/octet-stream"})
    assert without_token.status_code == 400
    short = person.http.put(person.base + upload, data=b"x" * 1000,
                            headers={"Content-Type": "application/octet-stream", "X-CSRFToken": token})
    assert short.status_code == 422
    assert "Half File" not in sends_listed(world, "user")


def test_send_events_reach_the_clients_event_log(world, system):
    answer = create(world, "user", world.acme.organization_id, name="Logged Send")
    send_id, body = opening(world, "user", answer.headers["Location"])
    assert Visitor(system.url).http.post(f"{system.url}/send/{send_id}/access", json=body).status_code == 200
    visitor(world, "user").submit("/sends", {}, action=f"/sends/{send_id}/delete")
    log = f"/organizations/{world.acme.organization_id}/events"
    page = wait_for(lambda: (lambda text: text if "Deleted text Send" in text else None)(
        visitor(world, "provider-admin").get(log).text), message="the Send's events in the log")
    for sentence in (f"Created text Send {send_id[:8]}", f"Text Send {send_id[:8]} was opened",
                     f"Deleted text Send {send_id[:8]}"):
        assert sentence in html.unescape(page)
    assert "Logged Send" not in page


@pytest.mark.parametrize("size, created", [(6 * 1024 * 1024, True), (6 * 1024 * 1024 + 1, False)])
def test_a_file_of_exactly_the_largest_size_is_sent_and_one_byte_more_is_not(world, system, size, created):
    person = visitor(world, "user")
    name = f"Limit {size}"
    answer = person.submit("/sends/new", form(world.acme.organization_id, send_type="file", name=name,
                                              file_name="limit.bin", file_size=str(size)), action="/sends/new")
    if not created:
        assert answer.status_code == 422 and "larger than the 6 MiB a Send may hold" in html.unescape(answer.text)
        assert name not in sends_listed(world, "user")
        return
    upload = re.search(r'data-send-upload="([^"]+)"', answer.text).group(1)
    sent = person.http.put(person.base + upload, data=io.BytesIO(os.urandom(size)), headers={
        "Content-Type": "application/octet-stream", "X-CSRFToken": person.csrf_token(answer.text)})
    assert sent.status_code == 200, sent.text
    assert name in sends_listed(world, "user")
