"""Tests for gateway.crypto: Bitwarden-compatible KDFs and EncString types 2 and 4."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

import gateway.crypto.symmetric as symmetric_module
from gateway.crypto import (
    EncStringError,
    KdfParams,
    KeyPair,
    SymmetricKey,
    derive_master_key,
    hkdf_expand,
    master_password_hash,
    pbkdf2_sha256,
    stretch_master_key,
    unwrap,
    wrap,
)

# Small Argon2id settings so the suite stays fast; production uses far more memory.
FAST_ARGON2 = KdfParams(kind="argon2id", iterations=1, memory_mib=16, parallelism=1)
# Bitwarden's own unit-test Argon2id settings (see the sdk-internal vectors below).
BW_TEST_ARGON2 = KdfParams(kind="argon2id", iterations=4, memory_mib=32, parallelism=2)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _flip_bit(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


@pytest.fixture(scope="module")
def keypair() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="module")
def other_keypair() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="module")
def key() -> SymmetricKey:
    return SymmetricKey.generate()


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


# --------------------------------------------------------------------------- type 2 EncString


@given(plaintext=st.binary(max_size=4096))
def test_any_bytes_survive_a_type_2_round_trip(key, plaintext):
    encstring = key.encrypt(plaintext)
    assert encstring.startswith("2.")
    assert key.decrypt(encstring) == plaintext


@given(text=st.text(max_size=512))
def test_any_text_survives_a_type_2_round_trip(key, text):
    assert key.decrypt_text(key.encrypt_text(text)) == text


def test_type_2_encstrings_have_three_base64_parts_of_the_right_sizes(key):
    body = key.encrypt(b"x" * 20).removeprefix("2.")
    iv, ciphertext, mac = (base64.b64decode(p, validate=True) for p in body.split("|"))
    assert (len(iv), len(ciphertext), len(mac)) == (16, 32, 32)


def test_encrypting_twice_uses_a_fresh_iv(key):
    assert key.encrypt(b"same") != key.encrypt(b"same")


@settings(max_examples=60)
@given(part=st.sampled_from([0, 1, 2]), data=st.data())
def test_a_single_flipped_bit_in_iv_ciphertext_or_mac_is_refused(key, part, data):
    parts = [base64.b64decode(p) for p in key.encrypt(b"attack at dawn").removeprefix("2.").split("|")]
    bit = data.draw(st.integers(min_value=0, max_value=len(parts[part]) * 8 - 1))
    parts[part] = _flip_bit(parts[part], bit)
    with pytest.raises(EncStringError):
        key.decrypt("2." + "|".join(_b64(p) for p in parts))


def test_a_tampered_ciphertext_is_refused(key):
    iv, ciphertext, mac = key.encrypt(b"attack at dawn").removeprefix("2.").split("|")
    other_ciphertext = key.encrypt(b"retreat at noon").removeprefix("2.").split("|")[1]
    with pytest.raises(EncStringError, match="MAC"):
        key.decrypt(f"2.{iv}|{other_ciphertext}|{mac}")


def test_the_mac_is_verified_before_anything_is_decrypted(key, monkeypatch):
    iv, ciphertext, mac = key.encrypt(b"attack at dawn").removeprefix("2.").split("|")
    tampered = f"2.{iv}|{ciphertext}|{_b64(_flip_bit(base64.b64decode(mac), 0))}"

    def cipher_must_not_run(*args, **kwargs):
        raise AssertionError("cipher used before MAC verification")

    monkeypatch.setattr(symmetric_module, "Cipher", cipher_must_not_run)
    with pytest.raises(EncStringError, match="MAC"):
        key.decrypt(tampered)


def test_a_correctly_authenticated_ciphertext_with_bad_padding_is_refused(key):
    # Build a block whose last byte is an impossible PKCS#7 pad, then MAC it properly.
    iv = os.urandom(16)
    enc_key, mac_key = key.raw[:32], key.raw[32:]
    encryptor = Cipher(algorithms.AES(enc_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(b"\x00" * 15 + b"\x11") + encryptor.finalize()
    mac = hmac.new(mac_key, iv + ciphertext, hashlib.sha256).digest()
    with pytest.raises(EncStringError, match="padding"):
        key.decrypt(f"2.{_b64(iv)}|{_b64(ciphertext)}|{_b64(mac)}")


def test_decrypting_with_the_wrong_key_is_refused(key):
    encstring = key.encrypt(b"secret")
    with pytest.raises(EncStringError):
        SymmetricKey.generate().decrypt(encstring)


def test_non_utf8_plaintext_is_refused_by_decrypt_text_without_echoing_it(key):
    with pytest.raises(EncStringError) as excinfo:
        key.decrypt_text(key.encrypt(b"\xffsecret\xfe"))
    assert "secret" not in str(excinfo.value)
    assert excinfo.value.__cause__ is None and excinfo.value.__suppress_context__


_IV = _b64(b"\x00" * 16)
_CT = _b64(b"\x00" * 32)
_MAC = _b64(b"\x00" * 32)


@pytest.mark.parametrize(
    "encstring",
    [
        "",
        "2.",
        "2",
        "3.a|b|c",
        "0." + _IV + "|" + _CT,
        _IV + "|" + _CT + "|" + _MAC,
        "2." + _IV + "|" + _CT,
        "2." + _IV + "|" + _CT + "|" + _MAC + "|" + _MAC,
        "2.!!!!|" + _CT + "|" + _MAC,
        "2." + _IV + "|%%%%|" + _MAC,
        "2." + _IV + "|" + _CT + "|not base64",
        "2." + _IV + "||" + _MAC,
        "2." + _b64(b"\x00" * 15) + "|" + _CT + "|" + _MAC,
        "2." + _IV + "|" + _b64(b"\x00" * 31) + "|" + _MAC,
        "2." + _IV + "|" + _CT + "|" + _b64(b"\x00" * 31),
        "2." + _IV + "|" + _CT + "|" + _MAC + "\n",
        "2.ÄÄÄÄ|" + _CT + "|" + _MAC,
        "2." + _IV + "|" + _CT + "|" + _MAC,
    ],
)
def test_malformed_type_2_encstrings_are_refused(key, encstring):
    with pytest.raises(EncStringError):
        key.decrypt(encstring)


def test_a_non_string_encstring_is_refused(key):
    with pytest.raises(EncStringError):
        key.decrypt(b"2.abc")  # type: ignore[arg-type]


def test_encstring_error_is_a_value_error():
    assert issubclass(EncStringError, ValueError)


def test_error_messages_never_contain_key_material_or_plaintext(key):
    plaintext = b"TOP-SECRET-PLAINTEXT"
    good = key.encrypt(plaintext)
    iv, ciphertext, mac = good.removeprefix("2.").split("|")
    failures = [
        f"2.{iv}|{ciphertext}|{_MAC}",
        "2." + _IV + "|" + _CT + "|" + _b64(key.raw[:32]),
        "3." + key.raw.hex(),
    ]
    secrets = [key.raw.hex(), _b64(key.raw), _b64(key.raw[:32]), _b64(key.raw[32:]), plaintext.decode()]
    for encstring in failures + [good]:
        try:
            SymmetricKey.generate().decrypt(encstring)
        except EncStringError as exc:
            message = str(exc)
            assert not any(secret in message for secret in secrets), message
        else:  # pragma: no cover
            pytest.fail("decrypt with an unrelated key should fail")


@pytest.mark.parametrize("raw", [b"", b"\x00" * 32, b"\x00" * 63, b"\x00" * 65])
def test_symmetric_keys_must_be_exactly_64_bytes(raw):
    with pytest.raises(ValueError, match="64"):
        SymmetricKey.from_bytes(raw)


def test_generated_symmetric_keys_are_64_random_bytes():
    first, second = SymmetricKey.generate(), SymmetricKey.generate()
    assert len(first.raw) == 64
    assert first != second
    assert SymmetricKey.from_bytes(first.raw) == first


def test_the_repr_of_a_symmetric_key_reveals_no_key_bytes():
    key = SymmetricKey.generate()
    for shown in (repr(key), str(key), f"{key}", repr([key])):
        for secret in (key.raw.hex(), _b64(key.raw), repr(key.raw), key.raw[:8].hex(), _b64(key.raw[32:])):
            assert secret not in shown


# --------------------------------------------------------------------------- type 4 EncString


@settings(max_examples=40, deadline=None)
@given(data=st.binary(min_size=64, max_size=64))
def test_a_64_byte_key_survives_a_type_4_round_trip(keypair, data):
    encstring = wrap(data, keypair.public_key_b64)
    assert encstring.startswith("4.")
    assert len(base64.b64decode(encstring[2:], validate=True)) == 256
    assert unwrap(encstring, keypair) == data


def test_a_wrapped_symmetric_key_unwraps_to_the_same_key(keypair):
    key = SymmetricKey.generate()
    assert SymmetricKey.from_bytes(unwrap(wrap(key.raw, keypair.public_key_b64), keypair)) == key


def test_unwrapping_with_the_wrong_private_key_is_refused(keypair, other_keypair):
    encstring = wrap(os.urandom(64), keypair.public_key_b64)
    with pytest.raises(EncStringError):
        unwrap(encstring, other_keypair)


def test_a_tampered_type_4_ciphertext_is_refused(keypair):
    ciphertext = base64.b64decode(wrap(os.urandom(64), keypair.public_key_b64)[2:])
    with pytest.raises(EncStringError):
        unwrap("4." + _b64(_flip_bit(ciphertext, 1000)), keypair)


@pytest.mark.parametrize(
    "encstring",
    [
        "",
        "4.",
        "4",
        "2." + _b64(b"\x00" * 256),
        "3." + _b64(b"\x00" * 256),
        "4.!!!!",
        "4." + _b64(b"\x00" * 255),
        "4." + _b64(b"\x00" * 256) + "|" + _MAC,
        "4." + _b64(b"\x00" * 256),
        _b64(b"\x00" * 256),
    ],
)
def test_malformed_type_4_encstrings_are_refused(keypair, encstring):
    with pytest.raises(EncStringError):
        unwrap(encstring, keypair)


def test_the_public_key_is_base64_spki_der_for_rsa_2048_with_exponent_65537(keypair):
    public_key = serialization.load_der_public_key(base64.b64decode(keypair.public_key_b64, validate=True))
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 2048
    assert public_key.public_numbers().e == 65537


def test_a_private_key_survives_der_export_encryption_and_reload(keypair):
    # The intended storage path: PKCS#8 DER wrapped in a type 2 EncString under the user key.
    user_key = SymmetricKey.generate()
    stored = user_key.encrypt(keypair.private_key_der())
    reloaded = KeyPair.from_private_der(user_key.decrypt(stored))
    assert reloaded.public_key_b64 == keypair.public_key_b64
    assert unwrap(wrap(b"k" * 64, keypair.public_key_b64), reloaded) == b"k" * 64


def test_private_key_der_is_unencrypted_pkcs8(keypair):
    key = serialization.load_der_private_key(keypair.private_key_der(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)


@pytest.mark.parametrize("der", [b"", b"not a key", os.urandom(1200)])
def test_garbage_private_key_der_is_refused(der):
    with pytest.raises(ValueError):
        KeyPair.from_private_der(der)


def test_a_non_rsa_private_key_is_refused():
    der = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="RSA"):
        KeyPair.from_private_der(der)


@pytest.mark.parametrize("public_key_b64", ["", "!!!!", _b64(b"not a key")])
def test_wrapping_for_a_malformed_public_key_is_refused(public_key_b64):
    with pytest.raises(ValueError):
        wrap(b"k" * 64, public_key_b64)


def test_wrapping_more_than_oaep_sha1_allows_is_refused(keypair):
    with pytest.raises(ValueError, match="214"):
        wrap(b"k" * 215, keypair.public_key_b64)


def test_the_repr_of_a_keypair_reveals_no_key_material(keypair):
    private_b64 = _b64(keypair.private_key_der())
    for shown in (repr(keypair), str(keypair), f"{keypair}"):
        assert keypair.public_key_b64[:40] not in shown
        assert private_b64[100:140] not in shown
        assert keypair.private_key_der()[:16].hex() not in shown


def test_account_recovery_opens_the_same_user_key_and_refuses_one_that_does_not_fit():
    from gateway import keyring
    from gateway.crypto import KdfParams

    member = keyring.new_account("member@acme.example", "old master password 1", KdfParams("pbkdf2", 5000))
    master_key = keyring.log_in_hash("member@acme.example", "old master password 1", KdfParams("pbkdf2", 5000))[1]
    keys = keyring.unlock(master_key, member.protected_user_key, member.encrypted_private_key)
    organization = keyring.new_client_organization(SymmetricKey.generate())
    org_key = SymmetricKey.generate()
    org_pair = KeyPair.generate()
    encrypted_org_private_key = org_key.encrypt(org_pair.private_key_der())
    enrolment = keyring.recovery_enrolment(keys.user_key, org_pair.public_key_b64)
    member_pair = (member.public_key, member.encrypted_private_key)
    opened = keyring.recovered_user_key(enrolment, org_key, encrypted_org_private_key, org_pair.public_key_b64,
                                        member_pair)
    assert opened == keys.user_key
    new = keyring.new_master_password("member@acme.example", "new master password 2", KdfParams("pbkdf2", 5000),
                                      opened)
    new_master_key = keyring.log_in_hash("member@acme.example", "new master password 2", KdfParams("pbkdf2", 5000))
    assert new_master_key[0] == new.master_password_hash
    assert keyring.unlock(new_master_key[1], new.protected_user_key, member.encrypted_private_key).user_key == opened
    impostor = keyring.recovery_enrolment(SymmetricKey.generate(), org_pair.public_key_b64)
    with pytest.raises(ValueError):
        keyring.recovered_user_key(impostor, org_key, encrypted_org_private_key, org_pair.public_key_b64,
                                   member_pair)
    with pytest.raises(ValueError):  # the organization's key pair is not the one its public key names
        keyring.recovered_user_key(enrolment, org_key, encrypted_org_private_key, organization.public_key,
                                   member_pair)
