"""Reading document exports (Bitwarden JSON, 1Password 1PUX, KeePass XML): items, and refusals by entry."""
from __future__ import annotations

import io
import zipfile

import pytest

from gateway.transfer import ImportRefused, PasswordNeeded, WrongPassword, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (NOTES, PASSWORD, QUOTED, TOTP, UNICODE, bitwarden_json,
                                              keepass_entry, keepass_group, keepass_xml, onepux, onepux_item,
                                              section_field)

pytestmark = pytest.mark.unit

BITWARDEN_DOCUMENT = {
    "encrypted": False,
    "folders": [{"id": "F1", "name": "Work/東京"}],
    "items": [
        {"id": "I1", "organizationId": None, "folderId": "F1", "type": 1, "reprompt": 0, "name": UNICODE,
         "notes": NOTES, "favorite": True,
         "fields": [{"name": "PIN", "value": "1234", "type": 1, "linkedId": None},
                    {"name": "Remember", "value": "true", "type": 2, "linkedId": None},
                    {"name": "Username", "value": None, "type": 3, "linkedId": 100},
                    {"name": QUOTED, "value": None, "type": 0, "linkedId": None}],
         "login": {"fido2Credentials": [], "uris": [{"match": None, "uri": "https://example.com"},
                                                    {"match": 3, "uri": "https://example.com/exact"}],
                   "username": "zoë", "password": PASSWORD, "totp": TOTP},
         "collectionIds": None, "passwordHistory": None, "revisionDate": "2024-01-01T00:00:00.000Z"},
        {"id": "I2", "folderId": None, "type": 2, "name": "Recipe", "notes": NOTES, "favorite": False,
         "secureNote": {"type": 0}},
        {"id": "I3", "folderId": "F1", "type": 3, "name": "Visa", "notes": None, "favorite": False,
         "card": {"cardholderName": UNICODE, "brand": "Visa", "number": "4111111111111111", "expMonth": "3",
                  "expYear": "2030", "code": "123"}},
        {"id": "I4", "type": 4, "name": "Home", "identity": {"firstName": "Zoë", "lastName": "Ünïcødé",
                                                             "city": "東京", "postalCode": "100-0001", "ssn": None}},
        {"id": "I5", "type": 5, "name": "Server key",
         "sshKey": {"privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----", "publicKey": "ssh-ed25519 AAAA",
                    "keyFingerprint": ""}},
    ],
}
BITWARDEN_ITEMS = [
    new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work/東京",
             fields=[new_field("PIN", "1234", "hidden"), new_field("Remember", "true", "boolean"),
                     new_field(QUOTED, "")],
             login={"username": "zoë", "password": PASSWORD, "totp": TOTP,
                    "uris": [new_uri("https://example.com"), new_uri("https://example.com/exact", "exact")]}),
    new_item("note", "Recipe", notes=NOTES),
    new_item("card", "Visa", folder="Work/東京", card={"cardholder_name": UNICODE, "brand": "Visa",
                                                        "number": "4111111111111111", "exp_month": "3",
                                                        "exp_year": "2030", "code": "123"}),
    new_item("identity", "Home", identity={"first_name": "Zoë", "last_name": "Ünïcødé", "city": "東京",
                                           "postal_code": "100-0001"}),
    new_item("note", "Server key", fields=[new_field("Private key", "-----BEGIN OPENSSH PRIVATE KEY-----", "hidden"),
                                           new_field("Public key", "ssh-ed25519 AAAA")]),
]


def test_bitwarden_json_items_of_every_type_become_plain_items():
    assert parse("bitwarden_json", bitwarden_json(BITWARDEN_DOCUMENT)) == BITWARDEN_ITEMS


def test_the_bitwarden_organization_export_names_each_items_collections():
    document = {"encrypted": False, "collections": [{"id": "C1", "organizationId": "O", "name": "Engineering",
                                                     "externalId": None},
                                                    {"id": "C2", "organizationId": "O", "name": "Ops/東京",
                                                     "externalId": None}],
                "items": [{"type": 2, "name": "Runbook", "secureNote": {"type": 0}, "organizationId": "O",
                           "collectionIds": ["C2", "C1"]}]}
    assert parse("bitwarden_json", bitwarden_json(document)) == [
        new_item("note", "Runbook", collections=["Ops/東京", "Engineering"])]


def test_a_bitwarden_item_without_a_name_is_refused_by_its_entry_number():
    document = {"encrypted": False, "items": [{"type": 2, "name": "a"}, {"type": 2, "name": "b"},
                                              {"type": 1, "name": "", "login": {}}]}
    with pytest.raises(ImportRefused, match="^Entry 3: The name is empty.$") as refused:
        parse("bitwarden_json", bitwarden_json(document))
    assert (refused.value.entry, refused.value.line) == (3, None)


@pytest.mark.parametrize("item, reason", [
    ({"type": 9, "name": "a"}, "The item type “9” is not supported."),
    ({"type": 1, "name": "a", "login": "nope"}, "The login details are not readable."),
    ({"type": 1, "name": "a", "login": {"username": ["x"]}}, "The value of username is not text."),
    ("just text", "The item is not readable."),
])
def test_a_bitwarden_item_of_the_wrong_shape_is_refused_by_its_entry_number(item, reason):
    with pytest.raises(ImportRefused) as refused:
        parse("bitwarden_json", bitwarden_json({"encrypted": False, "items": [{"type": 2, "name": "a"}, item]}))
    assert (refused.value.entry, refused.value.reason) == (2, reason)


def test_text_that_is_not_json_is_refused_at_the_line_where_it_breaks():
    with pytest.raises(ImportRefused) as refused:
        parse("bitwarden_json", b'{\n  "encrypted": false,\n  "items": [,]\n}')
    assert (refused.value.line, refused.value.entry, refused.value.reason) == (3, None, "The file is not valid JSON.")


@pytest.mark.parametrize("content", [b"[]", b'{"encrypted": false}', b'{"items": {}}'])
def test_json_that_is_not_a_bitwarden_export_is_refused(content):
    with pytest.raises(ImportRefused, match="not a Bitwarden JSON export") as refused:
        parse("bitwarden_json", content)
    assert refused.value.entry is None


def test_an_export_encrypted_with_the_account_key_is_refused_with_what_to_do_instead():
    with pytest.raises(ImportRefused, match="Password protected"):
        parse("bitwarden_json", b'{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.x", "items": []}')


def test_an_empty_bitwarden_export_holds_no_items():
    with pytest.raises(ImportRefused, match="^The file holds no items.$"):
        parse("bitwarden_json", bitwarden_json({"encrypted": False, "folders": [], "items": []}))


def test_a_protected_bitwarden_file_needs_its_password(protected_file):
    with pytest.raises(PasswordNeeded) as refused:
        parse("bitwarden_json", protected_file)
    assert isinstance(refused.value, ImportRefused)
    with pytest.raises(WrongPassword, match="^The file password is wrong.$"):
        parse("bitwarden_json", protected_file, password="not it")
    assert parse("bitwarden_json", protected_file, password="correct horse 🔐") == BITWARDEN_ITEMS[:2]


@pytest.fixture
def protected_file():
    from gateway.transfer import export_encrypted_json
    return export_encrypted_json(BITWARDEN_ITEMS[:2], None, "correct horse 🔐", iterations=1_000)


def onepux_sample() -> bytes:
    login = onepux_item("001", UNICODE, fav=1, details={
        "loginFields": [{"value": "zoë", "name": "username", "fieldType": "T", "designation": "username"},
                        {"value": PASSWORD, "name": "password", "fieldType": "P", "designation": "password"},
                        {"value": "✓", "name": "remember", "fieldType": "C"}],
        "notesPlain": NOTES,
        "sections": [{"title": "", "name": "add more", "fields": [
            section_field("one-time password", {"totp": TOTP}, "TOTP_1"),
            section_field("PIN", {"concealed": "1234"}),
            section_field("Question", {"string": QUOTED}),
            section_field("Recovery email", {"email": {"email_address": "zoe@example.com", "provider": None}}),
            section_field("Empty", {"string": ""}),
            section_field("Attachment", {"file": {"fileName": "a.pdf"}})]}]},
        overview={"urls": [{"label": "", "url": "https://example.com"}, {"label": "b", "url": "https://b.example"}],
                  "url": "https://example.com", "tags": ["Work/東京", "Travel"]})
    card = onepux_item("002", "Visa", details={"sections": [{"title": "", "fields": [
        section_field("cardholder name", {"string": UNICODE}, "cardholder"),
        section_field("type", {"creditCardType": "visa"}, "type"),
        section_field("number", {"creditCardNumber": "4111111111111111"}, "ccnum"),
        section_field("verification number", {"concealed": "123"}, "cvv"),
        section_field("expiry date", {"monthYear": 203003}, "expiry"),
        section_field("issuing bank", {"string": "Bank, AG"}, "bank")]}]})
    note = onepux_item("003", "Recipe", details={"notesPlain": NOTES}, state="archived")
    identity = onepux_item("004", "Home", details={"sections": [
        {"title": "Identification", "name": "name", "fields": [
            section_field("first name", {"string": "Zoë"}, "firstname"),
            section_field("last name", {"string": "Ünïcødé"}, "lastname"),
            section_field("birth date", {"date": 946684800}, "birthdate")]},
        {"title": "Address", "name": "address", "fields": [
            section_field("address", {"address": {"street": "1 Chome", "city": "東京", "country": "jp",
                                                  "zip": "100-0001", "state": "Tokyo"}}, "address"),
            section_field("default phone", {"phone": "3-1234-5678"}, "defphone")]}]})
    password = onepux_item("005", "Wi-Fi", details={"password": "hunter2"})
    server = onepux_item("110", "Server", overview={"url": "https://server.example"}, details={"sections": [
        {"title": "", "fields": [section_field("username", {"string": "root"}, "username"),
                                 section_field("password", {"concealed": "toor"}, "password")]}]})
    return onepux([("Private", [login, card, note]), ("Shared 東京", [identity, password, server])])


def test_1pux_items_of_every_category_become_plain_items_with_their_vault_as_collection_but_the_archived():
    private, shared = ["Private"], ["Shared 東京"]
    assert parse("onepassword_1pux", onepux_sample()) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work/東京", collections=private,
                 fields=[new_field("remember", "true", "boolean"), new_field("PIN", "1234", "hidden"),
                         new_field("Question", QUOTED), new_field("Recovery email", "zoe@example.com")],
                 login={"username": "zoë", "password": PASSWORD, "totp": TOTP,
                        "uris": [new_uri("https://example.com"), new_uri("https://b.example")]}),
        new_item("card", "Visa", collections=private, fields=[new_field("issuing bank", "Bank, AG")], card={
            "cardholder_name": UNICODE, "brand": "visa", "number": "4111111111111111", "code": "123",
            "exp_month": "3", "exp_year": "2030"}),
        new_item("identity", "Home", collections=shared, fields=[new_field("birth date", "2000-01-01")], identity={
            "first_name": "Zoë", "last_name": "Ünïcødé", "address1": "1 Chome", "city": "東京", "country": "JP",
            "postal_code": "100-0001", "state": "Tokyo", "phone": "3-1234-5678"}),
        new_item("login", "Wi-Fi", collections=shared, login={"password": "hunter2"}),
        new_item("login", "Server", collections=shared, login={
            "username": "root", "password": "toor", "uris": [new_uri("https://server.example")]}),
    ]


def test_a_1pux_item_without_a_title_is_refused_by_its_entry_number():
    content = onepux([("A", [onepux_item("003", "one")]), ("B", [onepux_item("003", "two"),
                                                                   onepux_item("003", " ")])])
    with pytest.raises(ImportRefused, match="^Entry 3: The name is empty.$"):
        parse("onepassword_1pux", content)


def test_a_file_that_is_not_a_zip_is_not_a_1pux_export():
    with pytest.raises(ImportRefused, match="not a ZIP file") as refused:
        parse("onepassword_1pux", b"url,username,password\n")
    assert (refused.value.line, refused.value.entry) == (None, None)


def test_a_zip_without_export_data_is_not_a_1pux_export():
    with pytest.raises(ImportRefused, match="export.data"):
        parse("onepassword_1pux", onepux([("A", [onepux_item("003", "one")])], data_name="other.json"))


def test_a_1pux_whose_export_data_is_broken_json_is_refused_at_the_line():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export.data", '{\n"accounts": [\n}')
    with pytest.raises(ImportRefused, match="not valid JSON") as refused:
        parse("onepassword_1pux", out.getvalue())
    assert refused.value.line == 3


def keepass_sample(extra_entry="") -> bytes:
    top_entry = keepass_entry({"Title": QUOTED, "UserName": "", "Password": "", "URL": "", "Notes": ""})
    work = keepass_entry({"Notes": NOTES, "Password": PASSWORD, "Title": UNICODE, "URL": "https://example.com",
                          "UserName": "zoë", "otp": TOTP, "PIN": "1234", "Question": 'a <b> & "c"', "Empty": ""},
                         protect=("Password", "PIN"),
                         history=[keepass_entry({"Title": "old", "Password": "old"})])
    deleted = keepass_entry({"Title": "Deleted", "Password": "x"})
    groups = [keepass_group("Work", [work], [keepass_group("東京", [extra_entry] if extra_entry else [])]),
              keepass_group("Recycle Bin", [deleted], uuid="QklO")]
    return keepass_xml(keepass_group("Database", [top_entry], groups))


def test_keepass_entries_become_logins_in_folders_without_the_root_group_or_the_recycle_bin():
    extra = keepass_entry({"Title": "Deep", "TimeOtp-Secret-Base32": "JBSWY3DPEHPK3PXP"})
    assert parse("keepass_xml", keepass_sample(extra)) == [
        new_item("login", QUOTED),
        new_item("login", UNICODE, notes=NOTES, folder="Work",
                 fields=[new_field("PIN", "1234", "hidden"), new_field("Question", 'a <b> & "c"')],
                 login={"username": "zoë", "password": PASSWORD, "totp": TOTP,
                        "uris": [new_uri("https://example.com")]}),
        new_item("login", "Deep", folder="Work/東京", login={"totp": "JBSWY3DPEHPK3PXP"}),
    ]


def test_a_keepass_entry_without_a_title_is_refused_by_its_entry_number():
    with pytest.raises(ImportRefused, match="^Entry 3: The name is empty.$"):
        parse("keepass_xml", keepass_sample(keepass_entry({"Title": "", "Password": "x"})))


def test_a_keepass_file_with_encrypted_values_is_refused_with_what_to_do():
    entry = keepass_entry({"Title": "a"}).replace("<Value>a</Value>", '<Value Protected="True">bXk=</Value>')
    with pytest.raises(ImportRefused, match="KeePass XML \\(2.x\\)") as refused:
        parse("keepass_xml", keepass_xml(keepass_group("Database", [entry])))
    assert refused.value.entry == 1


@pytest.mark.parametrize("prologue", [
    '<!DOCTYPE KeePassFile [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
    '<!DOCTYPE KeePassFile SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE KeePassFile>',
])
def test_xml_declaring_a_document_type_or_entities_is_refused(prologue):
    content = keepass_xml(keepass_group("Database", [keepass_entry({"Title": "&lol2;"})]), prologue=prologue)
    with pytest.raises(ImportRefused, match="refused for safety"):
        parse("keepass_xml", content)


def test_xml_that_is_not_well_formed_is_refused_at_its_line():
    content = keepass_xml(keepass_group("Database", [keepass_entry({"Title": "a"})])).replace(b"</Meta>", b"</Met>")
    with pytest.raises(ImportRefused, match="not valid XML") as refused:
        parse("keepass_xml", content)
    assert refused.value.line == 8, "the line of </Met>"


def test_xml_of_another_kind_is_not_a_keepass_export():
    with pytest.raises(ImportRefused, match="not a KeePass XML export"):
        parse("keepass_xml", b"<?xml version='1.0'?><Passwords><Entry/></Passwords>")
