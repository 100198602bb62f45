"""Opening a Send as its recipient: the password, the lockout, and the access count taken atomically.

The recipient is anonymous. Every way a Send can be out of reach (unknown, deleted, expired,
disabled, used up, still uploading, locked, wrong password) gives the same answer, and a
proof given for one of them is still run through argon2, so neither the answer nor its
timing tells them apart. The only other answer is "a password is required", which an
available, protected Send must give. The count is one conditional UPDATE: two recipients
racing for a Send's last access cannot both win, on SQLite (one writer at a time) or
PostgreSQL (the WHERE is checked again on the row it updates).
"""
from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from sqlalchemy import not_, update

from ..models import Send
from .sends import (NOT_AVAILABLE, SEND_ID, PasswordRequired, SendNotAvailable, access_token_hash, proof_matches,
                    send_event, send_status)

LOCK_AFTER_FAILURES = 5
LOCKED_FOR = timedelta(minutes=15)


def _available(send: Send | None, token: str | None, now: datetime) -> bool:
    # The token proves the link's key is known, not only its id (which URLs and logs carry): without
    # it nobody uses up an access, sees that a password is asked or fetches a byte of ciphertext.
    presented = access_token_hash(token) or ""
    return (send is not None and hmac.compare_digest(presented, send.access_token_hash)
            and send_status(send, now) == "active" and send.file_state != "uploading"
            and (send.locked_until is None or send.locked_until <= now))


def open_send(uow, send_id: str, token: str | None, proof: str | None, context: dict, now: datetime,
              counted: bool) -> Send:
    """The Send if the recipient, presenting the link key's access `token`, may open it, its access counted
    when `counted` (a text at access, a file at download); SendNotAvailable or PasswordRequired otherwise.
    `context` carries no actor: recipients are anonymous."""
    send = uow.get(Send, send_id) if isinstance(send_id, str) and SEND_ID.match(send_id) else None
    if not _available(send, token, now):
        if proof is not None:
            proof_matches(None, proof)
        raise SendNotAvailable()
    if send.password_hash is not None:
        if proof is None:
            raise PasswordRequired("This Send is protected by a password.", code="send.password_required")
        if not proof_matches(send.password_hash, proof):
            _count_failure(uow, send.id, now)
            raise SendNotAvailable()
    if send.failed_passwords:
        uow.session.exec(update(Send).where(Send.id == send.id).values(failed_passwords=0))
    if counted:
        counted_now = uow.session.exec(
            update(Send).where(Send.id == send.id, not_(Send.disabled), Send.deletion_date > now,
                               (Send.expiration_date.is_(None)) | (Send.expiration_date > now),
                               (Send.max_access_count.is_(None)) | (Send.access_count < Send.max_access_count),
                               Send.file_state != "uploading")
            .values(access_count=Send.access_count + 1).returning(Send.access_count)).first()
        if counted_now is None:
            uow.session.rollback()
            raise SendNotAvailable()
        send.access_count = counted_now[0]
        uow.publish(send_event("accessed", send, {**context, "actorid": None}))
    uow.commit()
    return send


def _count_failure(uow, send_id: str, now: datetime) -> None:
    """One more wrong password; the fifth locks the Send for 15 minutes (and starts the count again)."""
    failures = uow.session.exec(update(Send).where(Send.id == send_id)
                                .values(failed_passwords=Send.failed_passwords + 1)
                                .returning(Send.failed_passwords)).first()
    if failures is not None and failures[0] >= LOCK_AFTER_FAILURES:
        uow.session.exec(update(Send).where(Send.id == send_id).values(failed_passwords=0,
                                                                       locked_until=now + LOCKED_FOR))
    uow.commit()


def access_send(uow, send_id: str, token: str | None, proof: str | None, context: dict, now: datetime) -> Send:
    """What a recipient opens: a text Send is counted here, a file Send only when downloaded."""
    send = uow.get(Send, send_id) if isinstance(send_id, str) and SEND_ID.match(send_id) else None
    return open_send(uow, send_id, token, proof, context, now, counted=send is not None and send.type == "text")


def download_send(uow, send_id: str, token: str | None, proof: str | None, context: dict, now: datetime) -> Send:
    """A file Send, its access counted before its parts are streamed (a download cut short has used it)."""
    send = uow.get(Send, send_id) if isinstance(send_id, str) and SEND_ID.match(send_id) else None
    if send is not None and send.type != "file":
        if proof is not None:
            proof_matches(None, proof)
        raise SendNotAvailable()
    return open_send(uow, send_id, token, proof, context, now, counted=True)

