"""Tests for gateway.crypto: Bitwarden-compatible KDFs, master password hashes and key stretching."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest

from gateway.crypto import (
    KdfParams,
    KeyPair,
    SymmetricKey,
    derive_master_key,
    hkdf_expand,
    master_password_hash,
    pbkdf2_sha256,
    stretch_master_key,
    unwrap,
)

# Small Argon2id settings so the suite stays fast; production uses far more memory.
FAST_ARGON2 = KdfParams(kind="argon2id", iterations=1, memory_mib=16, parallelism=1)
# Bitwarden's own unit-test Argon2id settings (see the sdk-internal vectors below).
BW_TEST_ARGON2 = KdfParams(kind="argon2id", iterations=4, memory_mib=32, parallelism=2)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# --------------------------------------------------------------------------- standard vectors


def test_hkdf_expand_reproduces_rfc5869_test_case_1():
    # RFC 5869 Appendix A.1: PRK is the Extract output, so only Expand is exercised.
    prk = bytes.fromhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    info = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    okm = bytes.fromhex(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )
    assert hkdf_expand(prk, info, 42) == okm


def test_pbkdf2_reproduces_rfc7914_section_11_vector():
    expected = bytes.fromhex(
        "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
    )
    assert pbkdf2_sha256(b"passwd", b"salt", 1, 64) == expected


# --------------------------------------------------------------------------- Bitwarden vectors
# Copied from bitwarden/sdk-internal, crates/bitwarden-crypto/src/keys/:
#   kdf.rs         @ 0110d0b594bb6745c3ddfd2902369b74002eb9ce  (test_master_key_derive_*)
#   master_key.rs  @ 0110d0b594bb6745c3ddfd2902369b74002eb9ce  (test_password_hash_*)
#   utils.rs       @ 0454d4e5ef0ebeb2da5a6c44577365b2248c29f7  (test_stretch_kdf_key)
#   device_key.rs  @ 03dccdab23445103f3ad98f4e4c7b3e7def119ad  (test_decrypt_user_key)

BW_MASTER_KEY = bytes(
    [
        31, 79, 104, 226, 150, 71, 177, 90, 194, 80, 172, 209, 17, 129, 132, 81, 138, 167,
        69, 167, 254, 149, 2, 27, 39, 197, 64, 42, 22, 195, 86, 75,
    ]
)  # fmt: skip


def test_pbkdf2_master_key_matches_bitwarden_sdk_vector():
    params = KdfParams(kind="pbkdf2", iterations=10_000)
    assert derive_master_key("67t9b5g67$%Dh89n", "test_key", params) == BW_MASTER_KEY


def test_argon2id_master_key_matches_bitwarden_sdk_vector():
    expected = bytes(
        [
            207, 240, 225, 177, 162, 19, 163, 76, 98, 106, 179, 175, 224, 9, 17, 240, 20, 147,
            237, 47, 246, 150, 141, 184, 62, 225, 131, 242, 51, 53, 225, 242,
        ]
    )  # fmt: skip
    assert derive_master_key("67t9b5g67$%Dh89n", "test_key", BW_TEST_ARGON2) == expected


@pytest.mark.parametrize("email", ["test@bitwarden.com", "TEST@bitwarden.com", " test@bitwarden.com"])
def test_pbkdf2_master_password_hash_matches_bitwarden_sdk_vector_for_any_email_casing(email):
    params = KdfParams(kind="pbkdf2", iterations=100_000)
    master_key = derive_master_key("asdfasdf", email, params)
    assert master_password_hash(master_key, "asdfasdf") == "wmyadRMyBZOH7P/a/ucTCbSghKgdzDpPqUnu/DAVtSw="


def test_argon2id_master_password_hash_matches_bitwarden_sdk_vector():
    master_key = derive_master_key("asdfasdf", "test_salt", BW_TEST_ARGON2)
    assert master_password_hash(master_key, "asdfasdf") == "PR6UjYmjmppTYcdyTiNbAhPJuQQOmynKbdEl1oyi/iQ="


def test_stretched_master_key_matches_bitwarden_sdk_vector():
    enc = bytes(
        [
            111, 31, 178, 45, 238, 152, 37, 114, 143, 215, 124, 83, 135, 173, 195, 23, 142,
            134, 120, 249, 61, 132, 163, 182, 113, 197, 189, 204, 188, 21, 237, 96,
        ]
    )  # fmt: skip
    mac = bytes(
        [
            221, 127, 206, 234, 101, 27, 202, 38, 86, 52, 34, 28, 78, 28, 185, 16, 48, 61, 127,
            166, 209, 247, 194, 87, 232, 26, 48, 85, 193, 249, 179, 155,
        ]
    )  # fmt: skip
    assert stretch_master_key(BW_MASTER_KEY).raw == enc + mac


def test_a_desktop_app_device_key_chain_decrypts_to_the_known_user_key():
    # A real type 2 EncString (PKCS#8 private key) and type 4 EncString (user key) from the
    # Bitwarden desktop app, exercising symmetric decrypt, DER loading and RSA unwrap together.
    user_key = bytes(
        [
            109, 128, 172, 147, 206, 123, 134, 95, 16, 36, 155, 113, 201, 18, 186, 230, 216, 212,
            173, 188, 74, 11, 134, 131, 137, 242, 105, 178, 105, 126, 52, 139, 248, 91, 215, 21,
            128, 91, 226, 222, 165, 67, 251, 34, 83, 81, 77, 147, 225, 76, 13, 41, 102, 45, 183,
            218, 106, 89, 254, 208, 251, 101, 130, 10,
        ]
    )  # fmt: skip
    device_key = SymmetricKey.from_bytes(
        bytes(
            [
                114, 235, 60, 115, 172, 156, 203, 145, 195, 130, 215, 250, 88, 146, 215, 230, 12, 109,
                245, 222, 54, 217, 255, 211, 221, 105, 230, 236, 65, 52, 209, 133, 76, 208, 113, 254,
                194, 216, 156, 19, 230, 62, 32, 93, 87, 7, 144, 156, 117, 142, 250, 32, 182, 118, 187,
                8, 247, 7, 203, 201, 65, 147, 206, 247,
            ]
        )
    )  # fmt: skip
    protected_user_key = (
        "4.f+VbbacRhO2q4MOUSdt1AIjQ2FuLAvg4aDxJMXAh3VxvbmUADj8Ct/R7XEpPUqApmbRS566jS0eRVy8Sk08ogoCdj1IFN9"
        "VsIky2i2X1WHK1fUnr3UBmXE3tl2NPBbx56U+h73S2jNTSyet2W18Jg2q7/w8KIhR3J41QrG9aGoOTN93to3hb5W4z6rdrSI0"
        "e7GkizbwcIA0NH7Z1JyAhrjPm9+tjRjg060YbEbGaWTAOkZWfgbLjr8bY455DteO2xxG139cOx7EBo66N+YhjsLi0ozkeUyPQ"
        "koWBdKMcQllS7jCfB4fDyJA05ALTbk74syKkvqFxqwmQbg+aVn+dcw=="
    )
    protected_device_private_key = (
        "2.GyQfUYWW6Byy4UV5icFLxg==|EMiU7OTF79N6tfv3+YUs5zJhBAgqv6sa5YCoPl6yAETh7Tfk+JmbeizxXFPj5Q1X/tcVpD"
        "Zl/3fGcxtnIxg1YtvDFn7j8uPnoApOWhCKmwcvJSIkt+qvX3lELNBwZXozSiy7PbQ0JbCMe2d4MkimR5k8+lE9FB3208yYK7n"
        "OJhlrsUCnOekCYEU9/4NCMA8tz8SpITx/MN4JJ1TQ/KjPJYLt+3JNUxK47QlgREWQvyVzCRt7ZGtcgIJ/U1qycAWMpEg9NkuV"
        "8j5QRA1S7VBsA6qliJwys5+dmTuIOmOMwdKFZDc4ZvWoRkPp2TSJBu7L8sSAgU6mmDWac8iQ+9Ka/drdfwYLrH8GAZvURk79t"
        "SpRrT7+PAFe2QdUtliUIyiqkh8iJVjZube4hRnEsRuX9V9b+UdtAr6zAj7mugO/VAu5T9J38V79V2ohG3NtXysDeKLXpAlkhj"
        "llWXeq/wret2fD4WiwqEDj0G2A/PY3F3OziIgp0UKc00AfqrPq8OVK3A+aowwVqdYadgxyoVCKWJ8unJeAXG7MrMQ9tHpzF6C"
        "OoaEy7Wwoc17qko33zazwLZbfAjB4oc8Ea26jRKnJZP56sVZAjOSQQMziAsA08MRaa/DQhgRea1+Ygba0gMft8Dww8anN2gQB"
        "veTZRBWyqXYgN3U0Ity5gNauT8RnFk9faqVFt2Qxnp0JgJ+PsqEt5Hn4avBRZQQ7o8VvPnxYLDKFe3I2m6HFYFWRhOGeDYxex"
        "IuaiF2iIAYFVUmnDuWpgnUiL4XJ3KHDsjkPzcV3z4D2Knr/El2VVXve8jhDjETfovmmN28+i2e29PXvKIymTskMFpFCQPc7wB"
        "Y/Id7pmgb3SujKYNpkAS2sByDoRir0my49DDGfta0dENssJhFd3x+87fZbEj3cMiikg2pBwpTLgmfIUa5cVZU2s8JZ9wu7gai"
        "oYzvX+elHa3EHLcnEUoJTtSf9kjb+Nbq4ktMgYAO2wIC96t1LvmqK4Qn2cOdw5QNlRqALhqe5V31kyIcwRMK0AyIoOPhnSqtp"
        "YdFiR3LDTvZA8dU0vSsuchCwHNMeRUtKvdzN/tk+oeznyY/mpakUESN501lEKd/QFLtJZsDZTtNlcA8fU3kDtws4ZIMR0O5+P"
        "FmgQFSU8OMobf9ClUzy/wHTvYGyDuSwbOoPeS955QKkUKXCNMj33yrPr+ioHQ1BNwLX3VmMF4bNRBY/vr+CG0/EZi0Gwl0kyH"
        "Gl0yWEtpQuu+/PaROJeOraWy5D1UoZZhY4n0zJZBt1eg3FZ2rhKv4gdUc50nZpeNWE8pIqZ6RQ7qPJuqfF1Z+G73iOSnLYCHD"
        "iiFmhD5ivf9IGkTAcWcBsQ/2wcSj9bFJr4DrKfsbQ4CkSWICWVn/W+InKkO6BTsBbYmvte5SvbaN+UOtiUSkHLBCCr8273VNg"
        "cB/hgtbUires3noxYZJxoczr+i7vdlEgQnWEKrpo0CifsFxGwYS3Yy2K79iwvDMaLPDf73zLSbuoUl6602F2Mzcjnals67f+gS"
        "paDvWt7Kg9c/ZfGjq8oNxVaXJnX3gSDsO+fhwVAtnDApL+tL8cFfxGerW4KGi9/74woH+C3MMIViBtNnrpEuvxUW97Dg5nd40"
        "oGDeyi/q+8HdcxkneyFY=|JYdol19Yi+n1r7M+06EwK5JCi2s/CWqKui2Cy6hEb3k="
    )
    device_private_der = device_key.decrypt(protected_device_private_key)
    device_keypair = KeyPair.from_private_der(device_private_der)
    assert unwrap(protected_user_key, device_keypair) == user_key


# --------------------------------------------------------------------------- KDF behaviour


def test_master_key_derivation_matches_an_independent_pbkdf2_reference():
    params = KdfParams(kind="pbkdf2", iterations=5_000)
    expected = hashlib.pbkdf2_hmac("sha256", b"correct horse", b"alice@example.com", 5_000, 32)
    assert derive_master_key("correct horse", "  Alice@Example.COM ", params) == expected


def test_argon2id_derives_32_deterministic_bytes():
    first = derive_master_key("hunter2", "alice@example.com", FAST_ARGON2)
    second = derive_master_key("hunter2", "alice@example.com", FAST_ARGON2)
    assert len(first) == 32
    assert first == second


def test_argon2id_output_differs_by_email_but_not_by_email_casing():
    alice = derive_master_key("hunter2", "alice@example.com", FAST_ARGON2)
    assert derive_master_key("hunter2", " ALICE@example.com\n", FAST_ARGON2) == alice
    assert derive_master_key("hunter2", "bob@example.com", FAST_ARGON2) != alice


def test_argon2id_and_pbkdf2_give_different_master_keys():
    pbkdf2 = derive_master_key("hunter2", "alice@example.com", KdfParams(kind="pbkdf2", iterations=5_000))
    assert derive_master_key("hunter2", "alice@example.com", FAST_ARGON2) != pbkdf2


def test_an_empty_email_is_refused_as_a_salt():
    with pytest.raises(ValueError, match="email"):
        derive_master_key("hunter2", "   ", KdfParams(kind="pbkdf2", iterations=5_000))


def test_master_password_hash_is_deterministic_and_differs_from_the_master_key():
    master_key = os.urandom(32)
    first = master_password_hash(master_key, "hunter2")
    assert first == master_password_hash(master_key, "hunter2")
    assert base64.b64decode(first) != master_key
    assert len(base64.b64decode(first)) == 32


def test_master_password_hash_matches_an_independent_pbkdf2_reference():
    master_key = os.urandom(32)
    expected = hashlib.pbkdf2_hmac("sha256", master_key, "pässword".encode(), 1, 32)
    assert master_password_hash(master_key, "pässword") == _b64(expected)


def test_master_password_hash_depends_on_the_password():
    master_key = os.urandom(32)
    assert master_password_hash(master_key, "a") != master_password_hash(master_key, "b")


def test_stretching_matches_an_independent_hmac_based_hkdf_expand():
    # For 32 bytes HKDF-Expand is a single block: T(1) = HMAC(PRK, info || 0x01).
    master_key = os.urandom(32)
    enc = hmac.new(master_key, b"enc\x01", hashlib.sha256).digest()
    mac = hmac.new(master_key, b"mac\x01", hashlib.sha256).digest()
    assert stretch_master_key(master_key).raw == enc + mac


@pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 64, "x" * 32])
def test_master_key_helpers_refuse_keys_that_are_not_32_bytes(bad):
    with pytest.raises(ValueError):
        stretch_master_key(bad)
    with pytest.raises(ValueError):
        master_password_hash(bad, "pw")


# --------------------------------------------------------------------------- KdfParams


def test_default_kdf_params_are_pbkdf2_with_600000_iterations():
    assert KdfParams.default() == KdfParams(kind="pbkdf2", iterations=600_000)


@pytest.mark.parametrize("params", [KdfParams.default(), FAST_ARGON2, BW_TEST_ARGON2])
def test_kdf_params_survive_a_dict_round_trip(params):
    assert KdfParams.from_dict(params.as_dict()) == params


def test_kdf_params_as_dict_has_stable_keys():
    assert KdfParams.default().as_dict() == {
        "kind": "pbkdf2",
        "iterations": 600_000,
        "memory_mib": None,
        "parallelism": None,
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "pbkdf2", "iterations": 4_999}, "between 5000 and 2000000"),
        ({"kind": "pbkdf2", "iterations": 2_000_001}, "between 5000 and 2000000"),
        ({"kind": "pbkdf2", "iterations": True}, "integer"),
        ({"kind": "pbkdf2", "iterations": "600000"}, "integer"),
        ({"kind": "pbkdf2", "iterations": 600_000, "memory_mib": 64}, "only apply to argon2id"),
        ({"kind": "argon2id", "iterations": 0, "memory_mib": 64, "parallelism": 4}, "iterations"),
        ({"kind": "argon2id", "iterations": 11, "memory_mib": 64, "parallelism": 4}, "iterations"),
        ({"kind": "argon2id", "iterations": 3, "memory_mib": 15, "parallelism": 4}, "memory_mib"),
        ({"kind": "argon2id", "iterations": 3, "memory_mib": 1025, "parallelism": 4}, "memory_mib"),
        ({"kind": "argon2id", "iterations": 3, "memory_mib": 64, "parallelism": 0}, "parallelism"),
        ({"kind": "argon2id", "iterations": 3, "memory_mib": 64, "parallelism": 17}, "parallelism"),
        ({"kind": "argon2id", "iterations": 3}, "memory_mib"),
        ({"kind": "scrypt", "iterations": 3}, "kind"),
        ({"iterations": 600_000}, "missing"),
        ({"kind": "pbkdf2", "iterations": 600_000, "salt": "x"}, "unknown"),
    ],
)
def test_out_of_range_or_malformed_kdf_params_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ValueError, match=message):
        KdfParams.from_dict(data)


def test_kdf_params_are_validated_on_direct_construction_too():
    with pytest.raises(ValueError):
        KdfParams(kind="pbkdf2", iterations=1)


def test_only_a_persons_own_key_skips_the_rsa_checks(monkeypatch):
    """Another party's key (an organization's, a member's in a recovery) is checked in full: the
    skip is for the key a person's own user key just opened, whose bytes only they could choose."""
    from cryptography.hazmat.primitives import serialization

    from gateway.crypto import KeyPair
    from gateway.keyring import own_key_pair

    der = KeyPair.generate().private_key_der()
    skipped = []
    real = serialization.load_der_private_key

    def recorded(data, password, unsafe_skip_rsa_key_validation):
        skipped.append(unsafe_skip_rsa_key_validation)
        return real(data, password, unsafe_skip_rsa_key_validation=unsafe_skip_rsa_key_validation)
    monkeypatch.setattr(serialization, "load_der_private_key", recorded)
    KeyPair.from_private_der(der)
    own_key_pair(der)
    assert skipped == [False, True]
