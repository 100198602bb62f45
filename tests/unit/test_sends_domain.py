"""Sends' rules in orgs: who may send, dates, counts, status, policies, events, the list, the cap."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from gateway import keyring
from gateway.crypto import SymmetricKey

from services.common.catalogue import SEND_FIELDS
from services.common.errors import Forbidden, Invalid, NotFound
from services.common.paging import BadCursor
from services.orgs import domain
from services.orgs.domain import sends
from services.orgs.domain.send_files import delete_send
from services.orgs.models import Member, OutboxMessage, ProviderUser, Send
from services.orgs.sendstore import LocalSendStore
from tests.send_support import sealed_send
from tests.unit.orgs_support import CONTEXT, member_with

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
MAX_FILE = 100 * 1024 * 1024


ACCESS_TOKENS: dict[str, str] = {}  # each Send made here by id: what its recipients would present


def create(uow, actor, org, sealed=None, now=NOW, **settings):
    sealed = sealed or sealed_send(now=now)
    sealed.body.update(settings)
    with uow() as unit:
        made = sends.create_send(unit, actor, org, sends.SendDraft(**sealed.body), CONTEXT, now, MAX_FILE)
    ACCESS_TOKENS[made.id] = sealed.access_token
    return made


def published(uow) -> list[tuple[str, dict]]:
    with uow() as unit:
        return [(json.loads(m.payload)["type"], json.loads(m.payload)["data"]) for m in unit.scalars(
            select(OutboxMessage).order_by(OutboxMessage.seq)) if ".send." in m.subject]


def count_sends(uow) -> int:
    with uow() as unit:
        return len(unit.scalars(select(Send)).all())


@pytest.mark.parametrize("deletion, expiration, refused", [
    (timedelta(days=7), None, None),
    (timedelta(days=31), timedelta(days=31), None),
    (timedelta(minutes=2), timedelta(minutes=2), None),
    (None, None, "deletion_date"),
    (timedelta(seconds=59), None, "deletion_date"),
    (timedelta(minutes=-5), None, "deletion_date"),
    (timedelta(days=31, seconds=1), None, "deletion_date"),
    (timedelta(days=7), timedelta(seconds=30), "expiration_date"),
    (timedelta(days=7), timedelta(days=7, seconds=1), "expiration_date"),
])
def test_dates_follow_bitwardens_rules(deletion, expiration, refused):
    when = lambda offset: NOW + offset if offset is not None else None  # noqa: E731
    if refused is None:
        sends.check_dates(when(deletion), when(expiration), NOW)
    else:
        with pytest.raises(Invalid) as error:
            sends.check_dates(when(deletion), when(expiration), NOW)
        assert error.value.field == refused


@pytest.mark.parametrize("settings, status", [
    ({}, "active"),
    ({"disabled": True, "max_access_count": 1, "access_count": 1, "expiration_date": NOW}, "disabled"),
    ({"expiration_date": NOW, "max_access_count": 1, "access_count": 1}, "expired"),
    ({"deletion_date": NOW - timedelta(seconds=1)}, "expired"),
    ({"max_access_count": 2, "access_count": 2}, "limit_reached"),
    ({"max_access_count": 2, "access_count": 1, "expiration_date": NOW + timedelta(seconds=1)}, "active"),
])
def test_one_status_in_python_and_in_sql(uow, client, settings, status):
    staff, org = client
    row = Send(id="A" * 22, owner_user_id=staff, organization_id=org, type="text", name="n", key="k",
               access_token_hash="0" * 64,
               **{"deletion_date": NOW + timedelta(days=1), **settings})
    assert sends.send_status(row, NOW) == status
    with uow() as unit:
        unit.add(row)
        unit.commit()
    with uow() as unit:
        matching = {s: unit.scalars(select(Send.id).where(sends.status_condition(s, NOW))).all()
                    for s in sends.STATUSES}
    assert {s for s, ids in matching.items() if ids} == {status}


def test_a_member_or_the_clients_provider_user_creates_a_send_with_their_email_unless_hidden(uow, client):
    staff, org = client
    member = member_with(uow, org, "user")
    mine = create(uow, member.user_id, org)
    assert mine.creator_email == member.email and mine.file_state == "none" and len(mine.id) == 22
    theirs = create(uow, staff, org, hide_email=True)
    assert theirs.creator_email is None
    with uow() as unit, pytest.raises(NotFound):
        sends.create_send(unit, "stranger", org, sends.SendDraft(**sealed_send(now=NOW).body), CONTEXT, NOW,
                          MAX_FILE)
    invited = member_with(uow, org, "user", status="invited")
    with uow() as unit, pytest.raises(NotFound):
        sends.create_send(unit, invited.user_id, org, sends.SendDraft(**sealed_send(now=NOW).body), CONTEXT, NOW,
                          MAX_FILE)


@pytest.mark.parametrize("settings, field", [
    ({"text": "The door code is 4711"}, "text"),
    ({"name": ""}, "name"),
    ({"name": "plain name"}, "name"),
    ({"key": "2.abc"}, "key"),
    ({"notes": "plain notes"}, "notes"),
    ({"text": "2.QUJD|QUJD|" + "Q" * 4000}, "text"),
    ({"type": "image"}, "type"),
    ({"max_access_count": 0}, "max_access_count"),
    ({"max_access_count": 1_000_001}, "max_access_count"),
    ({"password_proof": "not a proof"}, "password_proof"),
    ({"deletion_date": "tomorrow"}, "deletion_date"),
    ({"file_name": "2.QUJD|QUJD|QUJD"}, "file_name"),
])
def test_bad_input_is_refused_and_changes_nothing(uow, client, settings, field):
    staff, org = client
    with pytest.raises(Invalid) as error:
        create(uow, staff, org, **settings)
    assert error.value.field == field
    assert count_sends(uow) == 0 and published(uow) == []


@pytest.mark.parametrize("settings, field", [
    ({"file_size": MAX_FILE + 1}, "file_size"),
    ({"file_size": -1}, "file_size"),
    ({"file_prefix": "AAAA"}, "file_prefix"),
    ({"text": "2.QUJD|QUJD|QUJD"}, "text"),
])
def test_a_file_send_needs_a_size_within_the_limit_and_an_8_byte_prefix(uow, client, settings, field):
    staff, org = client
    with pytest.raises(Invalid) as error:
        create(uow, staff, org, sealed_send("file", now=NOW), **settings)
    assert error.value.field == field and count_sends(uow) == 0
    made = create(uow, staff, org, sealed_send("file", file_size=MAX_FILE, now=NOW))
    assert (made.file_state, made.file_size, made.text) == ("uploading", MAX_FILE, None)


def test_edit_keeps_or_replaces_the_password_and_only_the_creator_sees_or_changes_a_send(uow, client):
    staff, org = client
    sealed = sealed_send(password="correct horse", now=NOW)
    made = create(uow, staff, org, sealed)
    first_hash = made.password_hash
    assert first_hash.startswith("$argon2id$")
    edit = dict(sealed.body, max_access_count=3, password_proof=None)
    edit.pop("type")
    with uow() as unit:
        edited = sends.edit_send(unit, staff, made.id, sends.SendDraft(**edit), CONTEXT, NOW + timedelta(minutes=1))
    assert edited.password_hash == first_hash and edited.max_access_count == 3
    with uow() as unit:
        edited = sends.edit_send(unit, staff, made.id, sends.SendDraft(**dict(edit, password_proof=sealed.proof(
            "battery staple"))), CONTEXT, NOW)
    assert edited.password_hash != first_hash
    with uow() as unit:
        assert sends.remove_password(unit, staff, made.id, CONTEXT, NOW).password_hash is None
    member = member_with(uow, org, "admin")
    for send_id in (made.id, "nonsense", "B" * 22):
        with uow() as unit, pytest.raises(NotFound):
            sends.own_send(unit, member.user_id, send_id)
        with uow() as unit, pytest.raises(NotFound):
            sends.edit_send(unit, member.user_id, send_id, sends.SendDraft(**edit), CONTEXT, NOW)
    assert [t for t, _ in published(uow)] == ["org.send.text.created_with_password", "org.send.text.edited",
                                              "org.send.text.edited", "org.send.text.edited"]


def turn_on(uow, staff, org, policy_type, settings=None):
    with uow() as unit:
        domain.save_policy(unit, staff, org, policy_type, True, settings or {}, CONTEXT)


def test_remove_send_blocks_members_of_any_organization_but_not_owners_admins_or_its_provider_users(uow, client,
                                                                                                  tmp_path):
    staff, org = client
    user, owner, admin = (member_with(uow, org, role) for role in ("user", "owner", "admin"))
    made = create(uow, user.user_id, org)
    turn_on(uow, staff, org, "disable_send")
    with pytest.raises(Forbidden) as error:
        create(uow, user.user_id, org)
    assert error.value.message == sends.DISABLED_BY_POLICY
    edit = {k: v for k, v in sealed_send(now=NOW).body.items() if k != "type"}
    with uow() as unit, pytest.raises(Forbidden):
        sends.edit_send(unit, user.user_id, made.id, sends.SendDraft(**edit), CONTEXT, NOW)
    for exempt in (owner.user_id, admin.user_id, staff):
        create(uow, exempt, org)
    with uow() as unit:
        assert sends.send_policy(unit, user.user_id) == {"disable_send": True, "disable_hide_email": False}
        assert sends.send_policy(unit, staff) == {"disable_send": False, "disable_hide_email": False}
    with uow() as unit:  # deleting is always allowed
        delete_send(unit, LocalSendStore(tmp_path / "sends"), sends.own_send(unit, user.user_id, made.id), CONTEXT)
    assert count_sends(uow) == 3


def test_a_policy_of_another_organization_the_member_belongs_to_applies_too(uow, client):
    staff, org = client
    user = member_with(uow, org, "user")
    second = second_client(uow, staff)
    with uow() as unit:  # the same person, a plain member of a second client too
        unit.add(Member(organization_id=second, email="same@acme.example", role="user", status="confirmed",
                        user_id=user.user_id))
        unit.commit()
    turn_on(uow, staff, second, "send_options", {"disable_hide_email": True})
    with pytest.raises(Forbidden) as error:
        create(uow, user.user_id, org, hide_email=True)
    assert error.value.message == sends.HIDE_EMAIL_BY_POLICY
    assert create(uow, user.user_id, org).creator_email == user.email


def second_client(uow, staff) -> str:
    with uow() as unit:
        provider_id = unit.first(select(ProviderUser.provider_id).where(ProviderUser.user_id == staff))
    keys = keyring.new_client_organization(SymmetricKey.generate())
    with uow() as unit:
        return domain.create_client(unit, staff, provider_id, domain.ClientDraft(
            "Second", "Enterprise", 4, "owner@second.example", "billing@second.example", keys.public_key,
            keys.encrypted_private_key, keys.encrypted_org_key), CONTEXT).id


def test_send_options_settings_are_checked():
    from services.orgs.domain.policies import _checked_settings

    assert _checked_settings("send_options", {}) == {"disable_hide_email": False}
    assert _checked_settings("send_options", {"disable_hide_email": True}) == {"disable_hide_email": True}
    for bad in ({"disable_hide_email": "yes"}, {"other": True}):
        with pytest.raises(Invalid):
            _checked_settings("send_options", bad)
    with pytest.raises(Invalid):
        _checked_settings("disable_send", {"anything": True})


def test_events_tell_what_happened_and_never_what_was_sent(uow, client):
    staff, org = client
    sealed = sealed_send(password="hunter2-but-longer", now=NOW)
    sealed.body["max_access_count"] = 5
    made = create(uow, staff, org, sealed)
    create(uow, staff, org, sealed_send("file", file_size=10, now=NOW))
    events = published(uow)
    assert [t for t, _ in events] == ["org.send.text.created_with_password", "org.send.file.created"]
    for _type, data in events:
        assert tuple(data) == SEND_FIELDS
    assert events[0][1] == {"send_id": made.id, "organization_id": org, "type": "text", "has_password": True,
                            "max_access_count": 5, "access_count": 0, "deletion_date": made.deletion_date.isoformat()}
    with uow() as unit:
        payloads = b"".join(m.payload for m in unit.scalars(select(OutboxMessage)))
    for secret in [*sealed.secrets, sealed.body["name"], sealed.body["text"], sealed.body["key"],
                   sealed.body["password_proof"], made.password_hash]:
        assert secret.encode() not in payloads


def test_the_list_pages_newest_first_by_keyset_and_filters_in_sql(uow, client):
    staff, org = client
    made = []
    for minute in range(30):
        kind = "file" if minute % 3 == 0 else "text"
        at = NOW + timedelta(minutes=minute)
        made.append(create(uow, staff, org, sealed_send(kind, now=at), now=at))
    with uow() as unit:
        first = sends.list_sends(unit, staff, NOW)
        second = sends.list_sends(unit, staff, NOW, after=first.next)
    assert [s.id for s in first.sends + second.sends] == [s.id for s in reversed(made)]
    assert len(first.sends) == 25 and second.next is None
    with uow() as unit:
        files = sends.list_sends(unit, staff, NOW, send_type="file").sends
        everything = sends.list_sends(unit, staff, NOW, every=True)
        none_active = sends.list_sends(unit, staff, NOW + timedelta(days=8), status="active").sends
        expired = sends.list_sends(unit, staff, NOW + timedelta(days=8), status="expired", every=True).sends
        assert sends.list_sends(unit, "someone else", NOW).sends == []
        assert sends.list_sends(unit, staff, NOW, organization_id="other").sends == []
    assert len(files) == 10 and all(s.type == "file" for s in files)
    assert len(everything.sends) == 30 and everything.next is None
    assert none_active == [] and len(expired) == 30
    with uow() as unit, pytest.raises(BadCursor):
        sends.list_sends(unit, staff, NOW, send_type="text", after=first.next)
    for bad in ({"send_type": "image"}, {"status": "gone"}, {"after": "garbage!"}):
        with uow() as unit, pytest.raises(Invalid):
            sends.list_sends(unit, staff, NOW, **bad)


def test_a_person_keeps_at_most_500_live_sends(uow, client):
    staff, org = client
    with uow() as unit:
        for number in range(sends.MAX_LIVE_SENDS):
            unit.add(Send(id=f"{number:022d}", owner_user_id=staff, organization_id=org, type="text", name="n",
                          access_token_hash="0" * 64,
                          key="k", deletion_date=NOW + timedelta(days=1)))
        unit.commit()
    with pytest.raises(Invalid) as error:
        create(uow, staff, org)
    assert "500" in error.value.message and count_sends(uow) == 500
    # Past their deletion date they no longer count, even before the chore removes them.
    create(uow, staff, org, now=NOW + timedelta(days=2))
