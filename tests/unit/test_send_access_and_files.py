"""A recipient opening a Send (password, lockout, count, one answer for every refusal), a file's parts
in order and at their sizes, and deleting a Send's parts before its row."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from services.common.errors import Invalid
from services.orgs.domain import send_access, send_files, sends
from services.orgs.models import OutboxMessage, Send
from services.orgs.sendstore import LocalSendStore
from tests.send_support import file_parts, sealed_send
from tests.unit.test_sends_domain import ACCESS_TOKENS, MAX_FILE, NOW, create

ANONYMOUS = {"actorid": None, "ip": "198.51.100.7", "devicetype": None, "traceparent": None}


def access(uow, send_id, proof=None, now=NOW, download=False, token=None):
    with uow() as unit:
        opened = send_access.download_send if download else send_access.access_send
        return opened(unit, send_id, token or ACCESS_TOKENS.get(send_id), proof, ANONYMOUS, now)


def accessed_events(uow) -> list[dict]:
    with uow() as unit:
        return [json.loads(m.payload) for m in unit.scalars(select(OutboxMessage)) if m.subject.endswith(".accessed")]


def test_a_text_send_counts_each_access_and_is_gone_when_its_maximum_is_reached(uow, client):
    staff, org = client
    made = create(uow, staff, org, max_access_count=2)
    assert access(uow, made.id).access_count == 1
    assert access(uow, made.id).access_count == 2
    with pytest.raises(sends.SendNotAvailable):
        access(uow, made.id)
    events = accessed_events(uow)
    assert [e["type"] for e in events] == ["org.send.text.accessed"] * 2
    assert all("actorid" not in e and e["ip"] == "198.51.100.7" for e in events)
    assert [e["data"]["access_count"] for e in events] == [1, 2]


@pytest.mark.parametrize("settings, later", [
    ({"disabled": True}, timedelta(0)),
    ({"expiration_date": (NOW + timedelta(hours=1)).isoformat()}, timedelta(hours=1)),
    ({}, timedelta(days=7)),
])
def test_disabled_expired_and_deleted_sends_give_the_same_answer_as_unknown_ones(uow, client, settings, later):
    staff, org = client
    made = create(uow, staff, org, **settings)
    for send_id, proof in ((made.id, None), (made.id, sealed_send().proof("x")), ("C" * 22, None), ("../x", None)):
        with pytest.raises(sends.SendNotAvailable) as error:
            access(uow, send_id, proof, now=NOW + later)
        assert error.value.as_json() == {"message": sends.NOT_AVAILABLE, "field": None, "error": "SendNotAvailable",
                                             "code": "send.not_available", "params": {}}
    assert accessed_events(uow) == []


def test_a_password_is_asked_for_checked_and_five_wrong_ones_lock_the_send_for_15_minutes(uow, client):
    staff, org = client
    sealed = sealed_send(password="open sesame", now=NOW)
    made = create(uow, staff, org, sealed)
    with pytest.raises(sends.PasswordRequired) as asked:
        access(uow, made.id)
    assert asked.value.status == 401 and asked.value.as_json()["error"] == "PasswordRequired"
    assert access(uow, made.id, sealed.proof("open sesame")).access_count == 1
    for _ in range(5):
        with pytest.raises(sends.SendNotAvailable):
            access(uow, made.id, sealed.proof("open says me"))
    with pytest.raises(sends.SendNotAvailable):  # locked: even the right password
        access(uow, made.id, sealed.proof("open sesame"), now=NOW + timedelta(minutes=14))
    with pytest.raises(sends.SendNotAvailable):  # locked: not even "a password is required"
        access(uow, made.id, now=NOW + timedelta(minutes=14))
    assert access(uow, made.id, sealed.proof("open sesame"), now=NOW + timedelta(minutes=15)).access_count == 2
    with uow() as unit:
        assert unit.get(Send, made.id).failed_passwords == 0


def test_a_file_send_counts_at_download_not_at_access_and_not_while_uploading(uow, client, tmp_path):
    staff, org = client
    store = LocalSendStore(tmp_path / "sends")
    sealed = sealed_send("file", file_size=3 * 1024 * 1024 + 5, now=NOW)
    made = create(uow, staff, org, sealed, max_access_count=1)
    for download in (False, True):
        with pytest.raises(sends.SendNotAvailable):
            access(uow, made.id, download=download)
    parts = file_parts(sealed, made.id, b"x" * (3 * 1024 * 1024 + 5))
    assert [len(p) for p in parts] == send_files.part_sizes(made.file_size) == [1_048_832] * 3 + [5 + 16]
    with uow() as unit:
        send_files.put_part(unit, store, unit.get(Send, made.id), 0, parts[0])
    for number, data in ((0, parts[0]), (2, parts[2]), (1, parts[1][:-1]), (1, parts[1] + b"x"), (4, b"")):
        with uow() as unit, pytest.raises(sends.Invalid):
            send_files.put_part(unit, store, unit.get(Send, made.id), number, data)
    with uow() as unit, pytest.raises(sends.Invalid):
        send_files.finish_upload(unit, store, unit.get(Send, made.id), NOW)
    for number in (1, 2, 3):
        with uow() as unit:
            send_files.put_part(unit, store, unit.get(Send, made.id), number, parts[number])
    with uow() as unit:
        assert send_files.finish_upload(unit, store, unit.get(Send, made.id), NOW).file_state == "ready"
    with uow() as unit, pytest.raises(sends.Invalid):
        send_files.put_part(unit, store, unit.get(Send, made.id), 3, parts[3])
    assert access(uow, made.id).access_count == 0
    assert access(uow, made.id, download=True).access_count == 1
    assert b"".join(store.iter_parts(made.id, 4)) == b"".join(parts)
    with pytest.raises(sends.SendNotAvailable):
        access(uow, made.id, download=True)
    text = create(uow, staff, org)
    with pytest.raises(sends.SendNotAvailable):
        access(uow, text.id, download=True)


class WatchedStore(LocalSendStore):
    """A real local store that notes whether a Send's row was still there when its parts went."""

    def __init__(self, root, uow):
        super().__init__(root)
        self.uow, self.row_there_at_delete = uow, {}

    def delete(self, send_id):
        with self.uow() as unit:
            self.row_there_at_delete[send_id] = unit.get(Send, send_id) is not None
        super().delete(send_id)


def test_the_chore_deletes_parts_then_rows_past_their_date_and_abandoned_uploads(uow, client, tmp_path):
    staff, org = client
    store = WatchedStore(tmp_path / "sends", uow)
    sealed = sealed_send("file", file_size=10, now=NOW)
    soon = create(uow, staff, org, sealed, deletion_date=(NOW + timedelta(days=1)).isoformat())
    with uow() as unit:
        send_files.put_part(unit, store, unit.get(Send, soon.id), 0, file_parts(sealed, soon.id, b"0123456789")[0])
    abandoned = create(uow, staff, org, sealed_send("file", file_size=10, now=NOW))
    later = create(uow, staff, org, deletion_date=(NOW + timedelta(days=5)).isoformat())
    assert send_files.purge_sends(uow, store, NOW + timedelta(minutes=59)) == 0
    assert send_files.purge_sends(uow, store, NOW + timedelta(days=1)) == 2
    assert store.row_there_at_delete == {soon.id: True, abandoned.id: True}
    assert store.part_sizes(soon.id) == [] and not (tmp_path / "sends" / soon.id).exists()
    with uow() as unit:
        assert [s.id for s in unit.scalars(select(Send))] == [later.id]
        deleted = [json.loads(m.payload) for m in unit.scalars(select(OutboxMessage))
                   if m.subject.endswith(".deleted")]
    assert [e["type"] for e in deleted] == ["org.send.file.deleted"] * 2
    assert all("actorid" not in e for e in deleted)
    assert send_files.purge_sends(uow, store, NOW + timedelta(days=1)) == 0  # again: nothing, no error


def test_the_geometry_of_parts_matches_csf1():
    from gateway.crypto.stream import ciphertext_size

    for size in (0, 1, 65_535, 65_536, 65_537, 1_048_576, 1_048_577, MAX_FILE):
        assert send_files.ciphertext_size(size) == ciphertext_size(size) == sum(send_files.part_sizes(size))
    assert send_files.part_sizes(0) == [16]


def test_knowing_only_a_sends_id_uses_up_nothing_and_learns_nothing(uow, client):
    """The id travels in URLs and logs; the access token only with the link's key. Without the right
    token a recipient gets the one answer, no access is counted and no password is asked for."""
    staff, org = client
    made = create(uow, staff, org, max_access_count=1)
    guarded = create(uow, staff, org, sealed_send(password="open sesame"))
    right = ACCESS_TOKENS[made.id]
    one_off = right[:10] + ("B" if right[10] != "B" else "C") + right[11:]
    for token in (None, "", "A" * 44, ACCESS_TOKENS[guarded.id], one_off, "x" * 100):
        with pytest.raises(sends.SendNotAvailable):
            access(uow, made.id, token=token or "missing")
    with pytest.raises(sends.SendNotAvailable):  # not PasswordRequired: that too would tell something
        access(uow, guarded.id, token=ACCESS_TOKENS[made.id])
    assert accessed_events(uow) == []
    assert access(uow, made.id).access_count == 1


def test_a_send_is_made_only_with_an_access_token(uow, client):
    staff, org = client
    for token in (None, "", "short", "A" * 43 + "=" + "A"):
        sealed = sealed_send()
        sealed.body["access_token"] = token
        with pytest.raises(Invalid) as refused:
            create(uow, staff, org, sealed)
        assert refused.value.field == "access_token"
