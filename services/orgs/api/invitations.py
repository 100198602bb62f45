"""What accepting any invitation needs: identity's proof that the caller opened its link."""
from __future__ import annotations

from pydantic import Field

from services.common.errors import Forbidden
from services.common.internal_auth import ClaimSigner, NotSigned
from services.common.schemas import StrictBody
from services.common.service_app import settings


INVITATION_PROOF_SECONDS = 300


class AcceptIn(StrictBody):
    proof: str = Field(max_length=2000)
    name: str = Field(max_length=200)


def verified_invitation(proof: str, invited_id: str, actor: str) -> dict:
    """The claims of identity's statement that `actor` opened the link inviting `invited_id`."""
    try:
        claims = ClaimSigner(settings().internal_secret, "invitation").verify(proof, INVITATION_PROOF_SECONDS)
    except NotSigned as error:
        raise Forbidden("This invitation could not be verified. Open the link from the email again.",
                        code="invitation.unverified") from error
    if claims.get("member_id") != invited_id or claims.get("user_id") != actor:
        raise Forbidden("This invitation could not be verified. Open the link from the email again.",
                        code="invitation.unverified")
    return claims
