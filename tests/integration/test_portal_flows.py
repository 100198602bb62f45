"""Use cases of the portal over HTTP, against every real process of the system."""
from __future__ import annotations

import re

import pytest

from tests.conftest import wait_for
from tests.support import Visitor, new_provider_admin, service_backends

SEED_ROWS = [
    ("My Client's Organization", "15", "1", "14", "Enterprise"),
    ("Second Client's Organization", "20", "1", "19", "Teams"),
    ("Third Client's Organization", "10", "1", "9", "Enterprise"),
]
ROW = re.compile(r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>\s*<td class=\"num\">(\d+)</td>\s*<td class=\"num\">(\d+)</td>"
                 r"\s*<td class=\"num\">(\d+)</td>\s*<td>([^<]+)</td>")


def rows(html: str) -> list[tuple[str, ...]]:
    """The Clients table's rows as text."""
    return [tuple(cell.replace("&#39;", "'") for cell in row) for row in ROW.findall(html)]


@pytest.fixture
def demo_admin(system):
    visitor = Visitor(system.url)
    response = visitor.log_in(system.admin_email, system.password)
    assert response.status_code == 200 and "/providers/" in response.url
    return visitor


def test_the_demo_provider_sees_the_seed_pages_clients(demo_admin):
    seed_names = {row[0] for row in SEED_ROWS}
    # Other tests may add clients to the demo provider; the seed's three stay as the seed page has them.
    assert [row for row in rows(demo_admin.last_html) if row[0] in seed_names] == SEED_ROWS


def test_every_column_of_the_clients_table_sorts_in_both_directions(demo_admin):
    base = demo_admin.last_html and re.search(r"/providers/[^/]+/clients", demo_admin.http.get(
        demo_admin.base + "/").url).group(0)
    assigned_desc = rows(demo_admin.get(f"{base}?sort=assigned&dir=desc").text)
    assert [r[1] for r in assigned_desc][:3] == ["20", "15", "10"] or \
        [int(r[1]) for r in assigned_desc] == sorted([int(r[1]) for r in assigned_desc], reverse=True)
    for column, index in (("name", 0), ("used", 2), ("remaining", 3), ("plan", 4), ("assigned", 1)):
        ascending = rows(demo_admin.get(f"{base}?sort={column}&dir=asc").text)
        descending = rows(demo_admin.get(f"{base}?sort={column}&dir=desc").text)
        key = (lambda r: int(r[index])) if index in (1, 2, 3) else (lambda r: r[index].lower())
        assert [key(r) for r in ascending] == sorted(key(r) for r in ascending)
        assert [key(r) for r in descending] == sorted((key(r) for r in descending), reverse=True)


def test_a_wrong_password_is_refused_without_saying_whether_the_email_exists(system, unique_email):
    known = Visitor(system.url).log_in(system.admin_email, "not the password at all")
    unknown = Visitor(system.url).log_in(unique_email(), "not the password at all")
    assert known.status_code == unknown.status_code == 422
    assert "Wrong email address or master password." in known.text
    assert "Wrong email address or master password." in unknown.text


def test_repeated_failures_slow_the_account_down(system, unique_email):
    email = unique_email()
    visitor = Visitor(system.url)
    assert visitor.register(email, "Slow Down", "purple-otter-glides-softly-42").status_code == 200
    for _ in range(5):
        assert visitor.log_in(email, "wrong-master-password").status_code == 422
    blocked = visitor.log_in(email, "purple-otter-glides-softly-42")
    assert blocked.status_code == 422
    assert "Too many failed log-in attempts" in blocked.text


def test_registering_then_logging_in_and_out(system, unique_email):
    email = unique_email()
    visitor = Visitor(system.url)
    response = visitor.register(email, "Reg Ister", "quiet-falcon-river-stone-7")
    assert response.status_code == 200 and "/login" in response.url
    response = visitor.log_in(email, "quiet-falcon-river-stone-7")
    assert response.status_code == 200 and response.url.endswith("/vault")
    page = visitor.get("/vault")
    visitor.http.post(system.url + "/logout", data={"csrf_token": visitor.csrf_token(page.text)})
    after = visitor.get("/vault")
    assert "/login" in after.url


@pytest.mark.parametrize("password, confirm, message", [
    ("short", "short", "at least 12 characters"),
    ("passwordpassword", "passwordpassword", "too easy to guess"),
    ("quiet-falcon-river-stone-7", "quiet-falcon-river-stone-8", "do not match"),
])
def test_registration_refuses_weak_or_mismatched_master_passwords(system, unique_email, password, confirm, message):
    visitor = Visitor(system.url)
    response = visitor.submit("/register", {"email": unique_email(), "name": "Weak", "master_password": password,
                                            "master_password_confirm": confirm})
    assert response.status_code == 422
    assert message in response.text


def test_registering_an_email_twice_is_refused(system, unique_email):
    email = unique_email()
    Visitor(system.url).register(email, "First", "quiet-falcon-river-stone-7")
    again = Visitor(system.url).register(email, "Second", "quiet-falcon-river-stone-7")
    assert again.status_code == 422
    assert "already exists" in again.text


def test_adding_a_client_creates_its_subscription_invites_its_owner_and_logs_it_once(system, smtp, unique_email):
    _controller, mailbox = smtp
    email = unique_email("admin")
    admin, provider_id = new_provider_admin(system, email, "amber-canyon-harbor-meadow-1")
    visitor = Visitor(system.url)
    visitor.log_in(email, "amber-canyon-harbor-meadow-1")
    owner = unique_email("owner")
    response = visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": "Acme Corp", "plan": "Teams", "seats": "12", "owner_email": owner,
        "billing_email": unique_email("billing")})
    assert response.status_code == 200
    assert ("Acme Corp", "12", "1", "11", "Teams") in rows(response.text)

    backends = service_backends(system)
    organization_id = backends.orgs.get(f"/providers/{provider_id}/clients", admin.caller())["clients"][0][
        "organization_id"]
    subscription = wait_for(lambda: _subscription(backends, admin, organization_id), message="the subscription")
    assert (subscription["plan"], subscription["seats"], subscription["monthly_price_cents"]) == ("Teams", 12, 4800)
    invitation = wait_for(lambda: mailbox.to(owner), message="the invitation mail")[0]
    assert "Acme Corp" in invitation["Subject"]

    def logged():
        # Every group: the bookkeeping events (mail handed over) are kept, not shown; billing's are shown.
        types = [e["type"] for e in backends.audit.get(f"/providers/{provider_id}/events", admin.caller(),
                                                       client="all", page_size=1000)["events"]]
        kept = _kept_types(system, organization_id)
        return types if {"org.created", "org.member.invited", "subscription.changed"} <= set(types) and \
            {"invitation.mailed"} <= set(kept) else None
    types = wait_for(logged, message="the event log")
    assert types.count("org.created") == 1 and types.count("org.member.invited") == 1
    assert "invitation.mailed" not in types

    page = visitor.get(f"/providers/{provider_id}/events")
    assert "Created client Acme Corp" in page.text and f"Invited user {owner}" in page.text


def _kept_types(system, organization_id: str) -> list[str]:
    """The types of the organization's events in audit's table, whatever their group."""
    from sqlalchemy import create_engine, text

    engine = create_engine(system.database_urls["audit"])
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT type FROM events WHERE organization_id = :o"),
                                           {"o": organization_id}).scalars())
    finally:
        engine.dispose()


def _subscription(backends, admin, organization_id):
    from services.common.internal_http import ServiceError

    try:
        return backends.billing.get(f"/organizations/{organization_id}/subscription", admin.caller())
    except ServiceError:
        return None


def test_every_wrong_field_of_a_new_client_is_named_at_once(system, demo_admin):
    provider_id = re.search(r"/providers/([^/]+)/clients", demo_admin.http.get(system.url + "/").url).group(1)
    response = demo_admin.submit(f"/providers/{provider_id}/clients/new", {
        "name": "", "plan": "Teams", "seats": "2000", "owner_email": "not-an-email", "billing_email": "a@b"})
    assert response.status_code == 422
    for field in ("name", "seats", "owner_email", "billing_email"):
        assert f'id="{field}-error"' in response.text, field
    assert "The Teams plan allows at most 1,000 seats." in response.text


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Enter the organization"),
    ("name", "x" * 100, "shorter than 100 characters"),
    ("seats", "0", "from 1 to 10,000"),
    ("seats", "10001", "from 1 to 10,000"),
    ("seats", "many", "Not a valid integer value"),
    ("plan", "Free", "Teams or Enterprise"),
    ("owner_email", "not-an-email", "valid email address"),
    ("billing_email", "a@b", "valid email address"),
])
def test_bad_client_input_shows_a_field_error_and_writes_nothing(system, demo_admin, field, value, message):
    provider_id = re.search(r"/providers/([^/]+)/clients", demo_admin.http.get(system.url + "/").url).group(1)
    before = rows(demo_admin.get(f"/providers/{provider_id}/clients").text)
    data = {"name": "Valid Name Ltd", "plan": "Teams", "seats": "5", "owner_email": "owner@valid.example",
            "billing_email": "billing@valid.example", field: value}
    response = demo_admin.submit(f"/providers/{provider_id}/clients/new", data)
    assert response.status_code == 422
    assert message in response.text
    assert f'id="{field}-error"' in response.text
    assert rows(demo_admin.get(f"/providers/{provider_id}/clients").text) == before


def test_a_name_the_provider_already_uses_is_refused(system, demo_admin):
    provider_id = re.search(r"/providers/([^/]+)/clients", demo_admin.http.get(system.url + "/").url).group(1)
    response = demo_admin.submit(f"/providers/{provider_id}/clients/new", {
        "name": "second client's organization", "plan": "Teams", "seats": "5",
        "owner_email": "owner@valid.example", "billing_email": "billing@valid.example"})
    assert response.status_code == 422
    assert "already have a client with this name" in response.text


def test_manage_opens_the_clients_admin_console_with_its_key_unlocked(system, demo_admin):
    provider_id = re.search(r"/providers/([^/]+)/clients", demo_admin.http.get(system.url + "/").url).group(1)
    html = demo_admin.get(f"/providers/{provider_id}/clients?q=Third").text
    organization_id = re.search(r'href="/organizations/([^"]+)"', html).group(1)
    page = demo_admin.get(f"/organizations/{organization_id}")
    assert page.status_code == 200
    assert "Third Client&#39;s Organization" in page.text
    assert "Organization key unlocked" in page.text
    assert "owner@third-client.example" in page.text


def test_logging_in_returns_to_the_page_first_asked_for_and_never_to_another_site(system):
    visitor = Visitor(system.url)
    first = visitor.get("/organizations")
    assert "next=%2Forganizations" in first.url or "next=/organizations" in first.url
    response = visitor.submit(first.url.replace(system.url, ""), {"email": system.admin_email,
                                                                  "master_password": system.password})
    assert response.url == system.url + "/organizations"
    other = Visitor(system.url)
    response = other.submit("/login?next=//evil.example/", {"email": system.admin_email,
                                                           "master_password": system.password})
    assert response.url.startswith(system.url) and "evil" not in response.url


def test_one_request_id_follows_an_action_from_the_gateway_into_its_events(system, unique_email):
    email = unique_email("trace")
    admin, provider_id = new_provider_admin(system, email, "trace-the-river-stone-77")
    visitor = Visitor(system.url)
    visitor.log_in(email, "trace-the-river-stone-77")
    request_id = "a1" * 16
    page = visitor.get(f"/providers/{provider_id}/clients/new")
    response = visitor.http.post(system.url + f"/providers/{provider_id}/clients/new", headers={
        "X-Request-Id": request_id}, data={"csrf_token": visitor.csrf_token(page.text), "name": "Traced Ltd",
                                           "plan": "Teams", "seats": "2", "owner_email": unique_email("o"),
                                           "billing_email": unique_email("b")})
    assert response.status_code == 200

    def traced():
        events = service_backends(system).audit.get(f"/providers/{provider_id}/events", admin.caller())["events"]
        return [e for e in events if e["type"] == "org.created"]
    created = wait_for(traced, message="the org.created event")[0]
    from sqlalchemy import create_engine, text

    engine = create_engine(system.database_urls["audit"])
    with engine.connect() as connection:
        traceparent = connection.execute(text("SELECT traceparent FROM events WHERE id = :id"),
                                         {"id": created["id"]}).scalar_one()
    engine.dispose()
    assert traceparent.split("-")[1] == request_id


def test_an_account_using_argon2id_logs_in_through_the_portal(system, unique_email):
    from gateway.crypto import KdfParams
    from gateway.seed import open_account

    email = unique_email("argon")
    argon2 = KdfParams("argon2id", 3, memory_mib=64, parallelism=4)
    open_account(service_backends(system), email, "Argon User", "argon-two-keeps-memory-hard-9", argon2)
    visitor = Visitor(system.url)
    response = visitor.log_in(email, "argon-two-keeps-memory-hard-9")
    assert response.status_code == 200 and response.url.endswith("/vault")
    assert visitor.log_in(email, "argon-two-wrong-password-9").status_code == 422


def link_named(html: str, name: str) -> str:
    """The address of the pager link named `name` ("Next", "Previous"), as a browser follows it."""
    return re.search(rf'<a href="([^"]+)"[^>]*>{name}</a>', html).group(1).replace("&amp;", "&")


def test_the_clients_table_pages_by_next_and_previous_and_keeps_its_sort_and_search(system, unique_email):
    from gateway import keyring

    email = unique_email("pages")
    admin, provider_id = new_provider_admin(system, email, "paging-through-clients-51")
    backends = service_backends(system)
    provider_key = admin.keys.provider_key(next(
        p for p in backends.orgs.get("/me/providers", admin.caller())["providers"]
        if p["provider_id"] == provider_id)["wrapped_provider_key"])
    keys = keyring.new_client_organization(provider_key)  # one key set is enough for a paging test
    for number in range(53):
        backends.orgs.post(f"/providers/{provider_id}/clients", admin.caller(), {
            "name": f"Paged Client {number:02}", "plan": "Teams", "seats": number // 2 + 1,
            "owner_email": f"o{number}@paged.example", "billing_email": "b@paged.example",
            "public_key": keys.public_key, "encrypted_private_key": keys.encrypted_private_key,
            "encrypted_org_key": keys.encrypted_org_key})
    visitor = Visitor(system.url)
    visitor.log_in(email, "paging-through-clients-51")
    first = visitor.get(f"/providers/{provider_id}/clients?sort=assigned&dir=desc&q=Paged")
    assert len(rows(first.text)) == 50 and ">Previous</a>" not in first.text and "53 clients" not in first.text
    second = visitor.get(link_named(first.text, "Next"))
    assert "sort=assigned" in second.url and "q=Paged" in second.url and ">Next</a>" not in second.text
    assert [row[1] for row in rows(second.text)] == ["2", "1", "1"]
    back = visitor.get(link_named(second.text, "Previous"))
    assert rows(back.text) == rows(first.text)
    seen = [row[0] for row in rows(first.text) + rows(second.text)]
    assert sorted(seen) == [f"Paged Client {n:02}" for n in range(53)]
    assert "53 clients" in visitor.get(f"/providers/{provider_id}/clients").text  # kept, not counted
    resorted = visitor.get(link_named(first.text, "Next").replace("sort=assigned", "sort=plan"))
    assert resorted.status_code == 422 and "another list or sort" in resorted.text


def test_a_damaged_or_foreign_page_link_is_refused_with_a_message(system, demo_admin):
    provider_id = re.search(r"/providers/([^/]+)/clients", demo_admin.http.get(system.url + "/").url).group(1)
    damaged = demo_admin.get(f"/providers/{provider_id}/clients?after=not-a-cursor")
    assert damaged.status_code == 422 and "This page link is damaged" in damaged.text
    events = demo_admin.get(f"/providers/{provider_id}/events?before=bm9wZQ")
    assert events.status_code == 422 and "This page link is damaged" in events.text


def test_a_client_without_a_confirmed_owner_cannot_be_unlinked(system, demo_admin):
    provider_id = re.search(r"/providers/([^/]+)/clients", demo_admin.http.get(system.url + "/").url).group(1)
    page = demo_admin.get(f"/providers/{provider_id}/clients?q=Third")
    organization_id = re.search(r'href="/organizations/([^"]+)"', page.text).group(1)
    refused = demo_admin.http.post(f"{system.url}/providers/{provider_id}/clients/{organization_id}/unlink",
                                   data={"csrf_token": demo_admin.csrf_token(page.text)})
    assert refused.status_code == 409
    assert "only once it has a confirmed owner" in refused.text
    assert "Third Client&#39;s Organization" in demo_admin.get(f"/providers/{provider_id}/clients").text


def test_opening_a_client_as_provider_staff_is_logged(system, unique_email):
    email = unique_email("opener")
    admin, provider_id = new_provider_admin(system, email, "opening-the-vault-door-3")
    visitor = Visitor(system.url)
    visitor.log_in(email, "opening-the-vault-door-3")
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": "Opened Ltd", "plan": "Teams", "seats": "2", "owner_email": unique_email("o"),
        "billing_email": unique_email("b")})
    organization_id = re.search(r'href="/organizations/([^"]+)"', visitor.last_html).group(1)
    for _look in range(3):  # once per session and client, not per page
        assert visitor.get(f"/organizations/{organization_id}").status_code == 200

    def accessed():
        events = service_backends(system).audit.get(f"/providers/{provider_id}/events", admin.caller())["events"]
        return [e for e in events if e["code"] == 1903 and e["organization_id"] == organization_id]
    assert wait_for(accessed, message="the vault-accessed event")[0]["actor_id"] == admin.user_id

    # A new session logs its first opening again. Events arrive in order: once its event is in
    # the log, a second one of the first session would be too.
    again = Visitor(system.url)
    again.log_in(email, "opening-the-vault-door-3")
    assert again.get(f"/organizations/{organization_id}").status_code == 200
    assert len(wait_for(lambda: len(accessed()) >= 2 and accessed(), message="the second session's event")) == 2


def test_only_an_owner_who_is_provider_admin_attaches_an_organization_and_it_gets_billed(system, unique_email):
    from gateway import keyring
    from services.common.internal_http import ServiceError

    backends = service_backends(system)
    owner, provider_id = new_provider_admin(system, unique_email("own"), "attach-what-you-own-11")
    stranger, stranger_provider = new_provider_admin(system, unique_email("other"), "attach-what-you-own-11")
    keys = keyring.new_own_organization(owner.keys)
    created = backends.orgs.post("/organizations", owner.caller(), {
        "name": "Mine Ltd", "plan": "Enterprise", "seats": 3, "billing_email": "b@mine.example",
        "owner_email": owner.email, "public_key": keys.public_key,
        "encrypted_private_key": keys.encrypted_private_key, "wrapped_org_key": keys.wrapped_org_key})
    organization_id = created["organization_id"]
    wait_for(lambda: _subscription(backends, owner, organization_id), message="the standalone subscription")
    sealed = "2." + "A" * 24 + "|" + "A" * 24 + "|" + "A" * 44
    with pytest.raises(ServiceError) as refusal:
        backends.orgs.post(f"/providers/{stranger_provider}/clients/existing", stranger.caller(),
                           {"organization_id": organization_id, "encrypted_org_key": sealed})
    assert refusal.value.status == 404
    assert backends.orgs.get(f"/providers/{provider_id}/attachable", owner.caller())["organizations"][0][
        "organization_id"] == organization_id
    assert backends.orgs.get(f"/providers/{stranger_provider}/attachable", stranger.caller()) == {"organizations": []}


def test_the_event_log_pages_by_older_and_newer(system, unique_email):
    from gateway import keyring

    email = unique_email("log")
    admin, provider_id = new_provider_admin(system, email, "paging-through-events-51")
    backends = service_backends(system)
    provider_key = admin.keys.provider_key(next(
        p for p in backends.orgs.get("/me/providers", admin.caller())["providers"]
        if p["provider_id"] == provider_id)["wrapped_provider_key"])
    keys = keyring.new_client_organization(provider_key)
    for number in range(30):  # each logs its creation and its owner's invitation, and more
        backends.orgs.post(f"/providers/{provider_id}/clients", admin.caller(), {
            "name": f"Logged Client {number:02}", "plan": "Teams", "seats": 3,
            "owner_email": f"o{number}@logged.example", "billing_email": "b@logged.example",
            "public_key": keys.public_key, "encrypted_private_key": keys.encrypted_private_key,
            "encrypted_org_key": keys.encrypted_org_key})
    wait_for(lambda: backends.audit.get(f"/providers/{provider_id}/events", admin.caller())["older"],
             message="more than a page of events")
    visitor = Visitor(system.url)
    visitor.log_in(email, "paging-through-events-51")
    newest = visitor.get(f"/providers/{provider_id}/events")
    assert len(re.findall(r"<time ", newest.text)) == 50 and ">Newer</a>" not in newest.text
    older = visitor.get(link_named(newest.text, "Older"))
    assert older.status_code == 200 and "after=" in older.url and ">Newer</a>" in older.text
    times = re.findall(r'<time datetime="([^"]+)"', newest.text + older.text)
    assert times == sorted(times, reverse=True)
    back = re.findall(r'<time datetime="([^"]+)"', visitor.get(link_named(older.text, "Newer")).text)
    # Events still arriving may fall anywhere, so the page back is the 50 just newer than the older page.
    assert len(back) == 50 and min(back) >= max(re.findall(r'<time datetime="([^"]+)"', older.text))


def test_a_clients_name_is_shown_escaped_in_its_row_labels_in_either_language(system, unique_email):
    email = unique_email("escape")
    _admin, provider_id = new_provider_admin(system, email, "escaping-names-stays-safe-17")
    visitor = Visitor(system.url)
    visitor.log_in(email, "escaping-names-stays-safe-17")
    name = 'Ac<b>me</b> "Q" & Co'
    visitor.submit(f"/providers/{provider_id}/clients/new", {
        "name": name, "plan": "Teams", "seats": "3", "owner_email": unique_email("owner"),
        "billing_email": unique_email("billing")})
    escaped = "Ac&lt;b&gt;me&lt;/b&gt; &#34;Q&#34; &amp; Co"
    page = visitor.get(f"/providers/{provider_id}/clients").text
    assert "<b>me</b>" not in page
    assert f'aria-label="Options for {escaped}"' in page
    assert f'hx-confirm="Unlink {escaped} from your provider?' in page
    assert re.search(r"<td>Teams</td>", page)
    french = Visitor(system.url, language="fr")
    french.log_in(email, "escaping-names-stays-safe-17")
    page = french.get(f"/providers/{provider_id}/clients").text
    assert f'aria-label="Options pour {escaped}"' in page and "<b>me</b>" not in page
