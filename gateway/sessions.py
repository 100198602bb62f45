"""Server-side sessions in a NATS KV bucket, sealed with a key only the browser holds.

The cookie carries the session id and a random 32-byte key; the bucket holds the session
sealed with AES-256-GCM under that key. A stolen bucket opens nothing without the cookies,
and a cookie opens nothing once its entry is gone. The bucket's TTL is the idle timeout:
every write restarts it, and the session is rewritten at most once a minute while in use.

Keys of the bucket: `<session id>` a session; `user.<user id>.<session id>` an empty marker
written and purged with it, so that every session of one user can be found (and ended)
without reading any other; `pending.<id>` a log-in waiting for its second step, sealed the
same way under a key of its own cookie. Session ids never contain a dot, so no cookie can
name a marker or a pending log-in as a session.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from nats.js.errors import BucketNotFoundError, KeyNotFoundError

from services.common.bus import NatsLink, key_value_bucket

from .crypto import KeyPair, SymmetricKey
from .keyring import UnlockedKeys, own_key_pair

COOKIE = "custodian_session"
MAX_OPENED_CLIENTS = 500  # a session that opens more logs the oldest again: a bounded cookie-sized record
PENDING_COOKIE = "custodian_pending"
BUCKET = "custodian_sessions"
REFRESH_SECONDS = 60
PENDING_SECONDS = 300  # the second step of a log-in must follow its first within five minutes
USER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # never a wildcard in a subject filter
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
    must_change_password: bool = False  # an administrator set it through account recovery
    opened_clients: list[str] = field(default_factory=list)  # clients whose opening was logged this session
    # Whether the Admin Console has anything for them (an organization they help run, or a provider):
    # a plain User is not shown a link that would only refuse them. Read at log-in.
    administers: bool = True

    def remember_opening(self, organization_id: str) -> None:
        """Remember that this session's opening of a client was logged (at most MAX_OPENED_CLIENTS,
        the oldest forgotten first)."""
        if organization_id not in self.opened_clients:
            self.opened_clients = [*self.opened_clients, organization_id][-MAX_OPENED_CLIENTS:]

    def _seal(self) -> bytes:
        return json.dumps({
            "user_id": self.user_id, "email": self.email, "name": self.name, "providers": self.providers,
            "must_change_password": self.must_change_password, "opened_clients": self.opened_clients,
            "administers": self.administers,
            "user_key": base64.b64encode(self.keys.user_key.raw).decode(),
            "private_key": base64.b64encode(self.keys.private_key_der).decode(),
            "touched": self.touched,
        }).encode()

    @classmethod
    def _unseal(cls, raw: bytes,
                open_key_pair: Callable[[bytes], KeyPair] = own_key_pair) -> "VaultSession":
        data = json.loads(raw)
        keys = UnlockedKeys(SymmetricKey.from_bytes(base64.b64decode(data["user_key"])),
                            base64.b64decode(data["private_key"]), open_key_pair)
        return cls(data["user_id"], data["email"], data["name"], keys, data["providers"], data["touched"],
                   data.get("must_change_password", False), data.get("opened_clients", []),
                   data.get("administers", True))

    def role_in(self, provider_id: str) -> str | None:
        """This user's role in a provider, or None."""
        return next((p["role"] for p in self.providers if p["provider_id"] == provider_id), None)


@dataclass
class PendingLogin:
    """A log-in whose master password was right, waiting for its second step.

    It holds the master key so that the keys can be opened once identity lets them go, sealed
    like a session; it is never a session: nothing logged-in reads it.
    """

    email: str
    master_key: bytes = field(repr=False)
    challenge: str = field(repr=False)
    methods: list[str] = field(default_factory=list)
    next_url: str | None = None
    started: float = field(default_factory=time.time)

    def _seal(self) -> bytes:
        return json.dumps({"email": self.email, "master_key": base64.b64encode(self.master_key).decode(),
                           "challenge": self.challenge, "methods": self.methods, "next_url": self.next_url,
                           "started": self.started}).encode()

    @classmethod
    def _unseal(cls, raw: bytes) -> "PendingLogin":
        data = json.loads(raw)
        return cls(data["email"], base64.b64decode(data["master_key"]), data["challenge"], data["methods"],
                   data["next_url"], data["started"])


class ParsedKeyPairs:
    """The private keys this process has parsed, per session.

    Parsing and checking an RSA key costs 35-55 ms of CPU, more than the rest of a page, so a
    session's parsed key is kept for its next requests. Only in this process's memory; at most
    `capacity` of them (the least recently used go first); forgotten after the idle timeout and
    when the session ends here. An entry serves only the very DER it was parsed from.
    """

    def __init__(self, idle_seconds: float, capacity: int = 1024):
        self._idle, self._capacity = idle_seconds, capacity
        self._entries: OrderedDict[str, tuple[bytes, KeyPair, float]] = OrderedDict()
        self._lock = threading.Lock()

    def key_pair(self, session_id: str, der: bytes) -> KeyPair:
        """The key pair of this session's DER, parsed once."""
        digest, now = hashlib.sha256(der).digest(), time.monotonic()
        with self._lock:
            found = self._entries.get(session_id)
            if found is not None and found[0] == digest and now - found[2] < self._idle:
                self._entries[session_id] = (digest, found[1], now)
                self._entries.move_to_end(session_id)
                return found[1]
        key_pair = own_key_pair(der)
        with self._lock:
            self._entries[session_id] = (digest, key_pair, now)
            self._entries.move_to_end(session_id)
            while self._entries and (len(self._entries) > self._capacity
                                     or now - next(iter(self._entries.values()))[2] >= self._idle):
                self._entries.popitem(last=False)
        return key_pair

    def forget(self, *session_ids: str) -> None:
        """Drop the parsed keys of sessions that ended."""
        with self._lock:
            for session_id in session_ids:
                self._entries.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._entries)


class SessionStore:
    """Sessions in the NATS KV bucket, reached from synchronous Flask code."""

    def __init__(self, nats_url: str, idle_seconds: int):
        self._idle = idle_seconds
        self.parsed_keys = ParsedKeyPairs(idle_seconds)
        self._link = NatsLink(nats_url, "gateway-sessions")
        self._kv = None

    async def _bucket(self):
        if self._kv is None:
            nc = await self._link.connection()
            self._kv = await key_value_bucket(nc.jetstream(), BUCKET, self._idle)
        return self._kv

    def close(self) -> None:
        """Close this store's NATS connection (a process that stops, a test that ends)."""
        self._link.close()
        self._kv = None

    def _run(self, make_coroutine):
        async def job():
            return await make_coroutine(await self._bucket())
        try:
            return self._link.run(job(), timeout=5)
        except (KeyNotFoundError, BucketNotFoundError):
            raise
        except Exception as error:  # noqa: BLE001 - any NATS failure means the store is unavailable
            log.warning("session store unavailable: %s", type(error).__name__)
            raise SessionsUnavailable(str(error)) from error

    def _get(self, key: str):
        try:
            entry = self._run(lambda kv: kv.get(key))
        except KeyNotFoundError:
            return None
        return entry.value if entry and entry.value else None

    def _purge(self, *keys: str) -> None:
        async def purge(kv):
            for key in keys:
                await kv.purge(key)
        self._run(purge)

    def create(self, session: VaultSession) -> str:
        """Store `session`; returns the cookie value that alone can open it."""
        session_id = secrets.token_urlsafe(24)
        key = AESGCM.generate_key(bit_length=256)
        self._write(session_id, key, session)
        return _cookie(session_id, key)

    def _write(self, session_id: str, key: bytes, session: VaultSession) -> None:
        sealed = _seal(key, session_id, session._seal())
        marker = _marker(session.user_id, session_id)

        async def put(kv):
            await kv.put(session_id, sealed)
            await kv.put(marker, b"")  # written with the session, so it lives (and expires) as long
        self._run(put)

    def save(self, cookie: str | None, session: VaultSession) -> None:
        """Store what changed in the session the cookie opens (nothing if the cookie opens none)."""
        parsed = _parse_cookie(cookie)
        if parsed is not None:
            self._write(*parsed, session)

    def load(self, cookie: str | None) -> VaultSession | None:
        """The session the cookie opens, refreshed if due; None if there is none."""
        parsed = _parse_cookie(cookie)
        if parsed is None:
            return None
        session_id, key = parsed
        raw = _open(key, session_id, self._get(session_id))
        if raw is None:
            return None
        session = VaultSession._unseal(raw, lambda der: self.parsed_keys.key_pair(session_id, der))
        if time.time() - session.touched > REFRESH_SECONDS:
            session.touched = time.time()
            self._write(session_id, key, session)
        return session

    def delete(self, cookie: str | None) -> None:
        """End the session the cookie names."""
        parsed = _parse_cookie(cookie)
        if parsed is None:
            return
        session_id, key = parsed
        raw = _open(key, session_id, self._get(session_id))
        user_id = json.loads(raw)["user_id"] if raw else None
        self.parsed_keys.forget(session_id)
        self._purge(session_id, *([_marker(user_id, session_id)] if user_id else []))

    def end_sessions_of(self, user_id: str, keep_cookie: str | None = None) -> int:
        """End every session of `user_id` but the one of `keep_cookie`; how many were ended.

        The markers are listed by subject through the stream's info (what the gateway's NATS
        user may already ask), not by a consumer; a marker whose session is gone is only purged.
        """
        if not USER_ID.match(user_id or ""):
            raise ValueError("not a user id")
        keep = (_parse_cookie(keep_cookie) or (None,))[0]

        async def end(kv):
            js = (await self._link.connection()).jetstream()
            info = await js.stream_info(f"KV_{BUCKET}", subjects_filter=f"$KV.{BUCKET}.user.{user_id}.*")
            ended = 0
            for subject in sorted((info.state.subjects or {}).keys()):
                session_id = subject.rsplit(".", 1)[1]
                if session_id == keep:
                    continue
                self.parsed_keys.forget(session_id)
                try:
                    ended += bool((await kv.get(session_id)).value)
                except KeyNotFoundError:
                    pass
                await kv.purge(session_id)
                await kv.purge(_marker(user_id, session_id))
            return ended
        return self._run(end)

    def create_pending(self, pending: PendingLogin) -> str:
        """Store a log-in waiting for its second step; returns the value of its own cookie."""
        pending_id = secrets.token_urlsafe(24)
        key = AESGCM.generate_key(bit_length=256)
        sealed = _seal(key, f"pending.{pending_id}", pending._seal())
        self._run(lambda kv: kv.put(f"pending.{pending_id}", sealed))
        return _cookie(pending_id, key)

    def load_pending(self, cookie: str | None) -> PendingLogin | None:
        """The pending log-in the cookie opens, if it is younger than five minutes."""
        parsed = _parse_cookie(cookie)
        if parsed is None:
            return None
        pending_id, key = parsed
        raw = _open(key, f"pending.{pending_id}", self._get(f"pending.{pending_id}"))
        pending = PendingLogin._unseal(raw) if raw else None
        if pending is not None and time.time() - pending.started > PENDING_SECONDS:
            self._purge(f"pending.{pending_id}")
            return None
        return pending

    def end_pending(self, cookie: str | None) -> None:
        """Forget the pending log-in the cookie names (done, or given up)."""
        parsed = _parse_cookie(cookie)
        if parsed is not None:
            self._purge(f"pending.{parsed[0]}")


def _marker(user_id: str, session_id: str) -> str:
    if not USER_ID.match(user_id or ""):
        raise ValueError("not a user id")
    return f"user.{user_id}.{session_id}"


def _cookie(entry_id: str, key: bytes) -> str:
    return f"{entry_id}.{base64.urlsafe_b64encode(key).decode()}"


def _seal(key: bytes, name: str, plain: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    # The entry's name is the associated data: a sealed entry moved under another name opens nothing.
    return nonce + AESGCM(key).encrypt(nonce, plain, name.encode())


def _open(key: bytes, name: str, sealed: bytes | None) -> bytes | None:
    if not sealed:
        return None
    try:
        return AESGCM(key).decrypt(sealed[:12], sealed[12:], name.encode())
    except InvalidTag:
        return None


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
