"""Bitwarden's password-protected JSON export: a key from the file password seals the whole document."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Mapping

from argon2.low_level import Type, hash_secret_raw

from gateway.crypto import EncStringError, SymmetricKey, pbkdf2_sha256, stretch_master_key

from .errors import ImportRefused, PasswordNeeded, WrongPassword

EXPORT_KDF_ITERATIONS = 600_000
PBKDF2, ARGON2ID = 0, 1
_SALT_BYTES = 16
_KEY_BYTES = 32
# Bounds keep a hostile file from making the gateway spend minutes or gigabytes on one key.
_PBKDF2_ITERATIONS = (1, 2_000_000)
_ARGON2_ITERATIONS = (1, 10)
_ARGON2_MEMORY_MIB = (16, 1024)
_ARGON2_PARALLELISM = (1, 16)


def _file_key(password: str, salt: str, kdf: int, iterations: int, memory_mib: int | None = None,
              parallelism: int | None = None) -> SymmetricKey:
    # Bitwarden salts with the UTF-8 bytes of the base64 salt text, not the bytes it encodes.
    secret, salt_bytes = password.encode("utf-8"), salt.encode("utf-8")
    if kdf == PBKDF2:
        master = pbkdf2_sha256(secret, salt_bytes, iterations, _KEY_BYTES)
    else:
        master = hash_secret_raw(secret=secret, salt=hashlib.sha256(salt_bytes).digest(), time_cost=iterations,
                                 memory_cost=memory_mib * 1024, parallelism=parallelism, hash_len=_KEY_BYTES,
                                 type=Type.ID)
    return stretch_master_key(master)


def protect(text: str, password: str, iterations: int = EXPORT_KDF_ITERATIONS) -> dict:
    """The password-protected export document sealing `text` (the unencrypted export JSON)."""
    if not password:
        raise ValueError("a protected export needs a password")
    salt = base64.b64encode(os.urandom(_SALT_BYTES)).decode("ascii")
    key = _file_key(password, salt, PBKDF2, iterations)
    return {"encrypted": True, "passwordProtected": True, "salt": salt, "kdfType": PBKDF2,
            "kdfIterations": iterations, "kdfMemory": None, "kdfParallelism": None,
            "encKeyValidation_DO_NOT_EDIT": key.encrypt_text(str(uuid.uuid4())),
            "data": key.encrypt_text(text)}


def _setting(document: Mapping, name: str, bounds: tuple[int, int]) -> int:
    value = document.get(name)
    low, high = bounds
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ImportRefused("The file's key settings (%(setting)s) are not supported.", setting=name)
    return value


def open_text(document: Mapping, password: str | None) -> str:
    """The unencrypted export JSON sealed in a password-protected document."""
    salt, validation, data = (document.get(k) for k in ("salt", "encKeyValidation_DO_NOT_EDIT", "data"))
    if not all(isinstance(v, str) and v for v in (salt, validation, data)):
        raise ImportRefused("The file is damaged: its password protection is incomplete.")
    if not password:
        raise PasswordNeeded()
    kdf = document.get("kdfType")
    if kdf == PBKDF2:
        key = _file_key(password, salt, PBKDF2, _setting(document, "kdfIterations", _PBKDF2_ITERATIONS))
    elif kdf == ARGON2ID:
        key = _file_key(password, salt, ARGON2ID, _setting(document, "kdfIterations", _ARGON2_ITERATIONS),
                        _setting(document, "kdfMemory", _ARGON2_MEMORY_MIB),
                        _setting(document, "kdfParallelism", _ARGON2_PARALLELISM))
    else:
        raise ImportRefused("The file's key settings (%(setting)s) are not supported.", setting="kdfType")
    try:
        key.decrypt_text(validation)
    except EncStringError:
        # The validation string holds nothing but a random id: failing to open it means the key is wrong.
        raise WrongPassword() from None
    try:
        return key.decrypt_text(data)
    except EncStringError:
        raise ImportRefused("The file is damaged: its data cannot be decrypted.") from None
