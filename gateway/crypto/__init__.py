"""Bitwarden-compatible client crypto: master-key KDFs and EncString types 2 and 4."""

from .asymmetric import KeyPair, unwrap, wrap
from .kdf import (
    KdfParams,
    derive_master_key,
    hkdf_expand,
    master_password_hash,
    pbkdf2_sha256,
    stretch_master_key,
)
from .symmetric import EncStringError, SymmetricKey

__all__ = [
    "EncStringError",
    "KdfParams",
    "KeyPair",
    "SymmetricKey",
    "derive_master_key",
    "hkdf_expand",
    "master_password_hash",
    "pbkdf2_sha256",
    "stretch_master_key",
    "unwrap",
    "wrap",
]
