"""Sends (ADR 19): a text or a file one person shares through a link that alone carries its key.

Orgs keeps what it cannot read: every text is an EncString under the Send's content key, the
send key itself is sealed under the creator's user key, and a password arrives only as the
recipient's PBKDF2 proof, kept as argon2id of it. What orgs decides is who may send, the
dates, counts and policies, and whether a Send is still available. Every rule takes `now`
from its caller, so a test moves the clock instead of waiting.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, func, not_, or_
from sqlmodel import select

from services.common.config import PasswordHashing
from services.common.envelope import Event
from services.common.errors import Forbidden, Invalid, NotFound, Unauthenticated
from services.common.paging import BadCursor
from services.common.validation import require_encstring

from ..models import Member, Send
from .access import client_staff
from .paging import Ordering, beyond
from .policies import policy_in_force

SEND_TYPES = ("text", "file")
STATUSES = ("active", "disabled", "expired", "limit_reached")
PAGE_SIZE = 25
MAX_LIVE_SENDS = 500  # per person, across organizations: also what bounds the gateway's search
MAX_ACCESS_COUNT = 1_000_000
MAX_LIFETIME = timedelta(days=31)
LEEWAY = timedelta(minutes=1)  # a date must be this far ahead, so a Send is not dead on arrival
EXEMPT_ROLES = ("owner", "admin")
SEND_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
PROOF_BYTES, PREFIX_BYTES, TOKEN_BYTES = 32, 8, 32
DISABLED_BY_POLICY = "Due to an Enterprise policy, you are only able to delete an existing Send."
HIDE_EMAIL_BY_POLICY = ("Due to an Enterprise policy, you are not allowed to hide your email address from recipients "
                        "when creating or editing a Send.")
# argon2id of the proof: the recipient's browser already made it slow (PBKDF2), this keeps a
# stolen database from being a list of proofs. A hash carries its own cost, so it verifies whatever these are.
HASHER = PasswordHashing.from_env().hasher()


class SendNotAvailable(NotFound):
    """Wrong password, expired, disabled, used up, deleted, unknown or still uploading: one answer for all."""

    code = "send.not_available"
    template = "This Send does not exist or is no longer available."


class PasswordRequired(Unauthenticated):
    """An available Send protected by a password, asked for without one."""

    code = "send.password_required"


NOT_AVAILABLE = SendNotAvailable.template


def new_send_id() -> str:
    """16 random bytes, base64url without padding (22 characters): not guessable, not a sequence."""
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()


def send_status(send: Send, now: datetime) -> str:
    """disabled > expired > limit_reached > active (a password is a badge beside it, not a status)."""
    if send.disabled:
        return "disabled"
    if send.deletion_date <= now or (send.expiration_date is not None and send.expiration_date <= now):
        return "expired"
    if send.max_access_count is not None and send.access_count >= send.max_access_count:
        return "limit_reached"
    return "active"


def status_condition(status: str, now: datetime):
    """`send_status(row, now) == status` as SQL, for the list's filter."""
    expired = or_(Send.deletion_date <= now, and_(Send.expiration_date.is_not(None), Send.expiration_date <= now))
    exhausted = and_(Send.max_access_count.is_not(None), Send.access_count >= Send.max_access_count)
    if status == "disabled":
        return Send.disabled
    if status == "expired":
        return and_(not_(Send.disabled), expired)
    if status == "limit_reached":
        return and_(not_(Send.disabled), not_(expired), exhausted)
    return and_(not_(Send.disabled), not_(expired), not_(exhausted))


def parse_date(value: str | None, field: str) -> datetime | None:
    """An ISO 8601 date and time as an aware UTC datetime (no offset is read as UTC); Invalid otherwise."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) and len(value) <= 40 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise Invalid("Enter a date and time.", field, code="date_time.missing")
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def check_dates(deletion_date: datetime | None, expiration_date: datetime | None, now: datetime) -> None:
    """Bitwarden's rules: deleted within 31 days and not in the past; expiring in the future, not after deletion."""
    if deletion_date is None:
        raise Invalid("Choose a deletion date.", "deletion_date", code="send.deletion_date_missing")
    if deletion_date <= now + LEEWAY:
        raise Invalid("You cannot have a Send with a deletion date in the past.", "deletion_date",
                      code="send.deletion_date_past")
    if deletion_date > now + MAX_LIFETIME:
        raise Invalid("You cannot have a Send with a deletion date that far into the future. Adjust the deletion "
                      "date to a value less than 31 days from now and try again.", "deletion_date",
                      code="send.deletion_date_too_far")
    if expiration_date is None:
        return
    if expiration_date <= now + LEEWAY:
        raise Invalid("You cannot create a Send that is already expired. Set the expiration date to a date and "
                      "time in the future.", "expiration_date", code="send.expiration_date_past")
    if expiration_date > deletion_date:
        raise Invalid("You cannot have a Send with an expiration date greater than the deletion date. Adjust the "
                      "expiration date to a value earlier than the deletion date and try again.", "expiration_date",
                      code="send.expiration_after_deletion")


def check_max_access_count(value: int | None) -> int | None:
    if value is not None and not (isinstance(value, int) and 1 <= value <= MAX_ACCESS_COUNT):
        raise Invalid("The maximum access count is empty or a number from 1 to %(most)s.", "max_access_count",
                      code="send.max_access_count_invalid", most=MAX_ACCESS_COUNT)
    return value


def _decoded(value: str | None, size: int, field: str, refusal: Invalid) -> str:
    try:
        if isinstance(value, str) and len(base64.b64decode(value, validate=True)) == size:
            return value
    except (binascii.Error, ValueError):
        pass
    raise refusal


def access_token_hash(token: str | None) -> str | None:
    """SHA-256 (hex) of a recipient's access token (32 bytes in base64), or None when it is not one."""
    try:
        raw = base64.b64decode(token, validate=True) if isinstance(token, str) and len(token) == 44 else b""
    except (binascii.Error, ValueError):
        raw = b""
    return hashlib.sha256(raw).hexdigest() if len(raw) == TOKEN_BYTES else None


# What an unknown or unavailable Send's proof is verified against, so that it costs what a real one does.
DUMMY_HASH = HASHER.hash(base64.b64encode(bytes(PROOF_BYTES)).decode())


def hash_proof(proof: str) -> str:
    """argon2id of the recipient's password proof (base64 of 32 PBKDF2 bytes); Invalid for anything else."""
    return HASHER.hash(_decoded(proof, PROOF_BYTES, "password_proof",
                               Invalid("The password proof must be 32 bytes in base64.", "password_proof",
                                       code="send.password_proof_invalid")))


def proof_matches(password_hash: str | None, proof: str) -> bool:
    """Whether `proof` is the one `password_hash` was made of; with no hash, a dummy verify of the same cost."""
    try:
        return HASHER.verify(password_hash or DUMMY_HASH, proof)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class SendDraft:
    """What a person sets on a Send. Create uses every field; edit ignores type, file_size and file_prefix,
    and keeps the password when `password_proof` is None."""

    type: str = "text"
    name: str = ""
    notes: str | None = None
    key: str = ""
    text: str | None = None
    text_hidden: bool = False
    file_name: str | None = None
    file_size: int | None = None
    file_prefix: str | None = None
    access_token: str | None = None
    password_proof: str | None = None
    max_access_count: int | None = None
    expiration_date: str | None = None
    deletion_date: str | None = None
    disabled: bool = False
    hide_email: bool = False


def _apply(send: Send, draft: SendDraft, now: datetime) -> None:
    """The draft's sealed texts, dates and settings on `send`, each checked (the type is already set)."""
    deletion, expiration = parse_date(draft.deletion_date, "deletion_date"), parse_date(draft.expiration_date,
                                                                                        "expiration_date")
    check_dates(deletion, expiration, now)
    send.name = require_encstring(draft.name, 2, "name")
    send.notes = require_encstring(draft.notes, 2, "notes") if draft.notes else None
    send.key = require_encstring(draft.key, 2, "key")
    if send.type == "text":
        send.text = require_encstring(draft.text, 2, "text")
        if draft.file_name:
            raise Invalid("A text Send has no file.", "file_name", code="send.text_has_no_file")
    else:
        send.file_name = require_encstring(draft.file_name, 2, "file_name")
        if draft.text:
            raise Invalid("A file Send has no text.", "text", code="send.file_has_no_text")
    send.text_hidden = bool(draft.text_hidden) and send.type == "text"
    send.max_access_count = check_max_access_count(draft.max_access_count)
    send.expiration_date, send.deletion_date = expiration, deletion
    send.disabled, send.hide_email = bool(draft.disabled), bool(draft.hide_email)
    if draft.password_proof is not None:
        send.password_hash = hash_proof(draft.password_proof)
    send.updated_at = now


def send_policy(uow, user_id: str) -> dict:
    """What the policies of the organizations the user is a confirmed, non-exempt member of allow:
    Bitwarden spares owners and admins, and the provider users of a client in that client."""
    rows = uow.session.exec(select(Member.organization_id, Member.role).where(
        Member.user_id == user_id, Member.status == "confirmed")).all()
    organizations = [organization for organization, role in rows if role not in EXEMPT_ROLES]
    if organizations:
        # A scoped Service User is exempt only in the clients given to them.
        organizations = [organization for organization in organizations
                         if client_staff(uow, user_id, organization) is None]
    # In force: a client's own policy or its provider's (ADR 28), whichever is stricter.
    policies = [policy_in_force(uow, organization, policy_type) for organization in organizations
                for policy_type in ("disable_send", "send_options")]
    return {"disable_send": any(p.type == "disable_send" and p.enabled for p in policies),
            "disable_hide_email": any(p.type == "send_options" and p.enabled and p.settings.get("disable_hide_email")
                                      for p in policies)}


def _require_allowed(uow, user_id: str, hide_email: bool) -> None:
    policy = send_policy(uow, user_id)
    if policy["disable_send"]:
        raise Forbidden(DISABLED_BY_POLICY, code="policy.sends_disabled")
    if hide_email and policy["disable_hide_email"]:
        raise Forbidden(HIDE_EMAIL_BY_POLICY, "hide_email", code="policy.send_hide_email")


def sender_email(uow, user_id: str, organization_id: str) -> str:
    """The actor's address in the organization: as its confirmed member, or as staff of the provider
    managing it. NotFound for anyone else (they learn nothing of the organization)."""
    member = uow.first(select(Member).where(Member.organization_id == organization_id, Member.user_id == user_id,
                                            Member.status == "confirmed"))
    if member is not None:
        return member.email
    staff = client_staff(uow, user_id, organization_id)
    if staff is None:
        raise NotFound("No such organization.", code="organization.not_found")
    return staff.email


def send_event(action: str, send: Send, context: dict) -> Event:
    """The event of a Send: what it is and its limits, never its texts, key, proof or hash."""
    suffix = "_with_password" if action == "created" and send.password_hash else ""
    return Event(f"org.send.{send.type}.{action}{suffix}", {
        "send_id": send.id, "organization_id": send.organization_id, "type": send.type,
        "has_password": send.password_hash is not None, "max_access_count": send.max_access_count,
        "access_count": send.access_count, "deletion_date": send.deletion_date.isoformat()},
        subject=send.id, orgid=send.organization_id, **context)


def create_send(uow, actor_id: str, organization_id: str, draft: SendDraft, context: dict, now: datetime,
                max_file_bytes: int) -> Send:
    """A new Send of the actor's in the organization; a file Send waits for its parts (`uploading`)."""
    email = sender_email(uow, actor_id, organization_id)
    _require_allowed(uow, actor_id, draft.hide_email)
    if draft.type not in SEND_TYPES:
        raise Invalid("A Send is a text or a file.", "type", code="send.type_invalid")
    live = uow.session.exec(select(func.count(Send.id)).where(Send.owner_user_id == actor_id,
                                                              Send.deletion_date > now)).one()
    if live >= MAX_LIVE_SENDS:
        raise Invalid("You have %(most)s Sends, the most one person may keep: delete some first.",
                      code="sends.too_many", most=MAX_LIVE_SENDS)
    token_hash = access_token_hash(draft.access_token)
    if token_hash is None:
        raise Invalid("The access token must be 32 bytes in base64.", "access_token", code="send.access_token_invalid")
    send = Send(id=new_send_id(), owner_user_id=actor_id, organization_id=organization_id, type=draft.type,
                creator_email=None if draft.hide_email else email, created_at=now, deletion_date=now,
                access_token_hash=token_hash)
    if draft.type == "file":
        size = draft.file_size
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= max_file_bytes:
            raise Invalid("A file Send is at most %(mib)s MiB.", "file_size", code="send.file_too_large",
                          mib=max_file_bytes // (1024 * 1024))
        send.file_size, send.file_state = size, "uploading"
        send.file_prefix = _decoded(draft.file_prefix, PREFIX_BYTES, "file_prefix",
                                    Invalid("The file's nonce prefix must be 8 bytes in base64.", "file_prefix",
                                            code="send.file_prefix_invalid"))
    _apply(send, draft, now)
    uow.add(send)
    uow.publish(send_event("created", send, context))
    uow.commit()
    return send


def own_send(uow, actor_id: str, send_id: str) -> Send:
    """One of the actor's Sends; NotFound for a malformed id and for anyone else's."""
    send = uow.get(Send, send_id) if isinstance(send_id, str) and SEND_ID.match(send_id) else None
    if send is None or send.owner_user_id != actor_id:
        raise NotFound("No such Send.", code="send.not_found")
    return send


def edit_send(uow, actor_id: str, send_id: str, draft: SendDraft, context: dict, now: datetime) -> Send:
    """Change a Send's settings and sealed texts (a file Send's file never changes, as in Bitwarden)."""
    send = own_send(uow, actor_id, send_id)
    _require_allowed(uow, actor_id, draft.hide_email)
    email = None if draft.hide_email else (send.creator_email or _still_known_email(uow, actor_id, send))
    _apply(send, draft, now)
    send.creator_email = email
    uow.add(send)
    uow.publish(send_event("edited", send, context))
    uow.commit()
    return send


def _still_known_email(uow, actor_id: str, send: Send) -> str | None:
    try:
        return sender_email(uow, actor_id, send.organization_id)
    except NotFound:  # they have left the organization since: the Send stays theirs, without an address
        return None


def remove_password(uow, actor_id: str, send_id: str, context: dict, now: datetime) -> Send:
    """Open a Send to anyone with its link."""
    send = own_send(uow, actor_id, send_id)
    _require_allowed(uow, actor_id, False)
    send.password_hash, send.failed_passwords, send.locked_until, send.updated_at = None, 0, None, now
    uow.add(send)
    uow.publish(send_event("edited", send, context))
    uow.commit()
    return send


@dataclass(frozen=True)
class SendPage:
    """One page of a person's Sends, newest change first, and the cursor of the next (None at the end)."""

    sends: list
    next: str | None


def list_sends(uow, actor_id: str, now: datetime, after: str = "", send_type: str = "", status: str = "",
               organization_id: str = "", every: bool = False) -> SendPage:
    """The actor's own Sends across organizations, 25 a page; `every`: all of them (at most 500), for search."""
    if send_type and send_type not in SEND_TYPES:
        raise Invalid("Choose text or file.", "type", code="sends.type_filter_invalid")
    if status and status not in STATUSES:
        raise Invalid("Choose a status from the list.", "status", code="sends.status_filter_invalid")
    statement = select(Send).where(Send.owner_user_id == actor_id)
    if send_type:
        statement = statement.where(Send.type == send_type)
    if status:
        statement = statement.where(status_condition(status, now))
    if organization_id:
        statement = statement.where(Send.organization_id == organization_id)
    ordering = Ordering("sends", f"{actor_id}|{send_type}|{status}|{organization_id}", "updated", True,
                        (Send.updated_at, Send.id), (str, str))
    if after and not every:
        stamp, send_id = ordering.position(after, "after")
        try:
            position = (datetime.fromisoformat(stamp), send_id)
        except ValueError:
            raise BadCursor("This page link is damaged: start again from the first page.", "after",
                            code="page_link.damaged") from None
        statement = statement.where(beyond(ordering.columns, position, True))
    size = MAX_LIVE_SENDS if every else PAGE_SIZE
    rows = list(uow.scalars(statement.order_by(Send.updated_at.desc(), Send.id.desc()).limit(size + 1)))
    more, rows = len(rows) > size, rows[:size]
    cursor = ordering.cursor((rows[-1].updated_at.isoformat(), rows[-1].id)) if more and not every else None
    return SendPage(rows, cursor)
