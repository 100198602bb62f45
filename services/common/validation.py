"""Format checks every service makes on what it is given: e-mail addresses and EncStrings.

These are checks of shape, not rules of any domain. The EncString check is also a guard:
a service that only accepts well-formed ciphertext cannot be made to store plaintext keys.
"""
from __future__ import annotations

import re

from .errors import Invalid

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_B64 = r"[A-Za-z0-9+/]+={0,2}"
_ENCSTRING = {
    2: re.compile(rf"^2\.{_B64}\|{_B64}\|{_B64}$"),
    4: re.compile(rf"^4\.{_B64}$"),
}
_PUBLIC_KEY = re.compile(rf"^{_B64}$")


def normalize_email(value: str, field: str = "email") -> str:
    """`value` trimmed and lower-cased; Invalid if it is not an e-mail address."""
    email = (value or "").strip().lower()
    if not email:
        raise Invalid("Enter an email address.", field)
    if len(email) > 254 or not _EMAIL.match(email):
        raise Invalid("Enter a valid email address, like name@example.com.", field)
    return email


def require_encstring(value: str, kind: int, field: str) -> str:
    """`value` if it is an EncString of type `kind`; Invalid otherwise."""
    if not isinstance(value, str) or len(value) > 4000 or not _ENCSTRING[kind].match(value):
        raise Invalid(f"{field} must be an encrypted value (EncString type {kind}).", field)
    return value


def require_public_key(value: str, field: str = "public_key") -> str:
    """`value` if it looks like a base64 DER public key; Invalid otherwise."""
    if not isinstance(value, str) or not (200 <= len(value) <= 1000) or not _PUBLIC_KEY.match(value):
        raise Invalid("public_key must be a base64 DER public key.", field)
    return value
