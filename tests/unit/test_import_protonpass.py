"""Reading Proton Pass's unencrypted export, as data.json or the ZIP around it: every item type and field."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (NOTES, PASSWORD, QUOTED, UNICODE, bitwarden_json, onepux,
                                              protonpass_item, protonpass_json, protonpass_zip)

pytestmark = pytest.mark.unit

PROTON_TOTP = ("otpauth://totp/Test%20Login:Username?issuer=Test%20Login&secret=JBSWY3DPEHPK3PXP&algorithm=SHA1"
               "&digits=6&period=30")


def _extra(name, kind, value):
    return {"fieldName": name, "type": kind, "data": {"totpUri": value} if kind == "totp" else {"content": value}}


VAULTS = [
    ("Personal 東京", [
        protonpass_item("login", UNICODE, {
            "itemEmail": "zoe@example.com", "itemUsername": "zoë", "password": PASSWORD,
            "urls": ["https://example.com/", "https://example2.com/"], "totpUri": PROTON_TOTP, "passkeys": []},
            note=NOTES, pinned=True, extra_fields=[
                _extra("non-hidden field", "text", "text value"), _extra("hidden field", "hidden", "hidden value"),
                _extra("second 2fa secret", "totp", "TOTPCODE")]),
        protonpass_item("note", "My Secure Note", {}, note="Secure note contents.",
                        extra_fields=[_extra("note hidden field", "hidden", "note hidden value")]),
        protonpass_item("creditCard", "Test Card", {
            "cardholderName": "Zoë Ünïcødé", "cardType": 0, "number": "4111111111111111", "verificationNumber": "333",
            "expirationDate": "2030-01", "pin": "1234"}, note="Credit Card Note",
            extra_fields=[_extra("card text field", "text", "card text value")]),
        protonpass_item("note", "My Deleted Note", {}, note="gone", state=2),
        protonpass_item("identity", "Identity", {
            "fullName": "Zoë Ünïcødé", "email": "zoe@example.com", "phoneNumber": "7507951789", "firstName": "Zoë",
            "middleName": "", "lastName": "Ünïcødé", "birthdate": "", "gender": "Female",
            "extraPersonalDetails": [_extra("TestPersonal", "text", "Personal")], "organization": "ACME",
            "streetAddress": "1 Chōme", "zipOrPostalCode": "100-0001", "city": "東京", "stateOrProvince": "Tokyo",
            "countryOrRegion": "JP", "floor": "12th floor", "county": "Chiyoda",
            "extraAddressDetails": [_extra("TestAddress", "text", "Address")], "socialSecurityNumber": "98378264782",
            "passportNumber": "7173716378612", "licenseNumber": "21234", "website": "", "xHandle": "@zoe",
            "secondPhoneNumber": "", "linkedin": "", "reddit": "", "facebook": "", "yahoo": "", "instagram": "",
            "extraContactDetails": [_extra("TestContact", "hidden", "Contact")], "company": "ACME, Inc.",
            "jobTitle": "Engineer", "personalWebsite": "", "workPhoneNumber": "78236476238746", "workEmail": "",
            "extraWorkDetails": [], "extraSections": [{"sectionName": "TestSection", "sectionFields": [
                _extra("TestSectionHidden", "hidden", "SectionHidden")]}]},
            extra_fields=[_extra("TestExtra", "text", "Extra")]),
        protonpass_item("alias", "Alias", {}, alias_email="alias.zoe@passinbox.com"),
    ]),
    ("Test", [
        protonpass_item("login", QUOTED, {"itemEmail": "other@example.com", "password": "other password",
                                         "urls": [], "totpUri": "", "passkeys": [], "itemUsername": ""}),
        protonpass_item("sshKey", "Server key", {"privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
                                                 "publicKey": "ssh-ed25519 AAAA", "fingerprint": "SHA256:abc",
                                                 "sections": []}),
        protonpass_item("custom", "Locker", {"sections": [{"sectionName": "Gym", "sectionFields": [
            _extra("Combination", "hidden", "12-34-56")]}]}, extra_fields=[_extra("Floor", "text", "2")]),
    ]),
]

EXPECTED = [
    new_item("login", UNICODE, notes=NOTES, favorite=True, collections=["Personal 東京"], fields=[
        new_field("Email", "zoe@example.com"), new_field("non-hidden field", "text value"),
        new_field("hidden field", "hidden value", "hidden"), new_field("second 2fa secret", "TOTPCODE", "hidden")],
        login={"username": "zoë", "password": PASSWORD, "totp": PROTON_TOTP,
               "uris": [new_uri("https://example.com/"), new_uri("https://example2.com/")]}),
    new_item("note", "My Secure Note", notes="Secure note contents.", collections=["Personal 東京"],
             fields=[new_field("note hidden field", "note hidden value", "hidden")]),
    new_item("card", "Test Card", notes="Credit Card Note", collections=["Personal 東京"], fields=[
        new_field("PIN", "1234", "hidden"), new_field("card text field", "card text value")], card={
        "cardholder_name": "Zoë Ünïcødé", "number": "4111111111111111", "code": "333", "exp_month": "1",
        "exp_year": "2030"}),
    new_item("identity", "Identity", collections=["Personal 東京"], fields=[
        new_field("Gender", "Female"), new_field("Organization", "ACME"), new_field("X handle", "@zoe"),
        new_field("Job title", "Engineer"), new_field("Work phone number", "78236476238746"),
        new_field("TestPersonal", "Personal"), new_field("TestAddress", "Address"),
        new_field("TestContact", "Contact", "hidden"), new_field("TestSectionHidden", "SectionHidden", "hidden"),
        new_field("TestExtra", "Extra")], identity={
        "first_name": "Zoë", "last_name": "Ünïcødé", "email": "zoe@example.com", "phone": "7507951789",
        "company": "ACME, Inc.", "ssn": "98378264782", "passport_number": "7173716378612", "license_number": "21234",
        "address1": "1 Chōme", "address2": "12th floor", "address3": "Chiyoda", "city": "東京", "state": "Tokyo",
        "postal_code": "100-0001", "country": "JP"}),
    new_item("login", "Alias", collections=["Personal 東京"], login={"username": "alias.zoe@passinbox.com"}),
    new_item("login", QUOTED, collections=["Test"], login={"username": "other@example.com",
                                                           "password": "other password"}),
    new_item("note", "Server key", collections=["Test"], fields=[
        new_field("Private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n", "hidden"),
        new_field("Public key", "ssh-ed25519 AAAA"), new_field("Fingerprint", "SHA256:abc")]),
    new_item("note", "Locker", collections=["Test"], fields=[
        new_field("Floor", "2"), new_field("Combination", "12-34-56", "hidden")]),
]


def test_the_proton_pass_zip_is_read_item_by_item_leaving_the_trash_behind():
    content = protonpass_zip(protonpass_json(VAULTS))
    assert detect_format("Proton Pass_export.zip", content) == "protonpass_json"
    assert parse("protonpass_json", content) == EXPECTED


def test_the_data_json_taken_out_of_the_zip_reads_the_same():
    content = protonpass_json(VAULTS)
    assert detect_format("data.json", content) == "protonpass_json"
    assert parse("protonpass_json", content) == EXPECTED


def test_a_pgp_encrypted_proton_pass_export_is_refused_with_what_to_do():
    content = protonpass_zip(b"-----BEGIN PGP MESSAGE-----\n", data_name="Proton Pass/data.pgp")
    assert detect_format("Proton Pass_export.zip", content) == "protonpass_json"
    with pytest.raises(ImportRefused) as refused:
        parse("protonpass_json", content)
    assert str(refused.value) == "The Proton Pass export is encrypted with PGP: export it again without encryption."


def test_an_item_without_a_name_is_refused_at_its_entry_counting_the_trash():
    content = protonpass_json([("Personal", [protonpass_item("note", "Gone", {}, state=2),
                                             protonpass_item("note", " ", {})])])
    with pytest.raises(ImportRefused) as refused:
        parse("protonpass_json", content)
    assert str(refused.value) == "Entry 2: The name is empty."


def test_a_bitwarden_json_picked_as_proton_pass_is_refused_naming_the_vaults_key():
    with pytest.raises(ImportRefused) as refused:
        parse("protonpass_json", bitwarden_json({"encrypted": False, "items": []}))
    assert str(refused.value) == "The file is not a Proton Pass export: it has no “vaults”."


def test_another_zip_picked_as_proton_pass_is_refused_naming_the_file_it_should_hold():
    with pytest.raises(ImportRefused) as refused:
        parse("protonpass_json", onepux([("Private", [])]))
    assert str(refused.value) == "The ZIP file holds no “Proton Pass/data.json”: it is not a Proton Pass export."
