"""What opening the session costs each request of a logged-in user, in the gateway.

A request opens its sealed session and, for most pages, uses the private key (provider and
organization keys are wrapped to it). Before issue 11 the RSA key was parsed and checked on
every request; now it is parsed on a session's first use in a process and found parsed after.
Baseline, in the same run: AES-GCM-opening and reading the same sealed session without its
keys. Last line: one summary a CI log can keep. Run: `.venv/bin/python -m bench.session_open`.
"""
from __future__ import annotations


from bench.measure import median_seconds
from gateway.crypto import KeyPair, SymmetricKey
from gateway.keyring import UnlockedKeys
from gateway.sessions import ParsedKeyPairs, VaultSession, _open, _seal

REPEAT = 200


def timed(action) -> float:
    """The median seconds of `action` over REPEAT runs."""
    return median_seconds(action, REPEAT)


def main() -> None:
    session = VaultSession("user", "user@bench.example", "Bench User",
                           UnlockedKeys.of(SymmetricKey.generate(), KeyPair.generate()),
                           [{"provider_id": "p", "name": "Provider", "role": "admin", "may": ["list_clients"]}])
    key = b"k" * 32
    sealed = _seal(key, "session-id", session._seal())
    parsed = ParsedKeyPairs(idle_seconds=1800)

    def baseline():
        VaultSession._unseal(_open(key, "session-id", sealed), lambda der: None)

    def every_request_parses():
        VaultSession._unseal(_open(key, "session-id", sealed)).keys.key_pair.public_key_b64

    def parsed_once():
        opened = VaultSession._unseal(_open(key, "session-id", sealed),
                                      lambda der: parsed.key_pair("session-id", der))
        opened.keys.key_pair.public_key_b64

    base, before, now = timed(baseline), timed(every_request_parses), timed(parsed_once)
    print(f"open the sealed session (baseline): {base * 1000:.3f} ms")
    print(f"open it and parse the private key (each request, before): {before * 1000:.3f} ms")
    print(f"open it and use the key parsed once per session (now): {now * 1000:.3f} ms")
    print(f"session_open: now {now / base:.1f}x baseline, before {before / base:.1f}x; "
          f"{before / now:.0f}x less per request")


if __name__ == "__main__":
    main()
