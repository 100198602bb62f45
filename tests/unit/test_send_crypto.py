"""Tests for Send crypto (ADR 19 §1): full HKDF, the send key's derived keys and CSF1 streams."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.crypto import SymmetricKey, hkdf, send_keys
from gateway.crypto.stream import (
    CHUNK_SIZE,
    CIPHERTEXT_CHUNK_SIZE,
    TamperedFile,
    chunk_count,
    ciphertext_size,
    decrypt_stream,
    encrypt_stream,
)

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "send_csf1.json"

FILE_KEY = bytes(range(32))
SEND_ID = bytes(range(100, 116))
OTHER_SEND_ID = bytes(range(200, 216))
PREFIX = bytes.fromhex("0102030405060708")


def _pattern(size: int) -> bytes:
    # Non-repeating at chunk boundaries, so a misplaced byte cannot go unnoticed.
    return (hashlib.sha256(b"csf1").digest() * (size // 32 + 1))[:size] if size else b""


def _blocks(data: bytes, sizes: list[int]) -> list[bytes]:
    # Cuts data into blocks cycling through awkward sizes, so chunk edges fall mid-block.
    out, pos, i = [], 0, 0
    while pos < len(data):
        n = sizes[i % len(sizes)]
        out.append(data[pos : pos + n])
        pos += n
        i += 1
    return out


def _encrypt(
    data: bytes, send_id: bytes = SEND_ID, block_sizes: list[int] | None = None
) -> list[bytes]:
    blocks = _blocks(data, block_sizes) if block_sizes else [data]
    return list(encrypt_stream(FILE_KEY, send_id, blocks, prefix=PREFIX))


def _decrypt(chunks: list[bytes], send_id: bytes = SEND_ID, prefix: bytes = PREFIX) -> bytes:
    return b"".join(decrypt_stream(FILE_KEY, send_id, prefix, chunks))


# --------------------------------------------------------------------------- HKDF and send keys


def test_hkdf_reproduces_rfc5869_test_case_1_with_extract_and_expand():
    ikm = bytes.fromhex("0b" * 22)
    salt = bytes.fromhex("000102030405060708090a0b0c")
    info = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9")
    okm = bytes.fromhex(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
    )
    assert hkdf(ikm, salt, info, 42) == okm


def test_send_keys_match_an_independent_hmac_computation_of_hkdf():
    send_key = bytes(range(16))
    # RFC 5869 by hand: PRK = HMAC(salt, ikm); T(n) = HMAC(PRK, T(n-1) | info | n).
    prk = hmac.new(b"bitwarden-send", send_key, "sha256").digest()

    def expand(info: bytes, length: int) -> bytes:
        out, t, n = b"", b"", 1
        while len(out) < length:
            t = hmac.new(prk, t + info + bytes([n]), "sha256").digest()
            out += t
            n += 1
        return out[:length]

    keys = send_keys(send_key)
    assert keys.content_key == SymmetricKey.from_bytes(expand(b"send", 64))
    assert keys.file_key == expand(b"custodian-send-file-v1", 32)


def test_the_file_key_shares_no_bytes_with_either_half_of_the_content_key():
    keys = send_keys(bytes(16))
    assert keys.file_key not in (keys.content_key.raw[:32], keys.content_key.raw[32:])


@pytest.mark.parametrize("bad", [b"", bytes(15), bytes(17), bytes(32), "0123456789abcdef"])
def test_a_send_key_that_is_not_16_bytes_is_rejected(bad):
    with pytest.raises(ValueError, match="16 bytes"):
        send_keys(bad)


def test_send_keys_repr_does_not_show_key_bytes():
    assert repr(send_keys(bytes(16))) == "SendKeys(<redacted>)"


# --------------------------------------------------------------------------- sizes and round trips


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 3 * 65536 + 7])
def test_a_file_round_trips_at_boundary_sizes_with_awkward_block_sizes(size):
    data = _pattern(size)
    chunks = _encrypt(data, block_sizes=[1, 7, 65535, 4099, 65537, 131072 + 3])
    assert len(chunks) == chunk_count(size)
    assert all(len(c) == CIPHERTEXT_CHUNK_SIZE for c in chunks[:-1])
    assert sum(map(len, chunks)) == ciphertext_size(size)
    # The reader also takes ciphertext re-cut into blocks that ignore chunk edges.
    ciphertext = b"".join(chunks)
    assert _decrypt(_blocks(ciphertext, [13, 65552 + 5, 999])) == data
    assert _decrypt(chunks) == data


def test_an_empty_file_is_one_final_chunk_holding_only_a_tag():
    chunks = _encrypt(b"")
    assert [len(c) for c in chunks] == [16]
    assert _decrypt(chunks) == b""


def test_a_file_of_exactly_one_chunk_makes_one_chunk_not_an_extra_empty_one():
    assert len(_encrypt(_pattern(CHUNK_SIZE))) == 1
    assert ciphertext_size(CHUNK_SIZE) == CIPHERTEXT_CHUNK_SIZE


def test_ciphertext_size_counts_one_tag_per_chunk():
    assert ciphertext_size(0) == 16
    assert ciphertext_size(1) == 17
    assert ciphertext_size(65537) == 65537 + 32
    assert ciphertext_size(3 * 65536 + 7) == 3 * 65536 + 7 + 64
    with pytest.raises(ValueError):
        ciphertext_size(-1)


def test_the_writer_yields_each_chunk_before_reading_far_past_it():
    consumed = []

    def source():
        for i in range(5):
            consumed.append(i)
            yield bytes(CHUNK_SIZE)

    stream = encrypt_stream(FILE_KEY, SEND_ID, source(), prefix=PREFIX)
    next(stream)
    # The first chunk comes out as soon as one byte beyond it proves it is not final.
    assert consumed == [0, 1]


def test_the_writer_uses_a_fresh_random_prefix_when_none_is_given():
    a = list(encrypt_stream(FILE_KEY, SEND_ID, [b"same"]))
    b = list(encrypt_stream(FILE_KEY, SEND_ID, [b"same"]))
    assert a != b


@pytest.mark.parametrize(
    "key, send_id, prefix",
    [(bytes(31), SEND_ID, PREFIX), (FILE_KEY, bytes(15), PREFIX), (FILE_KEY, SEND_ID, bytes(7))],
)
def test_the_writer_and_reader_reject_wrong_key_id_or_prefix_lengths(key, send_id, prefix):
    with pytest.raises(ValueError):
        list(encrypt_stream(key, send_id, [b"x"], prefix=prefix))
    with pytest.raises(ValueError):
        list(decrypt_stream(key, send_id, prefix, [bytes(16)]))


@settings(max_examples=40, deadline=None)
@given(
    data=st.binary(max_size=3 * CHUNK_SIZE + 100),
    cuts=st.lists(st.integers(min_value=1, max_value=2 * CHUNK_SIZE), min_size=1, max_size=6),
)
def test_any_plaintext_cut_any_way_round_trips(data, cuts):
    chunks = _encrypt(data, block_sizes=cuts)
    assert sum(map(len, chunks)) == ciphertext_size(len(data))
    assert _decrypt(_blocks(b"".join(chunks), cuts)) == data


# --------------------------------------------------------------------------- tampering

THREE_CHUNKS = _pattern(2 * CHUNK_SIZE + 100)


def _fails(chunks: list[bytes], **kwargs) -> None:
    with pytest.raises(TamperedFile):
        _decrypt(chunks, **kwargs)


@pytest.mark.parametrize("chunk, offset", [(0, 0), (1, 30000), (2, -1), (2, 0)])
def test_a_flipped_ciphertext_or_tag_bit_fails_as_tampered(chunk, offset):
    chunks = _encrypt(THREE_CHUNKS)
    damaged = bytearray(chunks[chunk])
    damaged[offset] ^= 0x01
    chunks[chunk] = bytes(damaged)
    _fails(chunks)


def test_a_stream_cut_at_a_chunk_edge_fails_as_tampered():
    _fails(_encrypt(THREE_CHUNKS)[:-1])
    _fails(_encrypt(THREE_CHUNKS)[:1])


def test_a_stream_cut_mid_chunk_or_to_nothing_fails_as_tampered():
    chunks = _encrypt(THREE_CHUNKS)
    _fails(chunks[:2] + [chunks[2][:10]])
    _fails(chunks[:1] + [chunks[1][:-1]])
    _fails([])
    _fails([b""])


def test_data_after_the_final_chunk_fails_as_tampered():
    chunks = _encrypt(THREE_CHUNKS)
    _fails(chunks + [b"\x00"])
    _fails(chunks + _encrypt(b"more"))
    # A full-size final chunk followed by anything is read as non-final, so its tag fails.
    full = _encrypt(_pattern(CHUNK_SIZE))
    _fails(full + full)


def test_reordered_chunks_fail_as_tampered():
    chunks = _encrypt(_pattern(3 * CHUNK_SIZE + 7))
    _fails([chunks[1], chunks[0], chunks[2], chunks[3]])
    _fails([chunks[0], chunks[2], chunks[1], chunks[3]])


def test_a_dropped_middle_chunk_fails_as_tampered():
    chunks = _encrypt(THREE_CHUNKS)
    _fails([chunks[0], chunks[2]])


def test_a_chunk_from_another_send_fails_as_tampered():
    ours = _encrypt(THREE_CHUNKS)
    theirs = _encrypt(THREE_CHUNKS, send_id=OTHER_SEND_ID)
    _fails([theirs[0], ours[1], ours[2]])
    _fails(ours, send_id=OTHER_SEND_ID)


def test_a_wrong_prefix_fails_as_tampered():
    _fails(_encrypt(THREE_CHUNKS), prefix=bytes(8))


# --------------------------------------------------------------------------- shared vectors


def test_the_writer_reproduces_the_shared_csf1_vectors():
    v = json.loads(VECTORS.read_text())
    keys = send_keys(bytes.fromhex(v["send_key_hex"]))
    assert keys.content_key.raw.hex() == v["content_key_hex"]
    assert keys.file_key.hex() == v["file_key_hex"]
    plaintext = bytes(range(256)) * v["plaintext_repeats"]
    assert len(plaintext) == v["plaintext_size"]
    assert hashlib.sha256(plaintext).hexdigest() == v["plaintext_sha256"]
    send_id, prefix = bytes.fromhex(v["send_id_hex"]), bytes.fromhex(v["prefix_hex"])
    chunks = list(encrypt_stream(keys.file_key, send_id, _blocks(plaintext, [1000]), prefix=prefix))
    ciphertext = b"".join(chunks)
    assert len(chunks) == v["chunk_count"]
    assert len(ciphertext) == v["ciphertext_size"] == ciphertext_size(len(plaintext))
    assert chunks[0].hex() == v["first_chunk_ciphertext_hex"]
    assert hashlib.sha256(ciphertext).hexdigest() == v["ciphertext_sha256"]
    assert b"".join(decrypt_stream(keys.file_key, send_id, prefix, [ciphertext])) == plaintext
