"""Reading RoboForm's CSV export: logins, bookmarks and safenotes, and the form fields past the header."""
from __future__ import annotations

import codecs

import pytest

from gateway.transfer import ImportRefused, detect_format, new_field, new_item, new_uri, parse
from tests.unit.test_transfer_samples import NOTES, NOTES_LINES, PASSWORD, QUOTED, UNICODE, chrome_csv, roboform_csv

pytestmark = pytest.mark.unit


def test_roboform_logins_bookmarks_and_safenotes_become_items_with_their_form_fields():
    content = roboform_csv([
        {"Name": UNICODE, "Url": "https://example.com/login", "MatchUrl": "https://example.com/*",
         "Login": "zoë@example.com", "Pwd": PASSWORD, "Note": NOTES, "Folder": "/Work/東京",
         "fields": ["User ID$,,,txt,zoë@example.com", "Password$,,,pwd,x", "TOTP KEY$,,,txt,JBSWY3DPEHPK3PXP",
                    "Customer no,,,txt,12,345", "PIN,,,pwd,0042", "-no-name-,,,txt,loose", "Script$,,,txt,#x"]},
        {"Name": QUOTED, "Url": "https://bank.example", "MatchUrl": "https://bank.example", "Login": "bank",
         "Pwd": "s3cret", "Folder": "/Finance"},
        {"Name": "Docs", "Url": "https://docs.example", "Folder": "/Bookmarks"},
        {"Name": "Alarm", "Note": "4321 then #", "Folder": "/"},
    ])
    assert content.startswith(codecs.BOM_UTF8 + b"Name,Url,MatchUrl,Login,Pwd,Note,Folder,RfFieldsV2\r\n")
    assert detect_format("RoboForm Export.csv", content) == "roboform_csv"
    assert parse("roboform_csv", content) == [
        new_item("login", UNICODE, notes=NOTES, folder="Work/東京", fields=[
            new_field("Match URL", "https://example.com/*"), new_field("Customer no", "12,345"),
            new_field("PIN", "0042", "hidden"), new_field("", "loose")], login={
            "username": "zoë@example.com", "password": PASSWORD, "totp": "JBSWY3DPEHPK3PXP",
            "uris": [new_uri("https://example.com/login")]}),
        new_item("login", QUOTED, folder="Finance", login={
            "username": "bank", "password": "s3cret", "uris": [new_uri("https://bank.example")]}),
        new_item("login", "Docs", folder="Bookmarks", login={"uris": [new_uri("https://docs.example")]}),
        new_item("note", "Alarm", notes="4321 then #"),
    ]


def test_an_older_roboform_export_with_rf_fields_is_read_too():
    content = ("Name,Url,MatchUrl,Login,Pwd,Note,Folder,Rf_fields\r\n"
               "Mail,https://mail.example,,me,pw,,,\"email:1:me@mail.example\",\"remember:on:rck:1\"\r\n").encode()
    assert parse("roboform_csv", content) == [new_item("login", "Mail", fields=[
        new_field("email", "me@mail.example"), new_field("remember", "on")], login={
        "username": "me", "password": "pw", "uris": [new_uri("https://mail.example")]})]


def test_a_roboform_line_without_a_name_is_refused_at_its_physical_line():
    content = roboform_csv([{"Name": "A", "Url": "https://a.example", "Note": NOTES}, {"Name": " ", "Pwd": "x"}])
    with pytest.raises(ImportRefused) as refused:
        parse("roboform_csv", content)
    assert str(refused.value) == f"Line {2 + NOTES_LINES}: The name is empty."


def test_another_csv_picked_as_roboform_is_refused_naming_the_missing_and_expected_columns():
    content = chrome_csv([{"name": "A", "url": "https://a.example", "username": "a", "password": "b"}])
    with pytest.raises(ImportRefused) as refused:
        parse("roboform_csv", content)
    assert str(refused.value) == ("Line 1: The file is not a RoboForm CSV export: the column “MatchUrl” is missing "
                                  "(expected Name, Url, MatchUrl, Login, Pwd, Note, Folder).")


def test_a_roboform_file_with_only_its_header_holds_no_items():
    with pytest.raises(ImportRefused, match="The file holds no items."):
        parse("roboform_csv", roboform_csv([]))
