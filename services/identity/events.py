"""What the identity service consumes: invitations to mail."""
from __future__ import annotations

from urllib.parse import urlencode

from services.common.bus import Consumer
from services.common.config import Settings
from services.common.envelope import Event

from . import mail


def invitation_mailer(settings: Settings) -> Consumer:
    """The consumer that mails every invited member their invitation.

    An SMTP failure raises (OSError), so the message is nak'ed and retried: mail waits
    while the mail server is down, and the inbox keeps a redelivery from mailing twice.
    """

    def apply(uow, event: Event) -> None:
        data = event.data
        link = f"{settings.public_url}/register?{urlencode({'email': data['email']})}"
        mail.send(
            settings, data["email"], f"Join {data['organization_name']} on Custodian",
            f"You have been invited to join {data['organization_name']} as {data['role']}.\n\n"
            f"Create your account to accept the invitation:\n{link}\n\n"
            "If you did not expect this invitation, you can ignore this message.\n",
        )
        uow.publish(Event("invitation.mailed", {"member_id": data["member_id"], "email": data["email"]},
                          subject=data["member_id"], orgid=event.orgid, providerid=event.providerid,
                          traceparent=event.traceparent))

    return Consumer("identity-invitations", "orgs", "orgs.org.member.invited", apply)


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the identity worker runs."""
    return [invitation_mailer(settings)]
