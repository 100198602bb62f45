"""Telling an export file's format from its content (and its name when the content cannot tell)."""
from __future__ import annotations

import pytest

from gateway.transfer import FORMATS, Detection, detect, detect_format, export_encrypted_json, export_json, new_item
from tests.unit.test_transfer_samples import (DASHLANE_NOTES, DASHLANE_PAYMENTS, SAMPLE_NAMES, bitwarden_csv,
                                              dashlane_csv, sample)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_each_sample_is_recognised_by_its_content(format_id):
    assert detect_format(SAMPLE_NAMES[format_id], sample(format_id)) == format_id
    assert detect_format("upload", sample(format_id)) == format_id, "the name is not needed"


def test_the_bitwarden_organization_csv_and_dashlanes_other_files_are_recognised():
    assert detect_format("org.csv", bitwarden_csv([{"type": "note", "name": "a"}], organization=True)) == \
        "bitwarden_csv"
    assert detect_format("securenotes.csv", dashlane_csv([{"title": "a"}], header=DASHLANE_NOTES)) == "dashlane_csv"
    assert detect_format("payments.csv", dashlane_csv([], header=DASHLANE_PAYMENTS)) == "dashlane_csv"


def test_bitwarden_json_exports_are_recognised_protected_or_not():
    items = [new_item("note", "a")]
    assert detect_format("x.json", export_json(items, [])) == "bitwarden_json"
    assert detect_format("x", export_encrypted_json(items, None, "pw", iterations=1_000)) == "bitwarden_json"


@pytest.mark.parametrize("filename, content, expected", [
    ("notes.txt", b"hello, world\n", None),
    ("data.csv", b"a,b,c\n1,2,3\n", None),
    ("empty.csv", b"", None),
    ("other.json", b'{"accounts": []}', None),
    ("other.xml", b"<?xml version='1.0'?><Passwords/>", None),
    ("archive.zip", b"PK\x03\x04not really a zip", None),
    ("broken.1pux", b"not a zip at all", "onepassword_1pux"),
    ("broken.json", b"{not json", "bitwarden_json"),
])
def test_other_files_are_not_recognised_unless_their_name_says_which_format_they_claim(filename, content, expected):
    assert detect_format(filename, content) == expected


def test_detection_says_whether_the_content_or_only_the_file_name_told_the_format():
    lastpass = sample("lastpass_csv")
    assert detect("anything.txt", lastpass) == Detection("lastpass_csv", certain=True)
    assert detect("broken.json", b"{not json") == Detection("bitwarden_json", certain=False)
    assert detect("what.bin", b"\x00\x01 not a vault") is None
