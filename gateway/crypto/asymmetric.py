"""Bitwarden EncString type 4: RSA-2048 OAEP (SHA-1) key wrapping."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .symmetric import EncStringError, b64decode_part, split_encstring

__all__ = ["KeyPair", "unwrap", "wrap"]

_KEY_BITS = 2048
_PUBLIC_EXPONENT = 65537
_CIPHERTEXT_LEN = _KEY_BITS // 8
_TYPE = "4"


def _oaep_sha1() -> padding.OAEP:
    # SHA-1 is fixed by the wire format (Rsa2048_OaepSha1_B64); OAEP needs no collision
    # resistance from its hash, so this remains sound.
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)


def _require_rsa2048(key_size: int) -> None:
    if key_size != _KEY_BITS:
        raise ValueError(f"RSA key must be {_KEY_BITS} bits, got {key_size}")


class KeyPair:
    """An RSA-2048 key pair used to receive keys wrapped as type 4 EncStrings."""

    __slots__ = ("_private_key",)

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        """Wrap an existing RSA-2048 private key (prefer generate / from_private_der)."""
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise ValueError("private key must be an RSA key")
        _require_rsa2048(private_key.key_size)
        self._private_key = private_key

    @classmethod
    def generate(cls) -> KeyPair:
        """Return a fresh RSA-2048 key pair with public exponent 65537."""
        return cls(rsa.generate_private_key(public_exponent=_PUBLIC_EXPONENT, key_size=_KEY_BITS))

    @classmethod
    def from_private_der(cls, der: bytes, own_key: bool = False) -> KeyPair:
        """Load an unencrypted PKCS#8 DER RSA-2048 private key, else raise ValueError.

        `own_key`: the DER is the person's own private key, just opened with their own user key
        (MAC verified), so only they could have chosen its bytes; its mathematical checks (29 ms of
        CPU, more than a whole page) are skipped. Every other key (an organization's, a member's in
        a recovery) may come from someone else and is checked in full.
        """
        try:
            key = serialization.load_der_private_key(bytes(der), password=None,
                                                     unsafe_skip_rsa_key_validation=own_key)
        except (ValueError, TypeError):
            # The parser's message can echo input bytes, and this input is a private key.
            raise ValueError("private key is not an unencrypted PKCS#8 DER RSA key") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("private key is not an RSA key")
        return cls(key)

    @property
    def public_key_b64(self) -> str:
        """Return the public key as base64 SubjectPublicKeyInfo DER (the form Bitwarden stores)."""
        der = self._private_key.public_key().public_bytes(
            encoding=serialization.Encoding.DER,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        return base64.b64encode(der).decode("ascii")

    def private_key_der(self) -> bytes:
        """Return the private key as unencrypted PKCS#8 DER, for the caller to encrypt."""
        return self._private_key.private_bytes(
            encoding=serialization.Encoding.DER,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )

    def __repr__(self) -> str:
        # repr reaches logs and tracebacks; the private key must never ride along.
        return "KeyPair(<redacted>)"

    __str__ = __repr__


def _load_public_key(public_key_b64: str) -> rsa.RSAPublicKey:
    try:
        der = base64.b64decode(public_key_b64, validate=True)
        key = serialization.load_der_public_key(der)
    except (binascii.Error, ValueError, TypeError):
        raise ValueError("public key is not base64 SubjectPublicKeyInfo DER") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("public key is not an RSA key")
    _require_rsa2048(key.key_size)
    return key


def wrap(data: bytes, public_key_b64: str) -> str:
    """Encrypt data (e.g. a 64-byte key) to a type 4 EncString for the given public key."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("data must be bytes")
    key = _load_public_key(public_key_b64)
    try:
        ciphertext = key.encrypt(bytes(data), _oaep_sha1())
    except ValueError:
        raise ValueError("data is too long for RSA-2048 OAEP-SHA1 (max 214 bytes)") from None
    return f"{_TYPE}." + base64.b64encode(ciphertext).decode("ascii")


def unwrap(encstring: str, keypair: KeyPair) -> bytes:
    """Decrypt a type 4 EncString with keypair, raising EncStringError on any failure."""
    if not isinstance(keypair, KeyPair):
        raise TypeError("keypair must be a KeyPair")
    (body,) = split_encstring(encstring, _TYPE, "RSA-2048 OAEP-SHA1", 1)
    ciphertext = b64decode_part(body, "data")
    if len(ciphertext) != _CIPHERTEXT_LEN:
        raise EncStringError(f"type 4 EncString data must be {_CIPHERTEXT_LEN} bytes")
    try:
        return keypair._private_key.decrypt(ciphertext, _oaep_sha1())
    except ValueError:
        raise EncStringError("EncString could not be decrypted with this key") from None
