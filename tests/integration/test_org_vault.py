"""An organization's vault: items sealed with the org key, seen per collection access."""
from __future__ import annotations

import re
import uuid

from sqlalchemy import create_engine, inspect, text

from tests.integration.members import PASSWORD, confirmed_member, members_of
from tests.support import Visitor

CANARY = "Canary-Router-Passw0rd!"


def test_a_member_who_may_view_except_passwords_sees_the_item_but_never_its_password(
        system, smtp, client_org, unique_email):
    visitor, admin, _provider_id, organization_id = client_org
    viewer = unique_email("viewer")
    member = confirmed_member(system, smtp, client_org, viewer)

    created = visitor.submit(f"/organizations/{organization_id}/collections/new", {
        "name": "Network", f"access:|{member['member_id']}": "view_except_passwords"})
    assert created.status_code == 200
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              visitor.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    generated = visitor.http.post(f"{system.url}/tools/password", headers={"HX-Request": "true"},
                                  data={"csrf_token": visitor.csrf_token()})
    from html import unescape

    assert len(unescape(re.search(r'value="([^"]*)"', generated.text).group(1))) == 20
    saved = visitor.submit(f"/organizations/{organization_id}/vault/new", {
        "type": "login", "name": "Core router", "login_username": "netadmin", "login_password": CANARY,
        "uri_0": "https://router.example", "match_0": "", "notes": "", "collection_ids": collection_id})
    assert saved.status_code == 200 and "Core router" in saved.text and CANARY not in saved.text
    item_id = re.search(rf"/organizations/{organization_id}/vault/([\w\-]+)/edit", saved.text).group(1)
    assert CANARY in visitor.get(f"/organizations/{organization_id}/vault/{item_id}").text

    person = Visitor(system.url)
    person.log_in(viewer, PASSWORD)
    page = person.get("/vault").text
    assert "Core router" in page and "netadmin" in page
    view = person.get(f"/organizations/{organization_id}/vault/{item_id}").text
    assert "Your access hides passwords." in view and "netadmin" in view and "https://router.example" in view
    assert CANARY not in page and CANARY not in view
    assert person.get(f"/organizations/{organization_id}/vault/{item_id}/edit").status_code == 403

    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                assert CANARY not in repr(tuple(row)) and "Core router" not in repr(tuple(row))
    engine.dispose()


def test_someone_else_gets_404_for_an_organizations_items(system, client_org, unique_email):
    from services.common.internal_http import ServiceError
    from tests.support import new_provider_admin, service_backends

    _visitor, _admin, _provider_id, organization_id = client_org
    outsider, _ = new_provider_admin(system, unique_email("nosy"), PASSWORD)
    try:
        service_backends(system).orgs.get(f"/organizations/{organization_id}/items", outsider.caller())
    except ServiceError as error:
        assert error.status == 404
    else:
        raise AssertionError("an outsider read the organization's items")


def test_an_item_goes_to_the_trash_comes_back_and_is_then_deleted_for_good(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    visitor.submit(f"/organizations/{organization_id}/collections/new", {"name": "Ops"})
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              visitor.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    visitor.submit(f"/organizations/{organization_id}/vault/new", {
        "type": "note", "name": "Runbook", "notes": "Restart the thing", "collection_ids": collection_id})
    page = visitor.get(f"/organizations/{organization_id}/vault")
    item_id = re.search(rf"/organizations/{organization_id}/vault/([\w\-]+)/trash", page.text).group(1)
    token = visitor.csrf_token(page.text)
    base = f"{system.url}/organizations/{organization_id}/vault/{item_id}"
    trashed = visitor.http.post(f"{base}/trash", data={"csrf_token": token})
    assert "Runbook" not in trashed.text
    assert "Runbook" in visitor.get(f"/organizations/{organization_id}/vault?trash=1").text
    visitor.http.post(f"{base}/restore", data={"csrf_token": token})
    assert "Runbook" in visitor.get(f"/organizations/{organization_id}/vault").text
    visitor.http.post(f"{base}/trash", data={"csrf_token": token})
    purged = visitor.http.post(f"{base}/purge", data={"csrf_token": token})
    assert "Runbook" not in purged.text
    assert "Runbook" not in visitor.get(f"/organizations/{organization_id}/vault?trash=1").text


def test_a_member_keeps_an_item_of_their_own_then_shares_it_into_a_collection_they_may_edit(
        system, smtp, client_org, unique_email):
    visitor, admin, _provider_id, organization_id = client_org
    editor = unique_email("editor")
    member = confirmed_member(system, smtp, client_org, editor)
    visitor.submit(f"/organizations/{organization_id}/collections/new",
                   {"name": "Shared wifi", f"access:|{member['member_id']}": "edit"})

    person = Visitor(system.url)
    person.log_in(editor, PASSWORD)
    saved = person.submit("/vault/new", {"type": "login", "name": "Office wifi", "login_username": "guest",
                                         "login_password": CANARY, "notes": ""})
    assert saved.status_code == 200 and "Office wifi" in saved.text
    item_id = re.search(r'href="/vault/([\w\-]+)/share"', saved.text).group(1)
    share_page = person.get(f"/vault/{item_id}/share")
    assert "Members Co / Shared wifi" in share_page.text
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"', share_page.text).group(1)
    shared = person.http.post(f"{system.url}/vault/{item_id}/share", data={
        "csrf_token": person.csrf_token(share_page.text), "collection_ids": collection_id})
    assert shared.status_code == 200
    own = shared.text.split('id="own-items"')[1].split("</section>")[0]
    assert "Office wifi" not in own
    assert "Office wifi" in shared.text.split("</section>", 1)[1]
    assert "Office wifi" in visitor.get(f"/organizations/{organization_id}/vault").text

    engine = create_engine(system.database_urls["orgs"])
    with engine.connect() as connection:
        rows = [repr(tuple(row)) for row in connection.execute(text("SELECT * FROM ciphers"))]
    engine.dispose()
    assert rows and not any(CANARY in row or "Office wifi" in row for row in rows)


def test_unknown_item_or_member_actions_are_not_found(system, client_org):
    visitor, admin, _provider_id, organization_id = client_org
    token = visitor.csrf_token(visitor.get(f"/organizations/{organization_id}/vault").text)
    member_id = next(iter(members_of(system, admin, organization_id).values()))["member_id"]
    for path in (f"/organizations/{organization_id}/vault/some-item/explode",
                 f"/organizations/{organization_id}/members/{member_id}/explode",
                 "/vault/not-my-item/share"):
        assert visitor.http.post(system.url + path, data={"csrf_token": token}).status_code == 404


def test_an_item_is_edited_in_place_and_keeps_its_collections(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    visitor.submit(f"/organizations/{organization_id}/collections/new", {"name": "Infra"})
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              visitor.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    visitor.submit(f"/organizations/{organization_id}/vault/new", {
        "type": "login", "name": "Firewall", "login_username": "root", "login_password": "first-secret-1",
        "collection_ids": collection_id})
    page = visitor.get(f"/organizations/{organization_id}/vault")
    item_id = re.search(rf"/organizations/{organization_id}/vault/([\w\-]+)/edit", page.text).group(1)
    form = visitor.get(f"/organizations/{organization_id}/vault/{item_id}/edit")
    assert 'value="Firewall"' in form.text and 'value="first-secret-1"' in form.text and "checked" in form.text
    edited = visitor.submit(f"/organizations/{organization_id}/vault/{item_id}/edit", {
        "type": "login", "name": "Edge firewall", "login_username": "root", "login_password": "second-secret-2",
        "collection_ids": collection_id})
    assert "Edge firewall" in edited.text
    assert "second-secret-2" in visitor.get(f"/organizations/{organization_id}/vault/{item_id}").text
    assert "Firewall</td>" not in edited.text.replace("Edge firewall", "")


def test_a_provider_service_user_manages_a_clients_vault_through_the_provider_key(system):
    service_user = Visitor(system.url)
    service_user.log_in("service@demo-msp.example", system.password)
    clients_page = service_user.get("/").text
    organization_id = re.search(r'href="/organizations/([\w\-]+)"', clients_page).group(1)
    collection = f"Service desk {uuid.uuid4().hex[:6]}"
    service_user.submit(f"/organizations/{organization_id}/collections/new", {"name": collection})
    form = service_user.get(f"/organizations/{organization_id}/vault/new").text
    collection_id = re.search(rf'id="ic-([\w\-]+)"[^>]*>\s*<label for="ic-[\w\-]+">{collection}<', form).group(1)
    name = f"Helpdesk login {uuid.uuid4().hex[:6]}"
    saved = service_user.submit(f"/organizations/{organization_id}/vault/new", {
        "type": "card", "name": name, "card_cardholder_name": "Service Desk", "card_number": "4111111111111111",
        "card_exp_month": "7", "card_exp_year": "2031", "card_code": "123", "collection_ids": collection_id})
    assert saved.status_code == 200 and name in saved.text and "4111111111111111" not in saved.text
    assert "*1111" in saved.text  # the list shows a card by its last digits only

    admin = Visitor(system.url)  # the provider's admin opens the same item with the same provider key
    admin.log_in(system.admin_email, system.password)
    page = admin.get(f"/organizations/{organization_id}/vault").text
    item_id = re.search(rf'/vault/([\w\-]+)" hx-get="[^"]+" hx-target="#dialog" hx-push-url="false">{name}<',
                        page).group(1)
    assert "4111111111111111" in admin.get(f"/organizations/{organization_id}/vault/{item_id}").text


def test_an_item_saved_in_no_collection_is_refused_in_plain_words(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    refused = visitor.submit(f"/organizations/{organization_id}/vault/new", {"type": "note", "name": "Homeless"})
    assert refused.status_code == 422 and "Choose at least one collection of this organization." in refused.text
    assert "Homeless" not in visitor.get(f"/organizations/{organization_id}/vault").text.split('id="items"')[1]


def test_the_vault_pages_by_next_and_previous_sorted_by_name_and_keeps_its_search(system, client_org):
    visitor, _admin, _provider_id, organization_id = client_org
    visitor.submit(f"/organizations/{organization_id}/collections/new", {"name": "Paged"})
    vault = f"/organizations/{organization_id}/vault"
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"', visitor.get(f"{vault}/new").text).group(1)
    for number in reversed(range(52)):
        visitor.submit(f"{vault}/new", {"type": "note", "name": f"Note {number:02}", "notes": "n",
                                        "collection_ids": collection_id})
    names = re.compile(r'hx-target="#dialog" hx-push-url="false">(Note \d\d)</a>')
    first = visitor.get(f"{vault}?q=note").text
    assert names.findall(first) == [f"Note {n:02}" for n in range(50)] and ">Previous</a>" not in first
    following = re.search(r'<a href="([^"]+)"[^>]*>Next</a>', first).group(1).replace("&amp;", "&")
    assert "q=note" in following and "Note" not in following  # the cursor is an id, never a name
    second = visitor.get(following).text
    assert names.findall(second) == ["Note 50", "Note 51"] and ">Next</a>" not in second
    back = re.search(r'<a href="([^"]+)"[^>]*>Previous</a>', second).group(1).replace("&amp;", "&")
    assert names.findall(visitor.get(back).text) == names.findall(first)
    damaged = visitor.get(f"{vault}?after=Note%2049")
    assert damaged.status_code == 422 and "This page link is damaged" in damaged.text


def test_a_plain_user_is_not_shown_the_admin_console_until_they_run_an_organization(system, smtp, client_org,
                                                                                  unique_email):
    email = unique_email("plainuser")
    confirmed_member(system, smtp, client_org, email)
    person = Visitor(system.url)
    vault = person.log_in(email, PASSWORD)
    assert 'href="/organizations"' not in vault.text  # the Admin Console would only refuse them
    assert 'href="/organizations/new"' in vault.text
    created = person.submit("/organizations/new", {"name": f"Own Org {uuid.uuid4().hex[:6]}", "plan": "Teams",
                                                   "seats": "3", "billing_email": email}, allow_redirects=True)
    assert created.status_code == 200 and 'href="/organizations"' in created.text
