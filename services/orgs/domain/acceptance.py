"""Accepting an invitation, to an organization or to a provider's staff: one rule for both."""
from __future__ import annotations

from services.common.errors import Conflict, Forbidden
from services.common.validation import normalize_email


def require_acceptable(status: str, invited_email: str, actor_email: str, already_in: bool,
                       already: Conflict) -> None:
    """Refuse accepting an invitation already used, sent to someone else, or to where the actor already is."""
    if status != "invited":
        raise Conflict("This invitation has already been used.", code="invitation.used")
    if invited_email != normalize_email(actor_email):
        raise Forbidden("This invitation was sent to another email address.", code="invitation.other_email")
    if already_in:
        raise already
