"""The plain item: building complete items, and refusing items with a wrong value."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, check_item, completed, new_field, new_item, new_uri

pytestmark = pytest.mark.unit


def test_a_new_item_has_every_key_of_its_type():
    assert new_item("login", "Mail") == {
        "type": "login", "name": "Mail", "notes": "", "favorite": False, "folder": "", "collections": [],
        "fields": [], "password_history": [], "login": {"username": "", "password": "", "totp": "", "uris": []}}
    assert set(new_item("note", "n")) == {"type", "name", "notes", "favorite", "folder", "collections", "fields",
                                          "password_history"}
    assert new_item("card", "c", card={"number": "4111"})["card"] == {
        "cardholder_name": "", "brand": "", "number": "4111", "exp_month": "", "exp_year": "", "code": ""}
    assert len(new_item("identity", "i")["identity"]) == 18


def test_a_new_item_refuses_an_unknown_type_or_parts_of_another_type():
    with pytest.raises(ValueError):
        new_item("passkey", "x")
    with pytest.raises(ValueError):
        new_item("note", "x", login={"username": "u"})


def test_a_complete_item_passes_the_check():
    check_item(new_item("login", "Mail", fields=[new_field("PIN", "1", "hidden")],
                        login={"uris": [new_uri("https://a.example", "exact")]}))


@pytest.mark.parametrize("change, reason", [
    ({"name": "  "}, "The name is empty."),
    ({"name": None}, "The value of name is not text."),
    ({"type": "passkey"}, "The item type “passkey” is not supported."),
    ({"notes": "x" * 10_001}, "The value of notes is longer than 10000 characters."),
    ({"favorite": "yes"}, "The favourite mark is not yes or no."),
    ({"collections": "Ops"}, "The collections are not a list."),
    ({"fields": [new_field("a", "b")] * 101}, "The item has more than 100 custom fields."),
    ({"fields": [new_field("a", "b", "linked")]}, "The custom field type “linked” is not supported."),
    ({"login": {"username": "", "password": "x" * 10_001, "totp": "", "uris": []}},
     "The value of password is longer than 10000 characters."),
    ({"login": {"username": "", "password": "", "totp": "", "uris": [new_uri("https://a.example")] * 51}},
     "The item has more than 50 websites."),
    ({"login": {"username": "", "password": "", "totp": "", "uris": [new_uri("a", "fuzzy")]}},
     "The website match “fuzzy” is not supported."),
    ({"login": None}, "The login details are missing."),
    ({"card": {"number": "1"}}, "A login item cannot have card details."),
])
def test_an_item_with_a_wrong_value_is_refused(change, reason):
    with pytest.raises(ImportRefused) as refused:
        check_item({**new_item("login", "Mail"), **change})
    assert refused.value.reason == reason
    assert (refused.value.line, refused.value.entry) == (None, None)


def test_a_refusal_keeps_its_template_and_values_for_translation():
    with pytest.raises(ImportRefused) as refused:
        check_item(new_item("note", "n", notes="x" * 10_001))
    assert refused.value.template == "The value of %(part)s is longer than %(limit)s characters."
    assert refused.value.values == {"part": "notes", "limit": 10_000}
    assert str(refused.value.located(line=7)) == "Line 7: The value of notes is longer than 10000 characters."
    assert refused.value.located(entry=3).line == 7, "the first place found is kept"


def test_a_partial_item_is_completed_with_empty_values():
    partial = {"type": "login", "name": "Mail", "login": {"password": None, "uris": [{"uri": "https://a.example"}]},
               "fields": [{"name": "PIN", "value": None, "type": "hidden"}], "item_id": "X"}
    assert completed(partial) == new_item("login", "Mail", fields=[new_field("PIN", "", "hidden")],
                                          login={"uris": [new_uri("https://a.example")]})
