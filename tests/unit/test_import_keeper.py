"""Reading Keeper's CSV and JSON exports: every record in its type, every value in its place."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (NOTES, NOTES_LINES, PASSWORD, QUOTED, TOTP, UNICODE, bitwarden_json,
                                              keeper_csv, keeper_json, lastpass_csv)

pytestmark = pytest.mark.unit

KEEPER_TOTP = ("otpauth://totp/Amazon:me@company.com?secret=JBSWY3DPEHPK3PXP&issuer=Amazon&algorithm=SHA1&digits=6"
               "&period=30")


def test_keeper_csv_lines_become_logins_and_notes_with_their_folders_and_fields():
    content = keeper_csv([
        ["Work\\東京", UNICODE, "zoë@example.com", PASSWORD, "https://example.com/login", NOTES, "",
         "Account ID", "12345", "TFC:Keeper", KEEPER_TOTP, "Org ID", "54321"],
        ["", QUOTED, "bank", "s3cret", "https://bank.example", "", "Finance\\Shared"],
        ["Personal", "Alarm code", "", "", "", "4321 then #", ""],
        ["", "Bare", "", "", "", "", ""],
    ])
    assert parse("keeper_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work/東京", fields=[
            new_field("Account ID", "12345"), new_field("Org ID", "54321")], login={
            "username": "zoë@example.com", "password": PASSWORD, "totp": KEEPER_TOTP,
            "uris": [new_uri("https://example.com/login")]}),
        new_item("login", QUOTED, collections=["Finance/Shared"], login={
            "username": "bank", "password": "s3cret", "uris": [new_uri("https://bank.example")]}),
        new_item("note", "Alarm code", notes="4321 then #", folder="Personal"),
        new_item("note", "Bare"),
    ]


def test_keeper_csv_with_its_import_templates_header_and_six_column_lines_is_read():
    content = ("Folder,Title,Login,Password,Website Address,Notes,Shared Folder,Custom Fields\r\n"
               "Infra\\Databases,Prod DB,dba,kp-pass-1,https://db.example.com,primary\r\n").encode()
    assert detect_format("keeper.csv", content) == "keeper_csv"
    assert parse("keeper_csv", content) == [new_item("login", "Prod DB", notes="primary", folder="Infra/Databases",
                                                     login={"username": "dba", "password": "kp-pass-1",
                                                            "uris": [new_uri("https://db.example.com")]})]


def test_a_keeper_csv_line_without_a_title_is_refused_at_its_physical_line():
    content = keeper_csv([["", "A", "a", "b", "https://a.example", NOTES, ""], ["", " ", "a", "b", "", "", ""]])
    with pytest.raises(ImportRefused) as refused:
        parse("keeper_csv", content)
    assert str(refused.value) == f"Line {1 + NOTES_LINES}: The name is empty."


def test_another_csv_picked_as_keeper_csv_is_refused_naming_keepers_columns():
    content = lastpass_csv([{"url": "https://a.example", "name": "A"}])
    assert detect_format("x.csv", content) == "lastpass_csv"
    with pytest.raises(ImportRefused) as refused:
        parse("keeper_csv", content)
    assert refused.value.line == 1
    assert refused.value.reason == ("The file is not a Keeper CSV export: Keeper writes no header, and each line "
                                    "holds Folder, Title, Login, Password, Website Address, Notes, Shared Folder, "
                                    "then custom field names and values.")


def test_a_keeper_csv_line_too_short_says_which_columns_are_expected():
    content = keeper_csv([["", "A", "a", "b", "https://a.example", "", ""], ["", "B", "b"]])
    with pytest.raises(ImportRefused) as refused:
        parse("keeper_csv", content)
    assert str(refused.value) == ("Line 2: The line has 3 values, but a Keeper CSV export has at least 6: Folder, "
                                  "Title, Login, Password, Website Address, Notes, Shared Folder.")


KEEPER_DOCUMENT = {
    "shared_folders": [{"path": "Team\\Ops", "uid": "SF1", "manage_users": False, "manage_records": True,
                        "can_edit": True, "can_share": False, "permissions": []}],
    "records": [
        {"title": UNICODE, "uid": "R1", "login": "zoë@example.com", "password": PASSWORD,
         "login_url": "https://example.com/login", "notes": NOTES, "$type": "login", "last_modified": 1762428779,
         "custom_fields": {"$oneTimeCode": KEEPER_TOTP, "$url": ["https://m.example.com"],
                           "$text:Employee ID:1": "E-7", "$secret:Recovery code": "rc-1",
                           "$checkbox:Admin": True, "$securityQuestion": [{"question": "Pet?", "answer": "Rex"}],
                           "$appFiller": {"applicationTitle": "x"}},
         "folders": [{"folder": "Work\\東京"}]},
        {"title": "Chase Visa", "uid": "R2", "notes": "Everyday card", "$type": "bankCard",
         "last_modified": 1762428779,
         "custom_fields": {"$paymentCard": {"cardNumber": "4532123456789010", "cardExpirationDate": "06/2030",
                                            "cardSecurityCode": "347"},
                           "$text:cardholderName": "Zoë Ünïcødé", "$pinCode": "8426"},
         "folders": [{"shared_folder": "Team\\Ops", "folder": "Cards"}]},
        {"title": "Home Address", "uid": "R3", "notes": "", "$type": "address", "last_modified": 1762428779,
         "custom_fields": {"$address": {"street1": "1 Chōme", "street2": "Apt 3B", "city": "東京", "state": "Tokyo",
                                        "zip": "100-0001", "country": "JP"}},
         "folders": [{"folder": "Personal"}, {"folder": "Other"}]},
        {"title": "Dr. Emily Chen", "uid": "R4", "notes": "Physician", "$type": "contact",
         "last_modified": 1762428779,
         "custom_fields": {"$name": {"first": "Emily", "middle": "Marie", "last": "Chen"},
                           "$text:company": "Springfield Medical", "$email": "emily@smc.example",
                           "$phone": {"region": "US", "number": "5415558723", "ext": "12", "type": "Work"}}},
        {"title": "US Passport", "uid": "R5", "password": "Passport2023!", "notes": "", "$type": "passport",
         "last_modified": 1762428779,
         "custom_fields": {"$accountNumber:passportNumber": "543826194",
                           "$name": {"first": "Jennifer", "middle": "Lynn", "last": "Williams"},
                           "$birthDate": 648597600000, "$expirationDate": 2005596000000,
                           "$date:dateIssued": 1692050400000}},
        {"title": "Meeting Notes", "uid": "R6", "notes": "Follow up", "$type": "encryptedNotes",
         "last_modified": 1762428779, "custom_fields": {"$note": "Q4 planning\nbudget", "$date": 1728943200000},
         "folders": [{"folder": "Work"}]},
        {"title": "Web Server", "uid": "R7", "login": "sysadmin", "password": "Srv#Prod", "notes": "",
         "$type": "serverCredentials", "last_modified": 1762428779,
         "custom_fields": {"$host": {"hostName": "web01.example.com", "port": "22"}},
         "folders": [{"shared_folder": "Team\\Ops"}]},
        {"title": "Wells Fargo", "uid": "R8", "$type": "bankAccount", "last_modified": 1762428779,
         "custom_fields": {"$bankAccount": {"accountType": "Checking", "routingNumber": "121000248",
                                            "accountNumber": "8472651938", "otherType": ""},
                           "$name": {"first": "Michael", "last": "Thompson"}}},
    ],
}


def test_keeper_json_records_land_in_their_types_with_every_field():
    content = keeper_json(KEEPER_DOCUMENT)
    assert detect_format("keeper.json", content) == "keeper_json"
    assert parse("keeper_json", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work/東京", fields=[
            new_field("Employee ID", "E-7"), new_field("Recovery code", "rc-1", "hidden"),
            new_field("Admin", "true", "boolean"), new_field("Security question", "Pet?"),
            new_field("Security question answer", "Rex", "hidden")], login={
            "username": "zoë@example.com", "password": PASSWORD, "totp": KEEPER_TOTP,
            "uris": [new_uri("https://example.com/login"), new_uri("https://m.example.com")]}),
        new_item("card", "Chase Visa", notes="Everyday card", collections=["Team/Ops/Cards"],
                 fields=[new_field("PIN", "8426", "hidden")], card={
                     "cardholder_name": "Zoë Ünïcødé", "number": "4532123456789010", "code": "347",
                     "exp_month": "6", "exp_year": "2030"}),
        new_item("identity", "Home Address", folder="Personal", identity={
            "address1": "1 Chōme", "address2": "Apt 3B", "city": "東京", "state": "Tokyo", "postal_code": "100-0001",
            "country": "JP"}),
        new_item("identity", "Dr. Emily Chen", notes="Physician", identity={
            "first_name": "Emily", "middle_name": "Marie", "last_name": "Chen", "company": "Springfield Medical",
            "email": "emily@smc.example", "phone": "(US) 5415558723 ext. 12"}),
        new_item("identity", "US Passport", fields=[
            new_field("Password", "Passport2023!", "hidden"), new_field("Date of birth", "1990-07-21"),
            new_field("Expiration date", "2033-07-21"), new_field("dateIssued", "2023-08-14")], identity={
            "first_name": "Jennifer", "middle_name": "Lynn", "last_name": "Williams",
            "passport_number": "543826194"}),
        new_item("note", "Meeting Notes", notes="Q4 planning\nbudget\n\nFollow up", folder="Work",
                 fields=[new_field("Date", "2024-10-14")]),
        new_item("login", "Web Server", collections=["Team/Ops"], fields=[
            new_field("Hostname", "web01.example.com"), new_field("Port", "22")], login={
            "username": "sysadmin", "password": "Srv#Prod"}),
        new_item("note", "Wells Fargo", fields=[
            new_field("Account type", "Checking"), new_field("Account number", "8472651938", "hidden"),
            new_field("Routing number", "121000248"), new_field("Name", "Michael Thompson")]),
    ]


def test_a_keeper_json_record_without_a_title_is_refused_at_its_entry():
    content = keeper_json({"records": [{"title": "A", "password": "x"}, {"title": "", "password": "y"}]})
    with pytest.raises(ImportRefused) as refused:
        parse("keeper_json", content)
    assert str(refused.value) == "Entry 2: The name is empty."


def test_a_bitwarden_json_picked_as_keeper_json_is_refused_naming_the_records_key():
    content = bitwarden_json({"encrypted": False, "items": [{"type": 2, "name": "a"}]})
    assert detect_format("x.json", content) == "bitwarden_json"
    with pytest.raises(ImportRefused) as refused:
        parse("keeper_json", content)
    assert refused.value.reason == "The file is not a Keeper JSON export: it has no list of “records”."


def test_keeper_json_with_legacy_custom_fields_keeps_the_totp_and_the_rest_as_text():
    content = keeper_json({"records": [{"title": "Prod DB", "login": "dba", "password": "p",
                                        "custom_fields": {"TFC:Keeper": TOTP, "Port": "5432"}}]})
    assert parse("keeper_json", content) == [new_item("login", "Prod DB", fields=[new_field("Port", "5432")], login={
        "username": "dba", "password": "p", "totp": TOTP})]
