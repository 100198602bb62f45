"""Account recovery and policies over HTTP, against the real services, mail and databases."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import create_engine, text

from gateway.crypto import wrap
from services.common.internal_auth import Caller
from services.common.internal_http import ServiceError
from tests.conftest import wait_for
from tests.integration.members import PASSWORD, confirmed_member, members_of
from tests.support import Visitor, new_provider_admin, service_backends

NEW_PASSWORD = "a brand new lantern for the harbour 58"


def _post(visitor: Visitor, system, page: str, action: str, data: dict):
    form = visitor.get(page)
    return visitor.http.post(system.url + action, data={**data, "csrf_token": visitor.csrf_token(form.text)})


def _turn_on_recovery(visitor, system, organization_id: str, auto_enroll: bool = False):
    path = f"/organizations/{organization_id}/policies/account_recovery"
    fields = {"enabled": "on", **({"auto_enroll": "on"} if auto_enroll else {})}
    answer = _post(visitor, system, path, path, fields)
    assert answer.status_code == 200, answer.text[:300]


def _orgs_member_column(system, member_id: str, value: str) -> None:
    engine = create_engine(system.database_urls["orgs"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE members SET reset_password_key = :v WHERE id = :m"),
                           {"v": value, "m": member_id})
    engine.dispose()


def _auth_hash(system, email: str) -> str:
    engine = create_engine(system.database_urls["identity"])
    with engine.connect() as connection:
        found = connection.execute(text("SELECT auth_hash FROM users WHERE email = :e"), {"e": email}).scalar_one()
    engine.dispose()
    return found


@pytest.fixture
def enrolled(system, smtp, client_org, unique_email):
    """A confirmed member with an item of their own, enrolled in the organization's account recovery."""
    visitor, admin, _provider_id, organization_id = client_org
    email = unique_email("forgetful")
    member = confirmed_member(system, smtp, client_org, email)
    _turn_on_recovery(visitor, system, organization_id)
    person = Visitor(system.url)
    person.log_in(email, PASSWORD)
    person.submit("/vault/new", {"type": "note", "name": "Diary of a forgetful member", "notes": "kept safe"})
    enrolled = _post(person, system, "/account", f"/account/recovery/{organization_id}/enrol", {})
    assert "You are enrolled in the account recovery of Members Co." in enrolled.text
    assert members_of(system, admin, organization_id)[email]["recovery_enrolled"]
    return visitor, admin, organization_id, member, email, person


def test_a_provider_admin_recovers_an_enrolled_member_who_then_logs_in_with_everything_intact(
        system, smtp, enrolled):
    visitor, _admin, organization_id, member, email, old_session = enrolled
    dialog_path = f"/organizations/{organization_id}/members/{member['member_id']}/recover"
    different = _post(visitor, system, dialog_path, dialog_path,
                      {"master_password": NEW_PASSWORD, "master_password_confirm": NEW_PASSWORD + "!"})
    assert different.status_code == 422 and "not the same" in different.text
    weak = _post(visitor, system, dialog_path, dialog_path,
                 {"master_password": "password1234", "master_password_confirm": "password1234"})
    assert weak.status_code == 422 and "too easy to guess" in weak.text
    reset = _post(visitor, system, dialog_path, dialog_path,
                  {"master_password": NEW_PASSWORD, "master_password_confirm": NEW_PASSWORD})
    assert reset.status_code == 200 and "was reset" in reset.text

    assert old_session.get("/vault").url.startswith(f"{system.url}/login")  # every session of theirs ended
    _controller, mailbox = smtp
    notice = wait_for(lambda: [m for m in mailbox.to(email) if "master password was reset" in m["Subject"]],
                      message="the reset notice")[-1]
    body = notice.get_payload(decode=True).decode()
    assert "Test Admin" in body and "Members Co" in body and NEW_PASSWORD not in body

    refused = Visitor(system.url).log_in(email, PASSWORD)
    assert "Wrong email address or master password." in refused.text
    person = Visitor(system.url)
    landing = person.log_in(email, NEW_PASSWORD)
    assert landing.url.endswith("/account") and "An administrator reset your master password" in landing.text
    assert person.get("/vault").url.endswith("/account")  # nothing else opens until they choose their own
    own = "my very own harbour lantern password 77"
    changed = _post(person, system, "/account", "/account/master-password", {
        "current_master_password": NEW_PASSWORD, "master_password": own, "master_password_confirm": own})
    assert "Your master password was changed." in changed.text
    assert "Diary of a forgetful member" in person.get("/vault").text
    engine = create_engine(system.database_urls["identity"])
    with engine.connect() as connection:
        kinds = [row[0] for row in connection.execute(text("SELECT subject FROM outbox"))]
    engine.dispose()
    assert "identity.user.recovered_by_admin" in kinds and "identity.user.temp_password_updated" in kinds


def test_refusals_are_enforced_by_the_services_and_change_nothing(system, smtp, enrolled, unique_email):
    visitor, admin, organization_id, member, email, person = enrolled
    backends = service_backends(system)
    before = _auth_hash(system, email)
    body = {"organization_id": organization_id, "member_id": member["member_id"],
            "master_password_hash": "x" * 44, "protected_user_key": "2.AAAA|AAAA|AAAA"}
    outsider, _ = new_provider_admin(system, unique_email("outsider"), PASSWORD)
    with pytest.raises(ServiceError) as refused:
        backends.identity.post("/recoveries", outsider.caller(), body)
    assert refused.value.status == 404
    user_id = members_of(system, admin, organization_id)[email]["user_id"]
    itself = Caller(by="gateway", actor_id=user_id, request_id="self-recovery")
    with pytest.raises(ServiceError) as refused:
        backends.identity.post("/recoveries", itself, body)
    assert refused.value.status in (403, 404)
    assert _auth_hash(system, email) == before

    # Revoked: refused until restored.
    backends.orgs.post(f"/organizations/{organization_id}/members/{member['member_id']}/revoke", admin.caller())
    with pytest.raises(ServiceError) as refused:
        backends.orgs.get(f"/organizations/{organization_id}/members/{member['member_id']}/recovery",
                          admin.caller())
    assert refused.value.status == 409 and "revoked" in refused.value.message
    assert _auth_hash(system, email) == before


@pytest.mark.parametrize("tampering", ["garbled", "another key"])
def test_a_tampered_recovery_key_fails_cleanly_and_changes_nothing(system, enrolled, tampering):
    visitor, admin, organization_id, member, email, _person = enrolled
    overview = service_backends(system).orgs.get(f"/organizations/{organization_id}", admin.caller())
    forged = "4.AAAA" + "B" * 340 if tampering == "garbled" else wrap(b"z" * 64, overview["public_key"])
    _orgs_member_column(system, member["member_id"], forged)
    before = _auth_hash(system, email)
    path = f"/organizations/{organization_id}/members/{member['member_id']}/recover"
    answer = _post(visitor, system, path, path, {"master_password": NEW_PASSWORD,
                                                 "master_password_confirm": NEW_PASSWORD})
    assert answer.status_code == 422 and "does not open" in answer.text
    assert _auth_hash(system, email) == before
    still = Visitor(system.url)
    still.log_in(email, PASSWORD)
    assert "Diary of a forgetful member" in still.get("/vault").text


def test_master_password_requirements_apply_to_recovery_and_to_changing_ones_own(system, enrolled):
    visitor, _admin, organization_id, member, email, person = enrolled
    path = f"/organizations/{organization_id}/policies/master_password"
    _post(visitor, system, path, path, {"enabled": "on", "min_length": "40", "min_score": "3",
                                        "require_digits": "on"})
    recover = f"/organizations/{organization_id}/members/{member['member_id']}/recover"
    short = _post(visitor, system, recover, recover, {"master_password": NEW_PASSWORD,
                                                      "master_password_confirm": NEW_PASSWORD})
    assert short.status_code == 422 and "at least 40 characters" in short.text
    account = person.get("/account").text
    assert "At least 40 characters." in account and "A digit (0-9)." in account
    changed = _post(person, system, "/account", "/account/master-password", {
        "current_master_password": PASSWORD, "master_password": NEW_PASSWORD,
        "master_password_confirm": NEW_PASSWORD})
    assert changed.status_code == 422 and "at least 40 characters" in changed.text
    long_enough = "the quiet harbour keeps forty lanterns burning until 5 am"
    wrong_current = _post(person, system, "/account", "/account/master-password", {
        "current_master_password": "not my password at all", "master_password": long_enough,
        "master_password_confirm": long_enough})
    assert wrong_current.status_code == 422 and "current master password is not right" in wrong_current.text
    done = _post(person, system, "/account", "/account/master-password", {
        "current_master_password": PASSWORD, "master_password": long_enough, "master_password_confirm": long_enough})
    assert done.status_code == 200 and "Your master password was changed." in done.text
    again = Visitor(system.url)
    again.log_in(email, long_enough)
    assert "Diary of a forgetful member" in again.get("/vault").text


def test_automatic_enrolment_enrols_on_joining_and_forbids_withdrawal(system, smtp, client_org, unique_email):
    visitor, admin, organization_id = client_org[0], client_org[1], client_org[3]
    _turn_on_recovery(visitor, system, organization_id, auto_enroll=True)
    email = unique_email("auto")
    confirmed_member(system, smtp, client_org, email)
    assert members_of(system, admin, organization_id)[email]["recovery_enrolled"]
    person = Visitor(system.url)
    person.log_in(email, PASSWORD)
    account = person.get("/account").text
    assert "Withdraw" not in account and re.search(r"Enrolled\s*<span class=\"help\">\(required\)", account)
    withdrawn = _post(person, system, "/account", f"/account/recovery/{organization_id}/withdraw", {})
    assert withdrawn.status_code == 422 and "requires every member to be enrolled" in withdrawn.text


def test_a_member_who_joined_before_automatic_enrolment_is_asked_at_the_next_log_in(system, smtp, client_org,
                                                                                unique_email):
    visitor, organization_id = client_org[0], client_org[3]
    email = unique_email("earlier")
    confirmed_member(system, smtp, client_org, email)
    _turn_on_recovery(visitor, system, organization_id, auto_enroll=True)
    person = Visitor(system.url)
    answer = person.log_in(email, PASSWORD)
    assert answer.url.endswith("/account")
    assert "asks you to enrol in account recovery" in html.unescape(answer.text)
    assert "Not enrolled — required by the organization: enrol now" in answer.text
    enrolled = _post(person, system, "/account", f"/account/recovery/{organization_id}/enrol", {})
    assert enrolled.status_code == 200 and re.search(r"Enrolled\s*<span class=\"help\">\(required\)", enrolled.text)
    again = Visitor(system.url)
    assert not again.log_in(email, PASSWORD).url.endswith("/account")  # asked once: now enrolled


def test_requiring_two_step_login_revokes_members_without_it_and_mails_them(system, smtp, client_org,
                                                                             unique_email):
    visitor, admin, _provider_id, organization_id = client_org
    email, manager = unique_email("lax"), unique_email("manager")
    confirmed_member(system, smtp, client_org, email)
    confirmed_member(system, smtp, client_org, manager, role="admin")
    path = f"/organizations/{organization_id}/policies/require_two_factor"
    dialog = visitor.get(path).text
    assert "revokes these members now" in dialog and email in dialog
    assert "they keep their access" in dialog and manager in dialog
    _post(visitor, system, path, path, {"enabled": "on"})
    assert members_of(system, admin, organization_id)[email]["status"] == "revoked"
    assert members_of(system, admin, organization_id)[manager]["status"] == "confirmed"
    _controller, mailbox = smtp
    warning = wait_for(lambda: [m for m in mailbox.to(manager) if "now requires two-step login" in m["Subject"]],
                       message="the warning to the admin")[-1]
    assert "you keep your access" in warning.get_payload(decode=True).decode()
    notice = wait_for(lambda: [m for m in mailbox.to(email) if "was revoked" in m["Subject"]],
                      message="the revocation notice")[-1]
    assert "requires two-step login" in notice.get_payload(decode=True).decode()
    restored = service_backends(system)
    with pytest.raises(ServiceError) as refused:
        restored.orgs.post(f"/organizations/{organization_id}/members/"
                           f"{members_of(system, admin, organization_id)[email]['member_id']}/restore",
                           admin.caller())
    assert refused.value.status == 403 and "two-step login" in refused.value.message


def test_an_invitee_registers_under_the_organizations_master_password_rules(system, smtp, client_org,
                                                                            unique_email):
    from tests.integration.members import invitation_link

    visitor, _admin, _provider_id, organization_id = client_org
    path = f"/organizations/{organization_id}/policies/master_password"
    _post(visitor, system, path, path, {"enabled": "on", "min_length": "30", "min_score": "2",
                                        "require_upper": "on"})
    email = unique_email("strict")
    visitor.submit(f"/organizations/{organization_id}/members/invite", {"emails": email, "role": "user"})
    link = invitation_link(smtp, email).replace(system.url, "")
    register = f"/register?next={link.replace('?', '%3F').replace('=', '%3D')}"
    person = Visitor(system.url)
    page = person.get(register)
    assert "At least 30 characters." in page.text and "An uppercase letter (A-Z)." in page.text
    short = "Quiet harbour lanterns 58"
    weak = person.submit(register, {"email": email, "name": "Strict", "master_password": short,
                                    "master_password_confirm": short})
    assert weak.status_code == 422 and "at least 30 characters" in weak.text
    lower = person.submit(register, {"email": email, "name": "Strict", "master_password": NEW_PASSWORD,
                                     "master_password_confirm": NEW_PASSWORD})
    assert lower.status_code == 422 and "uppercase letter" in lower.text
    strong = "Seven amber lanterns over the quiet harbour 31"
    created = person.submit(register, {"email": email, "name": "Strict", "master_password": strong,
                                       "master_password_confirm": strong})
    assert created.status_code == 200 and "Your account was created" in created.text
