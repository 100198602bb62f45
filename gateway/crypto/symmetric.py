"""Bitwarden EncString type 2: AES-256-CBC with HMAC-SHA256 (encrypt-then-MAC)."""

from __future__ import annotations

import base64
import binascii
import hmac
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.hmac import HMAC

__all__ = ["EncStringError", "SymmetricKey"]

_KEY_LEN = 64
_HALF = 32
_IV_LEN = 16
_MAC_LEN = 32
_BLOCK_BYTES = 16
_TYPE = "2"


class EncStringError(ValueError):
    """An EncString was malformed, of the wrong type, or failed authentication or decryption."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_part(part: str, what: str) -> bytes:
    """Decode one strict base64 EncString component or raise EncStringError."""
    try:
        return base64.b64decode(part, validate=True)
    except (binascii.Error, ValueError):
        # Suppress the cause: the codec's message can quote the offending input.
        raise EncStringError(f"EncString {what} is not valid base64") from None


class SymmetricKey:
    """A 64-byte Bitwarden symmetric key: 32-byte AES-256 key followed by 32-byte HMAC key."""

    __slots__ = ("_enc_key", "_mac_key")

    def __init__(self, raw: bytes) -> None:
        """Build a key from exactly 64 raw bytes (prefer from_bytes / generate)."""
        if not isinstance(raw, (bytes, bytearray, memoryview)):
            raise ValueError("symmetric key must be bytes")
        raw = bytes(raw)
        if len(raw) != _KEY_LEN:
            raise ValueError(f"symmetric key must be exactly {_KEY_LEN} bytes, got {len(raw)}")
        self._enc_key = raw[:_HALF]
        self._mac_key = raw[_HALF:]

    @classmethod
    def generate(cls) -> SymmetricKey:
        """Return a fresh random key from the OS CSPRNG."""
        return cls(os.urandom(_KEY_LEN))

    @classmethod
    def from_bytes(cls, raw: bytes) -> SymmetricKey:
        """Return the key held in exactly 64 raw bytes, else raise ValueError."""
        return cls(raw)

    @property
    def raw(self) -> bytes:
        """Return the 64 key bytes (encryption key then MAC key)."""
        return self._enc_key + self._mac_key

    def __repr__(self) -> str:
        # Keys end up in logs and tracebacks via repr; never let the bytes go with them.
        return "SymmetricKey(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SymmetricKey):
            return NotImplemented
        # Constant-time so equality checks cannot be used to probe key bytes.
        return hmac.compare_digest(self.raw, other.raw)

    __hash__ = None  # type: ignore[assignment]

    def _mac(self, iv: bytes, ciphertext: bytes) -> HMAC:
        h = HMAC(self._mac_key, hashes.SHA256())
        h.update(iv + ciphertext)
        return h

    def encrypt(self, plaintext: bytes) -> str:
        """Encrypt bytes to an EncString of type 2 ("2.iv|ciphertext|mac")."""
        if not isinstance(plaintext, (bytes, bytearray, memoryview)):
            raise TypeError("plaintext must be bytes; use encrypt_text for str")
        iv = os.urandom(_IV_LEN)
        padder = padding.PKCS7(algorithms.AES.block_size).padder()
        padded = padder.update(bytes(plaintext)) + padder.finalize()
        encryptor = Cipher(algorithms.AES(self._enc_key), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(padded) + encryptor.finalize()
        mac = self._mac(iv, ciphertext).finalize()
        return f"{_TYPE}.{_b64(iv)}|{_b64(ciphertext)}|{_b64(mac)}"

    def decrypt(self, encstring: str) -> bytes:
        """Verify and decrypt a type 2 EncString, raising EncStringError on any failure."""
        iv, ciphertext, mac = _parse_type2(encstring)
        try:
            # Authenticate before touching the cipher so padding errors can never act as an oracle.
            self._mac(iv, ciphertext).verify(mac)
        except InvalidSignature:
            raise EncStringError("EncString MAC verification failed") from None
        decryptor = Cipher(algorithms.AES(self._enc_key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = padding.PKCS7(algorithms.AES.block_size).unpadder()
        try:
            return unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            raise EncStringError("EncString has invalid padding") from None

    def encrypt_text(self, text: str) -> str:
        """Encrypt a str as UTF-8 to a type 2 EncString."""
        if not isinstance(text, str):
            raise TypeError("text must be str; use encrypt for bytes")
        return self.encrypt(text.encode("utf-8"))

    def decrypt_text(self, encstring: str) -> str:
        """Decrypt a type 2 EncString and decode the result as UTF-8."""
        data = self.decrypt(encstring)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # The decode error's message quotes plaintext bytes, so drop it.
            raise EncStringError("decrypted EncString is not valid UTF-8") from None


def split_encstring(encstring: str, enc_type: str, scheme: str, count: int) -> list[str]:
    """The `count` parts of an EncString of type `enc_type`; EncStringError for any other shape."""
    if not isinstance(encstring, str):
        raise EncStringError("EncString must be a str")
    found_type, sep, body = encstring.partition(".")
    if not sep:
        raise EncStringError("EncString has no type prefix")
    if found_type != enc_type:
        raise EncStringError(f"EncString is not type {enc_type} ({scheme})")
    parts = body.split("|")
    if len(parts) != count:
        raise EncStringError(f"type {enc_type} EncString needs {count} part{'s' if count > 1 else ''}, "
                             f"got {len(parts)}")
    return parts


def _parse_type2(encstring: str) -> tuple[bytes, bytes, bytes]:
    """Split a type 2 EncString into (iv, ciphertext, mac), checking shape and lengths."""
    parts = split_encstring(encstring, _TYPE, "AES-256-CBC + HMAC-SHA256", 3)
    iv = b64decode_part(parts[0], "iv")
    ciphertext = b64decode_part(parts[1], "ciphertext")
    mac = b64decode_part(parts[2], "mac")
    if len(iv) != _IV_LEN:
        raise EncStringError(f"EncString iv must be {_IV_LEN} bytes")
    if not ciphertext or len(ciphertext) % _BLOCK_BYTES:
        raise EncStringError("EncString ciphertext length is not a positive multiple of 16")
    if len(mac) != _MAC_LEN:
        raise EncStringError(f"EncString mac must be {_MAC_LEN} bytes")
    return iv, ciphertext, mac
