"""Service Users limited to chosen clients (issue 18, ADR 27), over the services' own signed APIs.

S is a scoped Service User of a provider with clients A (given to S) and B (not given). S is a real
account: it was invited, accepted, limited to A and confirmed with A's org key wrapped to its public key,
so it never held the provider key. Every call is signed as the gateway signs one, for S.
"""
from __future__ import annotations

import hashlib
import base64
import re
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

from gateway import keyring
from gateway.crypto import EncStringError, SymmetricKey
from gateway.crypto.asymmetric import unwrap
from services.common.internal_auth import Caller
from services.common.internal_http import ServiceError
from tests.conftest import wait_for
from tests.send_support import sealed_send
from tests.support import StaffedProvider, signed_call


def fingerprint(public_key: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()


def status_of(call) -> int:
    try:
        call()
    except ServiceError as error:
        return error.status
    return 200


def invite_scoped(world, label: str, clients: list) -> tuple:
    """A real account invited as Service User, accepted, limited to `clients`, and confirmed with their keys."""
    person = world.account(label, f"{label.title()} Scoped")
    staff = f"/providers/{world.provider_id}/staff"
    row = world.backends.orgs.post(staff, world.admin.caller(), {"emails": person.email,
                                                                 "role": "service_user"})["users"][0]
    puid = row["provider_user_id"]
    proof = world.proofs.sign({"member_id": puid, "user_id": person.user_id, "email": person.email})
    world.backends.orgs.post(f"{staff}/{puid}/accept", person.caller(), {"proof": proof, "name": label})
    world.backends.orgs.call("PUT", f"{staff}/{puid}/scope", world.admin.caller(), json={
        "scoped": True, "add": {c.organization_id: None for c in clients}, "remove": []})
    world.backends.orgs.post(f"{staff}/{puid}/confirm", world.admin.caller(), {
        "wrapped_org_keys": {c.organization_id: keyring.wrap_org_key(c.key, person.public_key) for c in clients},
        "key_fingerprint": fingerprint(person.public_key)})
    return person, puid


@pytest.fixture(scope="module")
def world(system):
    world = StaffedProvider(system)
    world.a = world.client(f"Alpha Scoped {uuid.uuid4().hex[:4]}")
    world.b = world.client(f"Bravo Scoped {uuid.uuid4().hex[:4]}")
    world.s, world.s_id = invite_scoped(world, "scoped", [world.a])
    world.b_member = world.member(world.b, "bmember", "user")
    for client in (world.a, world.b):
        path = f"/organizations/{client.organization_id}"
        client.collection = world.backends.orgs.post(f"{path}/collections", world.admin.caller(), {
            "encrypted_name": client.key.encrypt_text(f"{client.name} secrets"), "access": []})["collection_id"]
        client.item = world.backends.orgs.post(f"{path}/items", world.admin.caller(), {
            "type": "login", "data": {"name": client.key.encrypt_text(f"{client.name} router"),
                                      "login": {"password": client.key.encrypt_text("hunter2-" + client.name)}},
            "collection_ids": [client.collection]})["item_id"]
    return world


def scope_path(world, puid: str | None = None) -> str:
    return f"/providers/{world.provider_id}/staff/{puid or world.s_id}/scope"


def as_s(world) -> Caller:
    return world.s.caller()


def test_a_scoped_user_holds_no_provider_key_and_reaches_the_given_client_by_its_wrapped_key(world):
    mine = next(p for p in world.backends.orgs.get("/me/providers", as_s(world))["providers"]
                if p["provider_id"] == world.provider_id)
    assert mine["scoped"] is True and mine["wrapped_provider_key"] is None
    assert set(mine["may"]) == {"list_clients", "administer_clients"}
    access = world.backends.orgs.get(f"/organizations/{world.a.organization_id}", as_s(world))["access"]
    assert access["key_path"] == "wrapped" and access["role"] == "provider_service_user"
    opened = SymmetricKey.from_bytes(unwrap(access["encrypted_org_key"], world.s.keys.key_pair))
    assert opened.raw == world.a.key.raw
    # An unscoped Service User keeps today's path: the provider key, and the org key sealed under it.
    theirs = world.backends.orgs.get(f"/organizations/{world.b.organization_id}", world.service_user.caller())
    assert theirs["access"]["key_path"] == "provider"


def test_every_endpoint_of_a_client_not_given_answers_404_to_a_signed_call_and_changes_nothing(world, system):
    b, s = world.b.organization_id, as_s(world)
    path = f"/organizations/{b}"
    orgs, audit, billing = world.backends.orgs, world.backends.audit, world.backends.billing
    before = orgs.get(f"{path}/members", world.admin.caller())
    probes = {
        "overview": lambda: orgs.get(path, s),
        "access": lambda: orgs.get(f"{path}/access", s),
        "members": lambda: orgs.get(f"{path}/members", s),
        "one member": lambda: orgs.get(f"{path}/members/{before['members'][0]['member_id']}", s),
        "groups": lambda: orgs.get(f"{path}/groups", s),
        "collections": lambda: orgs.get(f"{path}/collections", s),
        "items": lambda: orgs.get(f"{path}/items", s),
        "one item": lambda: orgs.get(f"{path}/items/{world.b.item}", s),
        "view": lambda: orgs.post(f"{path}/items/{world.b.item}/viewed", s),
        "export": lambda: orgs.post(f"{path}/export", s, {}),
        "policies": lambda: orgs.get(f"{path}/policies", s),
        "reports": lambda: orgs.get(f"{path}/member-access", s),
        "recovery target": lambda: orgs.get(f"{path}/members/{before['members'][0]['member_id']}/recovery", s),
        "Sends": lambda: orgs.post(f"{path}/sends", s, sealed_send().body),
        "invitation": lambda: orgs.post(f"{path}/members", s, {"emails": "sneak@scoped.example", "role": "owner",
                                                             "permissions": []}),
        "seats": lambda: orgs.get(f"/providers/{world.provider_id}/clients/{b}", s),
        "audit's log": lambda: audit.get(f"{path}/events", s),
        "billing's subscription": lambda: billing.get(f"{path}/subscription", s),
        "provider access record": lambda: orgs.post(f"{path}/provider-access", s),
    }
    answers = {name: status_of(probe) for name, probe in probes.items()}
    assert answers == {name: 404 for name in probes}
    assert orgs.get(f"{path}/members", world.admin.caller()) == before
    # The same, as raw signed HTTP: the key and the items of B are not in the answer.
    secret = system.settings("gateway").internal_secret
    raw = requests.get(system.service_url("orgs") + path, timeout=5,
                       **signed_call(secret, "GET", path, caller=world.s.caller()))
    assert raw.status_code == 404 and "encrypted_org_key" not in raw.text
    # A's pages open.
    assert status_of(lambda: orgs.get(f"/organizations/{world.a.organization_id}/items", s)) == 200
    assert status_of(lambda: audit.get(f"/organizations/{world.a.organization_id}/events", s)) == 200


def test_the_clients_list_holds_only_the_given_clients_and_search_finds_no_other(world):
    clients = f"/providers/{world.provider_id}/clients"
    page = world.backends.orgs.get(clients, as_s(world))
    assert [c["organization_id"] for c in page["clients"]] == [world.a.organization_id] and page["total"] == 1
    for sort in ("name", "assigned", "used", "remaining", "plan"):
        assert [c["organization_id"] for c in world.backends.orgs.get(clients, as_s(world), sort=sort,
                                                                      direction="desc")["clients"]] \
            == [world.a.organization_id]
    assert world.backends.orgs.get(clients, as_s(world), q=world.b.name)["clients"] == []
    assert world.backends.orgs.get(clients, world.admin.caller())["total"] >= 2


def test_nothing_the_scoped_user_holds_decrypts_another_client(world, system):
    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        wrapped = [row[0] for row in connection.execute(text(
            "SELECT wrapped_org_key FROM members WHERE wrapped_org_key IS NOT NULL UNION ALL "
            "SELECT wrapped_provider_key FROM provider_users WHERE wrapped_provider_key IS NOT NULL UNION ALL "
            "SELECT wrapped_org_key FROM provider_user_clients WHERE wrapped_org_key IS NOT NULL"))]
        grant = connection.execute(text("SELECT wrapped_org_key FROM provider_user_clients WHERE provider_user_id = :p"),
                                   {"p": world.s_id}).scalar_one()
        provider_keys = [row[0] for row in connection.execute(text(
            "SELECT wrapped_provider_key FROM provider_users WHERE wrapped_provider_key IS NOT NULL"))]
        b_sealed = connection.execute(text("SELECT encrypted_org_key FROM provider_organizations "
                                           "WHERE organization_id = :o"), {"o": world.b.organization_id}).scalar_one()
        b_items = [row[0] for row in connection.execute(text("SELECT data FROM ciphers WHERE organization_id = :o"),
                                                        {"o": world.b.organization_id})]
        b_names = [row[0] for row in connection.execute(text(
            "SELECT encrypted_name FROM collections WHERE organization_id = :o"), {"o": world.b.organization_id})]
    engine.dispose()
    assert provider_keys and len(wrapped) > 3

    def opens(encstring: str) -> bool:
        try:
            unwrap(encstring, world.s.keys.key_pair)
        except (EncStringError, ValueError):
            return False
        return True
    assert [w for w in wrapped if opens(w)] == [grant]
    assert not any(opens(key) for key in provider_keys)
    a_key = SymmetricKey.from_bytes(unwrap(grant, world.s.keys.key_pair))
    assert a_key.raw == world.a.key.raw
    b_strings = [b_sealed, *b_names]
    for data in b_items:
        data = data if isinstance(data, dict) else __import__("json").loads(data)
        b_strings += [data["name"], data["login"]["password"]]
    assert len(b_strings) >= 4
    for encstring in b_strings:
        with pytest.raises((EncStringError, ValueError)):
            a_key.decrypt(encstring)


def test_giving_and_taking_a_client_opens_and_closes_it_at_the_next_request(world):
    bravo = world.b.organization_id
    assert status_of(lambda: world.backends.orgs.get(f"/organizations/{bravo}", as_s(world))) == 404
    world.backends.orgs.call("PUT", scope_path(world), world.admin.caller(), json={
        "scoped": True, "add": {bravo: keyring.wrap_org_key(world.b.key, world.s.public_key)}, "remove": []})
    assert world.backends.orgs.get(f"/organizations/{bravo}", as_s(world))["access"]["key_path"] == "wrapped"
    for log in (f"/organizations/{bravo}/events", f"/providers/{world.provider_id}/events"):
        wait_for(lambda: [e for e in world.backends.audit.get(log, world.admin.caller(), page_size=1000)["events"]
                          if e["type"] == "provider.user.client_granted"
                          and e["data"]["organization_id"] == bravo], message=f"9118 in {log}")
    world.backends.orgs.call("PUT", scope_path(world), world.admin.caller(), json={
        "scoped": True, "add": {}, "remove": [bravo]})
    assert status_of(lambda: world.backends.orgs.get(f"/organizations/{bravo}", as_s(world))) == 404
    member = world.backends.orgs.get(f"/providers/{world.provider_id}/staff/{world.s_id}", world.admin.caller())
    assert member["client_ids"] == [world.a.organization_id] and member["scoped"] is True


def test_a_new_client_is_not_the_scoped_users_until_given(world):
    c = world.client(f"Charlie Scoped {uuid.uuid4().hex[:4]}")
    assert status_of(lambda: world.backends.orgs.get(f"/organizations/{c.organization_id}", as_s(world))) == 404
    clients = world.backends.orgs.get(f"/providers/{world.provider_id}/clients", as_s(world))["clients"]
    assert c.organization_id not in {row["organization_id"] for row in clients}


def test_each_refusal_of_a_scope_change_changes_nothing(world):
    orgs, admin = world.backends.orgs, world.admin.caller()
    staff = f"/providers/{world.provider_id}/staff"
    before = orgs.get(f"{staff}/{world.s_id}", admin)
    other_provider = StaffedProvider(world.system)
    foreign = other_provider.client("Not Ours")
    wrapped_b = keyring.wrap_org_key(world.b.key, world.s.public_key)
    admin_id = next(u for u in orgs.get(staff, admin)["users"] if u["role"] == "admin")["provider_user_id"]
    refusals = [
        (scope_path(world), admin, {"scoped": True, "add": {foreign.organization_id: wrapped_b}, "remove": []}, 404),
        (scope_path(world), admin, {"scoped": True, "add": {str(uuid.uuid4()): wrapped_b}, "remove": []}, 404),
        (scope_path(world), admin, {"scoped": True, "add": {world.b.organization_id: world.b.key.encrypt(b"x")},
                                    "remove": []}, 422),
        (scope_path(world), admin, {"scoped": True, "add": {world.b.organization_id: ""}, "remove": []}, 422),
        (scope_path(world), admin, {"scoped": True, "add": {world.b.organization_id: wrapped_b},
                                    "remove": [world.b.organization_id]}, 422),
        (scope_path(world), admin, {"scoped": "yes", "add": {}, "remove": []}, 422),
        (scope_path(world, admin_id), admin, {"scoped": True, "add": {}, "remove": []}, 409),
        (scope_path(world), world.service_user.caller(), {"scoped": True, "add": {world.b.organization_id: wrapped_b},
                                                          "remove": []}, 403),
        (scope_path(world), as_s(world), {"scoped": False, "wrapped_provider_key": wrapped_b}, 403),
        (scope_path(world), admin, {"scoped": False}, 422),
        (f"/providers/{other_provider.provider_id}/staff/{world.s_id}/scope", other_provider.admin.caller(),
         {"scoped": True, "add": {}, "remove": []}, 404),
    ]
    got = [status_of(lambda: orgs.call("PUT", path, who, json=body)) for path, who, body, _ in refusals]
    assert got == [expected for *_, expected in refusals]
    assert orgs.get(f"{staff}/{world.s_id}", admin) == before
    # Making a scoped user a Provider Admin is refused: give them every client first.
    assert status_of(lambda: orgs.call("PUT", f"{staff}/{world.s_id}/role", admin, json={"role": "admin"})) == 409
    assert orgs.get(f"{staff}/{world.s_id}", admin) == before


def test_a_confirmation_whose_keys_are_not_the_grants_is_refused(world):
    orgs, admin = world.backends.orgs, world.admin.caller()
    person = world.account("late", "Late Scoped")
    staff = f"/providers/{world.provider_id}/staff"
    puid = orgs.post(staff, admin, {"emails": person.email, "role": "service_user"})["users"][0]["provider_user_id"]
    proof = world.proofs.sign({"member_id": puid, "user_id": person.user_id, "email": person.email})
    orgs.post(f"{staff}/{puid}/accept", person.caller(), {"proof": proof, "name": "late"})
    orgs.call("PUT", f"{staff}/{puid}/scope", admin, json={"scoped": True, "add": {world.a.organization_id: None},
                                                           "remove": []})
    # A key given to an invited user is refused (keys come with the confirmation).
    assert status_of(lambda: orgs.call("PUT", f"{staff}/{puid}/scope", admin, json={
        "scoped": True, "add": {world.b.organization_id: keyring.wrap_org_key(world.b.key, person.public_key)},
        "remove": []})) == 422
    stale = {world.b.organization_id: keyring.wrap_org_key(world.b.key, person.public_key)}
    for body in ({"wrapped_org_keys": stale}, {"wrapped_provider_key": keyring.wrap_provider_key(
            world.provider_key, person.public_key)}, {"wrapped_org_keys": {}}):
        with pytest.raises(ServiceError) as refused:
            orgs.post(f"{staff}/{puid}/confirm", admin, body)
        assert refused.value.status == 409 and refused.value.code == "staff.scope_changed"
    row = orgs.get(f"{staff}/{puid}", admin)
    assert row["status"] == "accepted" and row["client_ids"] == [world.a.organization_id]


def test_unlinking_removing_and_unscoping(world):
    orgs, admin = world.backends.orgs, world.admin.caller()
    staff = f"/providers/{world.provider_id}/staff"
    d = world.client(f"Delta Scoped {uuid.uuid4().hex[:4]}")
    # The provider's admin is also D's confirmed owner: D is unlinked (it has an owner), then added back.
    members = f"/organizations/{d.organization_id}/members"
    mid = orgs.post(members, admin, {"emails": world.admin.email, "role": "owner", "permissions": []})["members"][0][
        "member_id"]
    orgs.post(f"{members}/{mid}/accept", admin, {"proof": world.proofs.sign(
        {"member_id": mid, "user_id": world.admin.user_id, "email": world.admin.email}), "name": "Petra"})
    orgs.post(f"{members}/{mid}/confirm", admin, {"wrapped_org_key": keyring.wrap_org_key(d.key,
                                                                                          world.admin.public_key)})
    person, puid = invite_scoped(world, "unlinked", [d, world.a])
    assert status_of(lambda: orgs.get(f"/organizations/{d.organization_id}", person.caller())) == 200
    orgs.call("DELETE", f"/providers/{world.provider_id}/clients/{d.organization_id}", admin)
    assert orgs.get(f"{staff}/{puid}", admin)["client_ids"] == [world.a.organization_id]
    orgs.post(f"/providers/{world.provider_id}/clients/existing", admin, {
        "organization_id": d.organization_id, "encrypted_org_key": world.provider_key.encrypt(d.key.raw)})
    assert orgs.get(f"{staff}/{puid}", admin)["client_ids"] == [world.a.organization_id]  # no grant comes back
    assert status_of(lambda: orgs.get(f"/organizations/{d.organization_id}", person.caller())) == 404
    # Un-scoping wraps the provider key to them and deletes every grant: every client opens again.
    orgs.call("PUT", f"{staff}/{puid}/scope", admin, json={
        "scoped": False, "wrapped_provider_key": keyring.wrap_provider_key(world.provider_key, person.public_key)})
    row = orgs.get(f"{staff}/{puid}", admin)
    assert row["scoped"] is False and row["client_ids"] == []
    assert orgs.get(f"/organizations/{world.b.organization_id}", person.caller())["access"]["key_path"] == "provider"
    # Removing a scoped user deletes their grants (read in orgs' database).
    other, other_id = invite_scoped(world, "removed", [world.a])
    orgs.call("DELETE", f"{staff}/{other_id}", admin)
    engine = create_engine(world.system.database_urls["orgs"])
    with engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM provider_user_clients WHERE provider_user_id = :p"),
                                  {"p": other_id}).scalar_one()
        unlinked = connection.execute(text("SELECT count(*) FROM provider_user_clients WHERE organization_id = :o"),
                                      {"o": d.organization_id}).scalar_one()
    engine.dispose()
    assert left == 0 and unlinked == 0
    assert status_of(lambda: orgs.get(f"/organizations/{world.a.organization_id}", other.caller())) == 404


def test_the_clients_dialog_limits_a_logged_in_service_user_and_their_next_request_obeys(world):
    orgs, admin = world.backends.orgs, world.admin.caller()
    person = world.account("dialog", "Dialog Service")
    orgs.post(f"/providers/{world.provider_id}/users", admin, {
        "user_id": person.user_id, "email": person.email, "role": "service_user",
        "wrapped_provider_key": keyring.wrap_provider_key(world.provider_key, person.public_key)})
    puid = next(u for u in orgs.get(f"/providers/{world.provider_id}/staff", admin)["users"]
                if u["email"] == person.email)["provider_user_id"]
    them = world.visitor(person)  # logged in before being limited
    a, b = world.a.organization_id, world.b.organization_id
    assert them.get(f"/organizations/{b}").status_code == 200
    reports = f"/providers/{world.provider_id}/reports"
    wait_for(lambda: world.b.name in them.get(reports).text, message="the provider's reports with B")
    pilot = world.visitor(world.admin)
    url = f"/providers/{world.provider_id}/members/{puid}/clients"
    dialog = pilot.get(url)
    assert dialog.status_code == 200 and "Only these clients" in dialog.text and "rotated" in dialog.text
    assert re.search(r'id="fingerprint"><strong>[a-z]+(-[a-z]+){4,}</strong>', dialog.text)
    saved = pilot.http.post(pilot.base + url, data={
        "csrf_token": pilot.csrf_token(dialog.text), "access": "chosen", "shown": [a, b], "client": [a]})
    assert saved.status_code == 200, saved.text
    row = orgs.get(f"/providers/{world.provider_id}/staff/{puid}", admin)
    assert row["scoped"] and row["client_ids"] == [a] and row["key_fingerprint"] == fingerprint(person.public_key)
    clients = them.get(f"/providers/{world.provider_id}/clients").text
    assert world.a.name in clients and world.b.name not in clients
    assert them.get(f"/organizations/{b}").status_code == 404
    assert world.b.name not in them.get(reports).text  # the summary kept from before shows A only
    assert "Organization key unlocked" in them.get(f"/organizations/{a}").text
    console = them.get("/organizations").text
    assert f'href="/organizations/{a}"' in console and f'href="/organizations/{b}"' not in console
    # Taking A away: the next request is refused, in the same session.
    dialog = pilot.get(url)
    pilot.http.post(pilot.base + url, data={"csrf_token": pilot.csrf_token(dialog.text), "access": "chosen",
                                                "shown": [a, b]})
    assert them.get(f"/organizations/{a}").status_code == 404
    assert "No client has been given to you yet" in them.get(f"/providers/{world.provider_id}/clients").text
    # All clients again: the provider key is wrapped to them in the admin's gateway.
    dialog = pilot.get(url)
    pilot.http.post(pilot.base + url, data={"csrf_token": pilot.csrf_token(dialog.text), "access": "all"})
    assert them.get(f"/organizations/{b}").status_code == 200


def test_an_invited_user_limited_before_confirmation_is_confirmed_with_only_their_clients_keys(world):
    orgs, admin = world.backends.orgs, world.admin.caller()
    person = world.account("invitee", "Invited Scoped")
    staff = f"/providers/{world.provider_id}/staff"
    puid = orgs.post(staff, admin, {"emails": person.email, "role": "service_user"})["users"][0]["provider_user_id"]
    proof = world.proofs.sign({"member_id": puid, "user_id": person.user_id, "email": person.email})
    orgs.post(f"{staff}/{puid}/accept", person.caller(), {"proof": proof, "name": "invitee"})
    pilot = world.visitor(world.admin)
    url = f"/providers/{world.provider_id}/members/{puid}/clients"
    dialog = pilot.get(url)
    assert "rotated" not in dialog.text  # they never held the provider key
    pilot.http.post(pilot.base + url, data={"csrf_token": pilot.csrf_token(dialog.text), "access": "chosen",
                                            "shown": [world.a.organization_id, world.b.organization_id],
                                            "client": [world.b.organization_id]})
    assert orgs.get(f"{staff}/{puid}", admin)["client_ids"] == [world.b.organization_id]
    confirm = pilot.get(f"/providers/{world.provider_id}/members/{puid}/confirm")
    assert "never the provider key" in confirm.text
    done = pilot.http.post(f"{pilot.base}/providers/{world.provider_id}/members/{puid}/confirm",
                           data={"csrf_token": pilot.csrf_token(confirm.text)})
    assert done.status_code == 200 and "Confirmed" in done.text
    row = orgs.get(f"{staff}/{puid}", admin)
    assert row["status"] == "confirmed" and row["key_fingerprint"] == fingerprint(person.public_key)
    mine = next(p for p in orgs.get("/me/providers", person.caller())["providers"]
                if p["provider_id"] == world.provider_id)
    assert mine["wrapped_provider_key"] is None
    them = world.visitor(person)
    assert "Organization key unlocked" in them.get(f"/organizations/{world.b.organization_id}").text
    assert them.get(f"/organizations/{world.a.organization_id}").status_code == 404
