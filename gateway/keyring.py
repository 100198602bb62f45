"""The vault client's key operations: what the gateway does with an unlocked session's keys.

Plaintext keys exist only here, in memory, for the length of one request.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import math
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Callable

from .crypto import (KdfParams, KeyPair, SymmetricKey, derive_master_key, hkdf_expand, master_password_hash,
                     stretch_master_key, unwrap, wrap)


def own_key_pair(der: bytes) -> KeyPair:
    """The person's own key pair, from the DER their user key just opened (see `KeyPair.from_private_der`)."""
    return KeyPair.from_private_der(der, own_key=True)


@dataclass(frozen=True)
class NewAccount:
    """What identity stores for a new account: nothing it could open."""

    kdf: KdfParams
    master_password_hash: str
    protected_user_key: str
    public_key: str
    encrypted_private_key: str

    def as_registration(self, email: str, name: str) -> dict:
        """The body of identity's registration call."""
        return {"email": email, "name": name, "kdf": self.kdf.kind, "kdf_iterations": self.kdf.iterations,
                "kdf_memory_mib": self.kdf.memory_mib, "kdf_parallelism": self.kdf.parallelism,
                "master_password_hash": self.master_password_hash, "protected_user_key": self.protected_user_key,
                "public_key": self.public_key, "encrypted_private_key": self.encrypted_private_key}


@dataclass
class UnlockedKeys:
    """A logged-in user's keys, opened with their master password.

    The private key stays as DER until a request uses it: parsing an RSA key costs more CPU than
    the rest of most pages, and most pages never need it.
    """

    user_key: SymmetricKey
    private_key_der: bytes = field(repr=False)
    open_key_pair: Callable[[bytes], KeyPair] = field(default=own_key_pair, repr=False, compare=False)
    _key_pair: KeyPair | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, user_key: SymmetricKey, key_pair: KeyPair) -> UnlockedKeys:
        """Keys whose private key is already parsed."""
        keys = cls(user_key, key_pair.private_key_der())
        keys._key_pair = key_pair
        return keys

    @property
    def key_pair(self) -> KeyPair:
        """The user's RSA key pair, parsed (or found parsed) on first use."""
        if self._key_pair is None:
            self._key_pair = self.open_key_pair(self.private_key_der)
        return self._key_pair

    def provider_key(self, wrapped_provider_key: str) -> SymmetricKey:
        """The provider key wrapped to this user (EncString type 4)."""
        return SymmetricKey.from_bytes(unwrap(wrapped_provider_key, self.key_pair))


def new_account(email: str, password: str, kdf: KdfParams) -> NewAccount:
    """Derive and wrap the keys of a new account from its master password."""
    master_key = derive_master_key(password, email, kdf)
    user_key = SymmetricKey.generate()
    key_pair = KeyPair.generate()
    return NewAccount(kdf=kdf, master_password_hash=master_password_hash(master_key, password),
                      protected_user_key=stretch_master_key(master_key).encrypt(user_key.raw),
                      public_key=key_pair.public_key_b64,
                      encrypted_private_key=user_key.encrypt(key_pair.private_key_der()))


@dataclass(frozen=True)
class NewMasterPassword:
    """What identity stores when a master password changes: the same user key, wrapped anew."""

    master_password_hash: str
    protected_user_key: str


def new_master_password(email: str, password: str, kdf: KdfParams, user_key: SymmetricKey) -> NewMasterPassword:
    """The user key wrapped under the master key of a new master password (the user key stays,
    so every item stays readable)."""
    master_key = derive_master_key(password, email, kdf)
    return NewMasterPassword(master_password_hash(master_key, password),
                             stretch_master_key(master_key).encrypt(user_key.raw))


def recovery_enrolment(user_key: SymmetricKey, organization_public_key: str) -> str:
    """The user key wrapped to an organization's public key: enrolling in its account recovery."""
    return wrap(user_key.raw, organization_public_key)


def recovered_user_key(reset_password_key: str, org_key: SymmetricKey, encrypted_org_private_key: str,
                       organization_public_key: str, member_key_pair: tuple[str, str]) -> SymmetricKey:
    """An enrolled member's user key, opened with the organization's private key and checked: it
    must open the member's own private key, matching their public key (`member_key_pair` is that
    public key and encrypted private key). A key that fails the check would lock the member out
    of everything, so ValueError or EncStringError stops the reset before anything is stored."""
    key_pair = KeyPair.from_private_der(org_key.decrypt(encrypted_org_private_key))
    if key_pair.public_key_b64 != organization_public_key:
        raise ValueError("the organization's key pair does not match its public key")
    user_key = SymmetricKey.from_bytes(unwrap(reset_password_key, key_pair))
    member_public_key, member_private_key = member_key_pair
    if KeyPair.from_private_der(user_key.decrypt(member_private_key)).public_key_b64 != member_public_key:
        raise ValueError("the recovered user key does not open the member's key pair")
    return user_key


def log_in_hash(email: str, password: str, kdf: KdfParams) -> tuple[str, bytes]:
    """The master password hash to show identity, and the master key to keep for unlocking."""
    master_key = derive_master_key(password, email, kdf)
    return master_password_hash(master_key, password), master_key


def unlock(master_key: bytes, protected_user_key: str, encrypted_private_key: str) -> UnlockedKeys:
    """Open the user key with the master key, then the private key with the user key."""
    user_key = SymmetricKey.from_bytes(stretch_master_key(master_key).decrypt(protected_user_key))
    return UnlockedKeys.of(user_key, own_key_pair(user_key.decrypt(encrypted_private_key)))


@dataclass(frozen=True)
class NewProvider:
    """A provider key, and it wrapped to its first admin."""

    key: SymmetricKey
    wrapped_for_admin: str


def new_provider(admin_public_key: str) -> NewProvider:
    """A fresh provider key wrapped to the admin who sets the provider up."""
    key = SymmetricKey.generate()
    return NewProvider(key, wrap(key.raw, admin_public_key))


def wrap_provider_key(provider_key: SymmetricKey, public_key: str) -> str:
    """The provider key wrapped to another provider user (this is what confirming them means)."""
    return wrap(provider_key.raw, public_key)


@dataclass(frozen=True)
class NewOrganizationKeys:
    """A client organization's keys, in the only forms the orgs service may store."""

    public_key: str
    encrypted_private_key: str  # under the org key
    encrypted_org_key: str  # under the provider key


def new_client_organization(provider_key: SymmetricKey) -> NewOrganizationKeys:
    """A fresh org key and org key pair for a client, the org key sealed under the provider key."""
    org_key = SymmetricKey.generate()
    key_pair = KeyPair.generate()
    return NewOrganizationKeys(public_key=key_pair.public_key_b64,
                               encrypted_private_key=org_key.encrypt(key_pair.private_key_der()),
                               encrypted_org_key=provider_key.encrypt(org_key.raw))


def open_client_organization(provider_key: SymmetricKey, encrypted_org_key: str, encrypted_private_key: str,
                             public_key: str) -> SymmetricKey:
    """The client's org key, checked: it must open the org private key matching the public key."""
    return checked_org_key(SymmetricKey.from_bytes(provider_key.decrypt(encrypted_org_key)), encrypted_private_key,
                           public_key)


def open_wrapped_org_key(wrapped_org_key: str, keys: UnlockedKeys, encrypted_private_key: str,
                         public_key: str) -> SymmetricKey:
    """An org key wrapped to the user (a member's, or a scoped Service User's grant), checked against the
    organization's key pair: whoever wrapped it could have wrapped a wrong key (ADR 27)."""
    return checked_org_key(SymmetricKey.from_bytes(unwrap(wrapped_org_key, keys.key_pair)), encrypted_private_key,
                           public_key)


def checked_org_key(org_key: SymmetricKey, encrypted_private_key: str, public_key: str) -> SymmetricKey:
    """`org_key` if it opens the organization's private key and that matches its public key; ValueError if not."""
    key_pair = KeyPair.from_private_der(org_key.decrypt(encrypted_private_key))
    if key_pair.public_key_b64 != public_key:
        raise ValueError("the organization's key pair does not match its public key")
    return org_key


def key_fingerprint(public_key_b64: str) -> str:
    """The SHA-256 (hex) of a public key: what orgs records of the key an admin checked (ADR 27)."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()


def open_member_org_key(wrapped_org_key: str, keys: UnlockedKeys) -> SymmetricKey:
    """The org key a confirmed member holds, wrapped to their public key (type 4)."""
    return SymmetricKey.from_bytes(unwrap(wrapped_org_key, keys.key_pair))


def wrap_org_key(org_key: SymmetricKey, public_key: str) -> str:
    """The org key wrapped to a member's public key: confirming them."""
    return wrap(org_key.raw, public_key)


def fingerprint_phrase(fingerprint_material: str, public_key_b64: str) -> str:
    """Bitwarden's fingerprint phrase of a public key: five words from the EFF long list.

    SHA-256 of the public key, HKDF-expanded with the user's id, read as one big number and
    spelt in base 7776. Two people reading the same five words know the key is the right one.
    """
    words = eff_long_words()
    key_fingerprint = hashlib.sha256(base64.b64decode(public_key_b64)).digest()
    user_fingerprint = hkdf_expand(key_fingerprint, fingerprint_material.encode(), 32)
    number = int.from_bytes(user_fingerprint, "big")
    phrase = []
    for _ in range(math.ceil(64 / math.log2(len(words)))):
        number, remainder = divmod(number, len(words))
        phrase.append(words[remainder])
    return "-".join(phrase)


@functools.cache
def eff_long_words() -> list[str]:
    """The EFF long word list (7,776 words), as xkcdpass ships it."""
    return files("xkcdpass").joinpath("static/eff-long").read_text().split()


@dataclass(frozen=True)
class NewOwnOrganization:
    """An organization's keys as its creator's gateway makes them."""

    public_key: str
    encrypted_private_key: str  # under the org key
    wrapped_org_key: str  # the org key wrapped to the creator's public key


def new_own_organization(owner: UnlockedKeys) -> NewOwnOrganization:
    """A fresh org key and key pair, the org key wrapped to its creator (its first owner)."""
    org_key = SymmetricKey.generate()
    key_pair = KeyPair.generate()
    return NewOwnOrganization(public_key=key_pair.public_key_b64,
                              encrypted_private_key=org_key.encrypt(key_pair.private_key_der()),
                              wrapped_org_key=wrap(org_key.raw, owner.key_pair.public_key_b64))
