"""Reading Psono's JSON export: entries by their type, their prefixed keys to fields, nested folders to paths."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import NOTES, PASSWORD, QUOTED, UNICODE, bitwarden_json, enpass_json, psono_json

pytestmark = pytest.mark.unit

DATES = {"create_date": "2022-12-13T19:24:09.810266Z", "write_date": "2022-12-13T19:24:09.810292Z"}

DOCUMENT = {
    "folders": [
        {"name": "Work", "items": [
            {"type": "website_password", "name": UNICODE, "website_password_title": UNICODE,
             "website_password_url": "http://bitwarden.com", "website_password_username": "zoë",
             "website_password_password": PASSWORD, "website_password_notes": NOTES,
             "website_password_auto_submit": True, "website_password_url_filter": "bitwarden.com",
             "website_password_totp_code": "JBSWY3DPEHPK3PXP", "callback_url": "https://cb.example",
             "callback_user": "callbackUser", "callback_pass": "callbackPassword", "id": "1", **DATES,
             "custom_fields": [{"name": "PIN", "type": "password", "value": "0042"},
                               {"name": "Admin", "type": "checkbox", "value": True}]},
        ], "folders": [
            {"name": "東京", "items": [
                {"type": "application_password", "name": "My App Password",
                 "application_password_title": "My App Password", "application_password_username": "someUser",
                 "application_password_password": "somePassword", "application_password_notes": "for the APP",
                 **DATES},
                {"type": "credit_card", "name": "Visa", "credit_card_title": "Visa",
                 "credit_card_number": "4111111111111111", "credit_card_cvc": "123", "credit_card_pin": "9999",
                 "credit_card_name": "Zoë Ünïcødé", "credit_card_valid_through": "03 / 30",
                 "credit_card_notes": "Everyday card", **DATES},
            ]},
        ]},
        {"name": "Empty", "items": []},
    ],
    "items": [
        {"type": "note", "name": "My Note", "note_title": "My Note", "note_notes": "Notes for my Note", **DATES},
        {"type": "bookmark", "name": QUOTED, "bookmark_title": QUOTED, "bookmark_url": "https://bitwarden.com",
         "bookmark_notes": "my notes", "bookmark_url_filter": "bitwarden.com", **DATES},
        {"type": "totp", "name": "My TOTP", "totp_title": "My TOTP", "totp_code": "someSecretOfMine",
         "totp_period": 30, "totp_algorithm": "SHA1", "totp_digits": 6, "totp_notes": "Notes for TOTP", **DATES},
        {"type": "environment_variables", "name": "Env", "environment_variables_title": "Env",
         "environment_variables_variables": [{"key": "API_KEY", "value": "k-1"}, {"key": "REGION", "value": "東京"}],
         "environment_variables_notes": "", **DATES},
        {"type": "mail_gpg_own_key", "name": "my gpg key", "mail_gpg_own_key_title": "my gpg key",
         "mail_gpg_own_key_email": "zoe@example.com", "mail_gpg_own_key_name": "Zoë",
         "mail_gpg_own_key_public": "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx",
         "mail_gpg_own_key_private": "-----BEGIN PGP PRIVATE KEY BLOCK-----\ny", **DATES},
    ],
}


def test_psono_entries_land_in_their_types_with_every_value_and_their_folder_path():
    content = psono_json(DOCUMENT)
    assert detect_format("psono_export.json", content) == "psono_json", "not taken for Bitwarden's JSON any more"
    assert parse("psono_json", content) == [
        new_item("note", "My Note", notes="Notes for my Note"),
        new_item("login", QUOTED, notes="my notes", fields=[new_field("bookmark_url_filter", "bitwarden.com")],
                 login={"uris": [new_uri("https://bitwarden.com")]}),
        new_item("login", "My TOTP", notes="Notes for TOTP", fields=[
            new_field("totp_period", "30"), new_field("totp_algorithm", "SHA1"), new_field("totp_digits", "6")],
            login={"totp": "someSecretOfMine"}),
        new_item("note", "Env", fields=[new_field("API_KEY", "k-1"), new_field("REGION", "東京")]),
        new_item("note", "my gpg key", fields=[
            new_field("mail_gpg_own_key_email", "zoe@example.com"), new_field("mail_gpg_own_key_name", "Zoë"),
            new_field("mail_gpg_own_key_public", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx"),
            new_field("mail_gpg_own_key_private", "-----BEGIN PGP PRIVATE KEY BLOCK-----\ny", "hidden")]),
        new_item("login", UNICODE, notes=NOTES, folder="Work", fields=[
            new_field("website_password_auto_submit", "true", "boolean"),
            new_field("website_password_url_filter", "bitwarden.com"),
            new_field("callback_url", "https://cb.example"), new_field("callback_user", "callbackUser"),
            new_field("callback_pass", "callbackPassword", "hidden"), new_field("PIN", "0042", "hidden"),
            new_field("Admin", "true", "boolean")], login={
            "username": "zoë", "password": PASSWORD, "totp": "JBSWY3DPEHPK3PXP",
            "uris": [new_uri("http://bitwarden.com")]}),
        new_item("login", "My App Password", notes="for the APP", folder="Work/東京", login={
            "username": "someUser", "password": "somePassword"}),
        new_item("card", "Visa", notes="Everyday card", folder="Work/東京",
                 fields=[new_field("credit_card_pin", "9999", "hidden")], card={
                     "cardholder_name": "Zoë Ünïcødé", "number": "4111111111111111", "code": "123", "exp_month": "3",
                     "exp_year": "2030"}),
    ]


def test_a_psono_entry_without_a_title_is_refused_at_its_entry():
    content = psono_json({"items": [{"type": "note", "note_title": "A", "note_notes": ""},
                                    {"type": "note", "note_title": " ", "note_notes": "x"}]})
    with pytest.raises(ImportRefused) as refused:
        parse("psono_json", content)
    assert str(refused.value) == "Entry 2: The name is empty."


@pytest.mark.parametrize("content", [
    bitwarden_json({"encrypted": False, "items": [{"type": 2, "name": "a"}]}),
    enpass_json({"folders": [], "items": [{"title": "a", "template_type": "note.default"}]}),
], ids=["bitwarden", "enpass"])
def test_another_json_picked_as_psono_is_refused_naming_the_keys_expected(content):
    with pytest.raises(ImportRefused) as refused:
        parse("psono_json", content)
    assert str(refused.value) == ("The file is not a Psono JSON export: it has no “items” or “folders” of entries "
                                  "with a “type” such as “website_password”.")
