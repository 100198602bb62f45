"""The local range store: zxcvbn's ranked common-password list, answered as the HIBP range API answers.

Built once at `make install` (`python -m gateway.health.range_store [PATH]`) into one SQLite
file inside the virtualenv, never committed: SHA-1 in upper-case hex of each password, split
into its 5-character prefix and 35-character suffix. The list ranks passwords by how common
they are; it gives no counts, so the store answers each suffix with its rank and says so.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys
from pathlib import Path

from zxcvbn.frequency_lists import FREQUENCY_LISTS

DEFAULT_PATH = Path(sys.prefix) / "share" / "custodian" / "pwned-ranges.sqlite"
SOURCE_LIST = "passwords"  # zxcvbn's 30,000 most common passwords, most common first


def sha1_hex(password: str) -> str:
    """The SHA-1 of a password (UTF-8) in upper-case hex, as the range API spells it."""
    return hashlib.sha1(password.encode("utf-8")).hexdigest().upper()


def build(path: Path = DEFAULT_PATH) -> int:
    """Write the range store at `path` (replacing any), from zxcvbn's ranked list; how many passwords."""
    ranked = FREQUENCY_LISTS[SOURCE_LIST]
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    with sqlite3.connect(building) as db:
        db.execute("CREATE TABLE ranges (prefix TEXT NOT NULL, suffix TEXT NOT NULL, rank INTEGER NOT NULL, "
                   "PRIMARY KEY (prefix, suffix)) WITHOUT ROWID")
        db.execute("CREATE TABLE facts (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        rows = {}
        for rank, password in enumerate(ranked, start=1):
            digest = sha1_hex(password)
            rows.setdefault((digest[:5], digest[5:]), rank)  # a password listed twice keeps its best rank
        db.executemany("INSERT INTO ranges VALUES (?, ?, ?)", [(p, s, r) for (p, s), r in rows.items()])
        db.executemany("INSERT INTO facts VALUES (?, ?)", [("size", str(len(ranked))), ("source", "zxcvbn")])
    db.close()
    building.replace(path)  # readers never see a half-built store
    return len(ranked)


class LocalRangeStore:
    """The built store, read-only: HIBP range answers for a prefix, with ranks where HIBP has counts."""

    def __init__(self, path: Path = DEFAULT_PATH):
        self.path = path
        self._size: int | None = None

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            raise FileNotFoundError(f"the range store {self.path} is not built: run `make install`")
        return sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    @property
    def size(self) -> int:
        """How many passwords the list holds (the N of "among the N most common")."""
        if self._size is None:
            with self._connect() as db:
                self._size = int(db.execute("SELECT value FROM facts WHERE name = 'size'").fetchone()[0])
        return self._size

    def range_text(self, prefix: str) -> str:
        """What the range API would answer for `prefix`: `SUFFIX:NUMBER` lines, here NUMBER the rank."""
        connection = self._connect()
        try:
            rows = connection.execute("SELECT suffix, rank FROM ranges WHERE prefix = ? ORDER BY suffix",
                                      (prefix,)).fetchall()
        finally:
            connection.close()
        return "".join(f"{suffix}:{rank}\r\n" for suffix, rank in rows)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH
    print(f"range store: {build(target)} passwords in {target}")
