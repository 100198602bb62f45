"""Sends as the gateway makes them, for tests: texts sealed under the content key the send key yields,
the send key sealed under a user key, the recipient's PBKDF2 password proof, and a file sealed in
CSF1 and cut into the parts orgs stores (all with the gateway's real crypto)."""
from __future__ import annotations

import base64
import io
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from gateway.crypto import SymmetricKey, send_keys
from gateway.crypto.kdf import send_password_proof
from gateway.crypto.stream import new_prefix
from gateway.sends import read_blocks, sealed_parts, send_id_bytes  # noqa: F401 - send_id_bytes: for the tests that import it from here


@dataclass
class SealedSend:
    """What the gateway would send orgs to create a Send, and the secrets only the link and the creator hold."""

    body: dict
    send_key: bytes
    user_key: SymmetricKey
    prefix: bytes = b""
    secrets: list = field(default_factory=list)  # every plaintext that must never be stored or published

    def proof(self, password: str) -> str:
        return send_password_proof(password, self.send_key)

    @property
    def access_token(self) -> str:
        """What the recipient's page presents to open the Send (it holds the link's key)."""
        return send_keys(self.send_key).access_token

    def opening(self, password: str | None = None) -> dict:
        """The body of a recipient's access or download call."""
        return {"access_token": self.access_token, "password_proof": self.proof(password) if password else None}


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
            "disabled": False, "hide_email": False, "password_proof": None,
            "access_token": send_keys(send_key).access_token}
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
        body["password_proof"] = send_password_proof(password, send_key)
        sealed.secrets.append(password)
    body.update(settings)
    return sealed


def file_parts(sealed: SealedSend, send_id: str, data: bytes) -> list[bytes]:
    """`data` sealed in CSF1 for this Send and cut into parts of 16 chunks, as the gateway uploads it."""
    return list(sealed_parts(send_id, sealed.send_key, sealed.prefix, read_blocks(io.BytesIO(data)), len(data)))
