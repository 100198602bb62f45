"""Reading the exports of Safari, SafeInCloud, Zoho Vault, Passbolt, Myki, Passky, Avira and LogMeOnce.

Each file is written the way its manager writes it (its header, quoting, byte-order mark, nesting), and
every field of every item read from it is asserted by comparing whole plain items.
"""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, export_json, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (NOTES, PASSWORD, QUOTED, TOTP, UNICODE, chrome_csv, keepass_group,
                                              keepass_xml, safari_csv, safeincloud_card, safeincloud_field,
                                              safeincloud_xml, sample, zoho_csv, zoho_secret, ZOHO_LEGACY,
                                              passbolt_csv, myki_csv, MYKI_TWO_FACTOR, MYKI_CARDS,
                                              MYKI_ADDRESSES, MYKI_ID_CARDS, MYKI_NOTES, passky_json, avira_csv,
                                              logmeonce_csv, LOGMEONCE_OLD)

pytestmark = pytest.mark.unit


def refusal(format_id, content) -> ImportRefused:
    with pytest.raises(ImportRefused) as refused:
        parse(format_id, content)
    return refused.value


# Safari / Apple Passwords

def test_safari_logins_keep_notes_and_one_time_passwords_and_unnamed_ones_take_their_host():
    content = safari_csv([
        {"Title": UNICODE, "URL": "https://accounts.example.com/", "Username": "zoë@example.com",
         "Password": PASSWORD, "Notes": NOTES, "OTPAuth": TOTP},
        {"Title": "", "URL": "https://www.shop.example/cart", "Username": "zoe", "Password": "pw"},
        {"Title": QUOTED, "URL": "", "Username": "", "Password": "1234"},
    ])
    assert detect_format("Passwords.csv", content) == "safari_csv"
    assert parse("safari_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, login={"username": "zoë@example.com", "password": PASSWORD,
                                                       "totp": TOTP,
                                                       "uris": [new_uri("https://accounts.example.com/")]}),
        new_item("login", "shop.example", login={"username": "zoe", "password": "pw",
                                                 "uris": [new_uri("https://www.shop.example/cart")]}),
        new_item("login", QUOTED, login={"password": "1234"}),
    ]


def test_older_safari_exports_without_notes_are_read():
    content = safari_csv([{"Title": "a.example", "Url": "https://a.example", "Username": "u", "Password": "p",
                           "OTPAuth": ""}], header=("Title", "Url", "Username", "Password", "OTPAuth"))
    assert parse("safari_csv", content) == [
        new_item("login", "a.example", login={"username": "u", "password": "p",
                                              "uris": [new_uri("https://a.example")]})]


def test_a_safari_line_with_neither_title_nor_site_is_refused():
    refused = refusal("safari_csv", safari_csv([{"Password": "p"}]))
    assert (refused.line, refused.reason) == (2, "The name and the website are both empty.")


def test_a_chrome_file_picked_as_safari_is_refused_naming_safaris_columns():
    refused = refusal("safari_csv", chrome_csv([{"name": "a", "url": "https://a.example"}]))
    assert refused.line == 1
    assert refused.reason == ("The file is not an export of Safari or Apple Passwords: its first line should name the "
                              "columns Title, URL, Username, Password.")


def test_a_onepassword_csv_is_still_told_from_a_safari_one():
    assert detect_format("x.csv", sample("onepassword_csv")) == "onepassword_csv"


# SafeInCloud

SAFEINCLOUD_TEMPLATE = safeincloud_card("Web Account", safeincloud_field("Login", "", "login", "username"),
                                        safeincloud_field("Password", "", "password", "current-password"),
                                        card_id=102, attributes=' template="true"')


def test_safeincloud_cards_become_logins_payment_cards_and_notes_in_their_labels_folder():
    content = safeincloud_xml([(1, "Business"), (3, "Ünïcødé 東京"), (4, "Web Accounts")], [
        SAFEINCLOUD_TEMPLATE,
        safeincloud_card(UNICODE, safeincloud_field("Email", "zoë@example.com", "login", "username"),
                         safeincloud_field("Password", PASSWORD, "password", "current-password"),
                         safeincloud_field("Website", "https://www.google.com", "website", "url"),
                         safeincloud_field("Sign-in page", "https://accounts.google.com", "weblogin"),
                         safeincloud_field("One-time password", TOTP, "one_time_password", "one-time-code"),
                         safeincloud_field("2FA-Reset", "reset-code 🔐", "secret"),
                         safeincloud_field("Recovery email", "zoe@backup.example", "email"),
                         "        <label_id>3</label_id>", "        <label_id>4</label_id>",
                         f"        <notes>{NOTES}</notes>", card_id=300, attributes=' star="true"'),
        safeincloud_card("Twitter", safeincloud_field("Login", "zoe", "login", "username"),
                         safeincloud_field("Secret login data", "first", "password"),
                         safeincloud_field("Old password", "second", "password"), card_id=302),
        safeincloud_card("Visa", safeincloud_field("Number", "5555123456789000", "number", "cc-number"),
                         safeincloud_field("Owner", "Zoë Ünïcødé", "text", "cc-name"),
                         safeincloud_field("Expires", "01/30", "expiry", "cc-exp"),
                         safeincloud_field("CVV", "555", "pin", "cc-csc"),
                         safeincloud_field("PIN", "1111", "pin"),
                         safeincloud_field("Blocking", "555-0153", "phone"),
                         "        <label_id>1</label_id>", card_id=205),
        safeincloud_card("Passport", safeincloud_field("Number", "555111111", "number"),
                         safeincloud_field("Expires", "01/01/2028", "expiry"),
                         "        <notes>Renew in 2027</notes>", card_id=203),
        safeincloud_card("Recipe", "        <notes>Flour, eggs\n東京</notes>", card_id=206,
                         attributes=' type="note"'),
        safeincloud_card("Facebook", safeincloud_field("Login", "gone", "login", "username"), card_id=301,
                         attributes=' deleted="true"'),
    ])
    assert detect_format("SafeInCloud.xml", content) == "safeincloud_xml"
    assert parse("safeincloud_xml", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Ünïcødé 東京", fields=[
            new_field("2FA-Reset", "reset-code 🔐", "hidden"), new_field("Recovery email", "zoe@backup.example")],
            login={"username": "zoë@example.com", "password": PASSWORD, "totp": TOTP,
                   "uris": [new_uri("https://www.google.com"), new_uri("https://accounts.google.com")]}),
        new_item("login", "Twitter", fields=[new_field("Old password", "second", "hidden")],
                 login={"username": "zoe", "password": "first"}),
        new_item("card", "Visa", folder="Business", fields=[
            new_field("PIN", "1111", "hidden"), new_field("Blocking", "555-0153")], card={
            "number": "5555123456789000", "cardholder_name": "Zoë Ünïcødé", "exp_month": "1", "exp_year": "2030",
            "code": "555"}),
        new_item("note", "Passport", notes="Renew in 2027", fields=[
            new_field("Number", "555111111"), new_field("Expires", "01/01/2028")]),
        new_item("note", "Recipe", notes="Flour, eggs\n東京"),
    ]


def test_a_safeincloud_export_may_start_with_a_byte_order_mark_and_blank_lines():
    content = b"\xef\xbb\xbf\r\n" + safeincloud_xml([], [safeincloud_card("A", "        <notes>n</notes>",
                                                                             attributes=' type="note"')])
    assert parse("safeincloud_xml", content) == [new_item("note", "A", notes="n")]


def test_a_safeincloud_card_without_a_title_is_refused_at_its_entry():
    refused = refusal("safeincloud_xml", safeincloud_xml([], [SAFEINCLOUD_TEMPLATE, safeincloud_card(
        "Ok", "        <notes>n</notes>", attributes=' type="note"'), safeincloud_card(" ", card_id=2)]))
    assert (refused.entry, refused.reason) == (2, "The name is empty.")


def test_a_keepass_file_picked_as_safeincloud_is_refused_naming_the_elements_expected():
    refused = refusal("safeincloud_xml", keepass_xml(keepass_group("Database")))
    assert refused.reason == ("The file is not a SafeInCloud XML export: its root element should be <database>, "
                              "holding <label> and <card> elements.")


# Zoho Vault

def test_zoho_secrets_read_their_typed_and_custom_data_into_logins_fields_and_notes():
    content = zoho_csv([
        {"Password Name": UNICODE, "Description": "Mail, personal", "Password URL": "https://mail.example/",
         "SecretData": zoho_secret("zoë@example.com", PASSWORD), "Notes": NOTES,
         "CustomData": "PIN:4629\nRecovery:東京 🔐\n", "Tags": "mail,home", "Classification": "P", "Favorite": "1",
         "TOTP": TOTP, "Folder Name": "Work\nServers"},
        {"Password Name": "Router", "Password URL": "", "SecretData": zoho_secret("admin", "pw", "Unix"),
         "Classification": "E", "Favorite": "0", "Folder Name": "Home"},
        {"Password Name": "Note", "SecretData": zoho_secret("", ""), "Notes": "Only notes", "Favorite": "0"},
    ])
    assert detect_format("Zoho_Vault_Passwords.csv", content) == "zohovault_csv"
    assert parse("zohovault_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work/Servers", fields=[
            new_field("Description", "Mail, personal"), new_field("Tags", "mail,home"),
            new_field("PIN", "4629", "hidden"),
            new_field("Recovery", "東京 🔐")], login={
            "username": "zoë@example.com", "password": PASSWORD, "totp": TOTP,
            "uris": [new_uri("https://mail.example/")]}),
        new_item("login", "Router", folder="Home", login={"username": "admin", "password": "pw"}),
        new_item("note", "Note", notes="Only notes"),
    ]


def test_older_zoho_exports_name_secrets_and_chambers():
    content = zoho_csv([{"Secret Name": "aib", "Secret URL": "https://onlinebanking.aib.ie",
                         "SecretData": zoho_secret("dpbx@fner.ws", "ws5T@;_UB[Q|P!8'"), "CustomData": "pin:462916\n",
                         "Classification": "P", "Favorite": "0", "ChamberName": "Emails\nWS"}], header=ZOHO_LEGACY)
    assert detect_format("zoho.csv", content) == "zohovault_csv"
    assert parse("zohovault_csv", content) == [
        new_item("login", "aib", folder="Emails/WS", fields=[new_field("pin", "462916", "hidden")], login={
            "username": "dpbx@fner.ws", "password": "ws5T@;_UB[Q|P!8'",
            "uris": [new_uri("https://onlinebanking.aib.ie")]})]


def test_a_zoho_secret_without_a_name_is_refused():
    refused = refusal("zohovault_csv", zoho_csv([{"Password Name": " ", "SecretData": zoho_secret("a", "b")}]))
    assert (refused.line, refused.reason) == (2, "The name is empty.")


def test_a_safari_file_picked_as_zoho_is_refused_naming_zohos_columns():
    refused = refusal("zohovault_csv", sample("safari_csv"))
    assert (refused.line, refused.reason) == (1, "The file is not an export of Zoho Vault: its first line should name "
                                                 "the columns Password Name, Password URL, SecretData, CustomData.")


# Passbolt

def test_passbolt_resources_keep_their_description_one_time_password_and_folder_path():
    content = passbolt_csv([
        {"Title": UNICODE, "Username": "zoë@example.com", "URL": "https://url1.example", "Password": PASSWORD,
         "Notes": NOTES, "Group": "/Work/東京/", "TOTP": TOTP},
        {"Title": QUOTED, "Username": "", "URL": "", "Password": "pw", "Notes": "", "Group": "", "TOTP": ""},
    ])
    assert detect_format("passbolt-export.csv", content) == "passbolt_csv"
    assert parse("passbolt_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work/東京", login={
            "username": "zoë@example.com", "password": PASSWORD, "totp": TOTP,
            "uris": [new_uri("https://url1.example")]}),
        new_item("login", QUOTED, login={"password": "pw"}),
    ]


def test_passbolt_exports_from_before_totp_are_read():
    content = passbolt_csv([{"Title": "A", "Password": "p", "Group": "F"}],
                           header=("Title", "Username", "URL", "Password", "Notes", "Group"))
    assert parse("passbolt_csv", content) == [new_item("login", "A", folder="F", login={"password": "p"})]


def test_keepassxc_files_are_still_told_from_passbolt_ones():
    assert detect_format("Passwords.csv", sample("keepassxc_csv")) == "keepassxc_csv"


def test_a_passbolt_resource_without_a_title_is_refused():
    refused = refusal("passbolt_csv", passbolt_csv([{"Title": "", "Password": "p"}]))
    assert (refused.line, refused.reason) == (2, "The name is empty.")


def test_a_lastpass_file_picked_as_passbolt_is_refused_naming_passbolts_columns():
    refused = refusal("passbolt_csv", sample("lastpass_csv"))
    assert (refused.line, refused.reason) == (1, "The file is not an export of Passbolt: its first line should name "
                                                 "the columns Title, Username, URL, Password, Notes, Group.")


# Myki

def test_myki_accounts_and_two_factor_codes_become_logins_keeping_status_and_tags_as_fields():
    accounts = myki_csv([
        {"nickname": UNICODE, "url": "https://mastodon.social/", "username": "zoë", "password": PASSWORD,
         "additionalInfo": NOTES + "\n", "twofaSecret": "q3cqvrxeak7vcj6etwm7rihedmwqr3uk", "status": "1",
         "tags": "social,東京"},
        {"nickname": "empty entry", "status": "1"},
    ])
    two_factor = myki_csv([{"nickname": "GitHub", "status": "1", "authToken": "JBSWY3DPEHPK3PXP",
                            "additionalInfo": "Backup codes in the safe"}], header=MYKI_TWO_FACTOR)
    assert detect_format("UserAccount.csv", accounts) == detect_format("User2FA.csv", two_factor) == "myki_csv"
    assert parse("myki_csv", accounts) == [
        new_item("login", UNICODE, notes=NOTES, fields=[new_field("Status", "1"), new_field("Tags", "social,東京")],
                 login={"username": "zoë", "password": PASSWORD, "totp": "q3cqvrxeak7vcj6etwm7rihedmwqr3uk",
                        "uris": [new_uri("https://mastodon.social/")]}),
        new_item("login", "empty entry", fields=[new_field("Status", "1")]),
    ]
    assert parse("myki_csv", two_factor) == [
        new_item("login", "GitHub", notes="Backup codes in the safe", fields=[new_field("Status", "1")],
                 login={"totp": "JBSWY3DPEHPK3PXP"})]


def test_myki_cards_addresses_id_cards_and_notes_become_items_of_their_type():
    cards = myki_csv([{"nickname": "Visa", "status": "1", "cardNumber": "4111111111111111",
                       "cardName": "Zoë Ünïcødé", "exp_month": "03", "exp_year": "2030", "cvv": "123",
                       "additionalInfo": "Travel card"}], header=MYKI_CARDS)
    addresses = myki_csv([{"nickname": "Home", "status": "1", "firstName": "Zoë", "middleName": "M",
                           "lastName": "Ünïcødé", "email": "zoe@example.com", "firstAddressLine": "1 Chome",
                           "secondAddressLine": "Apt 2", "title": "Ms", "gender": "F", "number": "+81 3 1234 5678",
                           "city": "東京", "country": "JP", "zipCode": "100-0001"}], header=MYKI_ADDRESSES)
    id_cards = myki_csv([
        {"nickname": "Passport", "status": "1", "idType": "Passport", "idNumber": "X123", "idName": "Zoë M Ünïcødé",
         "idIssuanceDate": "01/01/2020", "idExpirationDate": "01/01/2030", "idCountry": "FR"},
        {"nickname": "SSN", "idType": "Social Security", "idNumber": "078-05-1120", "idName": "Zoë"},
        {"nickname": "Licence", "idType": "Driver's License", "idNumber": "D-1", "idName": "Zoë Ünïcødé"},
    ], header=MYKI_ID_CARDS)
    notes = myki_csv([{"nickname": "Recipe", "status": "1", "content": NOTES + "\n"}], header=MYKI_NOTES)
    for content in (cards, addresses, id_cards, notes):
        assert detect_format("Myki.csv", content) == "myki_csv"
    assert parse("myki_csv", cards) == [new_item("card", "Visa", notes="Travel card", fields=[
        new_field("Status", "1")], card={"cardholder_name": "Zoë Ünïcødé", "number": "4111111111111111",
                                         "exp_month": "03", "exp_year": "2030", "code": "123"})]
    assert parse("myki_csv", addresses) == [new_item("identity", "Home", fields=[
        new_field("Status", "1"), new_field("Gender", "F")], identity={
        "title": "Ms", "first_name": "Zoë", "middle_name": "M", "last_name": "Ünïcødé", "email": "zoe@example.com",
        "address1": "1 Chome", "address2": "Apt 2", "phone": "+81 3 1234 5678", "city": "東京", "country": "JP",
        "postal_code": "100-0001"})]
    assert parse("myki_csv", id_cards) == [
        new_item("identity", "Passport", fields=[
            new_field("Status", "1"), new_field("ID type", "Passport"), new_field("Issued", "01/01/2020"),
            new_field("Expires", "01/01/2030")], identity={
            "first_name": "Zoë", "middle_name": "M", "last_name": "Ünïcødé", "country": "FR",
            "passport_number": "X123"}),
        new_item("identity", "SSN", fields=[new_field("ID type", "Social Security")],
                 identity={"first_name": "Zoë", "ssn": "078-05-1120"}),
        new_item("identity", "Licence", fields=[new_field("ID type", "Driver's License")],
                 identity={"first_name": "Zoë", "last_name": "Ünïcødé", "license_number": "D-1"}),
    ]
    assert parse("myki_csv", notes) == [new_item("note", "Recipe", notes=NOTES, fields=[new_field("Status", "1")])]


def test_a_myki_line_without_a_nickname_is_refused():
    refused = refusal("myki_csv", myki_csv([{"nickname": "", "url": "https://a.example"}]))
    assert (refused.line, refused.reason) == (2, "The name is empty.")


def test_a_chrome_file_picked_as_myki_is_refused_naming_the_columns_of_each_myki_file():
    refused = refusal("myki_csv", chrome_csv([{"name": "a", "url": "https://a.example"}]))
    assert refused.line == 1
    assert refused.reason == (
        "The file is not an export of Myki: its first line should name the columns of one of its files: "
        "nickname, url, username, password, additionalInfo, twofaSecret; nickname, authToken, additionalInfo; "
        "nickname, cardNumber, cardName, exp_month, exp_year, cvv; "
        "nickname, firstName, lastName, firstAddressLine, zipCode; nickname, idType, idNumber, idName; "
        "nickname, status, content.")


# Passky

def test_passky_entries_are_logins_named_after_their_website_with_the_message_as_notes():
    content = passky_json([
        {"website": "github.com", "username": "zoë", "password": PASSWORD, "message": NOTES},
        {"website": "東京.example", "username": "", "password": "pw", "message": ""},
    ])
    assert detect_format("passky_backup.json", content) == "passky_json"
    assert parse("passky_json", content) == [
        new_item("login", "github.com", notes=NOTES, login={"username": "zoë", "password": PASSWORD,
                                                             "uris": [new_uri("github.com")]}),
        new_item("login", "東京.example", login={"password": "pw", "uris": [new_uri("東京.example")]}),
    ]


def test_an_encrypted_passky_backup_is_refused_with_how_to_export_it_readable():
    refused = refusal("passky_json", passky_json([{"website": "a", "username": "x", "password": "y"}], True))
    assert refused.reason == "The Passky backup is encrypted: export it again from Passky without encryption."


def test_a_passky_entry_without_a_website_is_refused_at_its_entry():
    refused = refusal("passky_json", passky_json([{"website": "a"}, {"website": " ", "password": "p"}]))
    assert (refused.entry, refused.reason) == (2, "The website is empty.")


def test_a_bitwarden_json_picked_as_passky_is_refused_naming_passkys_keys():
    refused = refusal("passky_json", export_json([new_item("note", "a")], []))
    assert refused.reason == ("The file is not a Passky export: it should be a JSON object with the keys "
                              "“encrypted” and “passwords”, a list of entries with the keys “website”, "
                              "“username”, “password” and “message”.")


# Avira

def test_avira_logins_take_the_secondary_username_when_the_first_is_empty_and_keep_it_otherwise():
    content = avira_csv([
        {"name": UNICODE, "website": "https://www.amazon.de/", "username": "zoë@example.com",
         "secondary_username": "zoë", "password": PASSWORD},
        {"name": "", "website": "https://www.shop.example/login", "username": "", "secondary_username": "zoe",
         "password": "pw"},
        {"name": QUOTED, "website": "", "username": "u", "password": ""},
    ])
    assert detect_format("avira_passwords.csv", content) == "avira_csv"
    assert parse("avira_csv", content) == [
        new_item("login", UNICODE, fields=[new_field("Secondary username", "zoë")], login={
            "username": "zoë@example.com", "password": PASSWORD, "uris": [new_uri("https://www.amazon.de/")]}),
        new_item("login", "shop.example", login={"username": "zoe", "password": "pw",
                                                 "uris": [new_uri("https://www.shop.example/login")]}),
        new_item("login", QUOTED, login={"username": "u"}),
    ]


def test_an_avira_line_with_neither_name_nor_website_is_refused():
    refused = refusal("avira_csv", avira_csv([{"username": "u"}]))
    assert (refused.line, refused.reason) == (2, "The name and the website are both empty.")


def test_a_chrome_file_picked_as_avira_is_refused_naming_aviras_columns():
    refused = refusal("avira_csv", chrome_csv([{"name": "a", "url": "https://a.example"}]))
    assert (refused.line, refused.reason) == (1, "The file is not an export of Avira Password Manager: its first line "
                                                 "should name the columns name, website, username, "
                                                 "secondary_username, password.")


# LogMeOnce

def test_logmeonce_logins_keep_their_note_group_passkey_and_extra_data():
    content = logmeonce_csv([
        {"name": "Facebook (zoë)", "url": "https://www.facebook.com/", "note": NOTES, "group": "Ünïcødé 東京",
         "username": "zoë", "password": PASSWORD, "passkey": "{\"credentialId\":\"abc\"}", "extra": "id=42"},
        {"name": QUOTED, "url": "", "group": "", "username": "", "password": "pw"},
    ])
    assert detect_format("LogMeOnce.csv", content) == "logmeonce_csv"
    assert parse("logmeonce_csv", content) == [
        new_item("login", "Facebook (zoë)", notes=NOTES, folder="Ünïcødé 東京", fields=[
            new_field("Passkey", '{"credentialId":"abc"}', "hidden"), new_field("Extra", "id=42")], login={
            "username": "zoë", "password": PASSWORD, "uris": [new_uri("https://www.facebook.com/")]}),
        new_item("login", QUOTED, login={"password": "pw"}),
    ]


def test_older_logmeonce_exports_without_note_or_passkey_are_read():
    content = logmeonce_csv([{"name": "Facebook (auser)", "url": "https://www.facebook.com/", "username": "auser",
                              "password": "123456", "group": "Favorites"}], header=LOGMEONCE_OLD)
    assert detect_format("LogMeOnce.csv", content) == "logmeonce_csv"
    assert parse("logmeonce_csv", content) == [
        new_item("login", "Facebook (auser)", folder="Favorites", login={
            "username": "auser", "password": "123456", "uris": [new_uri("https://www.facebook.com/")]})]


def test_a_lastpass_file_picked_as_logmeonce_is_refused_naming_logmeonces_columns():
    refused = refusal("logmeonce_csv", sample("lastpass_csv"))
    assert (refused.line, refused.reason) == (1, "The file is not an export of LogMeOnce: its first line should name "
                                                 "the columns name, url, username, password, group, extra.")
