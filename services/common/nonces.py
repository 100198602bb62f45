"""The nonces of accepted internal calls, in a NATS KV bucket shared by every instance of a service.

`create` stores a key only if the bucket does not hold it, decided on the server, so two
instances handed the same captured call cannot both accept it. The bucket's TTL forgets a
nonce once a call carrying it would be refused as too old anyway.
"""
from __future__ import annotations

import logging

from nats.js.errors import KeyWrongLastSequenceError

from .bus import NatsLink, key_value_bucket
from .internal_auth import NONCE_MEMORY_SECONDS, NoncesUnavailable

BUCKET_PREFIX = "custodian_nonces_"
# A claim is one round trip, but the first one of a process also connects: as long as the session store waits.
CLAIM_TIMEOUT_SECONDS = 5
log = logging.getLogger(__name__)


def nonce_bucket(service: str) -> str:
    """The KV bucket holding the used nonces of `service`'s calls."""
    return f"{BUCKET_PREFIX}{service}"


class NatsNonces:
    """The used nonces of one service, claimed from synchronous Flask code."""

    def __init__(self, link: NatsLink, service: str):
        self._link = link
        self._service = service
        self._kv = None

    async def _bucket(self):
        if self._kv is None:
            nc = await self._link.connection()
            self._kv = await key_value_bucket(nc.jetstream(), nonce_bucket(self._service), NONCE_MEMORY_SECONDS)
        return self._kv

    async def _claim(self, nonce: str) -> bool:
        try:
            await (await self._bucket()).create(nonce, b"")
        except KeyWrongLastSequenceError:
            return False
        return True

    def claim(self, nonce: str) -> bool:
        """True if `nonce` was unused and is now taken; NoncesUnavailable if NATS does not answer."""
        try:
            return self._link.run(self._claim(nonce), timeout=CLAIM_TIMEOUT_SECONDS)
        except Exception as error:  # noqa: BLE001 - any NATS failure means no call can be told from a replay
            log.warning("used-nonce store unavailable: %s", type(error).__name__)
            raise NoncesUnavailable(type(error).__name__) from error
