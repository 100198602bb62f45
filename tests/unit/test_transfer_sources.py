"""The import help: for every format, where to find the export in the manager it comes from."""
from __future__ import annotations

import pytest

from gateway.transfer import FORMATS, SOURCES
from gateway.transfer.sources import UNENCRYPTED_WARNING, source

pytestmark = pytest.mark.unit


def test_there_is_one_source_per_format_in_the_same_order():
    assert [s.format_id for s in SOURCES] == list(FORMATS)
    assert [str(s.label) for s in SOURCES] == [str(label) for label in FORMATS.values()]


@pytest.mark.parametrize("found", SOURCES, ids=lambda s: s.format_id)
def test_each_source_has_steps_and_ends_with_the_warning_to_delete_the_file(found):
    steps = [str(step) for step in found.steps]
    assert len(steps) >= 3 and all(step.strip() for step in steps)
    assert "not encrypted" in steps[-1] and "delete it" in steps[-1].lower()


@pytest.mark.parametrize("format_id, words", [
    ("lastpass_csv", "Advanced Options → Export"),
    ("chrome_csv", "Google Password Manager → Settings → Export passwords"),
    ("firefox_csv", "about:logins"),
    ("onepassword_1pux", "File → Export"),
    ("keepass_xml", "KeePass XML (2.x)"),
    ("keepassxc_csv", "Database → Export → CSV File"),
    ("dashlane_csv", "Export data"),
    ("bitwarden_json", "Tools → Export vault"),
])
def test_the_steps_name_the_managers_own_menus(format_id, words):
    assert any(words in str(step) for step in source(format_id).steps)


def test_every_format_but_the_protected_bitwarden_export_warns_the_same_way():
    warned = [s.format_id for s in SOURCES if s.steps[-1] is UNENCRYPTED_WARNING]
    assert warned == [f for f in FORMATS if f != "bitwarden_json"]
