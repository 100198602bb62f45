"""Single-use codes and the throttle of wrong ones, for two-step login. No Flask here.

Every code is good once: a TOTP step once accepted is refused for the rest of its window, and
an emailed code is deleted by the step that uses it, each by one conditional UPDATE or DELETE,
so that two requests racing with the same code cannot both pass. Wrong codes are counted per
user in the log-in throttle's table (5, then 15 minutes locked).
"""
from __future__ import annotations

import hmac
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import delete, or_, update

from services.common.envelope import Event
from services.common.errors import DomainError, TooManyAttempts, Unavailable

from . import two_factor_secrets as secret
from .models import EmailCode, LoginThrottle, User
from .two_factor_secrets import ServiceKeys

EMAIL_CODE_LIFETIME = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=30)
FREE_FAILURES = 5
LOCK = timedelta(minutes=15)


# --- the throttle, shaped like the log-in's -----------------------------------------------------

def aware(moment: datetime | None) -> datetime | None:
    """`moment` in UTC, also when the database gave it back without its zone."""
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def refuse_if_locked(uow, key: str, now: datetime) -> None:
    """TooManyAttempts while `key` is locked."""
    row = uow.get(LoginThrottle, key)
    until = aware(row.blocked_until) if row else None
    if until and until > now:
        wait = int((until - now).total_seconds() + 0.999)
        raise TooManyAttempts("Too many wrong attempts. Try again in %(minutes)s minutes.", wait,
                              code="code.too_many_attempts", minutes=-(-wait // 60))


def count_failure(uow, key: str, now: datetime) -> None:
    """One more wrong attempt for `key`; the fifth in 15 minutes locks it for 15 minutes."""
    row = uow.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0)
    if aware(row.last_failure_at) and now - aware(row.last_failure_at) > LOCK:
        row.failures = 0
    row.failures = (row.failures or 0) + 1
    row.last_failure_at = now
    if row.failures >= FREE_FAILURES:
        row.blocked_until = now + LOCK
    uow.add(row)


def forget_failures(uow, key: str) -> None:
    """A success: the wrong attempts of `key` are forgotten."""
    row = uow.get(LoginThrottle, key)
    if row is not None:
        uow.session.delete(row)


def require(uow, key: str, now: datetime, passed: Callable[[], bool], error: DomainError,
             failed: Event | None = None) -> None:
    """A check under the throttle of `key`: refused while locked; a failure is counted (and
    published) and committed before `error` is raised; a success forgets the failures."""
    refuse_if_locked(uow, key, now)
    if passed():
        forget_failures(uow, key)
        return
    count_failure(uow, key, now)
    if failed is not None:
        uow.publish(failed)
    uow.commit()
    raise error


# --- single-use codes ---------------------------------------------------------------------------

def accept_step(uow, user: User, step: int) -> bool:
    """Record `step` as the user's last accepted one, unless it is not newer than the last."""
    result = uow.session.execute(
        update(User).where(User.id == user.id, or_(User.authenticator_last_step.is_(None),
                                                   User.authenticator_last_step < step))
        .values(authenticator_last_step=step))
    return result.rowcount == 1


def authenticator_code_is_good(uow, user: User, code: str, keys: ServiceKeys, now: datetime,
                               sealed: str | None) -> bool:
    """Whether `code` is the app's code of a step near now, never accepted before (it is now)."""
    if not sealed:
        return False
    step = secret.matching_step(secret.open_seed(keys, user.id, sealed), code, now)
    return step is not None and accept_step(uow, user, step)


def mail_code(uow, user: User, purpose: str, keys: ServiceKeys, now: datetime, send: Callable[[str], None]) -> None:
    """Mail a new code for `purpose` (it replaces the previous one); at most one each 30 seconds."""
    row = uow.get(EmailCode, (user.id, purpose))
    if row is not None and now - aware(row.sent_at) < RESEND_AFTER:
        wait = int((aware(row.sent_at) + RESEND_AFTER - now).total_seconds() + 0.999)
        raise TooManyAttempts("A code was just sent. Check your inbox, or ask again in %(wait)s seconds.", wait,
                              code="code.just_sent", wait=wait)
    code = secret.new_email_code()
    row = row or EmailCode(user_id=user.id, purpose=purpose)
    row.code_hash = secret.code_hash(keys, user.id, purpose, code)
    row.sent_at, row.expires_at = now, now + EMAIL_CODE_LIFETIME
    uow.add(row)
    uow.flush()
    try:
        send(code)  # before the commit: a code nobody received is never stored
    except OSError as error:
        raise Unavailable("The mail server is not answering. Nothing was sent; try again in a moment.",
                          code="mail.unavailable") from error
    uow.commit()


def email_code_is_good(uow, user: User, purpose: str, code: str, keys: ServiceKeys, now: datetime) -> bool:
    """Whether `code` is the live code mailed for `purpose`, which it uses up."""
    row = uow.get(EmailCode, (user.id, purpose))
    typed = "".join((code or "").split())
    if row is None or aware(row.expires_at) <= now or not hmac.compare_digest(
            row.code_hash, secret.code_hash(keys, user.id, purpose, typed)):
        return False
    return uow.session.execute(delete(EmailCode).where(
        EmailCode.user_id == user.id, EmailCode.purpose == purpose, EmailCode.code_hash == row.code_hash)
    ).rowcount == 1
