"""The provider's own staff: invited by a provider admin, confirmed with the provider key."""
from __future__ import annotations

import re

from tests.conftest import wait_for
from tests.support import Visitor, new_provider_admin

LINK = re.compile(r"(http://\S+/invitations/accept\?token=[\w\-]+)")
PASSWORD = "staff-joins-the-provider-9"


def test_a_provider_admin_invites_and_confirms_a_service_user_who_then_reaches_every_client(
        system, smtp, unique_email):
    _controller, mailbox = smtp
    admin_email, newcomer = unique_email("padmin"), unique_email("newcomer")
    _admin, provider_id = new_provider_admin(system, admin_email, PASSWORD, provider_name="Staffed MSP")
    admin = Visitor(system.url)
    admin.log_in(admin_email, PASSWORD)
    admin.submit(f"/providers/{provider_id}/clients/new", {
        "name": "Staffed Client", "plan": "Enterprise", "seats": "5", "owner_email": unique_email("owner"),
        "billing_email": unique_email("billing")})
    response = admin.submit(f"/providers/{provider_id}/members/invite",
                            {"emails": newcomer, "role": "service_user"})
    assert response.status_code == 200 and newcomer in response.text and "Invited" in response.text

    message = wait_for(lambda: mailbox.to(newcomer), message="the provider invitation")[-1]
    assert "Staffed MSP" in message["Subject"]
    link = LINK.search(message.get_payload(decode=True).decode()).group(1).replace(system.url, "")
    person = Visitor(system.url)
    person.register(newcomer, "New Comer", PASSWORD)
    person.log_in(newcomer, PASSWORD)
    page = person.get(link)
    accepted = person.http.post(system.url + "/invitations/accept",
                                data={"token": link.split("token=")[1], "csrf_token": person.csrf_token(page.text)})
    assert "You joined Staffed MSP" in accepted.text
    assert "shared items" not in accepted.text  # a provider has none: its clients open to them instead
    assert person.get(f"/providers/{provider_id}/clients").status_code == 404  # not confirmed yet

    staff_page = admin.get(f"/providers/{provider_id}/members")
    provider_user_id = re.search(rf'/providers/{provider_id}/members/([\w\-]+)/confirm', staff_page.text).group(1)
    dialog = admin.get(f"/providers/{provider_id}/members/{provider_user_id}/confirm")
    assert re.search(r'id="fingerprint"><strong>[a-z]+(-[a-z]+){4,}</strong>', dialog.text)
    confirmed = admin.http.post(f"{system.url}/providers/{provider_id}/members/{provider_user_id}/confirm",
                                data={"csrf_token": admin.csrf_token(dialog.text)})
    assert confirmed.status_code == 200 and "Confirmed" in confirmed.text

    again = Visitor(system.url)
    again.log_in(newcomer, PASSWORD)
    clients = again.get(f"/providers/{provider_id}/clients")
    assert clients.status_code == 200 and "Staffed Client" in clients.text
    assert again.get(f"/providers/{provider_id}/members").status_code == 403  # service users do not manage staff
    organization_id = re.search(r'href="/organizations/([^"]+)"', clients.text).group(1)
    assert "Organization key unlocked" in again.get(f"/organizations/{organization_id}").text
    # The Admin Console lists the clients a Service User administers (none of their own).
    console = again.get("/organizations").text
    assert "Clients of Staffed MSP" in console and f'href="/organizations/{organization_id}"' in console


def test_only_a_provider_admin_manages_the_providers_staff(system, unique_email):
    admin_email = unique_email("padmin")
    _admin, provider_id = new_provider_admin(system, admin_email, PASSWORD)
    service_user = Visitor(system.url)
    service_user.log_in("service@demo-msp.example", system.password)
    demo = re.search(r"/providers/([^/]+)/clients", service_user.get("/").url).group(1)
    assert service_user.get(f"/providers/{demo}/members").status_code == 403
    assert service_user.get(f"/providers/{provider_id}/members").status_code == 404
    admin = Visitor(system.url)
    admin.log_in(admin_email, PASSWORD)
    too_many = ", ".join(unique_email(f"n{i}") for i in range(21))
    response = admin.submit(f"/providers/{provider_id}/members/invite", {"emails": too_many, "role": "admin"})
    assert response.status_code == 422 and "at most 20" in response.text


def test_pending_provider_invitations_are_resent_at_once_and_roles_change(system, smtp, unique_email):
    _controller, mailbox = smtp
    admin_email = unique_email("padmin")
    _admin, provider_id = new_provider_admin(system, admin_email, PASSWORD)
    admin = Visitor(system.url)
    admin.log_in(admin_email, PASSWORD)
    people = [unique_email("p1"), unique_email("p2")]
    admin.submit(f"/providers/{provider_id}/members/invite", {"emails": ",".join(people), "role": "service_user"})
    for email in people:
        wait_for(lambda email=email: mailbox.to(email), message="the first invitation")
    page = admin.get(f"/providers/{provider_id}/members")
    resent = admin.http.post(f"{system.url}/providers/{provider_id}/members/resend",
                             data={"csrf_token": admin.csrf_token(page.text)})
    assert resent.status_code == 200
    for email in people:
        wait_for(lambda email=email: len(mailbox.to(email)) == 2, message="the second invitation")

    provider_user_id = re.search(r'/providers/[^/]+/members/([\w\-]+)/make-admin', page.text).group(1)
    changed = admin.http.post(f"{system.url}/providers/{provider_id}/members/{provider_user_id}/make-admin",
                              data={"csrf_token": admin.csrf_token(page.text)})
    assert changed.status_code == 200
    assert "Provider Admin" in admin.get(f"/providers/{provider_id}/members").text
