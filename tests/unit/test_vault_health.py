"""The vault health reports' analysis, range sources and the bundled 2FA directory, on plain items."""
from __future__ import annotations

import hashlib
import json
import re
import time

import pytest

from gateway.health import analysis, exposed
from gateway.health.range_store import LocalRangeStore, build, sha1_hex
from gateway.health.runs import Runs
from gateway.health.two_factor_directory import directory
from gateway.vault_items import registrable_domain
from gateway.views.reports import csv_safe
from services.common.config import ConfigurationError, Settings
from tests import range_server as recording


def login(item_id: str, password: str | None, uris=(), totp: str = "", username: str = "", hidden: bool = False,
          name: str | None = None) -> dict:
    return {"item_id": item_id, "type": "login", "name": name or f"Item {item_id}", "subtitle": username,
            "collection_ids": ["c1"], "passwords_hidden": hidden, "deleted_at": None,
            "login": {"username": username, "password": password, "totp": None if hidden else totp,
                      "uris": [{"uri": u, "match": None} for u in uris]}}


def run(items):
    return analysis.analyse(items, {"c1": "Ops"}, directory())


# --- weak ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("password, reason", [
    ("password1", "common_password"), ("19821225", "date"), ("qwertyuiop", "common_password"),
    ("zxcvbnm,./", "keyboard"), ("aaaaaaaaaa", "repeat"), ("abcdefgh", "sequence"), ("Xk9", "short"),
    ("jessica1985", "name")])
def test_a_weak_password_is_reported_with_its_reason_and_score(password, reason):
    report, _ = run([login("1", password)])
    assert [(row.item.item_id, row.reason) for row in report.weak] == [("1", reason)]
    assert report.weak[0].score < 3


def test_a_password_made_of_the_items_own_words_is_weak_for_that_reason():
    report, _ = run([login("1", "Acmecorp!", username="acmecorp", name="Acmecorp")])
    assert [row.reason for row in report.weak] == ["personal"]


def test_a_strong_password_is_not_weak():
    report, _ = run([login("1", "vellum-orbit-Quiet-harbor-77")])
    assert report.weak == [] and report.checked == 1


# --- reused --------------------------------------------------------------------------------------

def test_items_sharing_a_password_are_grouped_with_the_count():
    items = [login("1", "same-Secret-91x!"), login("2", "same-Secret-91x!"), login("3", "same-Secret-91x!"),
             login("4", "other-Secret-92y!"), login("5", "other-Secret-92y!"), login("6", "alone-Secret-93z!")]
    report, _ = run(items)
    assert [(row.item.item_id, row.group, row.times) for row in report.reused] == [
        ("1", 1, 3), ("2", 1, 3), ("3", 1, 3), ("4", 2, 2), ("5", 2, 2)]
    assert report.reused_groups == 2


def test_a_report_row_never_holds_a_password():
    report, _ = run([login("1", "same-Secret-91x!"), login("2", "same-Secret-91x!"), login("3", "password1")])
    assert "Secret" not in repr(report) and "password1" not in repr(report)


# --- unsecured and inactive two-step login -------------------------------------------------------

def test_websites_on_plain_http_are_unsecured():
    report, _ = run([login("1", "x", uris=["http://intranet.example/login", "https://ok.example"]),
                     login("2", "y", uris=["HTTP://SHOUTING.example"]), login("3", "z", uris=["https://fine.example"])])
    assert [(row.item.item_id, row.uris) for row in report.unsecured] == [
        ("1", ("http://intranet.example/login",)), ("2", ("HTTP://SHOUTING.example",))]


def test_a_listed_website_without_a_totp_key_has_inactive_two_step_login():
    report, _ = run([login("1", "x", uris=["https://accounts.google.com/signin"]),
                     login("2", "y", uris=["github.com"], totp="JBSWY3DPEHPK3PXP"),
                     login("3", "z", uris=["https://unlisted.example"]), login("4", "w", uris=["http://["])])
    assert [(row.item.item_id, row.domain) for row in report.inactive_two_factor] == [("1", "google.com")]


def test_passwords_hidden_from_the_reader_are_counted_and_not_checked():
    report, by_password = run([login("1", None, uris=["https://github.com"], hidden=True), login("2", "password1")])
    assert (report.hidden, report.checked) == (1, 1)
    assert report.inactive_two_factor == [] and list(by_password) == ["password1"]


def test_trashed_items_and_other_types_are_left_out():
    trashed = {**login("1", "password1"), "deleted_at": "2026-11-30T00:00:00"}
    note = {"item_id": "2", "type": "note", "name": "Note", "collection_ids": [], "deleted_at": None}
    report, _ = run([trashed, note])
    assert report.checked == 0 and report.weak == []


def test_the_two_factor_directory_states_its_source_date_and_licence():
    found = directory()
    assert "2fa.directory" in found.source and "MIT" in found.licence
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.date)
    assert len(found.domains) >= 100
    assert all(registrable_domain(domain) == domain for domain in found.domains), "one registrable domain each"


# --- range sources -------------------------------------------------------------------------------

def test_the_local_range_store_answers_in_the_range_format_with_ranks(tmp_path):
    store_path = tmp_path / "ranges.sqlite"
    assert build(store_path) == 30_000
    digest = sha1_hex("password")
    assert digest == hashlib.sha1(b"password").hexdigest().upper()
    text = LocalRangeStore(store_path).range_text(digest[:5])
    assert f"{digest[5:]}:2\r\n" in text  # "password" is zxcvbn's second most common
    assert all(re.fullmatch(r"[0-9A-F]{35}:\d+", line) for line in text.split("\r\n") if line)
    found = exposed.exposures(["password", "vellum-orbit-Quiet-harbor-77"],
                              exposed.LocalRangeSource(LocalRangeStore(store_path)), "local-test",
                              cache=exposed.PrefixCache())
    assert found == {"password": exposed.Exposure(2, "rank", 30_000)}


def test_a_missing_local_store_is_a_source_that_is_down(tmp_path):
    source = exposed.LocalRangeSource(LocalRangeStore(tmp_path / "never-built.sqlite"))
    with pytest.raises(exposed.RangeSourceDown):
        exposed.exposures(["password"], source, "missing", cache=exposed.PrefixCache())


@pytest.fixture
def range_api():
    state, server = recording.start()
    yield state
    server.shutdown()


def test_only_five_hex_characters_per_distinct_prefix_leave_for_the_range_api(range_api):
    passwords = ["password1", "123456", "vellum-orbit-Quiet-harbor-77", "password1", ""]
    found = exposed.exposures(passwords, exposed.HttpRangeSource(f"{range_api.url}/range/"), "api",
                              cache=exposed.PrefixCache())
    assert found == {"password1": exposed.Exposure(2_418_984, "count"), "123456": exposed.Exposure(37_359_195, "count")}
    prefixes = {sha1_hex(p)[:5] for p in passwords if p}
    assert sorted(r.path for r in range_api.requests) == sorted(f"/range/{p}" for p in prefixes)
    for request in range_api.requests:
        assert request.method == "GET" and request.body == b"" and re.fullmatch(r"/range/[0-9A-F]{5}", request.path)
        assert request.headers["Add-Padding"] == "true"
        assert set(request.headers) <= {"Host", "User-Agent", "Accept-Encoding", "Accept", "Connection", "Add-Padding"}


def test_a_prefix_asked_recently_is_not_asked_again(range_api):
    cache, source = exposed.PrefixCache(), exposed.HttpRangeSource(f"{range_api.url}/range/")
    exposed.exposures(["password1"], source, "api", cache=cache)
    exposed.exposures(["password1"], source, "api", cache=cache)
    assert len(range_api.requests) == 1


def test_a_range_api_that_is_down_says_so(range_api):
    range_api.down = True
    with pytest.raises(exposed.RangeSourceDown):
        exposed.exposures(["password1"], exposed.HttpRangeSource(f"{range_api.url}/range/"), "api",
                          cache=exposed.PrefixCache())
    with pytest.raises(exposed.RangeSourceDown):
        exposed.exposures(["password1"], exposed.HttpRangeSource("http://127.0.0.1:9/range/"), "nowhere",
                          cache=exposed.PrefixCache())


def test_an_answer_not_in_the_range_format_is_refused():
    with pytest.raises(exposed.RangeSourceDown):
        exposed.parse_range("<html>maintenance</html>")
    assert exposed.parse_range("0018A45C4D1DEF81644B54AB7F969B88D65:10\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0\r\n") \
        == {"0018A45C4D1DEF81644B54AB7F969B88D65": 10}


def test_the_prefix_cache_is_bounded_and_expires():
    cache = exposed.PrefixCache(size=2, seconds=0.05)
    for prefix in ("AAAAA", "BBBBB", "CCCCC"):
        cache.put(("s", prefix), {})
    assert cache.get(("s", "AAAAA")) is None and cache.get(("s", "CCCCC")) == {}
    time.sleep(0.06)
    assert cache.get(("s", "CCCCC")) is None


@pytest.mark.parametrize("value, expected", [
    (None, "local"), ("local", "local"), ("https://api.pwnedpasswords.com/range", "https://api.pwnedpasswords.com/range/")])
def test_the_range_source_setting(value, expected):
    env = {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "GATEWAY_SECRET_KEY": "y" * 40}
    if value is not None:
        env["PWNED_RANGE_SOURCE"] = value
    assert Settings.from_env("gateway", env).pwned_range_source == expected


def test_a_range_source_setting_that_is_no_address_stops_the_process():
    with pytest.raises(ConfigurationError, match="PWNED_RANGE_SOURCE"):
        Settings.from_env("gateway", {"CUSTODIAN_INTERNAL_SECRET": "x" * 40, "GATEWAY_SECRET_KEY": "y" * 40,
                                      "PWNED_RANGE_SOURCE": "api.pwnedpasswords.com"})


# --- export and runs -----------------------------------------------------------------------------

@pytest.mark.parametrize("cell, shown", [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-2", "'-2"),
                                         ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Ann", "Ann"), (3, "3"),
                                         (None, "")])
def test_csv_cells_that_a_spreadsheet_would_run_stay_text(cell, shown):
    assert csv_safe(cell) == shown


def test_kept_results_expire_and_are_bounded():
    runs = Runs(capacity=2, keep_seconds=0.05)
    for key in ("a", "b", "c"):
        runs.put((key,), key)
    assert runs.get(("a",)) is None and runs.get(("c",)).result == "c"
    time.sleep(0.06)
    assert runs.get(("c",)) is None


def test_the_bundled_directory_file_is_valid_json_with_every_field():
    from importlib.resources import files

    data = json.loads(files("gateway.health").joinpath("data/two_factor_directory.json").read_text())
    assert {"source", "source_licence", "snapshot_date", "domains", "note"} <= set(data)


def test_an_items_words_are_those_of_its_name_and_username():
    assert analysis.context_words("jo.smith@acme.example", "Acme VPN") == ["acme", "example", "smith", "vpn"]


def test_the_provider_summary_sorts_by_a_count_with_equal_counts_in_name_order():
    from gateway.health.report import OrganizationHealth
    from gateway.views.reports import sorted_summary

    def client(name, weak, opens=True):
        health = OrganizationHealth(name, name, key_opens=opens)
        health.vault.weak = [None] * weak
        return health
    summary = [client("Beta", 1), client("alpha", 1), client("Gamma", 3), client("Closed", 0, opens=False)]
    assert [h.organization_name for h in sorted_summary(summary, "weak", "desc")] == ["Gamma", "alpha", "Beta",
                                                                                      "Closed"]
    assert [h.organization_name for h in sorted_summary(summary, "weak", "asc")] == ["alpha", "Beta", "Gamma",
                                                                                     "Closed"]
    assert [h.organization_name for h in sorted_summary(summary, "name", "desc")][0] == "Gamma"
