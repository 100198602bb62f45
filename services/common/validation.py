"""Format checks every service makes on what it is given: names, e-mail addresses and EncStrings.

These are checks of shape, not rules of any domain. The EncString check is also a guard:
a service that only accepts well-formed ciphertext cannot be made to store plaintext keys.
The name check is the gateway's too, for the names it seals (collections, folders).
"""
from __future__ import annotations

import re
import unicodedata

from .errors import Invalid

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_B64 = r"[A-Za-z0-9+/]+={0,2}"
_ENCSTRING = {
    2: re.compile(rf"^2\.{_B64}\|{_B64}\|{_B64}$"),
    4: re.compile(rf"^4\.{_B64}$"),
}
SEALED_TEXT = _ENCSTRING[2]  # what every text of a vault item must be
MAX_ENCSTRING_LENGTH = 4000
_PUBLIC_KEY = re.compile(rf"^{_B64}$")
# Control (NUL...), format (zero-width spaces and joiners, bidi overrides such as U+202E, soft
# hyphen), surrogate, private-use and unassigned characters: each either cannot be seen or
# changes how the text around it reads, so two names that look alike could differ.
_UNSEEN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))
_LINE_BREAKS = frozenset("\t\n\r")  # pasted along with a name: they become spaces


def clean_name(value: str, field: str = "name") -> str:
    """`value` in NFC with each run of white space made one space, trimmed; Invalid if it holds a
    control, zero-width, bidi-override or other invisible character. Length is the caller's rule."""
    name = unicodedata.normalize("NFC", value or "")
    if any(unicodedata.category(c) in _UNSEEN and c not in _LINE_BREAKS for c in name):
        raise Invalid("A name cannot contain control, invisible or text-direction characters.", field,
                      code="name.invalid_characters")
    return " ".join(name.split())


def name_key(name: str, size: int) -> str:
    """What a name is compared by for uniqueness: case-folded, in NFC ("STRASSE" is "Straße"), cut to
    the `size` of the column that holds it (folding can lengthen a name: "ß" is "ss")."""
    return unicodedata.normalize("NFC", name.casefold())[:size]


def normalize_email(value: str, field: str = "email") -> str:
    """`value` trimmed and lower-cased; Invalid if it is not an e-mail address."""
    email = (value or "").strip().lower()
    if not email:
        raise Invalid("Enter an email address.", field, code="email.missing")
    if len(email) > 254 or not _EMAIL.match(email):
        raise Invalid("Enter a valid email address, like name@example.com.", field, code="email.invalid")
    return email


def require_encstring(value: str, kind: int, field: str) -> str:
    """`value` if it is an EncString of type `kind`; Invalid otherwise."""
    if not isinstance(value, str) or len(value) > MAX_ENCSTRING_LENGTH or not _ENCSTRING[kind].match(value):
        raise Invalid("%(name)s must be an encrypted value (EncString type %(kind)s).", field,
                      code="encstring.invalid", name=field, kind=kind)
    return value


def require_public_key(value: str, field: str = "public_key") -> str:
    """`value` if it looks like a base64 DER public key; Invalid otherwise."""
    if not isinstance(value, str) or not (200 <= len(value) <= 1000) or not _PUBLIC_KEY.match(value):
        raise Invalid("public_key must be a base64 DER public key.", field, code="public_key.invalid")
    return value
