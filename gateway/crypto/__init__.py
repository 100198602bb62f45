"""Bitwarden-compatible client crypto: master-key KDFs and EncString types 2 and 4."""

from .asymmetric import KeyPair, unwrap, wrap
from .kdf import (
    KdfParams,
    SendKeys,
    derive_master_key,
    hkdf,
    hkdf_expand,
    master_password_hash,
    pbkdf2_sha256,
    send_keys,
    stretch_master_key,
)
from .symmetric import EncStringError, SymmetricKey

__all__ = [
    "EncStringError",
    "KdfParams",
    "KeyPair",
    "SendKeys",
    "SymmetricKey",
    "derive_master_key",
    "hkdf",
    "hkdf_expand",
    "master_password_hash",
    "pbkdf2_sha256",
    "send_keys",
    "stretch_master_key",
    "unwrap",
    "wrap",
]
