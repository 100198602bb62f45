"""The event logs over HTTP against the running system: who may read them, filters, the export, the public API."""
from __future__ import annotations

import csv
import io
import html
import re
import uuid

import pytest
import requests

from tests.conftest import wait_for
from tests.support import Client, StaffedProvider, Visitor

@pytest.fixture(scope="module")
def world(system):
    """The provider, client Acme (with a member of every role) and client Other."""
    world = StaffedProvider(system)
    world.acme = world.client("Acme Logs")
    world.other = world.client("Other Logs")
    roles = {"owner": ("owner", ()), "admin": ("admin", ()), "custom-logs": ("custom", ("access_event_logs",)),
             "custom-users": ("custom", ("manage_users",)), "user": ("user", ())}
    world.people = {label: world.member(world.acme, label, role, permissions)
                    for label, (role, permissions) in roles.items()}
    world.people.update({"provider-admin": world.admin, "service-user": world.service_user})
    return world


def visitor(world, label: str) -> Visitor:
    return world.browsing(label)


def logged(world, organization_id: str, kind: str, **filters) -> list[dict]:
    """The organization's events of type `kind` as audit serves them to its provider admin."""
    found = world.backends.audit.get(f"/organizations/{organization_id}/events", world.admin.caller(),
                                     page_size=1000, **filters)
    return [event for event in found["events"] if event["type"] == kind]


READERS = {"owner": 200, "admin": 200, "custom-logs": 200, "custom-users": 403, "user": 403, "provider-admin": 200,
           "service-user": 200}


@pytest.mark.parametrize("label, status", READERS.items())
def test_only_those_allowed_to_access_event_logs_read_an_organizations_log(world, label, status):
    reader = visitor(world, label)
    page = reader.get(f"/organizations/{world.acme.organization_id}/events")
    assert page.status_code == status
    export = reader.get(f"/organizations/{world.acme.organization_id}/events/export")
    assert export.status_code == status
    if label != "user":  # a User does not reach the Admin Console at all
        console = reader.get(f"/organizations/{world.acme.organization_id}")
        assert (f'/organizations/{world.acme.organization_id}/events"' in console.text) == (status == 200)


@pytest.mark.parametrize("label, status", [("provider-admin", 200), ("service-user", 403), ("owner", 404)])
def test_only_provider_admins_read_the_providers_log(world, label, status):
    assert visitor(world, label).get(f"/providers/{world.provider_id}/events").status_code == status


def test_the_log_names_who_invited_whom_and_narrows_by_its_filters(world):
    owner = world.people["owner"]
    wait_for(lambda: logged(world, world.acme.organization_id, "org.member.confirmed"), message="the confirmations")
    reader = visitor(world, "admin")
    page = reader.get(f"/organizations/{world.acme.organization_id}/events")
    assert f"Invited user {owner.email}" in page.text
    assert "Petra Provider" in page.text and "Sent the invitation email" not in page.text  # internal events hidden
    narrowed = reader.get(f"/organizations/{world.acme.organization_id}/events",
                          params={"group": "members", "text": owner.email, "user": world.admin.user_id})
    rows = re.findall(r'<tr data-type="([^"]+)"', narrowed.text)
    assert rows and set(rows) <= {"org.member.invited", "org.member.confirmed", "org.member.accepted"}
    assert f"Confirmed user {owner.email}" in narrowed.text
    assert "Invited user custom-" not in narrowed.text


@pytest.mark.parametrize("params, field, message", [
    ({"start": "2026-12-01", "end": "2026-11-01"}, "end", "To must be on or after From."),
    ({"start": "1999-01-01"}, "start", "No event is kept longer than 3,650 days"),
    ({"group": "internal"}, "group", "Choose an event group from the list."),
    ({"text": "x" * 201}, "text", "Search for at most 200 characters."),
    ({"user": str(uuid.uuid4())}, "user", "Choose a user from the list."),
    ({"after": "bm90LWEtY3Vyc29y"}, "form", "This page link is damaged"),
], ids=["to before from", "too far back", "unknown group", "text too long", "someone else", "damaged cursor"])
def test_a_bad_filter_gets_its_message_by_its_field_and_exports_nothing(world, params, field, message):
    reader = visitor(world, "owner")
    before = len(logged(world, world.acme.organization_id, "org.events.exported"))
    page = reader.get(f"/organizations/{world.acme.organization_id}/events", params=params)
    assert page.status_code == 422 and message in page.text
    if field != "form":
        assert f'id="filter-{field}-error"' in page.text
    if "after" not in params:
        export = reader.get(f"/organizations/{world.acme.organization_id}/events/export", params=params)
        assert export.status_code == 422 and "text/csv" not in export.headers["Content-Type"]
        assert len(logged(world, world.acme.organization_id, "org.events.exported")) == before


def test_a_cursor_of_another_filter_is_refused(world):
    reader = visitor(world, "provider-admin")
    found = world.backends.audit.get(f"/organizations/{world.acme.organization_id}/events", world.admin.caller(),
                                     page_size=1)
    page = reader.get(f"/organizations/{world.acme.organization_id}/events",
                      params={"group": "members", "after": found["older"]})
    assert page.status_code == 422 and "belongs to other filters" in page.text


def test_the_export_has_the_pages_rows_is_safe_in_a_spreadsheet_and_is_logged(world):
    reader = visitor(world, "owner")
    path = f"/organizations/{world.acme.organization_id}/events"
    page = reader.get(path, params={"group": "members"})
    shown = re.findall(r'<tr data-type="[^"]+">\s*<td><time[^>]*>([^<]+)</time></td>\s*<td>([^<]*)</td>\s*'
                       r'<td>([^<]*)</td>\s*<td>([^<]*)</td>', page.text)
    export = reader.get(path + "/export", params={"group": "members"})
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("text/csv")
    assert re.match(r'attachment; filename="organization-events-\d{8}-\d{6}\.csv"',
                    export.headers["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0] == ["Timestamp", "Device / IP", "User", "Event"]
    assert [(t[:19].replace("T", " "), d, u, e) for t, d, u, e in rows[1:]] == \
        [tuple(html.unescape(cell) for cell in row) for row in shown]
    wait_for(lambda: logged(world, world.acme.organization_id, "org.events.exported", group="organization"),
             message="the export in the log")


def test_a_cell_that_would_be_a_formula_is_quoted():
    from gateway.views.events import safe_cell
    assert [safe_cell(v) for v in ("=1+1", "+3", "-2", "@SUM(A1)", "Alice")] == \
        ["'=1+1", "'+3", "'-2", "'@SUM(A1)", "Alice"]


def test_the_provider_log_rolls_up_its_clients_events_by_client(world):
    reader = visitor(world, "provider-admin")
    path = f"/providers/{world.provider_id}/events"
    own = reader.get(path)
    owner = world.people["owner"].email  # invited by the client's Members page: a client's event, not the provider's
    assert f"Invited user {owner}" not in own.text and "Created client Acme Logs" in own.text
    everything = reader.get(path, params={"client": "all", "group": "members"})
    assert f"Invited user {owner}" in everything.text and '<th scope="col">Client</th>' in everything.text
    one = reader.get(path, params={"client": world.other.organization_id, "group": "members"})
    assert f"Invited user {owner}" not in one.text and "Invited user boss-" in one.text
    refused = reader.get(path, params={"client": str(uuid.uuid4())})
    assert refused.status_code == 422 and "Choose a client from the list." in refused.text
    export = reader.get(path + "/export", params={"client": "all", "group": "members"})
    assert csv.reader(io.StringIO(export.text)).__next__() == ["Timestamp", "Device / IP", "User", "Event", "Client"]
    assert "Acme Logs" in export.text


def key_of(world, client: Client, label: str = "owner") -> tuple[str, str]:
    """Make or rotate the client's API key in the Admin Console; its client id and secret (shown once)."""
    reader = visitor(world, label)
    made = reader.submit(f"/organizations/{client.organization_id}/api-key", {})
    assert made.status_code == 200, made.text[-500:]
    return (re.search(r'id="client-id">([^<]+)<', made.text).group(1),
            re.search(r'id="client-secret">([^<]+)<', made.text).group(1))


def public(system, credentials, **params) -> requests.Response:
    return requests.get(f"{system.url}/api/public/events", auth=credentials, params=params, timeout=10)


def test_a_key_reads_its_own_organizations_events_and_never_anothers(system, world):
    acme_key, other_key = key_of(world, world.acme), key_of(world, world.other, "provider-admin")
    mine = public(system, acme_key)
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "no-store"
    body = mine.json()
    assert body["object"] == "list" and body["data"]
    assert {event["object"] for event in body["data"]} == {"event"}
    assert {event["eventType"] for event in body["data"]} >= {"org.member.invited", "invitation.mailed"}
    invited = next(e for e in body["data"] if e["eventType"] == "org.member.invited")
    assert invited["type"] == 1500 and invited["actingUserId"] == world.admin.user_id and invited["memberId"]
    ids = {event["data"].get("organization_id") for event in body["data"]} - {None}
    assert ids == {world.acme.organization_id}
    theirs = public(system, other_key).json()["data"]
    assert {e["data"].get("organization_id") for e in theirs} - {None} == {world.other.organization_id}
    assert not {e["id"] for e in theirs} & {e["id"] for e in body["data"]}
    # Another organization's continuation token is refused, not answered with its events.
    found = world.backends.audit.get(f"/organizations/{world.other.organization_id}/events", world.admin.caller(),
                                     page_size=1)
    other_token = public(system, other_key).json()["continuationToken"]
    for token in filter(None, (found["older"], other_token, "bm90LWEtdG9rZW4")):
        refused = public(system, acme_key, continuationToken=token)
        assert refused.status_code == 422 and refused.json()["field"] == "continuationToken"


def test_a_key_pages_by_continuation_token_and_filters(system, world):
    acme_key = key_of(world, world.acme)
    wait_for(lambda: [e for e in logged(world, world.acme.organization_id, "org.log_settings.updated",
                                        group="organization") if e["data"]["rotated"]], message="the rotation logged")
    assert "Rotated the public API key" in visitor(world, "owner").get(
        f"/organizations/{world.acme.organization_id}/events").text
    body = public(system, acme_key, group="members", actingUserId=world.admin.user_id).json()
    assert {e["group"] for e in body["data"]} == {"members"}
    assert {e["actingUserId"] for e in body["data"]} == {world.admin.user_id}
    assert public(system, acme_key, group="nonsense").status_code == 422
    assert public(system, acme_key, unknown="1").status_code == 422


@pytest.mark.parametrize("credentials", [None, ("organization.x", "y"), "wrong secret", "rotated"],
                         ids=["none", "unknown client", "wrong secret", "rotated"])
def test_a_wrong_or_rotated_key_gets_401_without_saying_which_part(system, world, credentials):
    if credentials == "wrong secret":
        credentials = (key_of(world, world.acme)[0], "x" * 40)
    elif credentials == "rotated":
        credentials = key_of(world, world.acme)
        key_of(world, world.acme)
    refused = public(system, credentials)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith('Basic realm="Custodian events API"')
    if credentials is not None:
        assert refused.json()["message"] == "The client id or client secret is wrong, or the key was rotated."


def test_only_owners_and_provider_staff_manage_the_key_and_retention(world):
    for label, status in (("admin", 403), ("custom-logs", 403), ("service-user", 200), ("owner", 200)):
        assert visitor(world, label).get(f"/organizations/{world.acme.organization_id}/api-key").status_code == status


def test_retention_is_changed_within_its_bounds_only(world):
    reader = visitor(world, "owner")
    path = f"/organizations/{world.acme.organization_id}"

    def retention_changes() -> list[int]:
        return [e["data"]["retention_days"] for e in logged(world, world.acme.organization_id,
                                                            "org.log_settings.updated", group="organization")
                if e["data"]["setting"] == "retention"]
    refused = reader.submit(path + "/api-key", {"retention_days": "29"}, action=path + "/event-retention")
    assert refused.status_code == 422 and "Keep events from 30 to 3,650 days." in refused.text
    assert 'value="365"' in reader.get(path + "/api-key").text
    changed = reader.submit(path + "/api-key", {"retention_days": "90"}, action=path + "/event-retention")
    assert changed.status_code == 200 and 'value="90"' in reader.get(path + "/api-key").text
    assert wait_for(retention_changes, message="the change logged") == [90]  # the refused one was not
    assert "Set event retention to 90 days" in reader.get(path + "/events").text


def test_the_workers_purge_deletes_an_organizations_events_past_its_retention_on_this_database(system):
    """Real rows in the running system's audit database (PostgreSQL in the PostgreSQL run)."""
    from datetime import datetime, timedelta, timezone

    from sqlmodel import select

    from services.audit import domain, models
    from services.common.database import UnitOfWork, make_engine
    from services.common.envelope import Event

    engine = make_engine(system.database_urls["audit"])
    organization, now = str(uuid.uuid4()), datetime.now(timezone.utc)
    try:
        with UnitOfWork(engine, models.OutboxMessage) as uow:
            domain.set_retention(uow, organization, 30)
        with UnitOfWork(engine, models.OutboxMessage) as uow:
            domain.record_all(uow, [Event("org.member.removed", {"member_id": "m", "organization_id": organization,
                                                                 "email": f"{age}@old.example", "name": "",
                                                                 "role": "user"},
                                          orgid=organization, time=now - timedelta(days=age)) for age in (5, 31, 90)])
            uow.commit()
        assert domain.purge(engine, 365, now=now) >= 2
        with UnitOfWork(engine, models.OutboxMessage) as uow:
            left = uow.session.exec(select(models.LoggedEvent).where(
                models.LoggedEvent.organization_id == organization)).all()
        assert [event.data["email"] for event in left] == ["5@old.example"]
    finally:
        engine.dispose()


def test_a_collections_name_is_opened_in_the_gateway_for_the_log_and_its_export(world):
    reader = visitor(world, "provider-admin")
    path = f"/organizations/{world.acme.organization_id}"
    assert reader.submit(path + "/collections/new", {"name": "Clients/Acme Routers"}).status_code == 200
    wait_for(lambda: logged(world, world.acme.organization_id, "org.collection.created"), message="the collection")
    page = reader.get(path + "/events", params={"group": "vault"})
    assert "Created collection Clients/Acme Routers" in page.text
    assert "Created collection Clients/Acme Routers" in reader.get(path + "/events/export",
                                                                    params={"group": "vault"}).text
    # A reader who may not list the collections sees the collection's short id instead.
    limited = visitor(world, "custom-logs").get(path + "/events", params={"group": "vault"})
    collection_id = logged(world, world.acme.organization_id, "org.collection.created")[0]["data"]["collection_id"]
    assert f"Created collection {collection_id[:8]}" in limited.text


def test_an_items_name_is_opened_for_those_who_may_see_it_and_a_short_id_shows_to_others(world):
    reader = visitor(world, "provider-admin")
    path = f"/organizations/{world.acme.organization_id}"
    reader.submit(path + "/collections/new", {"name": "Network"})
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"', reader.get(path + "/vault/new").text).group(1)
    saved = reader.submit(path + "/vault/new", {"type": "login", "name": "Wi-Fi router", "login_username": "admin",
                                                "login_password": "", "uri_0": "", "match_0": "", "notes": "",
                                                "collection_ids": collection_id})
    assert saved.status_code == 200
    created = wait_for(lambda: logged(world, world.acme.organization_id, "org.item.created"), message="the item")
    page = reader.get(path + "/events", params={"group": "vault"})
    assert "Created item Wi-Fi router" in page.text
    assert "Created item Wi-Fi router" in reader.get(path + "/events/export", params={"group": "vault"}).text
    limited = visitor(world, "custom-logs").get(path + "/events", params={"group": "vault"}).text
    assert "Wi-Fi router" not in limited and f"Created item {created[0]['data']['cipher_id'][:8]}" in limited


def newer_than(world, kind: str, known: int) -> list[dict]:
    """Acme's events of type `kind` logged since there were `known` of them, newest first (none yet: empty)."""
    found = logged(world, world.acme.organization_id, kind)
    return found[:len(found) - known]


def test_opening_an_item_is_logged_as_accessed_and_an_item_one_may_not_see_logs_nothing(world):
    reader = visitor(world, "provider-admin")
    path = f"/organizations/{world.acme.organization_id}"
    created_before = len(logged(world, world.acme.organization_id, "org.item.created"))
    reader.submit(path + "/collections/new", {"name": "Front desk"})
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"', reader.get(path + "/vault/new").text).group(1)
    reader.submit(path + "/vault/new", {"type": "login", "name": "Reception PC", "login_username": "desk",
                                        "login_password": "", "uri_0": "", "match_0": "", "notes": "",
                                        "collection_ids": collection_id})
    created = wait_for(lambda: newer_than(world, "org.item.created", created_before), message="the item")
    item_id = created[0]["data"]["cipher_id"]
    viewed_before = len(logged(world, world.acme.organization_id, "org.item.viewed"))
    assert visitor(world, "user").get(f"{path}/vault/{item_id}").status_code == 404  # in no collection of theirs
    assert reader.get(f"{path}/vault/{item_id}").status_code == 200
    viewed = wait_for(lambda: newer_than(world, "org.item.viewed", viewed_before), message="the access")
    assert [(event["data"]["cipher_id"], event["actor_id"]) for event in viewed] == [(item_id, world.admin.user_id)]
    assert "Accessed item Reception PC" in reader.get(path + "/events", params={"group": "vault"}).text
