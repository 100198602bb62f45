"""Tests for the French catalog: complete, not fuzzy, and placeholder-safe against the .pot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "web" / "translations" / "messages.pot"
FRENCH = ROOT / "web" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

PLACEHOLDER = re.compile(r"%\(([^)]+)\)s")


def load(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


TEMPLATE_CATALOG = load(TEMPLATE)
FRENCH_CATALOG = load(FRENCH, locale="fr")
TEMPLATE_MESSAGES = [message for message in TEMPLATE_CATALOG if message.id]


def forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple, whether it is singular or has plural forms."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def placeholders(texts) -> set[str]:
    return {name for text in texts for name in PLACEHOLDER.findall(text or "")}


def label(message) -> str:
    text = forms(message.id)[0]
    return text if len(text) <= 50 else text[:47] + "..."


every_template_message = pytest.mark.parametrize("template_message", TEMPLATE_MESSAGES, ids=label)


def test_the_french_catalog_declares_french_and_its_two_plural_forms():
    assert str(FRENCH_CATALOG.locale) == "fr"
    assert FRENCH_CATALOG.plural_forms.replace(" ", "") == "nplurals=2;plural=(n>1);"


def test_the_template_has_messages_to_translate():
    assert TEMPLATE_MESSAGES


@every_template_message
def test_every_template_message_has_a_french_translation_in_every_plural_form(template_message):
    french = FRENCH_CATALOG.get(template_message.id)
    assert french is not None, f"{template_message.id!r} is missing from the French catalog"
    translations = forms(french.string)
    if template_message.pluralizable:
        assert french.pluralizable
        assert len(translations) == FRENCH_CATALOG.num_plurals
    assert all(text and text.strip() for text in translations), translations


@every_template_message
def test_no_french_translation_is_fuzzy(template_message):
    french = FRENCH_CATALOG.get(template_message.id)
    assert french is not None
    assert not french.fuzzy


@every_template_message
def test_every_french_translation_keeps_exactly_the_placeholders_of_its_msgid(template_message):
    french = FRENCH_CATALOG.get(template_message.id)
    assert french is not None
    expected = placeholders(forms(template_message.id))
    for text in forms(french.string):
        assert placeholders([text]) == expected, (template_message.id, text)


def test_the_french_catalog_holds_no_fuzzy_entry_at_all():
    assert not [message.id for message in FRENCH_CATALOG if message.fuzzy]
