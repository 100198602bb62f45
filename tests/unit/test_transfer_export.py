"""Writing plain items as Bitwarden exports, and reading every format back through them unchanged."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from argon2.low_level import Type, hash_secret_raw
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.crypto import SymmetricKey
from gateway.transfer import (FORMATS, ImportRefused, WrongPassword, export_csv, export_encrypted_json,
                              export_json, new_field, new_item, new_uri, parse)
from tests.unit.test_transfer_samples import NOTES, PASSWORD, QUOTED, TOTP, UNICODE, sample

pytestmark = pytest.mark.unit

LOGIN = new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work/東京",
                 fields=[new_field("PIN", "1234", "hidden"), new_field("Remember", "true", "boolean"),
                         new_field(QUOTED, "")],
                 login={"username": "zoë", "password": PASSWORD, "totp": TOTP,
                        "uris": [new_uri("https://example.com"), new_uri("https://example.com/x", "starts_with")]})
NOTE = new_item("note", "Recipe", notes=NOTES, collections=["Kitchen"])
CARD = new_item("card", "Visa", card={"cardholder_name": UNICODE, "brand": "Visa", "number": "4111111111111111",
                                      "exp_month": "3", "exp_year": "2030", "code": "123"})
IDENTITY = new_item("identity", "Home", collections=["Family", "Ops/東京"],
                    identity={"first_name": "Zoë", "city": "東京", "postal_code": "100-0001", "ssn": "123"})
ITEMS = [LOGIN, NOTE, CARD, IDENTITY]
FAST = 1_000  # PBKDF2 iterations for tests that are not about the iteration count


def test_the_personal_json_export_is_bitwarden_shaped_with_folders():
    document = json.loads(export_json(ITEMS))
    assert list(document) == ["encrypted", "folders", "items"]
    assert document["encrypted"] is False
    [folder] = document["folders"]
    assert folder["name"] == "Work/東京"
    login, note, card, identity = document["items"]
    assert {k: login[k] for k in ("organizationId", "folderId", "type", "reprompt", "name", "favorite",
                                  "collectionIds")} == {"organizationId": None, "folderId": folder["id"], "type": 1,
                                                        "reprompt": 0, "name": UNICODE, "favorite": True,
                                                        "collectionIds": None}
    assert login["login"] == {"fido2Credentials": [], "uris": [{"match": None, "uri": "https://example.com"},
                                                               {"match": 2, "uri": "https://example.com/x"}],
                              "username": "zoë", "password": PASSWORD, "totp": TOTP}
    assert [f["type"] for f in login["fields"]] == [1, 2, 0]
    assert login["fields"][2] == {"name": QUOTED, "value": None, "type": 0, "linkedId": None}
    assert (note["type"], note["secureNote"], note["folderId"], note["notes"]) == (2, {"type": 0}, None, NOTES)
    assert card["type"] == 3 and card["card"]["cardholderName"] == UNICODE and card["notes"] is None
    assert identity["type"] == 4 and identity["identity"]["postalCode"] == "100-0001"
    assert identity["identity"]["lastName"] is None


def test_the_organization_json_export_lists_collections_keeping_given_ids():
    document = json.loads(export_json([NOTE, IDENTITY], [{"id": "C-family", "name": "Family"}, {"name": "Empty"}]))
    assert [c["name"] for c in document["collections"]] == ["Family", "Empty", "Kitchen", "Ops/東京"]
    ids = {c["name"]: c["id"] for c in document["collections"]}
    assert ids["Family"] == "C-family"
    assert document["collections"][0] == {"id": "C-family", "organizationId": None, "name": "Family",
                                          "externalId": None}
    assert "folders" not in document, "no item has a folder"
    assert [item["collectionIds"] for item in document["items"]] == [[ids["Kitchen"]], [ids["Family"], ids["Ops/東京"]]]


def test_the_json_export_reads_back_as_the_same_items_personal_and_organization():
    assert parse("bitwarden_json", export_json(ITEMS, [])) == ITEMS
    personal = parse("bitwarden_json", export_json(ITEMS))
    assert personal == [dict(item, collections=[]) for item in ITEMS]


def test_an_item_that_is_not_valid_is_not_exported():
    with pytest.raises(ImportRefused, match="^Entry 2: The name is empty.$"):
        export_json([NOTE, dict(NOTE, name=" ")])


def test_secrets_hidden_from_the_reader_are_exported_empty():
    hidden = dict(LOGIN, login=dict(LOGIN["login"], password=None, totp=None), item_id="X", subtitle="zoë",
                  fields=[dict(LOGIN["fields"][0], value=None)])
    [back] = parse("bitwarden_json", export_json([hidden]))
    assert (back["login"]["password"], back["login"]["totp"], back["fields"][0]["value"]) == ("", "", "")


def _bitwarden_file_key(password: str, salt: str, iterations: int) -> SymmetricKey:
    # Written out from Bitwarden's definition rather than through gateway.crypto, to check against it.
    master = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations, 32)
    enc = hmac.new(master, b"enc\x01", hashlib.sha256).digest()
    mac = hmac.new(master, b"mac\x01", hashlib.sha256).digest()
    return SymmetricKey(enc + mac)


def test_the_protected_export_uses_bitwardens_key_derivation_and_600000_iterations_by_default():
    content = export_encrypted_json(ITEMS, None, "correct horse 🔐")
    document = json.loads(content)
    assert list(document) == ["encrypted", "passwordProtected", "salt", "kdfType", "kdfIterations", "kdfMemory",
                              "kdfParallelism", "encKeyValidation_DO_NOT_EDIT", "data"]
    assert (document["encrypted"], document["passwordProtected"], document["kdfType"], document["kdfIterations"],
            document["kdfMemory"], document["kdfParallelism"]) == (True, True, 0, 600_000, None, None)
    assert len(base64.b64decode(document["salt"])) == 16
    key = _bitwarden_file_key("correct horse 🔐", document["salt"], 600_000)
    assert len(key.decrypt_text(document["encKeyValidation_DO_NOT_EDIT"])) == 36, "a UUID"
    assert json.loads(key.decrypt_text(document["data"]))["items"][0]["name"] == UNICODE
    assert parse("bitwarden_json", content, password="correct horse 🔐") == [dict(i, collections=[]) for i in ITEMS]


def test_a_protected_export_made_with_argon2id_opens_too():
    salt, password = base64.b64encode(b"0123456789abcdef").decode(), "correct horse"
    master = hash_secret_raw(secret=password.encode(), salt=hashlib.sha256(salt.encode()).digest(), time_cost=2,
                             memory_cost=16 * 1024, parallelism=1, hash_len=32, type=Type.ID)
    key = SymmetricKey(hmac.new(master, b"enc\x01", hashlib.sha256).digest()
                       + hmac.new(master, b"mac\x01", hashlib.sha256).digest())
    document = {"encrypted": True, "passwordProtected": True, "salt": salt, "kdfType": 1, "kdfIterations": 2,
                "kdfMemory": 16, "kdfParallelism": 1, "encKeyValidation_DO_NOT_EDIT": key.encrypt_text("id"),
                "data": key.encrypt_text(export_json([NOTE], []).decode())}
    assert parse("bitwarden_json", json.dumps(document).encode(), password=password) == [NOTE]


def test_each_protected_export_has_its_own_salt():
    first, second = (json.loads(export_encrypted_json([NOTE], None, "pw", iterations=FAST)) for _ in range(2))
    assert first["salt"] != second["salt"]


def test_a_protected_export_refuses_the_wrong_password_and_a_damaged_file():
    content = export_encrypted_json(ITEMS, [], "correct horse", iterations=FAST)
    with pytest.raises(WrongPassword):
        parse("bitwarden_json", content, password="Correct horse")
    document = json.loads(content)
    document["data"] = document["data"][:-8] + "AAAAAAA="
    with pytest.raises(ImportRefused, match="damaged"):
        parse("bitwarden_json", json.dumps(document).encode(), password="correct horse")
    with pytest.raises(ImportRefused, match="kdfIterations"):
        parse("bitwarden_json", json.dumps(dict(document, kdfIterations=10**9)).encode(), password="correct horse")


def test_a_protected_export_needs_a_password():
    with pytest.raises(ValueError):
        export_encrypted_json(ITEMS, None, "")


def test_the_csv_export_leaves_out_cards_and_identities_and_counts_them():
    content, skipped = export_csv(ITEMS, organization=False)
    assert skipped == 2
    lines = content.decode().split("\r\n")
    assert lines[0] == "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password," \
                       "login_totp"
    assert lines[1].startswith(f'Work/東京,1,login,{UNICODE},"First line, with a comma')
    assert '"PIN: 1234\nRemember: true\n' in content.decode()
    quoted_notes = '"' + NOTES.replace('"', '""') + '"'
    assert content.decode().endswith(f",note,Recipe,{quoted_notes},,0,,,,\r\n")


def test_the_organization_csv_export_names_collections_instead_of_folders():
    content, skipped = export_csv([NOTE, IDENTITY], organization=True)
    assert skipped == 1
    assert content.decode().startswith("collections,type,name,notes,fields,reprompt,login_uri,")
    assert content.decode().split("\r\n")[1].startswith("Kitchen,note,Recipe,")


@pytest.mark.parametrize("organization", [False, True])
def test_logins_and_notes_read_back_from_the_csv_export(organization):
    login = dict(LOGIN, collections=["Ops", "東京"], fields=[new_field("PIN", "1234"), new_field("Q", QUOTED)],
                 login=dict(LOGIN["login"], uris=[new_uri("https://a.example"), new_uri("https://b.example")]))
    note = new_item("note", QUOTED, notes=NOTES, folder="Kitchen", collections=["Kitchen"])
    content, skipped = export_csv([login, note], organization)
    read = parse("bitwarden_csv", content)
    if organization:
        expected = [dict(item, folder="", favorite=False) for item in (login, note)]
    else:
        expected = [dict(item, collections=[]) for item in (login, note)]
    assert (read, skipped) == (expected, 0)


def test_field_types_and_match_rules_do_not_survive_csv():
    [back] = parse("bitwarden_csv", export_csv([LOGIN], organization=False)[0])
    assert {f["type"] for f in back["fields"]} == {"text"}
    assert [u["match"] for u in back["login"]["uris"]] == [None, None]


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_every_format_reads_back_unchanged_from_the_json_exports(format_id):
    items = parse(format_id, sample(format_id))
    assert len(items) == 4
    assert parse("bitwarden_json", export_json(items, [])) == items
    protected = export_encrypted_json(items, [], "file password", iterations=FAST)
    assert parse("bitwarden_json", protected, password="file password") == items


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_every_formats_logins_read_back_unchanged_from_the_csv_export(format_id):
    items = [dict(item, fields=[dict(f, type="text") for f in item["fields"]], collections=[])
             for item in parse(format_id, sample(format_id))]
    content, skipped = export_csv(items, organization=False)
    assert (parse("bitwarden_csv", content), skipped) == (items, 0)


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
_name = _text.filter(lambda name: name.strip())
# Folders and collections become collections, whose names follow the services' name rule.
_group = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn")), max_size=30)
_group_name = _group.filter(lambda name: name.strip())


@st.composite
def plain_items(draw):
    kind = draw(st.sampled_from(["login", "note", "card", "identity"]))
    parts = {}
    if kind == "login":
        parts["login"] = {"username": draw(_text), "password": draw(_text), "totp": draw(_text),
                          "uris": draw(st.lists(st.builds(new_uri, _text, st.sampled_from(
                              [None, "domain", "host", "starts_with", "exact", "regex", "never"])), max_size=3))}
    elif kind == "card":
        parts["card"] = {"number": draw(_text), "exp_month": draw(_text), "cardholder_name": draw(_text)}
    elif kind == "identity":
        parts["identity"] = {"first_name": draw(_text), "passport_number": draw(_text), "address3": draw(_text)}
    return new_item(kind, draw(_name), notes=draw(_text), favorite=draw(st.booleans()), folder=draw(_group),
                    collections=draw(st.lists(_group_name, max_size=3, unique=True)),
                    fields=draw(st.lists(st.builds(new_field, _text, _text, st.sampled_from(
                        ["text", "hidden", "boolean"])), max_size=3)), **parts)


@settings(max_examples=60, deadline=None)
@given(st.lists(plain_items(), min_size=1, max_size=5))
def test_any_plain_items_read_back_unchanged_from_the_json_export(items):
    assert parse("bitwarden_json", export_json(items, [])) == items
