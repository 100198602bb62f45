"""The one rule for every name a person gives (clients, organizations, groups, collections, folders, people)."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.common.errors import Invalid
from services.common.validation import clean_name, name_key

pytestmark = pytest.mark.unit
UNSEEN_IN_NAME = "A name cannot contain control, invisible or text-direction characters."


@pytest.mark.parametrize("unseen", ["\u202e", "\u202d", "\u2066", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
                                    "\u00ad", "\x00", "\x07", "\x1b", "\x7f", "\ue000"])
def test_a_name_holding_a_control_invisible_or_text_direction_character_is_refused(unseen):
    with pytest.raises(Invalid, match=f"^{UNSEEN_IN_NAME}$") as refused:
        clean_name(f"Acme{unseen}Corp", "name")
    assert refused.value.field == "name"


def test_a_name_is_trimmed_in_nfc_with_its_white_space_made_single_spaces():
    assert clean_name("  Cafe\u0301 \t du\n  Coin\u00a0 ") == "Café du Coin"
    assert clean_name("") == "" and clean_name(None) == ""


def test_names_that_differ_only_by_case_or_composition_have_one_key():
    assert name_key("Café", 100) == name_key("CAFE\u0301", 100) == name_key("café", 100)
    assert name_key("Straße", 100) == name_key("STRASSE", 100)
    assert name_key("ß" * 99, 100) == "s" * 100  # cut to the column holding it


printable = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn"))


@given(st.text(printable, max_size=60))
def test_a_visible_name_is_kept_and_cleaning_it_again_changes_nothing(text):
    cleaned = clean_name(text)
    assert cleaned == clean_name(cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned


@given(st.text(printable, max_size=30), st.sampled_from(["\u202e", "\u200b", "\x00", "\u2067"]),
       st.text(printable, max_size=30))
def test_an_unseen_character_anywhere_is_refused(before, unseen, after):
    with pytest.raises(Invalid):
        clean_name(before + unseen + after)


@given(st.text(printable, max_size=40))
def test_the_key_ignores_composition_and_is_its_own_key(text):
    key = name_key(text, 400)
    assert key == name_key(unicodedata.normalize("NFD", text), 400) == name_key(key, 400)


@given(st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40))
def test_the_key_ignores_case(text):
    assert name_key(text.upper(), 100) == name_key(text.lower(), 100)
