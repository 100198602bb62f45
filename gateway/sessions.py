"""Server-side sessions in a NATS KV bucket, sealed with a key only the browser holds.

The cookie carries the session id and a random 32-byte key; the bucket holds the session
sealed with AES-256-GCM under that key. A stolen bucket opens nothing without the cookies,
and a cookie opens nothing once its entry is gone. The bucket's TTL is the idle timeout:
every write restarts it, and the session is rewritten at most once a minute while in use.
"""
from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nats.js.errors import BucketNotFoundError, KeyNotFoundError, NotFoundError

from services.common.bus import LoopThread, connect

from .crypto import KeyPair, SymmetricKey
from .keyring import UnlockedKeys

COOKIE = "custodian_session"
BUCKET = "custodian_sessions"
REFRESH_SECONDS = 60
log = logging.getLogger(__name__)


class SessionsUnavailable(RuntimeError):
    """The session store (NATS) does not answer."""


@dataclass
class VaultSession:
    """A logged-in, unlocked user: who they are and their opened keys."""

    user_id: str
    email: str
    name: str
    keys: UnlockedKeys = field(repr=False)
    providers: list[dict] = field(default_factory=list)  # [{provider_id, name, role}]
    touched: float = field(default_factory=time.time)

    def _seal(self) -> bytes:
        return json.dumps({
            "user_id": self.user_id, "email": self.email, "name": self.name, "providers": self.providers,
            "user_key": base64.b64encode(self.keys.user_key.raw).decode(),
            "private_key": base64.b64encode(self.keys.key_pair.private_key_der()).decode(),
            "touched": self.touched,
        }).encode()

    @classmethod
    def _unseal(cls, raw: bytes) -> "VaultSession":
        data = json.loads(raw)
        keys = UnlockedKeys(SymmetricKey.from_bytes(base64.b64decode(data["user_key"])),
                            KeyPair.from_private_der(base64.b64decode(data["private_key"])))
        return cls(data["user_id"], data["email"], data["name"], keys, data["providers"], data["touched"])

    def role_in(self, provider_id: str) -> str | None:
        """This user's role in a provider, or None."""
        return next((p["role"] for p in self.providers if p["provider_id"] == provider_id), None)


class SessionStore:
    """Sessions in the NATS KV bucket, reached from synchronous Flask code."""

    def __init__(self, nats_url: str, idle_seconds: int):
        self._url = nats_url
        self._idle = idle_seconds
        self._loop = LoopThread()
        self._kv = None

    async def _bucket(self):
        if self._kv is None:
            nc = await connect(self._url, name="gateway-sessions")
            js = nc.jetstream()
            try:
                self._kv = await js.key_value(BUCKET)
            except (BucketNotFoundError, NotFoundError):
                self._kv = await js.create_key_value(bucket=BUCKET, ttl=self._idle, history=1)
        return self._kv

    def _run(self, make_coroutine):
        async def job():
            return await make_coroutine(await self._bucket())
        try:
            return self._loop.run(job(), timeout=5)
        except (KeyNotFoundError, BucketNotFoundError):
            raise
        except Exception as error:  # noqa: BLE001 - any NATS failure means the store is unavailable
            log.warning("session store unavailable: %s", type(error).__name__)
            raise SessionsUnavailable(str(error)) from error

    def create(self, session: VaultSession) -> str:
        """Store `session`; returns the cookie value that alone can open it."""
        session_id = secrets.token_urlsafe(24)
        key = AESGCM.generate_key(bit_length=256)
        self._write(session_id, key, session)
        return f"{session_id}.{base64.urlsafe_b64encode(key).decode()}"

    def _write(self, session_id: str, key: bytes, session: VaultSession) -> None:
        nonce = secrets.token_bytes(12)
        sealed = nonce + AESGCM(key).encrypt(nonce, session._seal(), session_id.encode())
        self._run(lambda kv: kv.put(session_id, sealed))

    def load(self, cookie: str | None) -> VaultSession | None:
        """The session the cookie opens, refreshed if due; None if there is none."""
        parsed = _parse_cookie(cookie)
        if parsed is None:
            return None
        session_id, key = parsed
        try:
            entry = self._run(lambda kv: kv.get(session_id))
        except KeyNotFoundError:
            return None
        if not entry or not entry.value:
            return None
        try:
            raw = AESGCM(key).decrypt(entry.value[:12], entry.value[12:], session_id.encode())
        except InvalidTag:
            return None
        session = VaultSession._unseal(raw)
        if time.time() - session.touched > REFRESH_SECONDS:
            session.touched = time.time()
            self._write(session_id, key, session)
        return session

    def delete(self, cookie: str | None) -> None:
        """End the session the cookie names."""
        parsed = _parse_cookie(cookie)
        if parsed is not None:
            try:
                self._run(lambda kv: kv.purge(parsed[0]))
            except KeyNotFoundError:
                pass


def _parse_cookie(cookie: str | None) -> tuple[str, bytes] | None:
    if not cookie or "." not in cookie or len(cookie) > 200:
        return None
    session_id, _, encoded = cookie.partition(".")
    try:
        key = base64.urlsafe_b64decode(encoded)
    except ValueError:
        return None
    if len(key) != 32 or not session_id.replace("-", "").replace("_", "").isalnum():
        return None
    return session_id, key
