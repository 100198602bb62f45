"""Dashlane's export: its ZIP of five CSV files read whole, or any one of those files picked alone."""
from __future__ import annotations

import io
import zipfile

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from services.common.config import ImportLimits
from tests.unit.test_transfer_samples import (DASHLANE_CREDENTIALS_OTPURL, DASHLANE_IDS, DASHLANE_PAYMENTS,
                                              DASHLANE_PAYMENTS_NEW, DASHLANE_PERSONAL, DASHLANE_SECURENOTES, NOTES,
                                              NOTES_LINES, PASSWORD, QUOTED, UNICODE, chrome_csv, csv_file,
                                              dashlane_zip, onepux, sample)

pytestmark = pytest.mark.unit

OTP_URL = "otpauth://totp/?secret=jbswy3dpehpk3pxp&algorithm=SHA1&digits=6&period=30&lock=false"
CREDENTIALS = [
    {"username": "zoë@example.com", "username2": "zoe", "username3": "Z", "title": UNICODE, "password": PASSWORD,
     "note": NOTES, "url": "https://www.example.com", "category": "Work, Infra", "otpUrl": OTP_URL},
    {"username": "kz@mail.example", "title": "Mail", "password": "mail-pass-2", "url": "https://mail.example"},
]
SECURENOTES = [{"title": "Wi-Fi 東京", "note": NOTES, "category": "Home"}, {"title": QUOTED, "note": ""}]
PAYMENTS = [
    {"type": "credit_card", "account_name": "Zoë's Visa", "account_holder": UNICODE, "cc_number": "4111111111111111",
     "code": "123", "expiration_month": "1", "expiration_year": "2030", "country": "JP", "issuing_bank": "東京銀行",
     "note": NOTES},
    {"type": "payment_card", "account_name": "Work Visa", "cc_number": "41111111111111111", "code": "321",
     "expiration_month": "01", "expiration_year": "2031", "country": "US", "name": "Jane M Doe"},
    {"type": "bank", "account_name": "Zoë's savings", "account_holder": UNICODE, "routing_number": "021000021",
     "account_number": "DE89 3704 0044", "country": "DE", "issuing_bank": "US-ALLY"},
]
IDS = [
    {"type": "card", "number": "123123123", "name": "Zoë Ünïcødé", "issue_date": "2022-1-30",
     "expiration_date": "2032-1-30"},
    {"type": "passport", "number": "P123", "name": "Zoë Marie Ünïcødé", "issue_date": "2022-1-30",
     "expiration_date": "2032-1-30", "place_of_issue": "東京"},
    {"type": "license", "number": "1234556", "name": "John Doe", "issue_date": "2022-8-10",
     "expiration_date": "2022-10-10", "state": "DC"},
    {"type": "social_security", "number": "123-45-6789", "name": "John Doe"},
    {"type": "tax_number", "number": "DE123"},
]
PERSON = [
    {"type": "name", "title": "Ms", "first_name": "Zoë", "last_name": "Ünïcødé", "login": "zoe",
     "date_of_birth": "1990-1-2", "place_of_birth": "東京"},
    {"type": "email", "email": "zoe@example.com", "email_type": "personal", "item_name": "Zoë's e-mail"},
    {"type": "email", "email": "zoe@work.example", "email_type": "business", "item_name": "Work"},
    {"type": "number", "item_name": "Mobile", "phone_number": "+81 3-1234-5678"},
    {"type": "address", "item_name": "Home", "address": "1 Chome", "country": "JP", "state": "JP-13", "city": "東京",
     "zip": "100-0001", "address_recipient": "Zoë", "address_building": "B", "address_apartment": "12",
     "address_floor": "3", "address_door_code": "1234"},
    {"type": "company", "item_name": "ACME, Inc.", "job_title": "Engineer"},
    {"type": "website", "item_name": "Blog", "url": "https://zoe.example"},
]

LOGIN_ITEMS = [
    new_item("login", UNICODE, notes=NOTES, folder="Work, Infra",
             fields=[new_field("Alternate username", "zoe"), new_field("Alternate username 2", "Z")],
             login={"username": "zoë@example.com", "password": PASSWORD, "totp": OTP_URL,
                    "uris": [new_uri("https://www.example.com")]}),
    new_item("login", "Mail", login={"username": "kz@mail.example", "password": "mail-pass-2",
                                     "uris": [new_uri("https://mail.example")]}),
]
NOTE_ITEMS = [new_item("note", "Wi-Fi 東京", notes=NOTES, folder="Home"), new_item("note", QUOTED)]
PAYMENT_ITEMS = [
    new_item("card", "Zoë's Visa", notes=NOTES, fields=[new_field("Country", "JP"), new_field("Bank", "東京銀行")],
             card={"cardholder_name": UNICODE, "number": "4111111111111111", "code": "123", "exp_month": "1",
                   "exp_year": "2030"}),
    new_item("card", "Work Visa", fields=[new_field("Country", "US")],
             card={"cardholder_name": "Jane M Doe", "number": "41111111111111111", "code": "321", "exp_month": "01",
                   "exp_year": "2031"}),
    new_item("note", "Zoë's savings", fields=[
        new_field("Account holder", UNICODE), new_field("Routing number", "021000021", "hidden"),
        new_field("Account number", "DE89 3704 0044", "hidden"), new_field("Country", "DE"),
        new_field("Bank", "US-ALLY")]),
]
ID_ITEMS = [
    new_item("identity", "Zoë Ünïcødé (ID card)", identity={
        "first_name": "Zoë", "last_name": "Ünïcødé", "license_number": "123123123"},
        fields=[new_field("Issue date", "2022-01-30"), new_field("Expiration date", "2032-01-30")]),
    new_item("identity", "Zoë Marie Ünïcødé (Passport)", identity={
        "first_name": "Zoë", "middle_name": "Marie", "last_name": "Ünïcødé", "passport_number": "P123"},
        fields=[new_field("Issue date", "2022-01-30"), new_field("Expiration date", "2032-01-30"),
                new_field("Place of issue", "東京")]),
    new_item("identity", "John Doe (Driver's licence)", identity={
        "first_name": "John", "last_name": "Doe", "license_number": "1234556", "state": "DC"},
        fields=[new_field("Issue date", "2022-08-10"), new_field("Expiration date", "2022-10-10")]),
    new_item("identity", "John Doe (Social security number)", identity={
        "first_name": "John", "last_name": "Doe", "ssn": "123-45-6789"}),
    new_item("identity", "Tax number", fields=[new_field("Tax number", "DE123")]),
]
PERSON_ITEM = new_item("identity", "Ms Zoë Ünïcødé", identity={
    "title": "Ms", "first_name": "Zoë", "last_name": "Ünïcødé", "username": "zoe", "email": "zoe@example.com",
    "phone": "+81 3-1234-5678", "address1": "1 Chome", "city": "東京", "state": "JP-13", "postal_code": "100-0001",
    "country": "JP", "company": "ACME, Inc."}, fields=[
    new_field("Date of birth", "1990-01-02"), new_field("Place of birth", "東京"), new_field("Email type", "personal"),
    new_field("Email", "zoe@work.example"), new_field("Email type", "business"), new_field("Recipient", "Zoë"),
    new_field("Building", "B"), new_field("Apartment", "12"), new_field("Floor", "3"),
    new_field("Door code", "1234", "hidden"), new_field("Job title", "Engineer"),
    new_field("Website", "https://zoe.example")])


def test_credentials_keep_their_otp_url_extra_usernames_and_category():
    assert parse("dashlane_csv", csv_file(DASHLANE_CREDENTIALS_OTPURL, CREDENTIALS)) == LOGIN_ITEMS


def test_secure_notes_keep_their_category_as_folder():
    assert parse("dashlane_csv", csv_file(DASHLANE_SECURENOTES, SECURENOTES)) == NOTE_ITEMS


def test_credit_and_payment_cards_become_cards_and_bank_accounts_notes():
    assert parse("dashlane_csv", csv_file(DASHLANE_PAYMENTS_NEW, PAYMENTS)) == PAYMENT_ITEMS


def test_an_older_payments_file_without_notes_is_read_too():
    content = csv_file(DASHLANE_PAYMENTS, [{k: v for k, v in PAYMENTS[0].items() if k != "note"}])
    assert parse("dashlane_csv", content) == [new_item("card", "Zoë's Visa", card=PAYMENT_ITEMS[0]["card"],
                                                       fields=PAYMENT_ITEMS[0]["fields"])]


def test_ids_become_identities_with_their_number_in_its_place():
    assert parse("dashlane_csv", csv_file(DASHLANE_IDS, IDS)) == ID_ITEMS


def test_one_persons_personal_info_becomes_one_identity():
    assert parse("dashlane_csv", csv_file(DASHLANE_PERSONAL, PERSON)) == [PERSON_ITEM]


def test_with_several_names_each_personal_info_row_is_an_identity_of_its_own():
    rows = [PERSON[0], PERSON[1], {"type": "name", "title": "Mr", "first_name": "John", "last_name": "Doe"},
            PERSON[3]]
    assert parse("dashlane_csv", csv_file(DASHLANE_PERSONAL, rows)) == [
        new_item("identity", "Ms Zoë Ünïcødé", identity={"title": "Ms", "first_name": "Zoë", "last_name": "Ünïcødé",
                                                          "username": "zoe"},
                 fields=[new_field("Date of birth", "1990-01-02"), new_field("Place of birth", "東京")]),
        new_item("identity", "Zoë's e-mail", identity={"email": "zoe@example.com"},
                 fields=[new_field("Email type", "personal")]),
        new_item("identity", "Mr John Doe", identity={"title": "Mr", "first_name": "John", "last_name": "Doe"}),
        new_item("identity", "Mobile", identity={"phone": "+81 3-1234-5678"}),
    ]


@pytest.mark.parametrize("name, header, rows", [
    ("credentials.csv", DASHLANE_CREDENTIALS_OTPURL, CREDENTIALS),
    ("securenotes.csv", DASHLANE_SECURENOTES, SECURENOTES),
    ("payments.csv", DASHLANE_PAYMENTS_NEW, PAYMENTS), ("ids.csv", DASHLANE_IDS, IDS),
    ("personalInfo.csv", DASHLANE_PERSONAL, PERSON)])
def test_each_file_of_the_export_is_recognised_by_its_columns(name, header, rows):
    assert detect_format("upload", csv_file(header, rows)) == "dashlane_csv"


def test_the_zip_is_read_whole_in_the_order_of_its_files():
    content = dashlane_zip({"credentials.csv": CREDENTIALS, "securenotes.csv": SECURENOTES, "payments.csv": PAYMENTS,
                            "ids.csv": IDS, "personalInfo.csv": PERSON})
    assert detect_format("dashlane.zip", content) == "dashlane_zip"
    assert parse("dashlane_zip", content) == [
        {**LOGIN_ITEMS[0], "login": {**LOGIN_ITEMS[0]["login"], "totp": ""}}, LOGIN_ITEMS[1], *NOTE_ITEMS,
        *PAYMENT_ITEMS, *ID_ITEMS, PERSON_ITEM]


def test_a_zip_holding_only_some_of_the_files_in_a_folder_is_read():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("export/ids.csv", csv_file(DASHLANE_IDS, IDS[:1]))
        archive.writestr("export/securenotes.csv", b"")
        archive.writestr("export/readme.txt", b"not a CSV file")
    assert detect_format("x.zip", out.getvalue()) == "dashlane_zip"
    assert parse("dashlane_zip", out.getvalue()) == ID_ITEMS[:1]


def test_a_1pux_file_is_still_recognised_as_one():
    assert detect_format("export.zip", sample("onepassword_1pux")) == "onepassword_1pux"


def test_a_refusal_inside_the_zip_names_the_file_and_its_line():
    content = dashlane_zip({"credentials.csv": CREDENTIALS[:1] + [{"title": " ", "username": "x"}]})
    with pytest.raises(ImportRefused) as refused:
        parse("dashlane_zip", content)
    assert (refused.value.member, refused.value.line, refused.value.template) == (
        "credentials.csv", 2 + NOTES_LINES, "The name is empty.")
    assert str(refused.value) == f"credentials.csv: Line {2 + NOTES_LINES}: The name is empty."


def test_a_zip_whose_files_are_larger_than_the_limit_is_refused():
    content = dashlane_zip({"securenotes.csv": [{"title": "big", "note": "x" * 5_000}]})
    with pytest.raises(ImportRefused, match="larger than"):
        parse("dashlane_zip", content, limits=ImportLimits(file_bytes=4_000))


@pytest.mark.parametrize("content, message", [
    (chrome_csv([{"name": "a", "url": "https://a.example"}]), "not a ZIP file"),
    (onepux([("Private", [])]), "none of Dashlane's files (credentials.csv, securenotes.csv, payments.csv, ids.csv, "
                                "personalInfo.csv)"),
    (b"PK\x03\x04" + b"\0" * 30 + dashlane_zip({})[34:], "damaged"),
])
def test_what_is_not_dashlanes_zip_is_refused_saying_what_was_expected(content, message):
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse("dashlane_zip", content)


def test_a_csv_file_of_another_kind_picked_as_dashlane_names_the_columns_of_each_of_its_files():
    with pytest.raises(ImportRefused) as refused:
        parse("dashlane_csv", chrome_csv([{"name": "a", "url": "https://a.example"}]))
    assert str(refused.value) == (
        "Line 1: The file is not one of Dashlane's: it has neither the columns of credentials.csv (username, title, "
        "password, url), of securenotes.csv (title, note), of payments.csv (type, account_name), of ids.csv (type, "
        "number, name) nor of personalInfo.csv (type, first_name, last_name).")
