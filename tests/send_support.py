"""Sends as the gateway makes them, for tests: texts sealed under the content key the send key yields,
the send key sealed under a user key, the recipient's PBKDF2 password proof, and a file sealed in
CSF1 and cut into the parts orgs stores (all with the gateway's real crypto)."""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from gateway.crypto import SymmetricKey, pbkdf2_sha256, send_keys
from gateway.crypto.stream import encrypt_stream, new_prefix

CHUNKS_PER_PART = 16
SEND_KDF_ITERATIONS = 100_000


@dataclass
class SealedSend:
    """What the gateway would send orgs to create a Send, and the secrets only the link and the creator hold."""

    body: dict
    send_key: bytes
    user_key: SymmetricKey
    prefix: bytes = b""
    secrets: list = field(default_factory=list)  # every plaintext that must never be stored or published

    def proof(self, password: str) -> str:
        return password_proof(password, self.send_key)


def password_proof(password: str, send_key: bytes) -> str:
    """The recipient's proof of a Send password: base64 PBKDF2-SHA256(password, send key, 100,000, 32)."""
    return base64.b64encode(pbkdf2_sha256(password.encode(), send_key, SEND_KDF_ITERATIONS, 32)).decode()


def sealed_send(send_type: str = "text", text: str = "The door code is 4711", name: str = "Door code",
                notes: str | None = "for the plumber", password: str | None = None, file_size: int = 0,
                now: datetime | None = None, **settings) -> SealedSend:
    """A Send's creation body as the gateway builds it; `settings` override the plain fields."""
    now = now or datetime.now(timezone.utc)
    send_key, user_key = os.urandom(16), SymmetricKey.generate()
    content = send_keys(send_key).content_key
    body = {"type": send_type, "name": content.encrypt_text(name),
            "notes": content.encrypt_text(notes) if notes else None,
            "key": user_key.encrypt(send_key), "text_hidden": False, "max_access_count": None,
            "expiration_date": None, "deletion_date": (now + timedelta(days=7)).isoformat(),
            "disabled": False, "hide_email": False, "password_proof": None}
    sealed = SealedSend(body, send_key, user_key, secrets=[name, *([notes] if notes else [])])
    if send_type == "text":
        body["text"] = content.encrypt_text(text)
        sealed.secrets.append(text)
    else:
        sealed.prefix = new_prefix()
        body.update(file_name=content.encrypt_text("plans.pdf"), file_size=file_size,
                    file_prefix=base64.b64encode(sealed.prefix).decode())
        sealed.secrets.append("plans.pdf")
    if password is not None:
        body["password_proof"] = password_proof(password, send_key)
        sealed.secrets.append(password)
    body.update(settings)
    return sealed


def send_id_bytes(send_id: str) -> bytes:
    return base64.urlsafe_b64decode(send_id + "=" * (-len(send_id) % 4))


def file_parts(sealed: SealedSend, send_id: str, data: bytes) -> list[bytes]:
    """`data` sealed in CSF1 for this Send and cut into parts of 16 chunks, as the gateway uploads it."""
    file_key = send_keys(sealed.send_key).file_key
    chunks = list(encrypt_stream(file_key, send_id_bytes(send_id), [data], prefix=sealed.prefix))
    return [b"".join(chunks[start:start + CHUNKS_PER_PART]) for start in range(0, len(chunks), CHUNKS_PER_PART)]
