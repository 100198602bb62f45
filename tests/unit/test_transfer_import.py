"""Reading CSV exports into plain items: what each manager's columns become, and what is refused where."""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import (DASHLANE_NOTES, DASHLANE_PAYMENTS, NOTES, NOTES_LINES, PASSWORD, QUOTED,
                                              TOTP, UNICODE, bitwarden_csv, chrome_csv, csv_file, dashlane_csv,
                                              firefox_csv, keepassxc_csv, lastpass_csv, onepassword_csv)

pytestmark = pytest.mark.unit

CARD_NOTE = ("NoteType:Credit Card\nLanguage:en-US\nName on Card:Zoë Ünïcødé\nType:Visa\nNumber:4111111111111111\n"
             "Security Code:123\nStart Date:,\nExpiration Date:March,2030\nNotes:Card notes\nline two")
ADDRESS_NOTE = ("NoteType:Address\nLanguage:en-US\nTitle:Ms\nFirst Name:Zoë\nMiddle Name:\nLast Name:Ünïcødé\n"
                "Username:zoe\nGender:\nCompany:ACME, Inc.\nAddress 1:1 Chome\nCity / Town:東京\nState:Tokyo\n"
                "Zip / Postal Code:100-0001\nCountry:JP\nEmail Address:zoe@example.com\n"
                'Phone:{"num":"3-1234-5678","ext":"","cc3l":"JPN"}\nFax:\nNotes:')


def test_lastpass_sites_notes_cards_and_addresses_become_items_of_their_type():
    content = lastpass_csv([
        {"url": "https://example.com/login", "username": "zoë@example.com", "password": PASSWORD,
         "totp": "JBSWY3DPEHPK3PXP", "extra": NOTES, "name": UNICODE, "grouping": "Work\\Tokyo", "fav": "1"},
        {"url": "http://", "password": "x", "name": QUOTED, "fav": "0"},
        {"url": "http://sn", "extra": NOTES, "name": "Recipe", "grouping": "(none)"},
        {"url": "http://sn", "extra": CARD_NOTE, "name": "Visa", "grouping": "Finance"},
        {"url": "http://sn", "extra": ADDRESS_NOTE, "name": "Home"},
    ])
    assert parse("lastpass_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work/Tokyo", login={
            "username": "zoë@example.com", "password": PASSWORD, "totp": "JBSWY3DPEHPK3PXP",
            "uris": [new_uri("https://example.com/login")]}),
        new_item("login", QUOTED, login={"password": "x"}),
        new_item("note", "Recipe", notes=NOTES),
        new_item("card", "Visa", notes="Card notes\nline two", folder="Finance", card={
            "cardholder_name": "Zoë Ünïcødé", "brand": "Visa", "number": "4111111111111111", "code": "123",
            "exp_month": "3", "exp_year": "2030"}),
        new_item("identity", "Home", identity={
            "title": "Ms", "first_name": "Zoë", "last_name": "Ünïcødé", "username": "zoe", "company": "ACME, Inc.",
            "address1": "1 Chome", "city": "東京", "state": "Tokyo", "postal_code": "100-0001", "country": "JP",
            "email": "zoe@example.com", "phone": "3-1234-5678"}),
    ]


def test_other_lastpass_typed_notes_keep_their_lines_as_fields():
    content = lastpass_csv([{"url": "http://sn", "name": "Passport", "extra":
                             "NoteType:Passport\nLanguage:en-US\nNumber:X123\nNotes:Renew in 2030"}])
    assert parse("lastpass_csv", content) == [
        new_item("note", "Passport", notes="Renew in 2030", fields=[new_field("Number", "X123")])]


def test_a_lastpass_line_without_a_name_is_refused_at_its_physical_line():
    content = lastpass_csv([{"url": "https://a.example", "name": "A", "extra": NOTES},
                            {"url": "https://b.example", "name": "  "}])
    with pytest.raises(ImportRefused) as refused:
        parse("lastpass_csv", content)
    assert refused.value.line == 2 + NOTES_LINES
    assert refused.value.reason == "The name is empty."
    assert str(refused.value) == f"Line {2 + NOTES_LINES}: The name is empty."


def test_chrome_logins_are_named_after_their_site_when_the_name_is_empty():
    content = chrome_csv([{"name": UNICODE, "url": "https://accounts.example.com/", "username": "zoë",
                           "password": PASSWORD, "note": NOTES},
                          {"url": "https://www.shop.example:8443/cart", "username": "a", "password": "b"}])
    assert parse("chrome_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, login={"username": "zoë", "password": PASSWORD,
                                                       "uris": [new_uri("https://accounts.example.com/")]}),
        new_item("login", "shop.example", login={"username": "a", "password": "b",
                                                 "uris": [new_uri("https://www.shop.example:8443/cart")]}),
    ]


def test_older_chrome_exports_without_notes_are_read():
    content = chrome_csv([{"name": "a.example", "url": "https://a.example", "password": "pw"}],
                         header=("name", "url", "username", "password"))
    assert parse("chrome_csv", content)[0]["login"]["password"] == "pw"


def test_a_chrome_line_with_neither_name_nor_site_is_refused():
    content = chrome_csv([{"name": "a", "url": "https://a.example"}, {"username": "lost", "password": "pw"}])
    with pytest.raises(ImportRefused) as refused:
        parse("chrome_csv", content)
    assert (refused.value.line, refused.value.reason) == (3, "The name and the website are both empty.")


def test_empty_rows_are_skipped_but_still_count_as_lines():
    content = chrome_csv([{"name": "a", "url": "https://a.example"}, {}, {"username": "lost", "password": "pw"}])
    assert b"\r\n,,,,\r\n" in content
    with pytest.raises(ImportRefused) as refused:
        parse("chrome_csv", content.replace(b"\r\n,,,,\r\n", b"\r\n,,,,\r\n\r\n"))
    assert refused.value.line == 5


def test_firefox_logins_are_named_after_their_host_and_its_own_account_is_left_out():
    content = firefox_csv([
        {"url": "https://www.example.com", "username": "zoë", "password": PASSWORD,
         "formActionOrigin": "https://www.example.com", "guid": "{1}", "timeCreated": "1700000000000"},
        {"url": "chrome://FirefoxAccounts", "username": "uid", "password": "{}", "httpRealm": "Firefox Accounts"},
        {"url": "https://東京.example", "username": "user", "password": 'pa"ss'},
    ])
    assert parse("firefox_csv", content) == [
        new_item("login", "example.com", login={"username": "zoë", "password": PASSWORD,
                                                "uris": [new_uri("https://www.example.com")]}),
        new_item("login", "東京.example", login={"username": "user", "password": 'pa"ss',
                                                 "uris": [new_uri("https://東京.example")]}),
    ]


def test_a_firefox_line_with_a_broken_quote_is_refused_at_that_line():
    content = firefox_csv([{"url": "https://a.example", "username": "a"}]) + b'"https://bad.example","user"x,"pw"\r\n'
    with pytest.raises(ImportRefused) as refused:
        parse("firefox_csv", content)
    assert refused.value.line == 3
    assert "quote" in refused.value.reason


def test_a_quote_never_closed_is_refused_at_the_line_where_its_value_starts():
    content = chrome_csv([{"name": "a", "url": "https://a.example"}]) + b'b,https://b.example,"zoe,pw\r\nc,,,\r\n'
    with pytest.raises(ImportRefused) as refused:
        parse("chrome_csv", content)
    assert refused.value.line == 3


def test_onepassword_csv_reads_headers_in_any_case_and_takes_the_first_tag_as_folder():
    content = onepassword_csv([
        {"Title": UNICODE, "Url": "https://example.com", "Username": "zoë", "Password": PASSWORD, "OTPAuth": TOTP,
         "Favorite": "true", "Archived": "false", "Tags": "Work,Travel", "Notes": NOTES},
        {"Title": QUOTED, "Password": "pw", "Favorite": "false", "Archived": "true"},
    ])
    assert content.startswith(b"\xef\xbb\xbfTitle,Url")
    assert parse("onepassword_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work", login={
            "username": "zoë", "password": PASSWORD, "totp": TOTP, "uris": [new_uri("https://example.com")]}),
        new_item("login", QUOTED, login={"password": "pw"}),
    ]


def test_a_file_of_another_kind_is_refused_at_its_header():
    with pytest.raises(ImportRefused) as refused:
        parse("onepassword_csv", chrome_csv([{"name": "a", "url": "https://a.example"}]))
    assert (refused.value.line, refused.value.values) == (
        1, {"column": "title", "expected": "title, url, username, password"})  # every column such a file has


def test_keepassxc_groups_below_the_root_become_folders():
    content = keepassxc_csv([
        {"Group": "Root/Work/東京", "Title": UNICODE, "Username": "zoë", "Password": PASSWORD,
         "URL": "https://example.com", "Notes": NOTES, "TOTP": TOTP, "Icon": "0",
         "Last Modified": "2024-01-01T00:00:00Z", "Created": "2024-01-01T00:00:00Z"},
        {"Group": "Root", "Title": QUOTED, "Icon": "0"},
    ])
    assert parse("keepassxc_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work/東京", login={
            "username": "zoë", "password": PASSWORD, "totp": TOTP, "uris": [new_uri("https://example.com")]}),
        new_item("login", QUOTED),
    ]


def test_a_keepassxc_entry_without_a_title_is_refused():
    content = keepassxc_csv([{"Group": "Root", "Title": "a"}, {"Group": "Root", "Title": "", "Username": "x"}])
    with pytest.raises(ImportRefused, match="^Line 3: The name is empty.$"):
        parse("keepassxc_csv", content)


def test_dashlane_credentials_keep_extra_usernames_as_fields():
    content = dashlane_csv([{"username": "zoë", "username2": "zoe2", "title": UNICODE, "password": PASSWORD,
                             "note": NOTES, "url": "https://example.com", "category": "Work",
                             "otpSecret": "JBSWY3DPEHPK3PXP"}])
    assert parse("dashlane_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work", fields=[new_field("Alternate username", "zoe2")],
                 login={"username": "zoë", "password": PASSWORD, "totp": "JBSWY3DPEHPK3PXP",
                        "uris": [new_uri("https://example.com")]})]


def test_dashlane_secure_notes_and_payments_files_are_read_too():
    notes = dashlane_csv([{"title": "Recipe", "note": NOTES}], header=DASHLANE_NOTES)
    payments = dashlane_csv([
        {"type": "payment_card", "account_name": "Visa", "account_holder": UNICODE, "cc_number": "4111111111111111",
         "code": "123", "expiration_month": "03", "expiration_year": "2030"},
        {"type": "bank", "account_name": QUOTED, "account_number": "DE89 3704", "issuing_bank": "Bank, AG"},
    ], header=DASHLANE_PAYMENTS)
    assert parse("dashlane_csv", notes) == [new_item("note", "Recipe", notes=NOTES)]
    assert parse("dashlane_csv", payments) == [
        new_item("card", "Visa", card={"cardholder_name": UNICODE, "number": "4111111111111111", "code": "123",
                                       "exp_month": "03", "exp_year": "2030"}),
        new_item("note", QUOTED, fields=[new_field("Account number", "DE89 3704", "hidden"),
                                         new_field("Bank", "Bank, AG")]),
    ]


def test_a_dashlane_credential_without_a_title_is_refused():
    content = dashlane_csv([{"title": "a", "note": NOTES}, {"title": "", "username": "zoë", "password": "pw"}])
    with pytest.raises(ImportRefused, match=f"^Line {2 + NOTES_LINES}: The name is empty.$"):
        parse("dashlane_csv", content)


def test_a_dashlane_file_of_another_kind_is_refused_at_its_header():
    with pytest.raises(ImportRefused, match="neither the columns of credentials.csv") as refused:
        parse("dashlane_csv", csv_file(("website", "secret"), [{"website": "a"}]))
    assert refused.value.line == 1


def test_bitwarden_csv_reads_folders_favourites_fields_and_several_websites():
    content = bitwarden_csv([
        {"folder": "Work/東京", "favorite": "1", "type": "login", "name": UNICODE, "notes": NOTES,
         "fields": 'PIN: 1234\nQuestion: "Pet, name?": Rex', "reprompt": "0",
         "login_uri": "https://a.example,https://b.example", "login_username": "zoë", "login_password": PASSWORD,
         "login_totp": TOTP},
        {"type": "note", "name": "Recipe", "notes": NOTES, "reprompt": "0"},
    ])
    assert parse("bitwarden_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, favorite=True, folder="Work/東京",
                 fields=[new_field("PIN", "1234"), new_field("Question", '"Pet, name?": Rex')],
                 login={"username": "zoë", "password": PASSWORD, "totp": TOTP,
                        "uris": [new_uri("https://a.example"), new_uri("https://b.example")]}),
        new_item("note", "Recipe", notes=NOTES),
    ]


def test_the_bitwarden_organization_csv_names_collections():
    content = bitwarden_csv([{"collections": "Engineering,Ops/東京", "type": "login", "name": "Deploy"}],
                            organization=True)
    assert parse("bitwarden_csv", content) == [new_item("login", "Deploy", collections=["Engineering", "Ops/東京"])]


def test_a_bitwarden_csv_line_of_an_unknown_type_is_refused():
    content = bitwarden_csv([{"type": "login", "name": "a"}, {"type": "card", "name": "b"}])
    with pytest.raises(ImportRefused) as refused:
        parse("bitwarden_csv", content)
    assert (refused.value.line, refused.value.values) == (3, {"type": "card"})


def test_windows_line_ends_inside_notes_become_plain_newlines():
    content = chrome_csv([{"name": "a", "url": "https://a.example", "note": "one\r\ntwo"}])
    assert parse("chrome_csv", content)[0]["notes"] == "one\ntwo"


def test_a_line_with_more_values_than_the_header_is_refused():
    content = csv_file(("name", "url", "username", "password"), [{"name": "a"}]) + b"b,https://b.example,u,p,extra\n"
    with pytest.raises(ImportRefused) as refused:
        parse("chrome_csv", content)
    assert refused.value.line == 3


@pytest.mark.parametrize("format_id", ["bitwarden_csv", "lastpass_csv", "chrome_csv", "firefox_csv",
                                       "onepassword_csv", "keepassxc_csv", "dashlane_csv"])
@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
def test_an_empty_csv_file_holds_no_items(format_id, content):
    with pytest.raises(ImportRefused, match="^The file holds no items.$"):
        parse(format_id, content)


def test_a_file_with_only_a_header_holds_no_items():
    with pytest.raises(ImportRefused, match="holds no items") as refused:
        parse("lastpass_csv", lastpass_csv([]))
    assert (refused.value.line, refused.value.entry) == (None, None)


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_the_first_bad_byte():
    content = chrome_csv([{"name": "a", "url": "https://a.example"}]) + "b,,caf\xe9,\r\n".encode("latin-1")
    with pytest.raises(ImportRefused, match="UTF-8") as refused:
        parse("chrome_csv", content)
    assert refused.value.line == 3


def test_a_value_longer_than_the_limit_is_refused_at_its_line():
    content = chrome_csv([{"name": "a", "url": "https://a.example"}, {"name": "b", "note": "x" * 10_001}])
    with pytest.raises(ImportRefused) as refused:
        parse("chrome_csv", content)
    assert (refused.value.line, refused.value.values) == (3, {"part": "notes", "limit": 10_000})
