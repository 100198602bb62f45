"""What importing a LastPass CSV of 10,000 items into an organization's vault costs per item.

The import is the whole real path except HTTP: `gateway.transfer.parse` reads the file,
each item is sealed with the org key (`gateway.vault_items.sealed_import`, as the Import page does) and its folder mapped
to new collections as the Import page does, then `import_org_items` stores the lot in one
orgs transaction on a SQLite database at the newest schema. Each phase is timed apart
(parse, seal, store) and the total is compared with a baseline measured in the same run:
encrypting the same fields of the same items (name, notes, username, password, TOTP, each
URI) with `SymmetricKey.encrypt_text`, without parsing and without a database — so the ratio
says how much the import adds to the encryption it cannot avoid, on any machine. Baseline
samples are taken between the imports (median of all), so a machine busy with other work
shifts both alike. Also prints the import's peak Python memory as a multiple of the CSV
file's size (tracemalloc, in a separate untimed run of at most 1,000 items, since tracing
slows the import several times). Last line: one summary a CI log can keep.
Run: `.venv/bin/python -m bench.import_items [ITEMS]` (default 10,000).
"""
from __future__ import annotations

import csv
import gc
import io
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

from gateway.crypto import SymmetricKey
from gateway.transfer import parse
from gateway.vault_items import sealed_import
from services.common.database import UnitOfWork, make_engine
from services.common.migrations import upgrade
from services.orgs import domain, models

BASELINE_REPEAT = 2  # before each import run, so 6 samples in all
IMPORT_REPEAT = 3  # each on a fresh database
MEMORY_ITEMS = 1_000  # tracemalloc slows the import ~5x; its peak grows in step with the file, so a part will do
CONTEXT = {"actorid": None, "ip": None, "devicetype": "web", "traceparent": None}  # as tests.unit.orgs_support
HEADER = ("url", "username", "password", "totp", "extra", "name", "grouping", "fav")
SECURE_NOTE_URL = "http://sn"

SITES = ("Café Zürich", "東京銀行", "Банк Онлайн", "Ελληνικό Δημόσιο", "Çalışma Portalı", "Jira", "GitHub",
         "Gmail", "AWS console", "Škoda Connect", "Nordea Företag", "Wi-Fi \"Guest\", 2nd floor", "Router 🔑",
         "Payroll, Inc.", "São Paulo VPN", "Kraków intranet", "Ørsted portal", "Microsoft 365", "Slack", "Zoom")
FOLDERS = ("(none)", "", "Work", "Work\\Servers", "Work\\Servers\\Staging", "Personal", "Finanças",
           "Équipe, Clients", "Shared-\"Ops\"", "客户", "Banking", "Social", "Email", "Infra\\DNS",
           "Infra\\Databases", "HR", "Travel ✈", "Family", "Dev\\CI", "Dev\\Registries")
NOTES = ("", "", "", "Security question: first pet, \"Rex\"", "PIN 4821, ask for \"Anna\" at the desk",
         "Recovery codes:\n1111-2222\n3333-4444\n5555-6666", "Shared with the team, rotate every 90 days",
         "Line one\nLine two, with a comma\n\"Quoted line\"\n\nAfter a blank line",
         "Ключ восстановления: ab12-cd34; 备注: 不要分享")
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def lastpass_csv(items: int) -> tuple[bytes, list[list[str]]]:
    """A LastPass CSV export of `items` items, and the plaintexts each item's sealing encrypts."""
    rng = random.Random(20240601)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    texts = []
    for number in range(items):
        site = SITES[number % len(SITES)]
        name = f"{site} #{number}"
        grouping = rng.choice(FOLDERS)
        fav = "1" if number % 17 == 0 else "0"
        notes = rng.choice(NOTES)
        if number % 25 == 7:  # a secure note: its text in "extra", no login
            notes = f"Secure note {number}, \"private\"\nWi-Fi: guest-{number}\nKey: {rng.getrandbits(128):032x}"
            writer.writerow((SECURE_NOTE_URL, "", "", "", notes, name, grouping, fav))
            texts.append([name, notes])
            continue
        url = "http://" if number % 40 == 3 else \
            f"https://www.example{number % 997}.com/login?next=%2Fhome&lang={('fr', 'de', 'ja')[number % 3]}"
        username = f"user.{number}@exämple.org" if number % 3 else f"ÅsaØ_{number}"
        password = "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789,\"'!@#$%&*")
                           for _ in range(rng.randint(12, 32)))
        totp = TOTP_SECRET if number % 20 == 0 else ""
        writer.writerow((url, username, password, totp, notes, name, grouping, fav))
        uris = [] if url in ("http://", "https://") else [url]
        texts.append([t for t in (name, notes, username, password, totp, *uris) if t])
    return out.getvalue().encode("utf-8"), texts


def populate(engine) -> tuple[str, str]:
    """An organization and a confirmed owner, who may import into it: (owner's user id, organization id)."""
    owner = str(uuid.uuid4())
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        organization = models.Organization(name="Bench Org", plan="Enterprise", seats=50,
                                           billing_email="b@bench.example", public_key="k",
                                           encrypted_private_key="2.a|b|c")
        uow.add(organization)
        uow.flush()
        organization_id = organization.id
        uow.add(models.Member(organization_id=organization_id, email="owner@bench.example", role="owner",
                              status="confirmed", user_id=owner))
        uow.commit()
    return owner, organization_id


def store(engine, actor: str, organization_id: str, collection_id: str, body: dict) -> int:
    """What orgs does with the body: ImportedItems as its API builds them, stored in one transaction."""
    items = [domain.ImportedItem(i["type"], i["data"], i["collection_ids"], i["new_collections"])
             for i in body["items"]]
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        return domain.import_org_items(uow, actor, organization_id, collection_id, body["new_collections"], items,
                                       dict(CONTEXT, actorid=actor))


def fresh_database(folder: Path, run: int, key: SymmetricKey):
    """A database at the newest schema with an organization, its owner and the destination collection."""
    url = f"sqlite:///{folder / f'orgs-{run}.db'}"
    upgrade("orgs", url)
    engine = make_engine(url)
    actor, organization_id = populate(engine)
    with UnitOfWork(engine, models.OutboxMessage) as uow:
        collection_id = domain.save_collection(uow, actor, organization_id, None, key.encrypt_text("Imported"), [],
                                               CONTEXT).id
    return engine, actor, organization_id, collection_id


def import_once(folder: Path, run: int, key: SymmetricKey, content: bytes, expected: int) -> dict[str, float]:
    """Seconds per phase of one import into a fresh database."""
    engine, actor, organization_id, collection_id = fresh_database(folder, run, key)
    existing = {"Imported": collection_id}  # the vault's collections by name, as the Import page finds them
    gc.collect()
    start = time.perf_counter()
    items = parse("lastpass_csv", content)
    parsed = time.perf_counter()
    body = sealed_import(key, items, existing)
    sealed = time.perf_counter()
    count = store(engine, actor, organization_id, collection_id, body)
    stored = time.perf_counter()
    engine.dispose()
    if count != expected:
        raise SystemExit(f"import_items: imported {count} items, expected {expected}")
    return {"parse": parsed - start, "seal": sealed - parsed, "store": stored - sealed, "total": stored - start}


def peak_memory(folder: Path, key: SymmetricKey, content: bytes) -> int:
    """The peak Python allocations of importing `content`, in bytes (SQLite's own C memory is not traced)."""
    engine, actor, organization_id, collection_id = fresh_database(folder, IMPORT_REPEAT, key)
    gc.collect()
    tracemalloc.start()
    items = parse("lastpass_csv", content)
    body = sealed_import(key, items, {"imported": collection_id})
    del items  # the plain items stay in the gateway; orgs, in its own process, holds only the body
    store(engine, actor, organization_id, collection_id, body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    engine.dispose()
    return peak


def encrypt_seconds(key: SymmetricKey, texts: list[list[str]]) -> float:
    """Seconds to encrypt every field of every item: the baseline, no parsing and no database."""
    gc.collect()
    start = time.perf_counter()
    for fields in texts:
        for text in fields:
            key.encrypt_text(text)
    return time.perf_counter() - start


def main(items: int = 10_000) -> None:
    content, texts = lastpass_csv(items)
    key = SymmetricKey.generate()
    fields = sum(len(t) for t in texts)
    print(f"CSV: {items} items, {fields} fields to encrypt, {len(content) / 1024:.0f} KiB", flush=True)

    samples, runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(IMPORT_REPEAT):
            for _ in range(BASELINE_REPEAT):
                samples.append(encrypt_seconds(key, texts))
            runs.append(import_once(Path(folder), run, key, content, items))
            print(f"run {run + 1}/{IMPORT_REPEAT}: import {runs[-1]['total']:.2f} s, "
                  f"baseline {samples[-1]:.2f} s", flush=True)
        memory_csv = content if items <= MEMORY_ITEMS else lastpass_csv(MEMORY_ITEMS)[0]
        peak = peak_memory(Path(folder), key, memory_csv)
    baseline = statistics.median(samples) / items
    print(f"baseline (encrypt_text of the same fields): {baseline * 1e3:.3f} ms/item")
    phases = {phase: statistics.median(r[phase] for r in runs) / items for phase in ("parse", "seal", "store",
                                                                                    "total")}
    for phase in ("parse", "seal", "store"):
        print(f"{phase}: {phases[phase] * 1e3:.3f} ms/item = {phases[phase] / baseline:.1f}x baseline")
    total = phases["total"]
    print(f"total: {total * 1e3:.3f} ms/item = {total / baseline:.1f}x baseline "
          f"({total * items:.2f} s for {items} items)")
    memory = peak / len(memory_csv)
    print(f"peak memory (tracemalloc, importing {min(items, MEMORY_ITEMS)} items in a separate run): "
          f"{peak / 2 ** 20:.1f} MiB = {memory:.1f}x the CSV's size")
    print(f"import_items: {items} items, {total * 1e3:.2f} ms/item, {total / baseline:.1f}x baseline encryption "
          f"(parse {phases['parse'] * 1e3:.2f}, seal {phases['seal'] * 1e3:.2f}, "
          f"store {phases['store'] * 1e3:.2f} ms/item; peak memory {memory:.1f}x CSV)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
