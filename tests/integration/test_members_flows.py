"""Onboarding and offboarding a client's users over HTTP, with real mail and real services."""
from __future__ import annotations

import re
import threading

import pytest
import requests

from services.common.internal_http import ServiceError
from tests.conftest import wait_for
from tests.integration.members import PASSWORD, invitation_link, join, members_of
from tests.support import Visitor, new_provider_admin, service_backends


def test_invite_accept_confirm_revoke_and_seats_follow(system, smtp, client_org, unique_email):
    visitor, admin, provider_id, organization_id = client_org
    first, second = unique_email("first"), unique_email("second")
    response = visitor.submit(f"/organizations/{organization_id}/members/invite",
                              {"emails": f"{first}\n{second}", "role": "user"})
    assert response.status_code == 200 and first in response.text

    join(system, smtp, first)
    member = members_of(system, admin, organization_id)[first]
    assert member["status"] == "accepted"

    listed = visitor.get(f"/organizations/{organization_id}/members").text
    assert re.search(rf"{re.escape(first)}</span></td>\s*<td>User</td>\s*<td><span[^>]*>Accepted</span></td>"
                     r"\s*<td>Off</td>\s*<td>Not enrolled</td>", listed)
    dialog = visitor.get(f"/organizations/{organization_id}/members/{member['member_id']}/confirm")
    phrase = re.search(r'id="fingerprint"><strong>([a-z\-]+)</strong>', dialog.text).group(1)
    from gateway.keyring import fingerprint_phrase

    public_key = service_backends(system).identity.get(f"/users/{member['user_id']}", admin.caller())["public_key"]
    assert phrase == fingerprint_phrase(member["user_id"], public_key)  # the invitee's own key, not another
    visitor.http.post(f"{system.url}/organizations/{organization_id}/members/{member['member_id']}/confirm",
                      data={"csrf_token": visitor.csrf_token(dialog.text)})
    assert members_of(system, admin, organization_id)[first]["status"] == "confirmed"

    clients = visitor.get(f"/providers/{provider_id}/clients").text
    assert re.search(r"Members Co</a></td>\s*<td class=\"num\">3</td>\s*<td class=\"num\">3</td>", clients)
    page = visitor.get(f"/organizations/{organization_id}/members")
    visitor.http.post(f"{system.url}/organizations/{organization_id}/members/{member['member_id']}/revoke",
                      data={"csrf_token": visitor.csrf_token(page.text)})
    assert members_of(system, admin, organization_id)[first]["status"] == "revoked"
    clients = visitor.get(f"/providers/{provider_id}/clients").text
    assert re.search(r"Members Co</a></td>\s*<td class=\"num\">3</td>\s*<td class=\"num\">2</td>", clients)


def test_an_invitation_link_reused_tampered_or_for_someone_else_is_refused(system, smtp, client_org, unique_email):
    visitor, admin, _provider_id, organization_id = client_org
    invited, stranger = unique_email("invited"), unique_email("stranger")
    visitor.submit(f"/organizations/{organization_id}/members/invite", {"emails": invited, "role": "user"})
    link = invitation_link(smtp, invited)
    token = link.split("token=")[1]

    tampered = Visitor(system.url).get("/invitations/accept?token=" + token[:-2] + "xx")
    assert tampered.status_code == 404 and "not valid" in tampered.text

    other = Visitor(system.url)
    other.register(stranger, "Stranger", PASSWORD)
    other.log_in(stranger, PASSWORD)
    page = other.get(link.replace(system.url, ""))
    refused = other.http.post(system.url + "/invitations/accept",
                              data={"token": token, "csrf_token": other.csrf_token(page.text)})
    assert refused.status_code == 403 and f"sent to {invited}" in refused.text
    assert members_of(system, admin, organization_id)[invited]["status"] == "invited"

    join(system, smtp, invited)
    person = Visitor(system.url)
    person.log_in(invited, PASSWORD)

    def link_forgotten():
        return person.get(link.replace(system.url, "")).status_code == 404
    wait_for(link_forgotten, message="the used link to stop working")


def test_invitations_beyond_the_seats_are_refused_and_say_how_many_remain(system, client_org, unique_email):
    visitor, admin, _provider_id, organization_id = client_org
    emails = ", ".join(unique_email(f"p{i}") for i in range(3))
    response = visitor.submit(f"/organizations/{organization_id}/members/invite", {"emails": emails, "role": "user"})
    assert response.status_code == 422
    assert "Not enough seats: 2 remaining, 3 needed" in response.text
    assert len(members_of(system, admin, organization_id)) == 1


def test_two_admins_racing_for_the_last_seat_exactly_one_wins(system, client_org, unique_email):
    _visitor, admin, _provider_id, organization_id = client_org
    backends = service_backends(system)
    backends.orgs.post(f"/organizations/{organization_id}/members", admin.caller(),
                       {"emails": unique_email("fill"), "role": "user"})  # 2 of 3 seats
    outcomes = []

    def invite(email):
        try:
            service_backends(system).orgs.post(f"/organizations/{organization_id}/members", admin.caller(),
                                               {"emails": email, "role": "user"})
            outcomes.append("won")
        except ServiceError as error:
            outcomes.append(error.status)
    racers = [threading.Thread(target=invite, args=(unique_email(f"race{i}"),)) for i in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(30)
    assert outcomes.count("won") == 1 and outcomes.count(422) == 3
    assert len(members_of(system, admin, organization_id)) == 3


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/organizations/{org}/members", None),
    ("POST", "/organizations/{org}/members", {"emails": "x@y.example", "role": "user"}),
    ("POST", "/organizations/{org}/members/{member}/revoke", None),
    ("DELETE", "/organizations/{org}/members/{member}", None),
    ("PUT", "/organizations/{org}/members/{member}/role", {"role": "owner", "permissions": []}),
    ("POST", "/organizations/{org}/members/{member}/confirm", {"wrapped_org_key": "4.AAAA"}),
])
def test_someone_elses_organization_is_out_of_reach_by_direct_api_call(system, client_org, unique_email,
                                                                        method, path, body):
    _visitor, admin, _provider_id, organization_id = client_org
    member_id = next(iter(members_of(system, admin, organization_id).values()))["member_id"]
    outsider, _ = new_provider_admin(system, unique_email("outsider"), PASSWORD)
    with pytest.raises(ServiceError) as refusal:
        service_backends(system).orgs.call(method, path.format(org=organization_id, member=member_id),
                                           outsider.caller(), json=body)
    assert refusal.value.status == 404
    assert members_of(system, admin, organization_id)[next(iter(members_of(system, admin, organization_id)))][
        "status"] == "invited"
    assert requests.get(system.service_url("orgs") + path.format(org=organization_id, member=member_id),
                        timeout=5).status_code in (401, 405)


def test_bulk_confirm_shows_every_fingerprint_then_confirms_all_and_bulk_revoke_frees_their_seats(
        system, smtp, client_org, unique_email):
    visitor, admin, _provider_id, organization_id = client_org
    people = [unique_email("bulk1"), unique_email("bulk2")]
    visitor.submit(f"/organizations/{organization_id}/members/invite", {"emails": ",".join(people), "role": "user"})
    for email in people:
        join(system, smtp, email)
    ids = [members_of(system, admin, organization_id)[email]["member_id"] for email in people]
    page = visitor.get(f"/organizations/{organization_id}/members")
    token = visitor.csrf_token(page.text)
    url = f"{system.url}/organizations/{organization_id}/members/bulk"
    dialog = visitor.http.post(url, data={"csrf_token": token, "action": "confirm", "member_ids": ids})
    assert len(re.findall(r'class="fingerprint">[a-z]+(?:-[a-z]+){4,}<', dialog.text)) == 2
    assert {m["status"] for m in members_of(system, admin, organization_id).values() if m["email"] in people} == \
        {"accepted"}
    visitor.http.post(url, data={"csrf_token": token, "action": "confirm", "checked": "1", "member_ids": ids})
    assert {members_of(system, admin, organization_id)[email]["status"] for email in people} == {"confirmed"}
    visitor.http.post(url, data={"csrf_token": token, "action": "revoke", "member_ids": ids})
    assert {members_of(system, admin, organization_id)[email]["status"] for email in people} == {"revoked"}
    found = service_backends(system).orgs.get(f"/organizations/{organization_id}/members", admin.caller())
    assert found["used"] == 1


def test_edit_seats_sets_an_autoscaling_limit_that_invitations_then_use(system, client_org, unique_email):
    visitor, admin, provider_id, organization_id = client_org
    response = visitor.submit(f"/providers/{provider_id}/clients/{organization_id}/seats",
                              {"seats": "3", "autoscale_max_seats": "5"})
    assert response.status_code == 200
    emails = ", ".join(unique_email(f"grow{i}") for i in range(4))
    assert visitor.submit(f"/organizations/{organization_id}/members/invite",
                          {"emails": emails, "role": "user"}).status_code == 200
    clients = visitor.get(f"/providers/{provider_id}/clients").text
    assert re.search(r"Members Co</a></td>\s*<td class=\"num\">5</td>\s*<td class=\"num\">5</td>", clients)
    refused = visitor.submit(f"/providers/{provider_id}/clients/{organization_id}/seats",
                             {"seats": "3", "autoscale_max_seats": "2"})
    assert refused.status_code == 422


def test_a_teams_client_stays_within_the_plans_maximum(system, client_org):
    visitor, _admin, provider_id, organization_id = client_org
    refused = visitor.submit(f"/providers/{provider_id}/clients/{organization_id}/seats", {"seats": "1001"})
    assert refused.status_code == 422 and "The Teams plan allows at most 1,000 seats." in refused.text


def test_an_expired_invitation_link_is_refused_and_a_resent_one_works(system, smtp, client_org, unique_email):
    from sqlalchemy import create_engine, text

    visitor, admin, _provider_id, organization_id = client_org
    invited = unique_email("late")
    visitor.submit(f"/organizations/{organization_id}/members/invite", {"emails": invited, "role": "user"})
    old_link = invitation_link(smtp, invited)
    engine = create_engine(system.database_urls["identity"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE invitation_tokens SET expires_at = :past WHERE email = :email"),
                           {"past": "2020-01-01 00:00:00", "email": invited})
    engine.dispose()
    expired = Visitor(system.url).get(old_link.replace(system.url, ""))
    assert expired.status_code == 410 and "This invitation has expired" in expired.text

    member_id = members_of(system, admin, organization_id)[invited]["member_id"]
    page = visitor.get(f"/organizations/{organization_id}/members")
    visitor.http.post(f"{system.url}/organizations/{organization_id}/members/{member_id}/reinvite",
                      data={"csrf_token": visitor.csrf_token(page.text)})
    _controller, mailbox = smtp
    wait_for(lambda: len(mailbox.to(invited)) == 2, message="the second invitation")
    assert invitation_link(smtp, invited) != old_link
    assert Visitor(system.url).get(old_link.replace(system.url, "")).status_code == 404
    join(system, smtp, invited)


@pytest.mark.parametrize("service, path, cursor, message", [
    ("orgs", "/organizations/{org}/members", "not-a-cursor", "This page link is damaged"),
    ("orgs", "/providers/{provider}/clients",  # a cursor of some organization's Members table
     "WyJtZW1iZXJzIiwgIngiLCAiZW1haWwiLCAiYXNjIiwgImEiXQ", "This page link belongs to another list"),
    ("audit", "/organizations/{org}/events", "bm9wZQ", "This page link is damaged"),
])
def test_the_apis_refuse_a_damaged_or_foreign_cursor_with_a_message(system, client_org, service, path, cursor,
                                                                    message):
    _visitor, admin, provider_id, organization_id = client_org
    client = getattr(service_backends(system), service)
    with pytest.raises(ServiceError) as refused:
        client.get(path.format(org=organization_id, provider=provider_id), admin.caller(), after=cursor)
    assert refused.value.status == 422 and message in refused.value.message
