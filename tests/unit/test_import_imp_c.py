"""Reading the exports of Safari, SafeInCloud, Zoho Vault, Passbolt, Myki, Passky, Avira and LogMeOnce.

Each file is written the way its manager writes it (its header, quoting, byte-order mark, nesting), and
every field of every item read from it is asserted by comparing whole plain items.
"""
from __future__ import annotations

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import NOTES, PASSWORD, QUOTED, TOTP, UNICODE, chrome_csv, safari_csv, sample

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
    assert refused.reason == ("The file is not a Safari or Apple Passwords export: its first line should name the "
                              "columns Title, URL, Username, Password.")


def test_a_onepassword_csv_is_still_told_from_a_safari_one():
    assert detect_format("x.csv", sample("onepassword_csv")) == "onepassword_csv"
