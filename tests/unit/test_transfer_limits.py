"""The limits of an import: its size, its number of items, and how fast large files are read."""
from __future__ import annotations

import json
import time

import pytest

from gateway.crypto import SymmetricKey
from gateway.transfer import FORMATS, ImportRefused, parse
from gateway.vault_items import sealed_import
from services.common.config import MB, ImportLimits, Settings
from tests.unit.test_transfer_samples import bitwarden_json, chrome_csv, sample

pytestmark = pytest.mark.unit
LIMITS = ImportLimits()
MAX_FILE_BYTES, MAX_ITEMS = LIMITS.file_bytes, LIMITS.items
# The defaults' bytes per item, on a 1 MB file: the sealed bound is linear in both, so what fits here
# fits at the defaults, and the test stays fast.
SCALED = ImportLimits(file_bytes=MB, items=MAX_ITEMS * MB // MAX_FILE_BYTES)
KEY = SymmetricKey.generate()


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_five_thousand_items_are_read_in_well_under_two_seconds(format_id):
    content = sample(format_id, 5_000)
    started = time.perf_counter()
    items = parse(format_id, content)
    elapsed = time.perf_counter() - started
    assert len(items) == 5_000
    assert items[-1]["login"]["uris"][0]["uri"] == "https://site4999.example/login"
    assert elapsed < 2, f"{format_id} took {elapsed:.2f}s"


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_a_file_over_50_mb_is_refused_before_it_is_read(format_id):
    with pytest.raises(ImportRefused, match="^The file is larger than 50 MB.$"):
        parse(format_id, b" " * (MAX_FILE_BYTES + 1))


def test_a_file_of_more_than_20000_items_is_refused_at_the_first_item_too_many():
    content = chrome_csv([{"name": f"n{i}", "url": "https://a.example"} for i in range(MAX_ITEMS + 1)])
    with pytest.raises(ImportRefused, match="more than 20000 items") as refused:
        parse("chrome_csv", content)
    assert refused.value.line == MAX_ITEMS + 2


def test_a_file_of_exactly_20000_items_is_read():
    content = chrome_csv([{"name": f"n{i}", "url": "https://a.example"} for i in range(MAX_ITEMS)])
    assert len(parse("chrome_csv", content)) == MAX_ITEMS


def test_an_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown import format"):
        parse("lotus_notes", b"")


def _sealed_size(items: list[dict]) -> int:
    return len(json.dumps({"collection_id": None, **sealed_import(KEY, items, {})}))


def test_the_limits_are_read_once_from_the_environment_and_every_other_limit_derives_from_them():
    settings = Settings.from_env("orgs", {"CUSTODIAN_INTERNAL_SECRET": "s" * 32, "IMPORT_MAX_MB": "2",
                                          "IMPORT_MAX_ITEMS": "300"})
    limits = settings.import_limits
    assert (limits.file_bytes, limits.items, limits.file_megabytes) == (2 * MB, 300, 2)
    assert limits.upload_bytes == 2 * MB + ImportLimits.FORM_ALLOWANCE
    assert limits.sealed_bytes == ImportLimits.SEALED_GROWTH * 2 * MB + ImportLimits.SEALED_ITEM_ALLOWANCE * 300
    assert Settings.from_env("gateway", {"CUSTODIAN_INTERNAL_SECRET": "s" * 32, "GATEWAY_SECRET_KEY": "g" * 32}
                             ).import_limits == ImportLimits(50 * MB, 20_000)


def test_a_text_heavy_file_just_inside_both_limits_still_fits_orgs_body_once_sealed():
    # The review's case: 47 MB and 20,000 items at the defaults (here scaled to the same ratio).
    notes = "Lorem ipsum dolor sit amet, ¿qué tal? 東京 " * 53
    rows = [{"name": f"Site {i}", "url": f"https://site{i}.example/login", "username": f"user{i}@example.com",
             "password": f"pa55-{i}-" * 4, "note": notes} for i in range(SCALED.items)]
    content = chrome_csv(rows)
    assert 0.9 * SCALED.file_bytes < len(content) <= SCALED.file_bytes
    items = parse("chrome_csv", content, limits=SCALED)
    assert len(items) == SCALED.items
    assert _sealed_size(items) <= SCALED.sealed_bytes


@pytest.mark.parametrize("format_id", list(FORMATS))
def test_a_file_of_as_many_items_as_allowed_fits_orgs_body_once_sealed(format_id):
    items = parse(format_id, sample(format_id, SCALED.items), limits=SCALED)
    assert _sealed_size(items) <= SCALED.sealed_bytes


def test_identities_with_every_part_filled_fit_orgs_body_once_sealed():
    parts = {"title": "Mr", "firstName": "Zoë", "middleName": "Q", "lastName": "Ünïcødé", "address1": "1 Rue",
             "address2": "B", "address3": "C", "city": "Paris", "state": "IDF", "postalCode": "75001",
             "country": "FR", "company": "Acme", "email": "z@example.com", "phone": "+33 1", "ssn": "123",
             "username": "zoe", "passportNumber": "P1", "licenseNumber": "L1"}
    content = bitwarden_json({"encrypted": False, "items": [
        {"type": 4, "name": f"Identity {i}", "notes": None, "favorite": False, "identity": parts}
        for i in range(SCALED.items)]})
    items = parse("bitwarden_json", content, limits=SCALED)
    assert _sealed_size(items) <= SCALED.sealed_bytes


def test_a_file_of_many_tiny_fields_can_outgrow_the_bound_which_the_gateway_then_refuses_itself():
    # Why the gateway measures the body before sending it: the bound holds for files as managers
    # write them, not for any file.
    fields = [{"name": "a", "value": "b", "type": 0} for _ in range(60)]
    content = json.dumps({"encrypted": False, "items": [
        {"type": 2, "name": f"n{i}", "secureNote": {"type": 0}, "fields": fields} for i in range(SCALED.items)]},
        separators=(",", ":")).encode()
    items = parse("bitwarden_json", content, limits=SCALED)
    assert _sealed_size(items) > SCALED.sealed_bytes
