"""What the identity service consumes: invitations to mail, and invitations to forget."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.config import Settings
from services.common.envelope import Event

from . import invitations, mail


def member_events(settings: Settings) -> Consumer:
    """The consumer of orgs' membership events (organizations and providers): mail invitations,
    forget used links.

    Invited (or invited again): a fresh single-use link is made here and mailed, so the
    token never travels on the bus nor lands in the event log. An SMTP failure raises
    (OSError): the message is nak'ed and retried, mail waits while the mail server is down,
    and the inbox keeps a redelivery from mailing twice. Accepted or removed: the member's
    links are forgotten.
    """

    def mail_invitation(uow, event: Event) -> None:
        data = event.data
        if event.type.startswith("provider."):
            data = {"member_id": data["provider_user_id"], "organization_id": data["provider_id"],
                    "organization_name": data["provider_name"], "email": data["email"],
                    "role": {"admin": "Provider Admin"}.get(data["role"], "Service User")}
        token = invitations.issue(uow, data["member_id"], data["organization_id"], data["organization_name"],
                                  data["email"], "provider" if event.type.startswith("provider.") else "organization")
        link = f"{settings.public_url}/invitations/accept?token={token}"
        mail.send(
            settings, data["email"], f"Join {data['organization_name']} on Custodian",
            f"You have been invited to join {data['organization_name']} as {data['role']}.\n\n"
            f"Open this link to accept the invitation (it works once, for five days):\n{link}\n\n"
            "If you have no Custodian account yet, you can create one from that page with this email address.\n"
            "If you did not expect this invitation, you can ignore this message.\n",
        )
        uow.publish(Event("invitation.mailed", {"member_id": data["member_id"], "email": data["email"]},
                          subject=data["member_id"], orgid=event.orgid, providerid=event.providerid,
                          traceparent=event.traceparent))

    def apply(uow, event: Event) -> None:
        if event.type in INVITED:
            mail_invitation(uow, event)
        elif event.type in ("org.member.accepted", "org.member.removed"):
            invitations.forget(uow, event.data["member_id"])
        elif event.type in ("provider.user.accepted", "provider.user.removed"):
            invitations.forget(uow, event.data["provider_user_id"])

    # One durable consumer of all of orgs' events: the few it needs, filtered here.
    return Consumer("identity-mail", "orgs", "orgs.>", apply)


INVITED = ("org.member.invited", "org.member.reinvited", "provider.user.invited", "provider.user.reinvited")


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the identity worker runs."""
    return [member_events(settings)]
