"""What the vault health reports cost over an organization of N items (default 5,000).

The report's whole gateway work except HTTP: every sealed item opened with the org key
(`open_item`, as the report thread does), the weak / reused / unsecured / inactive two-step
login analysis, and the exposed check of every distinct password against the local range store
built at install (a fresh prefix cache, so every prefix is read). Baseline, measured in the same
run over the same passwords (interleaved): the analysis' raw cost, zxcvbn on each distinct password plus its
SHA-1, without opening, grouping or range look-ups. The ratio says how much the report adds to
the work it cannot avoid. Items: 55 % generated passwords, 15 % from zxcvbn's common list, 15 %
shared by two to five items, 15 % a word and a year; a third of the websites on http://, a fifth
on sites offering two-step login.
Run: `.venv/bin/python -m bench.vault_health [ITEMS]`.
"""
from __future__ import annotations

import hashlib
import random
import statistics
import sys
import time

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from gateway.crypto import SymmetricKey
from gateway.health import exposed
from gateway.health.analysis import ZXCVBN_MAX_LENGTH, analyse
from gateway.health.range_store import DEFAULT_PATH, LocalRangeStore
from gateway.health.two_factor_directory import directory
from gateway.password_generator import GeneratorOptions, generate
from gateway.vault_items import new_item, open_item, seal_item

from .measure import median_seconds

REPEAT = 5
WORDS = ("harbor", "autumn", "falcon", "garden", "silver", "monkey", "dragon", "summer")


def passwords(count: int, rng: random.Random) -> list[str]:
    """`count` passwords as an organization's vault holds them."""
    common = FREQUENCY_LISTS["passwords"][:5000]
    found: list[str] = []
    while len(found) < count:
        roll = rng.random()
        if roll < 0.55:
            found.append(generate(GeneratorOptions()))
        elif roll < 0.70:
            found.append(rng.choice(common))
        elif roll < 0.85:
            found.extend([f"Shared-{rng.randrange(10**6)}-pass"] * rng.randint(2, 5))
        else:
            found.append(f"{rng.choice(WORDS).capitalize()}{rng.randint(1970, 2025)}")
    return found[:count]


def sealed_items(key: SymmetricKey, secrets: list[str], rng: random.Random) -> list[dict]:
    """Stored items (as orgs answers them) holding those passwords."""
    sites = ["github.com", "google.com", "dropbox.com", "intranet.example", "crm.example", "wiki.example"]
    stored = []
    for number, password in enumerate(secrets):
        item = new_item("login")
        scheme = "http" if rng.random() < 0.33 else "https"
        item.update(name=f"Item {number}", login={**item["login"], "username": f"user{number}@example.com",
                                                  "password": password,
                                                  "uris": [{"uri": f"{scheme}://{rng.choice(sites)}/login",
                                                            "match": None}]})
        item_type, data = seal_item(key, item)
        stored.append({"item_id": f"{number:08d}-0000-0000-0000-000000000000", "type": item_type, "data": data,
                       "collection_ids": ["c1"], "permission": "manage", "passwords_hidden": False})
    return stored


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    rng = random.Random(20261201)
    key = SymmetricKey.generate()
    secrets = passwords(count, rng)
    stored = sealed_items(key, secrets, rng)
    source = exposed.LocalRangeSource(LocalRangeStore(DEFAULT_PATH))
    source.out_of  # noqa: B018 - the store opens once here, as a gateway process opens it once

    def baseline():
        for password in set(secrets):
            zxcvbn(password[:ZXCVBN_MAX_LENGTH])
            hashlib.sha1(password.encode()).hexdigest()

    def report():
        items = [open_item(key, s) for s in stored]
        analysis, by_password = analyse(items, {"c1": "Ops"}, directory())
        exposed.exposures(by_password, source, "bench", cache=exposed.PrefixCache())
        return analysis

    started = time.perf_counter()
    result = report()  # also warms zxcvbn's dictionaries, which both sides use
    print(f"{count:,} items, {len(set(secrets)):,} distinct passwords; first run {time.perf_counter() - started:.2f} s: "
          f"{len(result.weak):,} weak, {len(result.reused):,} reused, {len(result.unsecured):,} unsecured, "
          f"{len(result.inactive_two_factor):,} without two-step login")
    # Interleaved, so that a machine busy with other work shifts both alike.
    samples: dict = {"base": [], "full": []}
    for _ in range(REPEAT):
        samples["base"].append(median_seconds(baseline, 1))
        samples["full"].append(median_seconds(report, 1))
    base, full = statistics.median(samples["base"]), statistics.median(samples["full"])
    print(f"baseline (zxcvbn + SHA-1 of each distinct password): {base * 1000:.0f} ms, {base / count * 1e3:.3f} ms/item")
    print(f"report (open, analyse, exposed check on the local store): {full * 1000:.0f} ms, "
          f"{full / count * 1e3:.3f} ms/item")
    print(f"vault_health: {count:,} items in {full:.2f} s, {full / base:.2f} x the raw analysis")


if __name__ == "__main__":
    main()
