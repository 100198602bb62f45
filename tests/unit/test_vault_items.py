"""Items as the gateway seals and opens them; TOTP codes; URI match detection; filters; the item form."""
from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from gateway.crypto import SymmetricKey
from gateway.item_form import item_from_form, problem_with, without_empty_rows
from gateway.vault_filters import VaultFilter, collection_tree, select_items
from gateway.vault_items import keep_hidden_parts, new_item, open_item, reseal, seal_item, totp_code, uri_matches
from services.orgs.domain import require_sealed

pytestmark = pytest.mark.unit
KEY = SymmetricKey.generate()


def full_login() -> dict:
    item = new_item("login")
    item.update(name="Router Zoë 🔐", notes="line one\nline, two \"quoted\"")
    item["login"].update(username="admin", password="S3cret!", totp="JBSWY3DPEHPK3PXP",
                         uris=[{"uri": "https://router.example.com/login", "match": "host"},
                               {"uri": "router.local", "match": None}])
    item["fields"] = [{"name": "PIN", "value": "4321", "type": "hidden"},
                      {"name": "Rack", "value": "B2", "type": "text"},
                      {"name": "Managed", "value": "true", "type": "boolean"}]
    return item


@pytest.mark.parametrize("kind", ["login", "note", "card", "identity"])
def test_every_kind_of_item_is_sealed_text_by_text_and_opens_the_same(kind):
    item = full_login() if kind == "login" else new_item(kind)
    item["name"] = f"A {kind}"
    if kind == "card":
        item["card"].update(cardholder_name="Ana Lima", brand="Visa", number="4111111111111111", exp_month="7",
                            exp_year="2031", code="123")
    if kind == "identity":
        item["identity"].update(first_name="Ana", last_name="Lima", ssn="123-45-6789", email="ana@example.com")
    item_type, data = seal_item(KEY, item)
    assert item_type == kind and require_sealed(data) is data  # orgs accepts it: no plaintext anywhere
    # Whole values, not fragments: "Ana" or "4111" turn up by chance in base64 ciphertext (a 3 % flake).
    assert all(secret not in repr(data) for secret in ("4111111111111111", "S3cret", "Ana Lima", "123-45-6789"))
    opened = open_item(KEY, {"item_id": "i1", "type": item_type, "data": data})
    for part in ("name", "notes", "fields", kind):
        if part in item:
            assert opened[part] == item[part]


def test_a_reader_whose_access_hides_passwords_gets_none_of_the_secrets_but_the_rest():
    _, data = seal_item(KEY, full_login())
    opened = open_item(KEY, {"item_id": "i1", "type": "login", "data": data, "passwords_hidden": True})
    assert opened["login"]["password"] is None and opened["login"]["totp"] is None
    assert opened["login"]["username"] == "admin"
    assert [f["value"] for f in opened["fields"]] == [None, "B2", "true"]


def test_an_editor_who_cannot_see_secrets_keeps_them_unchanged_and_unseen():
    _, old = seal_item(KEY, full_login())
    edited = full_login()
    edited["login"]["password"], edited["fields"] = "", [{"name": "Rack", "value": "C3", "type": "text"}]
    _, new = seal_item(KEY, edited)
    kept = keep_hidden_parts(new, old, "login")
    assert kept["login"]["password"] == old["login"]["password"] and kept["login"]["totp"] == old["login"]["totp"]
    opened = open_item(KEY, {"type": "login", "data": kept})
    assert {f["name"]: f["value"] for f in opened["fields"]} == {"Rack": "C3", "PIN": "4321"}


def test_resealing_under_another_key_keeps_every_field_and_the_match_rules():
    other = SymmetricKey.generate()
    _, data = seal_item(KEY, full_login())
    moved = reseal(data, KEY, other)
    assert moved["login"]["uris"][0]["match"] == "host"
    assert open_item(other, {"type": "login", "data": moved})["login"]["password"] == "S3cret!"


@pytest.mark.parametrize(("at", "code"), [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
                                          (1234567890, "89005924"), (2000000000, "69279037"),
                                          (20000000000, "65353130")])
def test_totp_codes_match_the_rfc_6238_test_vectors(at, code):
    seed = "otpauth://totp/RFC?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&period=30&algorithm=SHA1"
    assert totp_code(seed, now=at)[0] == code


def test_a_totp_code_says_how_long_it_lasts_and_bad_seeds_give_none():
    code, left, period = totp_code("JBSW Y3DP EHPK 3PXP", now=100)
    assert len(code) == 6 and period == 30 and left == 20
    assert totp_code("not base32 !!") is None and totp_code("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP") is None


@pytest.mark.parametrize(("stored", "match", "url", "expected"), [
    ("https://accounts.example.co.uk/login", None, "https://www.example.co.uk/", True),
    ("https://accounts.example.co.uk/login", "domain", "https://other.co.uk/", False),
    ("https://router.example.com:8443", "host", "https://router.example.com:8443/x", True),
    ("https://router.example.com:8443", "host", "https://router.example.com/x", False),
    ("https://example.com/app", "starts_with", "https://example.com/app/page", True),
    ("https://example.com/app", "starts_with", "https://example.com/other", False),
    ("https://example.com/a", "exact", "https://example.com/a", True),
    ("https://example.com/a", "exact", "https://example.com/a/", False),
    (r"^https://(www\.)?example\.com/", "regex", "https://www.example.com/x", True),
    ("(unclosed", "regex", "https://example.com", False),
    ("https://example.com", "never", "https://example.com", False),
])
def test_uri_match_detection_follows_each_rule(stored, match, url, expected):
    assert uri_matches(stored, match, url) is expected


def opened(name: str, kind: str = "login", uri: str = "", collections=(), favorite=False, folder=None) -> dict:
    item = new_item(kind)
    item.update(name=name, item_id=name, favorite=favorite, folder_id=folder, collection_ids=list(collections),
                subtitle="")
    if kind == "login" and uri:
        item["login"]["uris"] = [{"uri": uri, "match": None}]
    return item


def test_filters_search_names_and_websites_and_nested_collections_include_their_children():
    names = {"c1": "Clients", "c2": "Clients/Acme", "c3": "Internal"}
    items = [opened("Acme VPN", uri="https://vpn.acme.example", collections=["c2"]),
             opened("Runbook", kind="note", collections=["c3"], favorite=True),
             opened("Portal", uri="https://portal.clients.example", collections=["c1"])]
    by = lambda **args: [i["name"] for i in select_items(items, VaultFilter(**args), names, False)]  # noqa: E731
    assert by(group="c1") == ["Acme VPN", "Portal"] and by(group="c2") == ["Acme VPN"]
    assert by(item_type="note") == ["Runbook"] and by(favorites=True) == ["Runbook"]
    assert by(query="login.acme.example") == ["Acme VPN"]  # same base domain, default match rule
    assert by(query="RUN") == ["Runbook"]
    assert [(n["label"], n["depth"]) for n in collection_tree(names)] == [("Clients", 0), ("Acme", 1),
                                                                          ("Internal", 0)]


def test_the_item_form_grows_keeps_what_was_typed_and_says_what_is_wrong():
    form = MultiDict({"type": "login", "name": "Mail", "login_username": "ana", "uri_0": "https://mail.example",
                      "match_0": "exact", "field_name_0": "Code", "field_value_0": "9", "field_type_0": "hidden",
                      "intent": "add_uri"})
    item, intent = item_from_form(form)
    assert intent == "add_uri" and len(item["login"]["uris"]) == 2 and item["fields"][0]["type"] == "hidden"
    assert without_empty_rows(item)["login"]["uris"] == [{"uri": "https://mail.example", "match": "exact"}]
    assert str(problem_with({**item, "name": " "})) == "Enter the item's name."
    item["login"]["totp"] = "not a key!"
    assert "authenticator key" in str(problem_with(item))
    card, _ = item_from_form(MultiDict({"type": "card", "name": "Visa", "card_exp_month": "13"}))
    assert "month" in str(problem_with(card))
    loose, _ = item_from_form(MultiDict({"type": "note", "name": "x", "field_value_0": "orphan"}))
    assert "name" in str(problem_with(loose))


def test_the_generator_honours_length_character_sets_and_passphrases():
    from gateway.keyring import eff_long_words
    from gateway.password_generator import GeneratorOptions, generate

    digits = generate(GeneratorOptions.from_form(MultiDict({"length": "12", "use_digits": "1"})))
    assert len(digits) == 12 and digits.isdigit()
    mixed = generate(GeneratorOptions.from_form(MultiDict({"length": "6", "use_upper": "1", "use_symbols": "1"})))
    assert len(mixed) == 6 and any(c.isupper() for c in mixed) and any(not c.isalnum() for c in mixed)
    fallback = GeneratorOptions.from_form(MultiDict({"length": "9999", "words": "-1", "separator": "<script>"}))
    assert fallback.length == 20 and fallback.words == 5 and fallback.separator == "-"
    phrase = generate(GeneratorOptions.from_form(MultiDict({"generator": "passphrase", "words": "4",
                                                            "separator": ".", "capitalize": "1"})))
    words = phrase.split(".")
    assert len(words) == 4 and all(w[0].isupper() and w.lower() in eff_long_words() for w in words)
