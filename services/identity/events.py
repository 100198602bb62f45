"""What the identity service consumes: invitations to mail and to forget, the notices a person
must get by mail (revoked by a policy, master password reset by an administrator), and the
mails of demo sign-ups (a seat confirmed, a session cancelled), and the "Getting started" email of a
provider's training hub."""
from __future__ import annotations

from services.common.bus import Consumer
from services.common.config import Settings
from services.common.envelope import Event

from sqlmodel import select

from services.common.database import utcnow

from . import demo_mail, getting_started, invitations, mail
from .models import DemoRegistration, DemoSession, User


def member_events(settings: Settings) -> Consumer:
    """The consumer of orgs' membership events (organizations and providers): mail invitations,
    forget used links.

    Invited (or invited again): a fresh single-use link is made here, committed, and mailed, so
    the token never travels on the bus nor lands in the event log. An SMTP failure raises
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
        # The link must work the moment the mail lands: committed before it is sent, not with the inbox
        # row after it (a quick reader met "not valid"). If the mail then fails, the redelivery issues
        # another link, which replaces this one that nobody received.
        uow.commit()
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

    def mail_revocation(event: Event) -> None:
        data = event.data
        mail.send(
            settings, data["email"], f"Your access to {data['organization_name']} was revoked",
            f"{data['organization_name']} now requires two-step login, and your account does not have it on, "
            "so your access to the organization was revoked.\n\n"
            f"Turn on two-step login in Custodian ({settings.public_url}/account/two-step-login), then ask an "
            "administrator of the organization to restore your access.\n",
        )

    def mail_warning(event: Event) -> None:
        data = event.data
        mail.send(
            settings, data["email"], f"{data['organization_name']} now requires two-step login",
            f"{data['organization_name']} now requires two-step login. As an {data['role']} you keep your access, "
            "but members without it lose theirs, and your account is a key to everything they share.\n\n"
            f"Turn it on now: {settings.public_url}/account/two-step-login\n",
        )

    def apply(uow, event: Event) -> None:
        if event.type in INVITED:
            mail_invitation(uow, event)
        elif event.type == "org.member.revoked_by_policy":
            mail_revocation(event)
        elif event.type == "org.member.warned_by_policy":
            mail_warning(event)
        elif event.type == "org.members.getting_started_sent":
            getting_started.mail_members(settings, uow, event)
        elif event.type in ("org.member.accepted", "org.member.removed"):
            invitations.forget(uow, event.data["member_id"])
        elif event.type in ("provider.user.accepted", "provider.user.removed"):
            invitations.forget(uow, event.data["provider_user_id"])

    # It mails people, so each event commits alone: a batch rolled back would mail them again.
    return Consumer("identity-mail", "orgs", tuple(f"orgs.{event_type}" for event_type in MEMBER_EVENTS), apply,
                    one_per_transaction=True)


INVITED = ("org.member.invited", "org.member.reinvited", "provider.user.invited", "provider.user.reinvited")
# What `identity-mail` reads of orgs' events (JetStream filters the rest out on the server).
MEMBER_EVENTS = (*INVITED, "org.member.revoked_by_policy", "org.member.warned_by_policy", "org.member.accepted",
                 "org.member.removed", "provider.user.accepted", "provider.user.removed",
                 "org.members.getting_started_sent")


def account_notices(settings: Settings) -> Consumer:
    """The consumer of identity's own account events that the account's owner must hear of.

    A reset by an administrator is mailed to the member, with who did it and for which
    organization: someone who did not expect it learns at once that their account changed.
    """

    def mail_reset(uow, event: Event) -> None:
        data = event.data
        admin = uow.get(User, event.actorid) if event.actorid else None
        who = f"{admin.name} ({admin.email})" if admin else "An administrator"
        mail.send(
            settings, data["email"], "Your master password was reset",
            f"{who} reset the master password of your Custodian account through the account recovery of "
            f"{data['organization_name']}.\n\n"
            "Every session of yours was ended. Log in with the new master password they give you, then "
            f"change it at once: {settings.public_url}/account\n\n"
            "If you did not ask for this, contact the organization's administrators.\n",
        )

    return Consumer("identity-notices", "identity", "identity.user.recovered_by_admin", mail_reset,
                    one_per_transaction=True)


def demo_mails(settings: Settings) -> Consumer:
    """The consumer of identity's own demo events: mail the registrant their seat's invitation, and
    everyone registered the cancellation of their session.

    A confirmation is one mail per event: the inbox keeps a redelivery from sending it twice. A
    cancellation mails each registrant and marks them in the same step, committed before the next
    one: if the mail server fails halfway, the redelivery mails only those not mailed yet.
    """

    def confirm(uow, event: Event) -> None:
        registration = uow.get(DemoRegistration, event.data["registration_id"])
        if registration is None:  # the session (and its registrations) was deleted since
            return
        session = uow.get(DemoSession, registration.session_id)
        if session.cancelled_at is not None:
            return  # its cancellation, right behind in the stream, tells them; an invitation now would confuse
        found = demo_mail.confirmation(settings, session, registration)
        mail.send(settings, found.to, found.subject, found.body, (found.attachment,))

    def cancel(uow, event: Event) -> None:
        session = uow.get(DemoSession, event.data["session_id"])
        if session is None:
            return
        waiting = uow.scalars(select(DemoRegistration).where(DemoRegistration.session_id == session.id,
                                                             DemoRegistration.cancellation_mailed_at.is_(None))
                              .order_by(DemoRegistration.registered_at, DemoRegistration.id)).all()
        for registration in waiting:
            found = demo_mail.cancellation(settings, session, registration)
            mail.send(settings, found.to, found.subject, found.body, (found.attachment,))
            registration.cancellation_mailed_at = utcnow()
            uow.add(registration)
            uow.commit()

    def apply(uow, event: Event) -> None:
        if event.type == "demo.registered":
            confirm(uow, event)
        elif event.type == "demo.session.cancelled":
            cancel(uow, event)

    return Consumer("identity-demo-mail", "identity", ("identity.demo.registered", "identity.demo.session.cancelled"),
                    apply, one_per_transaction=True)


def consumers(settings: Settings) -> list[Consumer]:
    """Every consumer the identity worker runs."""
    return [member_events(settings), account_notices(settings), demo_mails(settings)]
