"""Invitation links: made when an invitation is mailed, redeemed by the invited person.

A link carries 32 random bytes; identity keeps only their SHA-256, so its database cannot
be used to accept anyone's invitation. A link expires after five days, stops working when
the invitation is sent again, and is forgotten once the invitation is accepted or the
member removed. Redeeming it yields a short-lived signed statement that orgs checks before
it lets the caller accept.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta, timezone

from sqlalchemy import delete
from sqlmodel import select

from services.common.database import utcnow
from services.common.errors import DomainError, Forbidden, NotFound
from services.common.internal_auth import ClaimSigner

from .models import InvitationToken, User

LIFETIME = timedelta(days=5)


class InvitationExpired(DomainError):
    """The link is older than its lifetime."""

    code = "invitation.expired"

    status = 410


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(uow, member_id: str, organization_id: str, organization_name: str, email: str,
          kind: str = "organization") -> str:
    """A new link for an invited member (or provider user); any earlier link of theirs stops working."""
    forget(uow, member_id)
    token = secrets.token_urlsafe(32)
    uow.add(InvitationToken(token_hash=_hash(token), kind=kind, member_id=member_id,
                            organization_id=organization_id, organization_name=organization_name[:100], email=email,
                            expires_at=utcnow() + LIFETIME))
    return token


def forget(uow, member_id: str) -> None:
    """Drop every link of a member (accepted, removed, or about to get a new one)."""
    uow.session.exec(delete(InvitationToken).where(InvitationToken.member_id == member_id))


def _valid(uow, token: str) -> InvitationToken:
    found = uow.get(InvitationToken, _hash(token or ""))
    if found is None:
        raise NotFound("This invitation link is not valid. It may have been used, cancelled, or replaced by a "
                       "newer one.", code="invitation.link_invalid")
    expires_at = found.expires_at if found.expires_at.tzinfo else found.expires_at.replace(tzinfo=timezone.utc)
    if expires_at < utcnow():
        raise InvitationExpired("This invitation has expired. Ask an administrator to send it again.",
                                code="invitation.expired")
    return found


def preview(uow, token: str) -> InvitationToken:
    """What a valid link invites to (for the page that asks to log in or register)."""
    return _valid(uow, token)


def redeem(uow, token: str, user_id: str, signer: ClaimSigner) -> tuple[InvitationToken, str]:
    """The invitation and a statement for orgs that this user opened its link."""
    invitation = _valid(uow, token)
    user = uow.get(User, user_id)
    if user is None or user.email != invitation.email:
        raise Forbidden("This invitation was sent to %(email)s. Log in with that account to accept it.",
                        code="invitation.sent_to_other", email=invitation.email)
    proof = signer.sign({"member_id": invitation.member_id, "user_id": user_id, "email": invitation.email})
    return invitation, proof


def pending_for(uow, member_id: str) -> list[InvitationToken]:
    """The live links of a member (for tests and support)."""
    return list(uow.scalars(select(InvitationToken).where(InvitationToken.member_id == member_id)))
