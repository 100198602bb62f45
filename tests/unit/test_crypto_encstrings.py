"""Tests for gateway.crypto: EncString types 2 (symmetric) and 4 (RSA-OAEP), and the keys behind them."""

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
from gateway.crypto import EncStringError, KeyPair, SymmetricKey, unwrap, wrap


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
