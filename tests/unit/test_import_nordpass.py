"""Reading NordPass's CSV export: logins, cards, identities and notes from one wide table, told apart by `type`."""
from __future__ import annotations

import json

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import NOTES, NOTES_LINES, PASSWORD, QUOTED, UNICODE, lastpass_csv, nordpass_csv

pytestmark = pytest.mark.unit


def _fields(*fields):
    return json.dumps([{"label": label, "type": kind, "value": value} for label, kind, value in fields])


NORDPASS_ROWS = [
    {"name": "Work/東京", "type": "folder"},
    {"name": UNICODE, "url": "https://example.com/login",
     "additional_urls": json.dumps(["https://m.example.com", "https://app.example.com"]),
     "username": "zoë@example.com", "password": PASSWORD, "note": NOTES, "folder": "Work/東京", "type": "password",
     "custom_fields": _fields(("Recovery code", "hidden", "rc-1"), ("Employee ID", "text", "E-7"))},
    {"name": QUOTED, "url": "https://bank.example", "username": "bank", "password": "s3cret",
     "shared_folder": "Family", "type": "password"},
    {"name": "Visa", "note": "Everyday card", "cardholdername": "Zoë Ünïcødé", "cardnumber": "4111111111111111",
     "cvc": "123", "pin": "9999", "expirydate": "03/27", "zipcode": "10115", "folder": "Finance",
     "type": "credit_card"},
    {"name": "Me", "full_name": "Zoë Anna Ünïcødé", "phone_number": "+81 3-1234-5678", "email": "zoe@example.com",
     "address1": "1 Chōme", "address2": "Apt 3B", "city": "東京", "country": "JP", "state": "Tokyo",
     "zipcode": "100-0001", "type": "identity", "custom_fields": _fields(("Nickname", "text", "Zo"))},
    {"name": "Wi-Fi", "note": "SSID office\npw w1f1", "folder": "Home", "type": "note"},
]


def test_nordpass_lines_land_in_their_types_with_every_column_in_place():
    content = nordpass_csv(NORDPASS_ROWS)
    assert detect_format("nordpass.csv", content) == "nordpass_csv", "not taken for Chrome's name,url,username,…"
    assert parse("nordpass_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work/東京", fields=[
            new_field("Recovery code", "rc-1", "hidden"), new_field("Employee ID", "E-7")], login={
            "username": "zoë@example.com", "password": PASSWORD, "uris": [
                new_uri("https://example.com/login"), new_uri("https://m.example.com"),
                new_uri("https://app.example.com")]}),
        new_item("login", QUOTED, collections=["Family"], login={
            "username": "bank", "password": "s3cret", "uris": [new_uri("https://bank.example")]}),
        new_item("card", "Visa", notes="Everyday card", folder="Finance", fields=[
            new_field("PIN", "9999", "hidden"), new_field("ZIP code", "10115")], card={
            "cardholder_name": "Zoë Ünïcødé", "number": "4111111111111111", "code": "123", "exp_month": "3",
            "exp_year": "2027"}),
        new_item("identity", "Me", fields=[new_field("Nickname", "Zo")], identity={
            "first_name": "Zoë", "middle_name": "Anna", "last_name": "Ünïcødé", "phone": "+81 3-1234-5678",
            "email": "zoe@example.com", "address1": "1 Chōme", "address2": "Apt 3B", "city": "東京", "country": "JP",
            "state": "Tokyo", "postal_code": "100-0001"}),
        new_item("note", "Wi-Fi", notes="SSID office\npw w1f1", folder="Home"),
    ]


def test_an_older_nordpass_export_without_the_newer_columns_is_read():
    header = ("name", "url", "username", "password", "note", "cardholdername", "cardnumber", "cvc", "expirydate",
              "zipcode", "folder", "full_name", "phone_number", "email", "address1", "address2", "city", "country",
              "state", "type")
    content = (",".join(header) + "\nGitHub,https://github.com,matt,hunter2,,,,,,,Dev,,,,,,,,,password\n").encode()
    assert detect_format("nordpass.csv", content) == "nordpass_csv"
    assert parse("nordpass_csv", content) == [new_item("login", "GitHub", folder="Dev", login={
        "username": "matt", "password": "hunter2", "uris": [new_uri("https://github.com")]})]


def test_a_nordpass_line_of_an_unknown_type_is_refused_at_its_line():
    content = nordpass_csv([{"name": "A", "note": NOTES, "type": "note"}, {"name": "Key", "type": "passkey"}])
    with pytest.raises(ImportRefused) as refused:
        parse("nordpass_csv", content)
    assert str(refused.value) == f"Line {2 + NOTES_LINES}: The item type “passkey” is not supported."


def test_unreadable_nordpass_custom_fields_are_refused_at_their_line():
    content = nordpass_csv([{"name": "A", "password": "x", "type": "password", "custom_fields": "not json"}])
    with pytest.raises(ImportRefused) as refused:
        parse("nordpass_csv", content)
    assert str(refused.value) == "Line 2: The custom fields are not a readable list."


def test_another_csv_picked_as_nordpass_is_refused_naming_a_missing_column():
    with pytest.raises(ImportRefused) as refused:
        parse("nordpass_csv", lastpass_csv([{"url": "https://a.example", "name": "A"}]))
    assert str(refused.value).startswith("Line 1: The file is not an export of this kind: the column “note” is "
                                         "missing (expected: name, url, username, password, note, ")
