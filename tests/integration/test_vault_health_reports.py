"""Reporting → Reports over HTTP against the running system: counts, access per role, what leaves
the gateway for the exposed-passwords check, the member access export, the provider's summary."""
from __future__ import annotations

import csv
import io
import re
import secrets
import uuid

import pytest

from gateway import keyring
from gateway.clients.orgs import Orgs
from gateway.crypto import KdfParams
from gateway.health.range_store import sha1_hex
from gateway.seed import open_account
from tests.conftest import wait_for
from tests.integration.conftest import PASSWORD, new_client_org
from tests.integration.members import confirmed_member, members_of
from tests.support import Visitor, new_provider_admin, service_backends

HEALTHY = "vellum-orbit-Quiet-harbor-77"
SHARED = "copper-Lantern-misty-fjord-42"


def report(visitor: Visitor, organization_id: str, slug: str = "") -> str:
    """A report page once its run is done (polled as a browser without JavaScript would refresh)."""
    path = f"/organizations/{organization_id}/reports" + (f"/{slug}" if slug else "")

    def done():
        page = visitor.get(path)
        assert page.status_code == 200, (page.status_code, page.text[-800:])
        return page.text if "Making the report" not in page.text else None
    return wait_for(done, 30, 0.3, f"the report {path}")


def run_again(visitor: Visitor, organization_id: str) -> None:
    page = visitor.get(f"/organizations/{organization_id}/reports")
    visitor.http.post(f"{visitor.base}/organizations/{organization_id}/reports/refresh",
                      data={"csrf_token": visitor.csrf_token(page.text)})


def count_of(page: str) -> int:
    return int(re.search(r'id="report-count">(\d+) items? found', page).group(1))


def add_login(visitor: Visitor, organization_id: str, collection_id: str, name: str, password: str,
              uri: str = "https://example.org") -> None:
    saved = visitor.submit(f"/organizations/{organization_id}/vault/new", {
        "type": "login", "name": name, "login_username": "ops", "login_password": password, "uri_0": uri,
        "match_0": "", "notes": "", "collection_ids": collection_id})
    assert saved.status_code == 200, saved.text[-500:]


@pytest.fixture(scope="module")
def clinic(system, smtp):
    """A provider with a client ("Members Co") whose members hold every role, and a vault with one
    weak+exposed+reused password, one reused pair, an http:// website and a github.com login without TOTP."""
    staff, admin, provider_id, organization_id = new_client_org(system, seats=10, plan="Enterprise")
    roles = {"owner": ("owner", []), "admin": ("admin", []), "custom_reports": ("custom", ["access_reports"]),
             "custom_groups": ("custom", ["manage_groups"]), "user": ("user", [])}
    emails = {who: f"{who.replace('_', '-')}-{uuid.uuid4().hex[:6]}@tests.example" for who in roles}
    joined: dict = {}
    for who, (role, permissions) in roles.items():
        confirmed_member(system, smtp, (staff, admin, provider_id, organization_id), emails[who], role, permissions,
                         joined)
    people = {who: joined[address] for who, address in emails.items()}
    user_id = members_of(system, admin, organization_id)[emails["user"]]["member_id"]
    staff.submit(f"/organizations/{organization_id}/collections/new",
                 {"name": "Network", f"access:|{user_id}": "view"})
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              staff.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    staff.submit(f"/organizations/{organization_id}/groups/new", {"name": "=cmd|' /C calc'!A0",
                                                                 "member_ids": user_id})
    add_login(staff, organization_id, collection_id, "Wifi", "password1")
    add_login(staff, organization_id, collection_id, "Printer", "password1")
    add_login(staff, organization_id, collection_id, "Router A", SHARED)
    add_login(staff, organization_id, collection_id, "Router B", SHARED)
    add_login(staff, organization_id, collection_id, "Intranet", HEALTHY + "1", uri="http://intranet.members.example")
    add_login(staff, organization_id, collection_id, "Code", HEALTHY + "2", uri="https://github.com/login")
    service_user = Visitor(system.url)
    service_user.log_in("service@demo-msp.example", system.password)
    return {"staff": staff, "admin": admin, "provider_id": provider_id, "organization_id": organization_id,
            "people": people, "emails": emails}


def test_each_report_lists_its_items_with_the_right_count(clinic):
    staff, organization_id = clinic["staff"], clinic["organization_id"]
    summary = report(staff, organization_id)
    for title in ("Exposed passwords report", "Reused passwords report", "Weak passwords report",
                  "Unsecured websites report", "Inactive two-step login report", "Member access report"):
        assert title in summary
    exposed = report(staff, organization_id, "exposed-passwords")
    assert count_of(exposed) == 2 and "Wifi" in exposed and "Printer" in exposed
    assert "Seen 2,418,984 times in data breaches" in exposed
    assert f"/organizations/{organization_id}/vault/" in exposed and "/edit" in exposed
    reused = report(staff, organization_id, "reused-passwords")
    assert count_of(reused) == 4 and "Reused 2 times" in reused and "Router A" in reused
    weak = report(staff, organization_id, "weak-passwords")
    assert count_of(weak) == 2 and "a very common password" in weak and "Router A" not in weak
    unsecured = report(staff, organization_id, "unsecured-websites")
    assert count_of(unsecured) == 1 and "http://intranet.members.example" in unsecured
    inactive = report(staff, organization_id, "inactive-two-step-login")
    assert count_of(inactive) == 1 and "github.com" in inactive and "2fa.directory" in inactive
    for page in (exposed, reused, weak, unsecured, inactive):
        for password in ("password1", SHARED, HEALTHY):
            assert password not in page


def test_what_leaves_the_gateway_for_the_exposed_check_is_five_hex_characters_per_password(clinic, range_server):
    staff, organization_id = clinic["staff"], clinic["organization_id"]
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              staff.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    fresh = [f"Fresh-{secrets.token_hex(8)}-pass" for _ in range(3)]
    for number, password in enumerate(fresh + [fresh[0]]):
        add_login(staff, organization_id, collection_id, f"Fresh {number}", password)
    range_server.requests.clear()
    run_again(staff, organization_id)
    report(staff, organization_id, "exposed-passwords")
    prefixes = {sha1_hex(p)[:5] for p in fresh}  # the others were asked minutes ago and are remembered briefly
    paths = [request.path for request in range_server.requests]
    assert sorted(paths) == sorted(f"/range/{p}" for p in prefixes)
    for request in range_server.requests:
        assert request.method == "GET" and request.body == b""
        assert re.fullmatch(r"/range/[0-9A-F]{5}", request.path)
        assert set(request.headers) <= {"Host", "User-Agent", "Accept-Encoding", "Accept", "Connection", "Add-Padding"}
        assert "ops" not in repr(request.headers) and "Members" not in repr(request.headers)


def test_when_the_range_source_is_down_the_exposed_report_says_so_and_the_others_still_work(clinic, range_server):
    staff, organization_id = clinic["staff"], clinic["organization_id"]
    collection_id = re.search(r'name="collection_ids" value="([^"]+)"',
                              staff.get(f"/organizations/{organization_id}/vault/new").text).group(1)
    add_login(staff, organization_id, collection_id, "Unasked", f"Unasked-{secrets.token_hex(8)}-x")
    range_server.down = True
    try:
        run_again(staff, organization_id)
        exposed = report(staff, organization_id, "exposed-passwords")
        assert "could not reach its source of breached passwords" in exposed
        assert count_of(report(staff, organization_id, "weak-passwords")) == 2
    finally:
        range_server.down = False
        run_again(staff, organization_id)


@pytest.mark.parametrize("who, status", [("owner", 200), ("admin", 200), ("custom_reports", 200),
                                         ("custom_groups", 403), ("user", 403), ("provider_admin", 200),
                                         ("service_user", 200)])
def test_who_may_read_the_reports(system, clinic, who, status):
    organization_id = clinic["organization_id"]
    if who == "provider_admin":
        visitor = clinic["staff"]
    elif who == "service_user":
        visitor = Visitor(system.url)
        visitor.log_in("service@demo-msp.example", system.password)
        status = 404  # the demo provider's service user: not this provider's staff
    else:
        visitor = clinic["people"][who]
    for path in ("/reports", "/reports/weak-passwords", "/reports/member-access/export"):
        assert visitor.get(f"/organizations/{organization_id}{path}").status_code == status, (who, path)
    console = visitor.get(f"/organizations/{organization_id}")
    link = f'href="/organizations/{organization_id}/reports"'
    assert (link in console.text) == (status == 200), who


def test_a_service_user_of_the_provider_reads_the_summary_and_the_clients_reports(system, smtp, clinic):
    staff, provider_id, organization_id = clinic["staff"], clinic["provider_id"], clinic["organization_id"]
    page = staff.get(f"/providers/{provider_id}/reports")
    assert page.status_code == 200
    service_email = f"service-{uuid.uuid4().hex[:6]}@tests.example"
    backends = service_backends(system)
    service_account = open_account(backends, service_email, "Service Person", PASSWORD, KdfParams("pbkdf2", 600_000))
    admin = clinic["admin"]
    wrapped = next(p for p in backends.orgs.get("/me/providers", admin.caller())["providers"]
                   if p["provider_id"] == provider_id)["wrapped_provider_key"]
    provider_key = admin.keys.provider_key(wrapped)
    Orgs(backends.orgs, admin.caller(), {}).add_staff(provider_id, service_account.user_id, service_email,
                                                      "service_user",
                                                      keyring.wrap_provider_key(provider_key,
                                                                                service_account.public_key))
    service = Visitor(system.url)
    service.log_in(service_email, PASSWORD)  # the provider key is theirs from this session on

    def summary():
        found = service.get(f"/providers/{provider_id}/reports?sort=weak&dir=desc")
        assert found.status_code == 200
        return found.text if "Making the report" not in found.text else None
    table = wait_for(summary, 30, 0.3, "the provider's summary")
    row = re.search(r"Members Co</a>.*?</tr>", table, re.S).group(0)
    exposed, reused, weak, unsecured, inactive = [int(n) for n in re.findall(r'class="num">(\d+)</td>', row)]
    assert (weak, unsecured, inactive) == (2, 1, 1) and exposed >= 2 and reused >= 4  # earlier tests add some
    assert 'aria-sort="descending"' in table and "Reports" in service.get(f"/providers/{provider_id}/clients").text
    assert count_of(report(service, organization_id, "weak-passwords")) == 2


def test_another_providers_staff_gets_404_and_an_unknown_report_404(system, clinic):
    outsider_email = f"nosy-{uuid.uuid4().hex[:8]}@tests.example"
    new_provider_admin(system, outsider_email, PASSWORD)
    outsider = Visitor(system.url)
    outsider.log_in(outsider_email, PASSWORD)
    organization_id, provider_id = clinic["organization_id"], clinic["provider_id"]
    assert outsider.get(f"/organizations/{organization_id}/reports").status_code == 404
    assert outsider.get(f"/providers/{provider_id}/reports").status_code == 404
    assert clinic["staff"].get(f"/organizations/{organization_id}/reports/no-such-report").status_code == 404


def test_the_member_access_report_and_its_csv_export(clinic):
    staff, organization_id, emails = clinic["staff"], clinic["organization_id"], clinic["emails"]
    page = report(staff, organization_id, "member-access")
    assert all(email in page for email in emails.values())
    assert "Network (Can view)" in page and "All collections" in page
    exported = staff.get(f"/organizations/{organization_id}/reports/member-access/export")
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers["Content-Disposition"]
    rows = {row[1]: row for row in csv.reader(io.StringIO(exported.text))}
    user = rows[emails["user"]]
    assert user[2] == "User" and user[4] == "'=cmd|' /C calc'!A0" and user[5] == "Network (Can view)"
    assert int(user[6]) >= 6 and rows[emails["owner"]][5] == "All collections"
    assert rows[emails["custom_reports"]][6] == "0"
