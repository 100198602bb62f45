"""Reading Enpass's JSON export: templates to item types, typed fields to their places, nested folders."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (NOTES, PASSWORD, QUOTED, UNICODE, bitwarden_json, enpass_field,
                                              enpass_item, enpass_json, keeper_json)

pytestmark = pytest.mark.unit

FOLDERS = [{"icon": "1008", "parent_uuid": "", "title": "Social", "updated_at": 1527696441, "uuid": "F-SOCIAL"},
           {"icon": "1008", "parent_uuid": "F-SOCIAL", "title": "東京", "updated_at": 1527696441, "uuid": "F-TOKYO"}]

ITEMS = [
    enpass_item("login.default", UNICODE, [
        enpass_field("Username", "username", "zoë", uid=10),
        enpass_field("E-mail", "email", "zoe@example.com", uid=12),
        enpass_field("Password", "password", PASSWORD, uid=11, sensitive=1),
        enpass_field("Website", "url", "https://www.amazon.com", uid=13),
        enpass_field("Phone number", "phone", "12345678", uid=14),
        enpass_field("One-time code", "totp", "TOTP_SEED_VALUE", uid=15, sensitive=1),
        enpass_field("ADDITIONAL DETAILS", "section", "", uid=16),
        enpass_field("Security question", "text", "SECURITY_QUESTION", uid=17),
        enpass_field("Security answer", "text", "SECURITY_ANSWER", uid=18, sensitive=1),
        enpass_field("Empty", "text", "", uid=19),
        enpass_field("Android", ".Android#", "android://aHR0cHM6==@com.amazon.mShop", uid=20)],
        note=NOTES, favorite=1, folders=["F-TOKYO"]),
    enpass_item("creditcard.default", "Emily Sample Credit Card", [
        enpass_field("Cardholder", "ccName", "Zoë Ünïcødé", uid=100),
        enpass_field("Type", "ccType", "American Express", uid=101),
        enpass_field("Number", "ccNumber", "3782 822463 10005", uid=102, sensitive=1),
        enpass_field("CVC", "ccCvc", "1234", uid=103, sensitive=1),
        enpass_field("PIN", "ccPin", "9874", uid=104, sensitive=1),
        enpass_field("Expiry date", "ccExpiry", "03/2030", uid=105),
        enpass_field("Issuing bank", "ccBankname", "American Express", uid=106)],
        note="some notes on the credit card", favorite=1, folders=["F-SOCIAL"]),
    enpass_item("identity.default", "Zoë at home", [
        enpass_field("Title", "text", "Ms", uid=129), enpass_field("First name", "text", "Zoë", uid=130),
        enpass_field("Middle name", "text", "Anna", uid=131), enpass_field("Last name", "text", "Ünïcødé", uid=132),
        enpass_field("Gender", "text", "Female", uid=133), enpass_field("Company", "text", "ACME, Inc.", uid=137),
        enpass_field("Street", "text", "1 Chōme", uid=143), enpass_field("City", "text", "東京", uid=144),
        enpass_field("State", "text", "Tokyo", uid=145), enpass_field("Country", "text", "JP", uid=146),
        enpass_field("ZIP", "text", "100-0001", uid=147), enpass_field("Phone", "phone", "+81 3-1234-5678", uid=149),
        enpass_field("E-mail", "email", "zoe@example.com", uid=165),
        enpass_field("SSN", "text", "078-05-1120", uid=212, sensitive=1)]),
    enpass_item("note.default", "some secure note title", [], note="some secure note content"),
    enpass_item("misc.wifi", QUOTED, [enpass_field("SSID", "text", "home", uid=1),
                                      enpass_field("Password", "password", "w1f1", uid=2, sensitive=1)]),
    enpass_item("misc.default", "Locker", [enpass_field("Combination", "pin", "12-34", uid=1, sensitive=1)]),
    enpass_item("note.default", "Old note", [], note="in the trash", trashed=1),
]


def test_enpass_items_land_in_their_types_with_every_field_and_folder():
    content = enpass_json({"folders": FOLDERS, "items": ITEMS})
    assert detect_format("export.json", content) == "enpass_json", "not taken for Bitwarden's JSON any more"
    assert parse("enpass_json", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Social/東京", fields=[
            new_field("E-mail", "zoe@example.com"), new_field("Phone number", "12345678"),
            new_field("Security question", "SECURITY_QUESTION"),
            new_field("Security answer", "SECURITY_ANSWER", "hidden")], login={
            "username": "zoë", "password": PASSWORD, "totp": "TOTP_SEED_VALUE", "uris": [
                new_uri("https://www.amazon.com"), new_uri("androidapp://com.amazon.mShop")]}),
        new_item("card", "Emily Sample Credit Card", notes="some notes on the credit card", favorite=True,
                 folder="Social", fields=[new_field("PIN", "9874", "hidden"),
                                          new_field("Issuing bank", "American Express")], card={
                     "cardholder_name": "Zoë Ünïcødé", "brand": "American Express", "number": "3782 822463 10005",
                     "code": "1234", "exp_month": "3", "exp_year": "2030"}),
        new_item("identity", "Zoë at home", fields=[new_field("Title", "Ms"), new_field("Gender", "Female")],
                 identity={"first_name": "Zoë", "middle_name": "Anna", "last_name": "Ünïcødé", "company": "ACME, Inc.",
                           "address1": "1 Chōme", "city": "東京", "state": "Tokyo", "country": "JP",
                           "postal_code": "100-0001", "phone": "+81 3-1234-5678", "email": "zoe@example.com",
                           "ssn": "078-05-1120"}),
        new_item("note", "some secure note title", notes="some secure note content"),
        new_item("login", QUOTED, fields=[new_field("SSID", "home")], login={"password": "w1f1"}),
        new_item("note", "Locker", fields=[new_field("Combination", "12-34", "hidden")]),
    ]


def test_an_enpass_item_without_a_title_is_refused_at_its_entry():
    content = enpass_json({"folders": [], "items": [enpass_item("note.default", "A", []),
                                                    enpass_item("note.default", "", [])]})
    with pytest.raises(ImportRefused) as refused:
        parse("enpass_json", content)
    assert str(refused.value) == "Entry 2: The name is empty."


@pytest.mark.parametrize("content", [
    bitwarden_json({"encrypted": False, "items": [{"type": 2, "name": "a"}]}),
    keeper_json({"records": [{"title": "a"}]}),
], ids=["bitwarden", "keeper"])
def test_another_json_picked_as_enpass_is_refused_naming_the_keys_expected(content):
    with pytest.raises(ImportRefused) as refused:
        parse("enpass_json", content)
    assert str(refused.value) == ("The file is not an Enpass JSON export: it has no list of “items” with a "
                                  "“template_type”.")
