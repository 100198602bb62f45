"""Bitwarden master-key derivation: PBKDF2/Argon2id, server hash and HKDF stretching."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from argon2.low_level import ARGON2_VERSION, Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF, HKDFExpand
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from .symmetric import SymmetricKey

__all__ = [
    "KdfParams",
    "SendKeys",
    "derive_master_key",
    "hkdf",
    "hkdf_expand",
    "master_password_hash",
    "pbkdf2_sha256",
    "send_keys",
    "stretch_master_key",
]

PBKDF2 = "pbkdf2"
ARGON2ID = "argon2id"

_MASTER_KEY_LEN = 32

_PBKDF2_ITERATIONS = (5_000, 2_000_000)
# Bitwarden clients refuse fewer than 2 Argon2 passes; 1 is allowed here so tests stay fast.
_ARGON2_ITERATIONS = (1, 10)
_ARGON2_MEMORY_MIB = (16, 1024)
_ARGON2_PARALLELISM = (1, 16)


def _check_int(name: str, value: Any, bounds: tuple[int, int]) -> None:
    # bool is an int subclass; True would otherwise sneak through as 1.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} must be an integer, got {type(value).__name__}")
    low, high = bounds
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


@dataclass(frozen=True)
class KdfParams:
    """KDF settings for an account, validated against the accepted Bitwarden ranges."""

    kind: str
    iterations: int
    memory_mib: int | None = None
    parallelism: int | None = None

    def __post_init__(self) -> None:
        # Validating on construction means no code path can hold out-of-range params.
        if self.kind == PBKDF2:
            _check_int("pbkdf2 iterations", self.iterations, _PBKDF2_ITERATIONS)
            if self.memory_mib is not None or self.parallelism is not None:
                raise ValueError("memory_mib and parallelism only apply to argon2id")
        elif self.kind == ARGON2ID:
            _check_int("argon2id iterations", self.iterations, _ARGON2_ITERATIONS)
            _check_int("argon2id memory_mib", self.memory_mib, _ARGON2_MEMORY_MIB)
            _check_int("argon2id parallelism", self.parallelism, _ARGON2_PARALLELISM)
        else:
            raise ValueError(f"kdf kind must be {PBKDF2!r} or {ARGON2ID!r}, got {self.kind!r}")

    @classmethod
    def default(cls) -> KdfParams:
        """Return the default for new accounts: PBKDF2-SHA256 with 600,000 iterations."""
        return cls(kind=PBKDF2, iterations=600_000)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict that from_dict accepts."""
        return {
            "kind": self.kind,
            "iterations": self.iterations,
            "memory_mib": self.memory_mib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KdfParams:
        """Build validated params from a dict as produced by as_dict, else raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError("kdf params must be a mapping")
        allowed = {"kind", "iterations", "memory_mib", "parallelism"}
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown kdf params field(s): {', '.join(sorted(map(str, unknown)))}")
        missing = {"kind", "iterations"} - set(data)
        if missing:
            raise ValueError(f"missing kdf params field(s): {', '.join(sorted(missing))}")
        return cls(
            kind=data["kind"],
            iterations=data["iterations"],
            memory_mib=data.get("memory_mib"),
            parallelism=data.get("parallelism"),
        )


def _normalized_email(email: str) -> bytes:
    # Bitwarden salts with the trimmed, lower-cased email so login is case-insensitive.
    normalized = email.strip().lower()
    if not normalized:
        raise ValueError("email must not be empty")
    return normalized.encode("utf-8")


def pbkdf2_sha256(password: bytes, salt: bytes, iterations: int, length: int) -> bytes:
    """Return PBKDF2-HMAC-SHA256(password, salt, iterations) truncated to length bytes."""
    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=length, salt=salt, iterations=iterations)
    return kdf.derive(password)


def hkdf_expand(prk: bytes, info: bytes, length: int) -> bytes:
    """Return HKDF-Expand-SHA256(prk, info) of length bytes (RFC 5869 §2.3, no extract step)."""
    return HKDFExpand(algorithm=hashes.SHA256(), length=length, info=info).derive(prk)


def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    """Return full RFC 5869 HKDF-SHA256 (extract then expand) of length bytes."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


SEND_KEY_LEN = 16
_SEND_SALT = b"bitwarden-send"
_SEND_CONTENT_INFO = b"send"
# A separate info label so no key material serves both CBC+HMAC (content) and GCM (file).
_SEND_FILE_INFO = b"custodian-send-file-v1"
_SEND_FILE_KEY_LEN = 32
# What the recipient shows orgs to prove they hold the link's key, not only its id: one-way, so
# orgs (which keeps only its SHA-256) learns nothing of the key.
_SEND_ACCESS_INFO = b"custodian-send-access-v1"


@dataclass(frozen=True, repr=False)
class SendKeys:
    """What a Send's 16-byte send key yields: the content key (EncString type 2), the file key (CSF1)
    and the access token (base64) a recipient presents to open it."""

    content_key: SymmetricKey
    file_key: bytes
    access_token: str

    def __repr__(self) -> str:
        # Keys end up in logs and tracebacks via repr; never let the bytes go with them.
        return "SendKeys(<redacted>)"


def send_keys(send_key: bytes) -> SendKeys:
    """Derive a Send's content key and file key from its 16-byte send key (ADR 19 §1)."""
    if not isinstance(send_key, (bytes, bytearray)) or len(send_key) != SEND_KEY_LEN:
        raise ValueError(f"send key must be {SEND_KEY_LEN} bytes")
    ikm = bytes(send_key)
    content = hkdf(ikm, _SEND_SALT, _SEND_CONTENT_INFO, 64)
    file_key = hkdf(ikm, _SEND_SALT, _SEND_FILE_INFO, _SEND_FILE_KEY_LEN)
    access_token = base64.b64encode(hkdf(ikm, _SEND_SALT, _SEND_ACCESS_INFO, 32)).decode("ascii")
    return SendKeys(content_key=SymmetricKey.from_bytes(content), file_key=file_key, access_token=access_token)


SEND_PASSWORD_ITERATIONS = 100_000


def send_password_proof(password: str, send_key: bytes) -> str:
    """What a Send's password becomes before it leaves the gateway or the recipient's browser:
    base64 PBKDF2-SHA256(password, salt = the send key, 100,000 rounds), as Bitwarden's clients
    send it. Orgs hashes it again and never sees the password."""
    if not isinstance(send_key, (bytes, bytearray)) or len(send_key) != SEND_KEY_LEN:
        raise ValueError(f"send key must be {SEND_KEY_LEN} bytes")
    proof = pbkdf2_sha256(password.encode("utf-8"), bytes(send_key), SEND_PASSWORD_ITERATIONS, 32)
    return base64.b64encode(proof).decode("ascii")


def derive_master_key(password: str, email: str, params: KdfParams) -> bytes:
    """Derive the 32-byte Bitwarden master key from password, email and KDF params."""
    salt = _normalized_email(email)
    secret = password.encode("utf-8")
    if params.kind == PBKDF2:
        return pbkdf2_sha256(secret, salt, params.iterations, _MASTER_KEY_LEN)
    if params.kind == ARGON2ID and params.memory_mib and params.parallelism:
        # Bitwarden hashes the email first so Argon2 always gets a fixed 32-byte salt.
        return hash_secret_raw(
            secret=secret,
            salt=hashlib.sha256(salt).digest(),
            time_cost=params.iterations,
            memory_cost=params.memory_mib * 1024,
            parallelism=params.parallelism,
            hash_len=_MASTER_KEY_LEN,
            type=Type.ID,
            version=ARGON2_VERSION,
        )
    raise ValueError("unsupported kdf params")


def _check_master_key(master_key: bytes) -> None:
    if not isinstance(master_key, (bytes, bytearray)) or len(master_key) != _MASTER_KEY_LEN:
        raise ValueError(f"master key must be {_MASTER_KEY_LEN} bytes")


def master_password_hash(master_key: bytes, password: str) -> str:
    """Return the base64 server-authentication hash: PBKDF2-SHA256(master_key, password, 1)."""
    _check_master_key(master_key)
    # One iteration suffices: the master key is already slow-derived; this only hides it from the server.
    digest = pbkdf2_sha256(bytes(master_key), password.encode("utf-8"), 1, _MASTER_KEY_LEN)
    return base64.b64encode(digest).decode("ascii")


def stretch_master_key(master_key: bytes) -> SymmetricKey:
    """Expand the 32-byte master key into a 64-byte enc+mac SymmetricKey via HKDF-Expand."""
    _check_master_key(master_key)
    # The master key is already uniformly random KDF output, so Bitwarden skips HKDF-Extract.
    enc_key = hkdf_expand(bytes(master_key), b"enc", 32)
    mac_key = hkdf_expand(bytes(master_key), b"mac", 32)
    return SymmetricKey.from_bytes(enc_key + mac_key)
