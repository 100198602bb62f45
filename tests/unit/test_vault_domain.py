"""Rules of an organization's vault items: sealed fields, and collection access."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.crypto import SymmetricKey
from services.common.errors import Forbidden, Invalid, NotFound
from services.orgs import domain
from tests.unit.orgs_support import CONTEXT, member_with

KEY = SymmetricKey.generate()


def sealed(**fields) -> dict:
    return {name: KEY.encrypt_text(value) for name, value in fields.items()}


def login(name="Router", password="hunter2-but-longer") -> dict:
    return {"name": KEY.encrypt_text(name), "login": sealed(username="admin", password=password),
            "fields": [{"type": "hidden", "name": KEY.encrypt_text("PIN"), "value": KEY.encrypt_text("1234")}]}


@pytest.fixture
def shared(uow, client):
    """Two collections, a viewer-without-passwords and an editor of the first."""
    staff, org = client
    viewer, editor = member_with(uow, org, "user"), member_with(uow, org, "user")
    with uow() as unit:
        group = domain.save_group(unit, staff, org, None, "Editors", [editor.id], CONTEXT)
    with uow() as unit:
        first = domain.save_collection(unit, staff, org, None, KEY.encrypt_text("Network"), [
            {"member_id": viewer.id, "permission": "view_except_passwords"},
            {"group_id": group.id, "permission": "edit"}], CONTEXT)
    with uow() as unit:
        second = domain.save_collection(unit, staff, org, None, KEY.encrypt_text("Finance"), [], CONTEXT)
    return staff, org, viewer, editor, first.id, second.id


def test_orgs_refuses_any_plaintext_anywhere_in_an_item(uow, shared):
    staff, org, *_rest, first, _second = shared
    for data in ({"name": "Router"}, {"name": KEY.encrypt_text("x"), "login": {"password": "plain"}},
                 {"name": KEY.encrypt_text("x"), "fields": [{"type": "text", "value": "plain"}]},
                 {"name": KEY.encrypt_text("x"), "count": 3}):
        with uow() as unit, pytest.raises(Invalid):
            domain.save_org_item(unit, staff, org, None, "login", data, [first], CONTEXT)


def test_members_see_only_their_collections_items_at_their_best_level(uow, shared):
    staff, org, viewer, editor, first, second = shared
    with uow() as unit:
        network = domain.save_org_item(unit, staff, org, None, "login", login(), [first], CONTEXT)
    with uow() as unit:
        finance = domain.save_org_item(unit, staff, org, None, "note", {"name": KEY.encrypt_text("Bank")},
                                       [second], CONTEXT)
    with uow() as unit:
        [seen] = domain.list_org_items(unit, viewer.user_id, org)
        assert seen.item.id == network.id and seen.passwords_hidden
        [edited] = domain.list_org_items(unit, editor.user_id, org)
        assert edited.permission == "edit" and not edited.passwords_hidden
        assert {v.item.id for v in domain.list_org_items(unit, staff, org)} == {network.id, finance.id}
    with uow() as unit, pytest.raises(NotFound):
        domain.org_item(unit, viewer.user_id, org, finance.id)


def test_viewers_cannot_change_items_and_editors_only_in_their_collections(uow, shared):
    staff, org, viewer, editor, first, second = shared
    with uow() as unit:
        network = domain.save_org_item(unit, staff, org, None, "login", login(), [first], CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.save_org_item(unit, viewer.user_id, org, network.id, "login", login("X"), [first], CONTEXT)
    with uow() as unit, pytest.raises(Forbidden):
        domain.save_org_item(unit, editor.user_id, org, None, "login", login(), [second], CONTEXT)
    with uow() as unit:
        changed = domain.save_org_item(unit, editor.user_id, org, network.id, "login", login("Edge"), [first],
                                       CONTEXT)
    assert changed.revision == 2


def test_the_trash_keeps_items_until_a_manager_deletes_them_for_good(uow, shared):
    staff, org, _viewer, editor, first, _second = shared
    with uow() as unit:
        network = domain.save_org_item(unit, staff, org, None, "login", login(), [first], CONTEXT)
    with uow() as unit, pytest.raises(Invalid):
        domain.purge_org_item(unit, staff, org, network.id, CONTEXT)
    with uow() as unit:
        domain.trash_org_item(unit, editor.user_id, org, network.id, CONTEXT)
    with uow() as unit:
        assert domain.list_org_items(unit, staff, org) == []
        assert [v.item.id for v in domain.list_org_items(unit, staff, org, trash=True)] == [network.id]
    with uow() as unit, pytest.raises(Forbidden):
        domain.purge_org_item(unit, editor.user_id, org, network.id, CONTEXT)
    with uow() as unit:
        domain.purge_org_item(unit, staff, org, network.id, CONTEXT)
    with uow() as unit:
        assert domain.list_org_items(unit, staff, org, trash=True) == []


def test_personal_items_are_their_owners_alone_until_shared_into_a_collection(uow, shared):
    staff, org, viewer, editor, first, second = shared
    with uow() as unit:
        mine = domain.save_personal_item(unit, editor.user_id, None, "login", login("Home wifi"))
    with uow() as unit:
        assert [i.item.id for i in domain.list_personal_items(unit, editor.user_id)] == [mine.id]
        assert domain.list_personal_items(unit, viewer.user_id) == []
    with uow() as unit, pytest.raises(NotFound):
        domain.trash_personal_item(unit, viewer.user_id, mine.id)
    with uow() as unit, pytest.raises(Forbidden):
        domain.share_item(unit, editor.user_id, mine.id, org, login("Home wifi"), [second], CONTEXT)
    with uow() as unit:
        domain.share_item(unit, editor.user_id, mine.id, org, login("Office wifi"), [first], CONTEXT)
    with uow() as unit:
        assert domain.list_personal_items(unit, editor.user_id) == []
        [seen] = domain.list_org_items(unit, viewer.user_id, org)
        assert seen.item.id == mine.id and seen.passwords_hidden


def test_the_trash_is_emptied_after_thirty_days(uow, shared):
    from datetime import timedelta

    from services.common.database import utcnow

    staff, org, _viewer, _editor, first, _second = shared
    with uow() as unit:
        item = domain.save_org_item(unit, staff, org, None, "login", login(), [first], CONTEXT)
    with uow() as unit:
        domain.trash_org_item(unit, staff, org, item.id, CONTEXT)
    with uow() as unit:
        assert domain.empty_trash(unit, now=utcnow() + timedelta(days=29)) == 0
    with uow() as unit:
        assert domain.empty_trash(unit, now=utcnow() + timedelta(days=31)) == 1
    with uow() as unit:
        assert domain.list_org_items(unit, staff, org, trash=True) == []


@pytest.mark.parametrize("data, message", [
    ({"name": "Router"}, "data.name must be an encrypted value"),
    ({"login": {"uris": [{"uri": KEY.encrypt_text("a"), "match": "host"}, {"uri": "plain"}]}},
     "data.login.uris[1].uri must be an encrypted value"),
    ({"name": KEY.encrypt_text("n"), "reprompt": 3}, "data.reprompt must be encrypted text"),
    ({"fields": [{"type": "hidden", "value": "1234"}]}, "data.fields[0].value must be an encrypted value"),
    ({"a": {"b": {"c": {"d": {"e": {"f": {"g": {}}}}}}}}, "nested too deeply"),
    ({"fields": [{"value": KEY.encrypt_text("x")}] * (domain.vault.MAX_STRINGS + 1)}, "too many fields"),
    ({"name": "2." + "A" * 4000 + "|B|C"}, "data.name must be an encrypted value"),
])
def test_an_unsealed_item_is_refused_naming_the_field(data, message):
    with pytest.raises(Invalid) as refusal:
        domain.require_sealed(data)
    assert message in refusal.value.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["plain", KEY.encrypt_text("x"), "host", "hidden"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["name", "type", "match", "uri"]),
                                                                inner, max_size=4),
    max_leaves=30)


@given(json_values)
@settings(max_examples=300, deadline=None)
def test_the_quick_check_and_the_refusal_agree(data):
    """An item is either accepted as it is, or refused with a reason: never both, never neither."""
    try:
        assert domain.require_sealed(data) is data
    except Invalid:
        pass
