"""Helpers of the orgs domain's unit tests: a context and members placed directly."""
from __future__ import annotations

import uuid

from services.orgs.domain.members import SEATED, take_seats
from services.orgs.models import Member

CONTEXT = {"actorid": None, "ip": None, "devicetype": "web", "traceparent": None}


def member_with(uow, organization_id, role, permissions=(), status="confirmed") -> Member:
    """A member placed directly, as if invited, accepted and confirmed."""
    with uow() as unit:
        member = Member(organization_id=organization_id, email=f"{role}-{uuid.uuid4().hex[:6]}@acme.example",
                        role=role, permissions=list(permissions), status=status, user_id=str(uuid.uuid4()))
        unit.add(member)
        if status in SEATED:
            take_seats(unit, organization_id, 1)
        unit.commit()
    return member
