"""A captured internal call, signed by the gateway's own client, can be neither replayed nor changed.

The calls are made by the real `ServiceClient` the gateway holds and taken off the wire by an
adapter standing where an attacker would: between the client and the running orgs service.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from services.common.internal_http import ServiceUnavailable
from services.orgs.app import create_app as create_orgs_app
from tests.support import service_backends


class Wiretap(HTTPAdapter):
    """Keeps a copy of every request it carries; holds them back instead when told to."""

    def __init__(self):
        super().__init__()
        self.taken: list[requests.PreparedRequest] = []
        self.hold = False

    def send(self, request, **kwargs):
        self.taken.append(request.copy())
        if self.hold:
            raise requests.ConnectionError("held back on the wire")
        return super().send(request, **kwargs)


@pytest.fixture
def seats(system, client_org):
    """The orgs client of the gateway, tapped, and the seats URL of a client of 3 seats."""
    _visitor, admin, provider_id, organization_id = client_org
    orgs = service_backends(system).orgs
    wiretap = Wiretap()
    orgs._http.mount("http://", wiretap)
    path = f"/providers/{provider_id}/clients/{organization_id}"
    return orgs, wiretap, admin, path


def seats_of(orgs, admin, path) -> int:
    return orgs.get(path, admin.caller())["seats"]


def set_seats(orgs, admin, path, count: int) -> None:
    orgs.call("PUT", path + "/seats", admin.caller(), json={"seats": count})


def held_back(orgs, wiretap, admin, path, count: int) -> requests.PreparedRequest:
    """A genuine, signed call to set `count` seats that never reached the service."""
    wiretap.hold = True
    with pytest.raises(ServiceUnavailable):
        set_seats(orgs, admin, path, count)
    wiretap.hold = False
    return wiretap.taken[-1]


def held_back_list(orgs, wiretap, admin, path) -> requests.PreparedRequest:
    """A genuine, signed search of the provider's clients that never reached the service."""
    wiretap.hold = True
    with pytest.raises(ServiceUnavailable):
        orgs.get(path.rsplit("/", 1)[0], admin.caller(), q="Members")
    wiretap.hold = False
    return wiretap.taken[-1]


def send(request: requests.PreparedRequest) -> requests.Response:
    return requests.Session().send(request, timeout=10)


def refused(response: requests.Response) -> bool:
    return response.status_code == 401 and response.json()["error"] == "NotSigned"


def test_a_replayed_call_is_refused_and_changes_nothing(seats):
    orgs, wiretap, admin, path = seats
    set_seats(orgs, admin, path, 23)
    captured = wiretap.taken[-1]
    set_seats(orgs, admin, path, 24)
    assert refused(send(captured.copy()))
    assert seats_of(orgs, admin, path) == 24


def test_a_call_replayed_to_another_instance_of_the_service_is_refused(system, seats):
    orgs, wiretap, admin, path = seats
    set_seats(orgs, admin, path, 23)
    captured = wiretap.taken[-1]
    set_seats(orgs, admin, path, 24)
    # A second orgs instance on the same database and NATS, as `--scale orgs=2` runs it.
    other_instance = create_orgs_app(system.settings("orgs")).test_client()
    target = urlsplit(captured.url)
    response = other_instance.open(target.path, method=captured.method, headers=dict(captured.headers),
                                   data=captured.body)
    assert response.status_code == 401 and response.json["error"] == "NotSigned"
    assert seats_of(orgs, admin, path) == 24


def test_a_call_given_another_body_is_refused_and_changes_nothing(seats):
    orgs, wiretap, admin, path = seats
    genuine = held_back(orgs, wiretap, admin, path, 4)
    changed = genuine.copy()
    changed.prepare_body(None, None, json={"seats": 25})
    assert refused(send(changed))
    assert seats_of(orgs, admin, path) == 3
    assert send(genuine).status_code == 200  # the refusal did not use up the genuine call
    assert seats_of(orgs, admin, path) == 4


def test_a_call_given_another_query_is_refused_and_changes_nothing(seats):
    orgs, wiretap, admin, path = seats
    genuine = held_back(orgs, wiretap, admin, path, 4)
    changed = genuine.copy()
    changed.url = genuine.url + "?seats=25"
    assert refused(send(changed))
    assert seats_of(orgs, admin, path) == 3
    listed = held_back_list(orgs, wiretap, admin, path)
    changed = listed.copy()
    changed.url = listed.url.replace("q=Members", "q=Other")
    assert refused(send(changed))
    assert send(genuine).status_code == 200
    assert seats_of(orgs, admin, path) == 4


def test_a_call_signed_too_long_ago_is_refused_and_changes_nothing(seats, monkeypatch):
    orgs, wiretap, admin, path = seats
    real = time.time
    with monkeypatch.context() as clock:
        clock.setattr(time, "time", lambda: real() - 31)
        stale = held_back(orgs, wiretap, admin, path, 25)
    assert refused(send(stale))
    assert seats_of(orgs, admin, path) == 3
