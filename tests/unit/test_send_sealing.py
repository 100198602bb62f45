"""How the gateway seals a Send: texts under the content key, the send key under the user key, the
password as its proof only, and a file as CSF1 parts of 16 chunks that must be the declared size."""
from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

from gateway.crypto import SymmetricKey
from gateway.crypto.kdf import send_keys, send_password_proof
from gateway.crypto.stream import CIPHERTEXT_CHUNK_SIZE, ciphertext_size, decrypt_stream
from gateway.sends import (FileSizeMismatch, SendDraft, b64url, from_b64url, new_send_key, opened_send, read_blocks,
                           sealed_parts, sealed_send, send_id_bytes, send_link)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
SEND_ID = b64url(bytes(range(16)))


def draft(**changes) -> SendDraft:
    return SendDraft(**{"type": "text", "name": "Wi-Fi", "notes": "for Ana", "text": "Canary-Sealing-Text",
                        "text_hidden": True, "max_access_count": 3, "expiration_date": None,
                        "deletion_date": NOW + timedelta(days=7), "disabled": False, "hide_email": False,
                        "password": "open sesame", **changes})


def test_a_sealed_send_holds_no_text_key_or_password_in_the_clear():
    user_key, send_key = SymmetricKey.generate(), new_send_key()
    body = sealed_send(draft(), send_key, user_key, creating=True)
    flat = repr(body)
    for secret in ("Wi-Fi", "for Ana", "Canary-Sealing-Text", "open sesame", send_key.hex(), b64url(send_key)):
        assert secret not in flat
    assert body["password_proof"] == send_password_proof("open sesame", send_key)
    assert user_key.decrypt(body["key"]) == send_key
    stored = {**body, "send_id": SEND_ID}
    opened = opened_send(stored, user_key)
    assert (opened.name, opened.notes, opened.text, opened.file_name) == ("Wi-Fi", "for Ana", "Canary-Sealing-Text", "")
    assert opened.link("https://portal.example/") == f"https://portal.example/send/{SEND_ID}#{b64url(send_key)}"


def test_an_edit_keeps_the_password_unless_a_new_one_is_typed_and_never_sends_the_type():
    body = sealed_send(draft(password=None), new_send_key(), SymmetricKey.generate(), creating=False)
    assert body["password_proof"] is None
    assert "type" not in body and "file_size" not in body


def test_a_file_send_declares_its_size_and_a_fresh_prefix():
    body = sealed_send(draft(type="file", text="", file_name="diagram.pdf", file_size=10), new_send_key(),
                       SymmetricKey.generate(), creating=True)
    assert body["text"] is None and body["file_size"] == 10 and len(body["file_prefix"]) == 12


def test_a_link_carries_the_key_only_after_the_hash():
    key = bytes(16)
    link = send_link("http://127.0.0.1:8000", SEND_ID, key)
    assert link.split("#")[0] == f"http://127.0.0.1:8000/send/{SEND_ID}"
    assert from_b64url(link.split("#")[1]) == key and len(link.split("#")[1]) == 22


@pytest.mark.parametrize("bad", ["", "short", "A" * 21 + "=", "A" * 23, "../../../etc/passwd!!"])
def test_a_malformed_send_id_is_refused(bad):
    with pytest.raises(ValueError):
        send_id_bytes(bad)


@settings(max_examples=25, deadline=None)
@given(size=st.integers(min_value=0, max_value=3 * 1024 * 1024), block=st.sampled_from([1000, 65536, 70000]))
def test_parts_are_16_chunks_and_open_to_the_same_bytes(size, block):
    send_key, prefix = new_send_key(), os.urandom(8)
    content = os.urandom(size)
    parts = list(sealed_parts(SEND_ID, send_key, prefix, read_blocks(io.BytesIO(content), block), size))
    assert all(len(part) == 16 * CIPHERTEXT_CHUNK_SIZE for part in parts[:-1])
    assert sum(map(len, parts)) == ciphertext_size(size)
    opened = b"".join(decrypt_stream(send_keys(send_key).file_key, send_id_bytes(SEND_ID), prefix, parts))
    assert opened == content


@pytest.mark.parametrize("declared, actual", [(1000, 999), (1000, 1001), (0, 1), (2_000_000, 1_048_576)])
def test_a_file_that_is_not_the_declared_size_is_refused(declared, actual):
    with pytest.raises(FileSizeMismatch):
        list(sealed_parts(SEND_ID, new_send_key(), os.urandom(8), read_blocks(io.BytesIO(os.urandom(actual))),
                          declared))


def test_a_file_larger_than_declared_stops_before_its_excess_is_sealed():
    sealed = []
    with pytest.raises(FileSizeMismatch):
        for part in sealed_parts(SEND_ID, new_send_key(), os.urandom(8),
                                 read_blocks(io.BytesIO(os.urandom(5 * 1024 * 1024))), 1024 * 1024):
            sealed.append(part)
    assert sum(map(len, sealed)) <= ciphertext_size(1024 * 1024)
