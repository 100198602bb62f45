"""SafeInCloud's XML export: cards of fields, told apart as logins, payment cards and notes; labels are folders."""

from __future__ import annotations

import codecs
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from .errors import ImportRefused
from .items import new_field, new_item, new_uri
from .keepass import parse_xml

ROOT_TAG = "database"
# Field types whose values SafeInCloud hides behind dots; they stay hidden as custom fields.
SECRET_TYPES = {"password", "secret", "pin"}
WEBSITE_TYPES = {"website", "weblogin"}
CARD_AUTOFILL = {"cc-number": "number", "cc-name": "cardholder_name", "cc-csc": "code"}


def read(content: bytes) -> Iterator[tuple[dict, dict]]:
    """(place, plain item) for each card that is neither a template nor deleted, in document order."""
    # SafeInCloud may put a byte-order mark or blank lines before the XML declaration, which XML forbids.
    root = parse_xml(content.removeprefix(codecs.BOM_UTF8).lstrip())
    if root.tag != ROOT_TAG:
        raise ImportRefused("The file is not a SafeInCloud XML export: its root element should be "
                            "<database>, holding <label> and <card> elements.")
    labels = {label.get("id"): (label.get("name") or "").strip() for label in root.findall("label")}
    cards = [card for card in root.findall("card")
             if card.get("template") != "true" and card.get("deleted") != "true"]
    for number, card in enumerate(cards, 1):
        try:
            yield {"entry": number}, _plain(card, labels)
        except ImportRefused as error:
            raise error.located(entry=number) from None


def _plain(card: ET.Element, labels: dict[str, str]) -> dict:
    name = card.get("title") or ""
    if not name.strip():
        raise ImportRefused("The name is empty.")
    label_ids = [(label.text or "").strip() for label in card.findall("label_id")]
    common = {"favorite": card.get("star") == "true",
              "folder": next((labels[i] for i in label_ids if labels.get(i)), "")}
    notes = [element.text or "" for element in card.findall("notes")]
    fields = [field for field in card.findall("field") if (field.text or "").strip()]
    if card.get("type") == "note":
        return new_item("note", name, notes="\n".join(notes), fields=[_custom(f) for f in fields], **common)
    if any(field.get("autofill") == "cc-number" for field in fields):
        return _card(name, fields, notes, common)
    return _login(name, fields, notes, common)


def _type(field: ET.Element) -> str:
    return (field.get("type") or "").lower()


def _custom(field: ET.Element) -> dict:
    return new_field(field.get("name") or "", field.text or "", "hidden" if _type(field) in SECRET_TYPES else "text")


def _card(name: str, fields: list[ET.Element], notes: list[str], common: dict) -> dict:
    card: dict[str, str] = {}
    custom = []
    for field in fields:
        autofill = field.get("autofill")
        if autofill in CARD_AUTOFILL and CARD_AUTOFILL[autofill] not in card:
            card[CARD_AUTOFILL[autofill]] = field.text or ""
        elif autofill == "cc-exp" and "exp_month" not in card and (expiry := _expiry(field.text or "")):
            card["exp_month"], card["exp_year"] = expiry
        elif _type(field) == "notes":
            notes.append(field.text or "")
        else:
            custom.append(_custom(field))
    return new_item("card", name, notes="\n".join(notes), fields=custom, card=card, **common)


def _expiry(value: str) -> tuple[str, str] | None:
    # SafeInCloud writes a card's expiry as MM/YY; plain items hold the month without a leading zero.
    month, separator, year = value.strip().partition("/")
    if not (separator and month.isdigit() and year.isdigit() and 1 <= int(month) <= 12):
        return None
    return str(int(month)), f"20{year}" if len(year) == 2 else year


def _login(name: str, fields: list[ET.Element], notes: list[str], common: dict) -> dict:
    login: dict = {"uris": []}
    custom = []
    # SafeInCloud allows several passwords: the one named Password is the login's, else the first one.
    passwords = [field for field in fields if _type(field) == "password"]
    password = next((f for f in passwords if (f.get("name") or "").strip().lower() == "password"),
                    passwords[0] if passwords else None)
    for field in fields:
        kind = _type(field)
        if field is password:
            login["password"] = field.text or ""
        elif kind == "login" and "username" not in login:
            login["username"] = field.text or ""
        elif kind == "one_time_password" and "totp" not in login:
            login["totp"] = (field.text or "").strip()
        elif kind in WEBSITE_TYPES:
            login["uris"].append(new_uri((field.text or "").strip()))
        elif kind == "notes":
            notes.append(field.text or "")
        else:
            custom.append(_custom(field))
    if not (login.get("username") or login.get("password") or login.get("totp") or login["uris"]):
        # A card with nothing to sign in with (a passport, a licence) is a note of its fields.
        return new_item("note", name, notes="\n".join(notes), fields=custom, **common)
    return new_item("login", name, notes="\n".join(notes), fields=custom, login=login, **common)
