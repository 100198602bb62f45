"""An item's old passwords: sealed with it, kept through imports and exports, grown by edits, shown."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from flask import render_template

from gateway.app import create_app
from gateway.crypto import SymmetricKey
from gateway.item_form import CARD_LABELS, FIELD_TYPE_LABELS, IDENTITY_LABELS, MATCH_LABELS, TYPE_LABELS
from gateway.transfer import ImportRefused, check_item, export_json, new_field, new_item, parse
from gateway.vault_items import history_after_edit, keep_hidden_parts, open_item, reseal, seal_item
from services.common.config import Settings
from services.orgs.domain import require_sealed
from tests.conftest import TEST_SECRETS

pytestmark = pytest.mark.unit
KEY = SymmetricKey.generate()
NOW = datetime(2026, 11, 30, 9, 15, 42, 123000, tzinfo=timezone.utc)
HISTORY = [{"password": "Älteres-Passwort-2", "last_used": "2024-05-01T10:00:00.000Z"},
           {"password": "older-1 🔐", "last_used": "2023-01-02T03:04:05.000Z"}]


def login_with_history(password="Current-9", history=HISTORY) -> dict:
    return new_item("login", "Mail", login={"username": "zoë", "password": password},
                    fields=[new_field("PIN", "4321", "hidden"), new_field("Rack", "B2")], password_history=history)


def stored(data: dict, hidden: bool = False) -> dict:
    return {"item_id": "i1", "type": "login", "data": data, "passwords_hidden": hidden}


# --- sealing ---------------------------------------------------------------------------------------

def test_old_passwords_and_their_dates_are_sealed_and_open_the_same():
    _, data = seal_item(KEY, login_with_history())
    assert require_sealed(data) is data  # orgs accepts the new key: nothing in it is plaintext
    assert not any(secret in repr(data) for secret in ("Älteres-Passwort-2", "older-1", "2024-05-01"))
    assert open_item(KEY, stored(data))["password_history"] == HISTORY


def test_an_item_without_old_passwords_stores_no_history_and_opens_with_an_empty_one():
    _, data = seal_item(KEY, login_with_history(history=[]))
    assert "password_history" not in data
    assert open_item(KEY, stored(data))["password_history"] == []


def test_a_reader_whose_access_hides_passwords_gets_no_old_passwords():
    _, data = seal_item(KEY, login_with_history())
    assert open_item(KEY, stored(data, hidden=True))["password_history"] == []


def test_an_editor_who_cannot_see_passwords_keeps_the_history_unchanged():
    _, old = seal_item(KEY, login_with_history())
    _, new = seal_item(KEY, login_with_history(password="", history=[]))
    assert keep_hidden_parts(new, old, "login")["password_history"] == old["password_history"]


def test_resealing_under_another_key_keeps_the_history():
    other = SymmetricKey.generate()
    _, data = seal_item(KEY, login_with_history())
    assert open_item(other, stored(reseal(data, KEY, other)))["password_history"] == HISTORY


# --- the edit rule ---------------------------------------------------------------------------------

def test_a_changed_password_joins_the_history_first_with_the_time_it_changed():
    edited = login_with_history(password="Newer-10", history=[])
    assert history_after_edit(login_with_history(), edited, NOW) == [
        {"password": "Current-9", "last_used": "2026-11-30T09:15:42.123Z"}, *HISTORY]


def test_an_unchanged_or_empty_password_adds_nothing():
    assert history_after_edit(login_with_history(), login_with_history(history=[]), NOW) == HISTORY
    assert history_after_edit(login_with_history(password=""), login_with_history(password="New", history=[]),
                              NOW) == HISTORY


def test_a_changed_or_removed_hidden_field_joins_the_history_by_name_as_bitwarden_keeps_it():
    edited = login_with_history(history=[])
    edited["fields"] = [new_field("Rack", "C3")]
    assert history_after_edit(login_with_history(), edited, NOW)[0] == {
        "password": "PIN: 4321", "last_used": "2026-11-30T09:15:42.123Z"}


def test_only_the_five_most_recent_old_passwords_are_kept():
    item = login_with_history(password="p0", history=[])
    for number in range(1, 8):
        edited = login_with_history(password=f"p{number}", history=[])
        edited["password_history"] = history_after_edit(item, edited, NOW.replace(second=number))
        item = edited
    assert [e["password"] for e in item["password_history"]] == ["p6", "p5", "p4", "p3", "p2"]


# --- imports and exports ---------------------------------------------------------------------------

def bitwarden_file(history) -> bytes:
    return json.dumps({"encrypted": False, "folders": [], "items": [
        {"id": "a", "organizationId": None, "folderId": None, "type": 1, "reprompt": 0, "name": "Mail",
         "notes": None, "favorite": False, "fields": [], "collectionIds": None, "passwordHistory": history,
         "login": {"uris": [], "username": "zoë", "password": "Current-9", "totp": None}}]}).encode()


def test_a_bitwarden_json_import_keeps_the_five_newest_old_passwords_newest_first():
    history = [{"lastUsedDate": f"2024-0{n}-01T00:00:00.000Z", "password": f"old {n}"} for n in range(1, 8)]
    [item] = parse("bitwarden_json", bitwarden_file(history))
    assert item["password_history"] == [{"password": f"old {n}", "last_used": f"2024-0{n}-01T00:00:00.000Z"}
                                        for n in (7, 6, 5, 4, 3)]


def test_a_bitwarden_json_export_writes_the_history_as_bitwarden_does_and_reads_back_the_same():
    content = export_json([login_with_history(), new_item("note", "Plain")])
    ciphers = json.loads(content)["items"]
    assert ciphers[0]["passwordHistory"] == [{"lastUsedDate": e["last_used"], "password": e["password"]}
                                             for e in HISTORY]
    assert ciphers[1]["passwordHistory"] is None
    assert [i["password_history"] for i in parse("bitwarden_json", content)] == [HISTORY, []]


def test_a_history_longer_than_bitwarden_keeps_or_not_a_list_is_refused():
    with pytest.raises(ImportRefused, match="more than 5 passwords"):
        check_item(login_with_history(history=HISTORY * 3))
    item = login_with_history()
    item["password_history"] = "hunter2"
    with pytest.raises(ImportRefused, match="^The password history is not a list.$"):
        check_item(item)


# --- the item view ---------------------------------------------------------------------------------

class PersonalVault:
    personal = True

    def url(self, endpoint: str, **args) -> str:
        return "/vault"


def test_the_item_view_lists_each_old_password_masked_with_its_date(tmp_path):
    app = create_app(Settings.from_env("gateway", {**TEST_SECRETS, "CUSTODIAN_VAR": str(tmp_path)}))
    _, data = seal_item(KEY, login_with_history())
    labels = {"types": TYPE_LABELS, "matches": MATCH_LABELS, "field_types": FIELD_TYPE_LABELS,
              "card": CARD_LABELS, "identity": IDENTITY_LABELS}
    with app.test_request_context("/vault/i1"):
        page = render_template("partials/item_view.html", vault=PersonalVault(), item=open_item(KEY, stored(data)),
                               names={}, labels=labels, may_edit=False, totp_now=lambda seed: None)
    assert "Password history" in page and "<summary>2 old passwords</summary>" in page
    assert '<code id="view-history-1" hidden>Älteres-Passwort-2</code>' in page
    assert '<code id="view-history-2" hidden>older-1 🔐</code>' in page
    assert "Last used 2024-05-01 10:00" in page and "Last used 2023-01-02 03:04" in page
    assert page.count('class="masked" id="mask-view-history-') == 2
