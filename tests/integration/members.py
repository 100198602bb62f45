"""How the integration tests bring people into an organization: by mail, as people do."""
from __future__ import annotations

import re

from tests.conftest import wait_for
from tests.integration.conftest import PASSWORD
from tests.support import Visitor, service_backends

LINK = re.compile(r"(http://\S+/invitations/accept\?token=[\w\-]+)")
__all__ = ["PASSWORD", "confirmed_member", "invitation_link", "join", "members_of"]


def invitation_link(smtp, email: str) -> str:
    """The link in the newest invitation mailed to `email`."""
    _controller, mailbox = smtp
    message = wait_for(lambda: mailbox.to(email), message=f"the invitation to {email}")[-1]
    return LINK.search(message.get_payload(decode=True).decode()).group(1)


def members_of(system, admin, organization_id) -> dict:
    """The organization's members by email, as its admin reads them."""
    found = service_backends(system).orgs.get(f"/organizations/{organization_id}/members", admin.caller())
    return {m["email"]: m for m in found["members"]}


def join(system, smtp, email: str) -> Visitor:
    """The invited person registers, logs in and accepts from the link in the mail."""
    link = invitation_link(smtp, email)
    person = Visitor(system.url)
    landing = person.get(link.replace(system.url, ""))
    assert "Log in with that account, or create it" in landing.text, (landing.status_code, landing.text[-1500:])
    person.register(email, "Invited Person", PASSWORD)
    person.log_in(email, PASSWORD)
    page = person.get(link.replace(system.url, ""))
    accepted = person.http.post(system.url + "/invitations/accept", data={
        "token": link.split("token=")[1], "csrf_token": person.csrf_token(page.text)})
    assert "You joined Members Co" in accepted.text, accepted.text[:500]
    return person


def confirmed_member(system, smtp, client_org, email: str, role: str = "user", permissions=(),
                     joined: dict | None = None) -> dict:
    """Someone invited (as a User unless said; a Custom member with `permissions`), who registered,
    accepted, and was confirmed by the admin. Their logged-in Visitor goes into `joined[email]` if given."""
    visitor, admin, _provider_id, organization_id = client_org
    visitor.submit(f"/organizations/{organization_id}/members/invite",
                   {"emails": email, "role": role, "permissions": list(permissions)})
    person = join(system, smtp, email)
    if joined is not None:
        joined[email] = person
    member = members_of(system, admin, organization_id)[email]
    dialog = visitor.get(f"/organizations/{organization_id}/members/{member['member_id']}/confirm")
    visitor.http.post(f"{system.url}/organizations/{organization_id}/members/{member['member_id']}/confirm",
                      data={"csrf_token": visitor.csrf_token(dialog.text)})
    return member
