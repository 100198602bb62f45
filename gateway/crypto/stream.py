"""CSF1: chunked AES-256-GCM (STREAM construction) for Send files, writer and reference reader."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "CHUNK_SIZE",
    "CIPHERTEXT_CHUNK_SIZE",
    "PREFIX_LEN",
    "TamperedFile",
    "chunk_count",
    "ciphertext_size",
    "decrypt_stream",
    "encrypt_stream",
    "new_prefix",
]

MAGIC = b"CSF1"
CHUNK_SIZE = 64 * 1024
TAG_LEN = 16
CIPHERTEXT_CHUNK_SIZE = CHUNK_SIZE + TAG_LEN
PREFIX_LEN = 8
FILE_KEY_LEN = 32
SEND_ID_LEN = 16
# The counter is a uint32 in the nonce; one more chunk would reuse a nonce.
_MAX_CHUNKS = 2**32
_NOT_FINAL = b"\x00"
_FINAL = b"\x01"


class TamperedFile(ValueError):
    """A CSF1 stream failed authentication, was truncated, extended, reordered or swapped."""


def new_prefix() -> bytes:
    """Return a fresh random 8-byte nonce prefix for one file."""
    return os.urandom(PREFIX_LEN)


def chunk_count(plaintext_size: int) -> int:
    """Return how many CSF1 chunks a plaintext of this size makes (an empty file is one chunk)."""
    if plaintext_size < 0:
        raise ValueError("plaintext size must not be negative")
    return max(1, -(-plaintext_size // CHUNK_SIZE))


def ciphertext_size(plaintext_size: int) -> int:
    """Return the CSF1 ciphertext size in bytes for a plaintext of this size."""
    return plaintext_size + TAG_LEN * chunk_count(plaintext_size)


def _check(file_key: bytes, send_id: bytes, prefix: bytes) -> None:
    if not isinstance(file_key, (bytes, bytearray)) or len(file_key) != FILE_KEY_LEN:
        raise ValueError(f"file key must be {FILE_KEY_LEN} bytes")
    # A fixed id length keeps the AAD layout unambiguous.
    if not isinstance(send_id, (bytes, bytearray)) or len(send_id) != SEND_ID_LEN:
        raise ValueError(f"send id must be {SEND_ID_LEN} bytes")
    if not isinstance(prefix, (bytes, bytearray)) or len(prefix) != PREFIX_LEN:
        raise ValueError(f"nonce prefix must be {PREFIX_LEN} bytes")


def _nonce_and_aad(send_id: bytes, prefix: bytes, index: int, final: bool) -> tuple[bytes, bytes]:
    if index >= _MAX_CHUNKS:
        raise ValueError("CSF1 stream exceeds 2**32 chunks")
    counter = struct.pack(">I", index)
    return prefix + counter, MAGIC + send_id + counter + (_FINAL if final else _NOT_FINAL)


def encrypt_stream(
    file_key: bytes,
    send_id: bytes,
    blocks: Iterable[bytes],
    prefix: bytes | None = None,
) -> Iterator[bytes]:
    """Yield CSF1 ciphertext chunks for plaintext blocks of any sizes, holding at most one chunk."""
    prefix = new_prefix() if prefix is None else prefix
    _check(file_key, send_id, prefix)
    aead = AESGCM(bytes(file_key))
    send_id, prefix = bytes(send_id), bytes(prefix)
    buf = bytearray()
    index = 0
    for block in blocks:
        view = memoryview(block)
        while view:
            # A full buffer is only known to be non-final once more plaintext has arrived.
            if len(buf) == CHUNK_SIZE:
                nonce, aad = _nonce_and_aad(send_id, prefix, index, final=False)
                yield aead.encrypt(nonce, bytes(buf), aad)
                buf.clear()
                index += 1
            take = min(CHUNK_SIZE - len(buf), len(view))
            buf += view[:take]
            view = view[take:]
    nonce, aad = _nonce_and_aad(send_id, prefix, index, final=True)
    yield aead.encrypt(nonce, bytes(buf), aad)


def decrypt_stream(
    file_key: bytes,
    send_id: bytes,
    prefix: bytes,
    blocks: Iterable[bytes],
) -> Iterator[bytes]:
    """Yield plaintext from CSF1 ciphertext blocks of any sizes; raise TamperedFile on any fault."""
    _check(file_key, send_id, prefix)
    aead = AESGCM(bytes(file_key))
    send_id, prefix = bytes(send_id), bytes(prefix)
    buf = bytearray()
    index = 0

    def open_chunk(final: bool) -> bytes:
        nonce, aad = _nonce_and_aad(send_id, prefix, index, final)
        try:
            return aead.decrypt(nonce, bytes(buf), aad)
        except InvalidTag:
            # One error for every fault: callers must not learn which check failed.
            raise TamperedFile("CSF1 chunk failed authentication") from None

    for block in blocks:
        view = memoryview(block)
        while view:
            # A full chunk with bytes after it must be non-final, so data after a final one fails.
            if len(buf) == CIPHERTEXT_CHUNK_SIZE:
                yield open_chunk(final=False)
                buf.clear()
                index += 1
            take = min(CIPHERTEXT_CHUNK_SIZE - len(buf), len(view))
            buf += view[:take]
            view = view[take:]
    if len(buf) < TAG_LEN:
        raise TamperedFile("CSF1 stream ended without a final chunk")
    # The stream's last chunk must carry the final flag, so a truncated stream fails here.
    yield open_chunk(final=True)
