"""Sends as the gateway seals and opens them (ADR 19).

A Send's 16-byte key is made here, lives in the creator's page and in the link's fragment,
and is stored only wrapped under the creator's user key. Its name, notes, text and file name
are EncStrings under the content key the send key derives; a file is sealed in CSF1 chunks as
it streams through, 16 chunks (one part) at a time, never whole in memory.
"""
from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from .crypto.kdf import SEND_KEY_LEN, send_keys, send_password_proof
from .crypto.stream import CHUNK_SIZE, PREFIX_LEN, encrypt_stream, new_prefix
from .crypto.symmetric import SymmetricKey

SEND_ID = re.compile(r"[A-Za-z0-9_-]{22}")
CHUNKS_PER_PART = 16
READ_BLOCK = CHUNK_SIZE


def b64url(data: bytes) -> str:
    """Base64url without padding, as in a Send's id and link."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """The bytes of an unpadded base64url text; ValueError when it is not one."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


def send_id_bytes(send_id: str) -> bytes:
    """The 16 bytes a Send's id stands for (they are bound into every file chunk)."""
    if not SEND_ID.fullmatch(send_id):
        raise ValueError("not a Send id")
    return from_b64url(send_id)


def new_send_key() -> bytes:
    """A fresh random send key."""
    return os.urandom(SEND_KEY_LEN)


def send_link(root_url: str, send_id: str, send_key: bytes) -> str:
    """The link a recipient opens: the key rides in the fragment, which browsers never send."""
    return f"{root_url.rstrip('/')}/send/{send_id}#{b64url(send_key)}"


@dataclass(frozen=True)
class SendDraft:
    """What the creator typed, in the clear, only for the time of one request."""

    type: str
    name: str
    notes: str
    text: str
    text_hidden: bool
    max_access_count: int | None
    expiration_date: datetime | None
    deletion_date: datetime
    disabled: bool
    hide_email: bool
    password: str | None = None  # None keeps the current one on edit; never stored
    file_name: str = ""
    file_size: int | None = None


def sealed_send(draft: SendDraft, send_key: bytes, user_key: SymmetricKey, creating: bool) -> dict:
    """The body orgs stores: every typed text sealed, the password turned into its proof."""
    content = send_keys(send_key).content_key

    def seal(text: str) -> str | None:
        return content.encrypt_text(text) if text else None

    body = {
        "name": content.encrypt_text(draft.name),
        "notes": seal(draft.notes),
        "key": user_key.encrypt(send_key),
        "text": seal(draft.text) if draft.type == "text" else None,
        "text_hidden": draft.text_hidden if draft.type == "text" else False,
        "file_name": seal(draft.file_name) if draft.type == "file" else None,
        "password_proof": send_password_proof(draft.password, send_key) if draft.password else None,
        "max_access_count": draft.max_access_count,
        "expiration_date": draft.expiration_date.isoformat() if draft.expiration_date else None,
        "deletion_date": draft.deletion_date.isoformat(),
        "disabled": draft.disabled,
        "hide_email": draft.hide_email,
    }
    if creating:
        body["type"] = draft.type
        body["access_token"] = send_keys(send_key).access_token
        if draft.type == "file":
            body["file_size"] = draft.file_size
            body["file_prefix"] = base64.b64encode(new_prefix()).decode("ascii")
    return body


@dataclass(frozen=True)
class OpenedSend:
    """A stored Send as its creator sees it: the stored row with its texts opened."""

    stored: dict
    send_key: bytes
    name: str
    notes: str
    text: str
    file_name: str

    def __getattr__(self, attribute: str):
        try:
            return self.stored[attribute]
        except KeyError:
            raise AttributeError(attribute) from None

    def link(self, root_url: str) -> str:
        """The link to give a recipient."""
        return send_link(root_url, self.stored["send_id"], self.send_key)


def opened_send(stored: dict, user_key: SymmetricKey) -> OpenedSend:
    """Open a Send its creator stored, with their user key."""
    send_key = user_key.decrypt(stored["key"])
    content = send_keys(send_key).content_key

    def open_text(sealed: str | None) -> str:
        return content.decrypt_text(sealed) if sealed else ""

    return OpenedSend(stored, send_key, open_text(stored["name"]), open_text(stored.get("notes")),
                      open_text(stored.get("text")), open_text(stored.get("file_name")))


class FileSizeMismatch(ValueError):
    """The uploaded file is not the size the creator declared (or exceeds it)."""


def sealed_parts(send_id: str, send_key: bytes, prefix: bytes, blocks: Iterable[bytes],
                 declared_size: int) -> Iterator[bytes]:
    """The CSF1 ciphertext of the file in `blocks`, one part (16 chunks) at a time; FileSizeMismatch
    as soon as it runs past `declared_size`, or at the end when it falls short."""
    if len(prefix) != PREFIX_LEN:
        raise ValueError("bad nonce prefix")
    received = [0]

    def counted() -> Iterator[bytes]:
        for block in blocks:
            received[0] += len(block)
            if received[0] > declared_size:
                raise FileSizeMismatch("larger than declared")
            yield block
        if received[0] != declared_size:
            raise FileSizeMismatch("smaller than declared")

    part: list[bytes] = []
    for chunk in encrypt_stream(send_keys(send_key).file_key, send_id_bytes(send_id), counted(), prefix):
        part.append(chunk)
        if len(part) == CHUNKS_PER_PART:
            yield b"".join(part)
            part.clear()
    if part:
        yield b"".join(part)


def read_blocks(stream, size: int = READ_BLOCK) -> Iterator[bytes]:
    """A request body read `size` bytes at a time."""
    while True:
        block = stream.read(size)
        if not block:
            return
        yield block
