"""Exposed passwords, by k-anonymity as Have I Been Pwned's range API works.

For each distinct password the gateway computes a SHA-1 and sends only its first five hex
characters to a range source; the source answers every suffix it knows under that prefix
(`SUFFIX:NUMBER` lines) and the gateway looks for the rest of the hash in the answer. The
range source never learns which of those hundreds of suffixes, if any, was ours.

Two sources speak that format: the public API (`PWNED_RANGE_SOURCE=https://...`), whose numbers
are how often a password was seen in breaches, and the local store built at install
(`PWNED_RANGE_SOURCE=local`), whose numbers are ranks in a list of common passwords.
"""
from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable

import requests

from .range_store import DEFAULT_PATH, LocalRangeStore, sha1_hex

PREFIX = re.compile(r"[0-9A-F]{5}")
LINE = re.compile(r"^([0-9A-Fa-f]{35}):(\d+)$")
CACHE_SIZE, CACHE_SECONDS = 4096, 300
TIMEOUT_SECONDS = 10


class RangeSourceDown(Exception):
    """The range source did not answer, or answered something that is not a range."""


@dataclass(frozen=True)
class Exposure:
    """What the range source said about one password: seen `number` times, or ranked `number`."""

    number: int
    measure: str  # "count" (times seen in breaches) or "rank" (among `out_of` most common passwords)
    out_of: int | None = None


class HttpRangeSource:
    """A range API over HTTP(S): the public one in production, a recording one in the tests."""

    measure = "count"

    def __init__(self, base_url: str, session: requests.Session | None = None):
        self.base_url = base_url
        self.out_of = None
        self._http = session or requests.Session()

    def range_text(self, prefix: str) -> str:
        """The API's answer for `prefix`; RangeSourceDown if it cannot be had."""
        try:
            # Add-Padding: the answer is padded to a few hundred lines with `:0` entries, so that
            # its size tells an observer of the encrypted traffic nothing about the prefix.
            answer = self._http.get(self.base_url + prefix, headers={"Add-Padding": "true",
                                                                     "User-Agent": "Custodian-vault-health"},
                                    timeout=TIMEOUT_SECONDS, allow_redirects=False)
        except requests.RequestException as error:
            raise RangeSourceDown(type(error).__name__) from None
        if answer.status_code != 200:
            raise RangeSourceDown(f"HTTP {answer.status_code}")
        return answer.text


class LocalRangeSource:
    """The range store built at install, read as if it were the API; its numbers are ranks."""

    measure = "rank"

    def __init__(self, store: LocalRangeStore):
        self._store = store

    @property
    def out_of(self) -> int:
        return self._store.size

    def range_text(self, prefix: str) -> str:
        """The store's answer for `prefix`; RangeSourceDown if the store is missing or unreadable."""
        try:
            return self._store.range_text(prefix)
        except (OSError, sqlite3.Error) as error:  # a missing store and a broken one alike: the report says so
            raise RangeSourceDown(str(error)) from None


def range_source(setting: str):
    """The range source a `PWNED_RANGE_SOURCE` setting names."""
    if setting == "local":
        return LocalRangeSource(LocalRangeStore(DEFAULT_PATH))
    return HttpRangeSource(setting)


def parse_range(text: str) -> dict[str, int]:
    """The suffixes of a range answer with their numbers, padding (`:0`) left out; RangeSourceDown if
    a line is not `SUFFIX:NUMBER`."""
    found = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        match = LINE.match(line)
        if match is None:
            raise RangeSourceDown("the answer is not in the range format")
        if int(match.group(2)) > 0:
            found[match.group(1).upper()] = int(match.group(2))
    return found


class PrefixCache:
    """Range answers by (source, prefix), kept briefly in this process's memory and bounded.

    Two reports run within minutes of each other (an organization's, then the provider's summary)
    ask the same prefixes; the answers are public data, but only ever kept here."""

    def __init__(self, size: int = CACHE_SIZE, seconds: float = CACHE_SECONDS):
        self.size, self.seconds = size, seconds
        self._entries: OrderedDict[tuple[str, str], tuple[float, dict[str, int]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> dict[str, int] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                self._entries.pop(key, None)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[str, str], value: dict[str, int]) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic() + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


CACHE = PrefixCache()


def exposures(passwords: Iterable[str], source, source_name: str, cache: PrefixCache = CACHE,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Exposure]:
    """The passwords the range source knows, with what it says of each.

    Each distinct prefix is asked once (or not at all when the cache has it); RangeSourceDown
    as soon as one cannot be had, since a partial answer would call exposed passwords safe."""
    hashes = {password: sha1_hex(password) for password in set(passwords) if password}
    by_prefix: dict[str, list[str]] = {}
    for password, digest in hashes.items():
        by_prefix.setdefault(digest[:5], []).append(password)
    found: dict[str, Exposure] = {}
    for done, (prefix, members) in enumerate(sorted(by_prefix.items()), start=1):
        if not PREFIX.fullmatch(prefix):  # only ever five upper-case hex characters leave the gateway
            raise ValueError("not a SHA-1 prefix")
        suffixes = cache.get((source_name, prefix))
        if suffixes is None:
            suffixes = parse_range(source.range_text(prefix))
            cache.put((source_name, prefix), suffixes)
        for password in members:
            number = suffixes.get(hashes[password][5:])
            if number:
                found[password] = Exposure(number, source.measure, source.out_of)
        if progress:
            progress(done, len(by_prefix))
    return found
