"""The secrets of two-step login, as pure functions: TOTP codes, sealed seeds, signed tokens,
keyed hashes of codes, recovery codes. No database, no Flask.

What the service must use itself is kept so that its database alone opens nothing: TOTP
seeds are sealed (AES-256-GCM) under a key derived from the service key and bound to their
user; emailed codes are kept as an HMAC under another derived key (six digits hashed without
a key would be recovered from a dump in a second); the recovery code, 160 random bits, as
plain SHA-256: nothing can guess it, so a slow hash would only slow the log-in down.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after is accepted too: clocks drift, people type slowly
SEED_BYTES = 20  # 160 bits, the size RFC 4226 recommends and authenticator apps expect
RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: 32 characters carry 160 bits


@dataclass(frozen=True)
class ServiceKeys:
    """Keys derived from the identity service key, one per use, so that no key serves two purposes."""

    seeds: bytes
    signing: bytes
    codes: bytes


@functools.lru_cache(maxsize=4)
def service_keys(service_key: bytes) -> ServiceKeys:
    """The keys of two-step login, derived (HKDF-SHA256) from the service key of the configuration."""
    def derive(use: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt=None, info=b"custodian identity " + use).derive(service_key)
    return ServiceKeys(derive(b"totp seeds"), derive(b"signed tokens"), derive(b"email codes"))


# --- TOTP (RFC 6238) ----------------------------------------------------------------------------

def new_seed() -> bytes:
    """A fresh TOTP seed."""
    return secrets.token_bytes(SEED_BYTES)


def totp(seed: bytes, step: int, digits: int = 6) -> str:
    """The code of time step `step`: HOTP-SHA1 of the step, as every authenticator app computes it."""
    return pyotp.HOTP(base64.b32encode(seed).decode(), digits=digits).at(step)


def time_step(moment: datetime | float) -> int:
    """The 30-second step a moment (a datetime or Unix seconds) falls in."""
    seconds = moment.timestamp() if isinstance(moment, datetime) else moment
    return int(seconds) // STEP_SECONDS


def matching_step(seed: bytes, code: str, now: datetime) -> int | None:
    """The step, current or next to it, whose code `code` is; None if none."""
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    current = time_step(now)
    return next((step for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1)
                 if hmac.compare_digest(totp(seed, step), code)), None)


def otpauth_uri(email: str, seed: bytes) -> str:
    """What the QR code carries: otpauth://totp/Custodian:<email>?secret=...&issuer=Custodian."""
    return pyotp.TOTP(base64.b32encode(seed).decode()).provisioning_uri(name=email, issuer_name="Custodian")


def seal_seed(keys: ServiceKeys, user_id: str, seed: bytes) -> str:
    """The seed as stored: AES-256-GCM under the seeds key, bound to its user."""
    nonce = secrets.token_bytes(12)
    # The user id is the associated data: a sealed seed copied onto another account opens nothing.
    return base64.b64encode(nonce + AESGCM(keys.seeds).encrypt(nonce, seed, user_id.encode())).decode()


def open_seed(keys: ServiceKeys, user_id: str, sealed: str) -> bytes:
    """The seed `seal_seed` sealed for this user; cryptography's InvalidTag for any other."""
    raw = base64.b64decode(sealed)
    return AESGCM(keys.seeds).decrypt(raw[:12], raw[12:], user_id.encode())


# --- signed tokens ------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _mac(keys: ServiceKeys, purpose: str, body: str) -> str:
    # The purpose is signed too: a challenge is no remember token, and the reverse.
    return _b64(hmac.new(keys.signing, f"{purpose}.{body}".encode(), hashlib.sha256).digest())


def sign(keys: ServiceKeys, purpose: str, claims: dict) -> str:
    """`claims` (with an `exp` in Unix seconds) signed with HMAC-SHA256 for one purpose."""
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{body}.{_mac(keys, purpose, body)}"


def verified(keys: ServiceKeys, purpose: str, token: str | None, now: datetime) -> dict | None:
    """The claims of a token signed for `purpose` and not expired; None for anything else."""
    if not token or len(token) > 1000 or token.count(".") != 1:
        return None
    body, _, mac = token.partition(".")
    if not hmac.compare_digest(_mac(keys, purpose, body), mac):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int) or claims["exp"] <= now.timestamp():
        return None
    return claims


# --- codes --------------------------------------------------------------------------------------

def new_email_code() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(1_000_000):06d}"


def code_hash(keys: ServiceKeys, user_id: str, purpose: str, code: str) -> str:
    """How an emailed code is kept: an HMAC no database dump can reverse without the service key."""
    return hmac.new(keys.codes, f"{user_id}:{purpose}:{code}".encode(), hashlib.sha256).hexdigest()


def new_recovery_code() -> str:
    """32 base32 characters (160 bits) in groups of four, as it is shown."""
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(32))
    return " ".join(code[i:i + 4] for i in range(0, 32, 4))


def recovery_code_hash(code: str) -> str:
    """SHA-256 of the code as typed, without spaces or dashes and in capitals."""
    plain = "".join(character for character in (code or "").upper() if character not in " -\t\n")
    return hashlib.sha256(plain.encode()).hexdigest()
