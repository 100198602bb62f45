"""The vault health reports over an organization's opened items: weak, reused, unsecured, no two-step login.

Input is what `gateway.vault_items.open_item` makes of each stored item, in this process's
memory only; output is rows naming items (never a password). A password the reader's access
hides (`passwords_hidden`) is not checked, and the reports say how many were left out.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from ..vaults import may_edit
from .two_factor_directory import TwoFactorDirectory

WEAK_BELOW = 3  # zxcvbn's "safely unguessable" starts at 3: below it, 10^10 guesses or fewer
ZXCVBN_MAX_LENGTH = 100  # past that zxcvbn's matching grows costly and a password is long enough anyway

WEAK_REASONS = {
    "common_password": _l("a very common password"),
    "common_word": _l("a common word"),
    "name": _l("a name"),
    "personal": _l("the item's name or username"),
    "date": _l("a date"),
    "year": _l("a recent year"),
    "repeat": _l("repeated characters"),
    "sequence": _l("a sequence (abc, 123)"),
    "keyboard": _l("a keyboard pattern"),
    "short": _l("too short"),
}
_NAME_LISTS = ("female_names", "male_names", "surnames")


@dataclass(frozen=True)
class ItemRef:
    """An item as a report row names it: never its password."""

    item_id: str
    name: str
    subtitle: str
    collections: tuple[str, ...]
    editable: bool = True  # the reader may edit it (else the report links to viewing it)


@dataclass(frozen=True)
class WeakRow:
    item: ItemRef
    score: int
    reason: str  # a key of WEAK_REASONS


@dataclass(frozen=True)
class ReusedRow:
    item: ItemRef
    group: int  # items with the same group number share one password
    times: int  # how many items use that password


@dataclass(frozen=True)
class UnsecuredRow:
    item: ItemRef
    uris: tuple[str, ...]


@dataclass(frozen=True)
class InactiveTwoFactorRow:
    item: ItemRef
    domain: str
    uri: str


@dataclass
class VaultAnalysis:
    """Every report but the exposed one, over one organization's items."""

    checked: int = 0  # logins whose password was read
    hidden: int = 0  # logins whose password the reader's access hides
    weak: list[WeakRow] = field(default_factory=list)
    reused: list[ReusedRow] = field(default_factory=list)
    unsecured: list[UnsecuredRow] = field(default_factory=list)
    inactive_two_factor: list[InactiveTwoFactorRow] = field(default_factory=list)

    @property
    def reused_groups(self) -> int:
        """How many distinct passwords are shared by two items or more."""
        return len({row.group for row in self.reused})


def item_ref(item: dict, collection_names: dict[str, str]) -> ItemRef:
    """How a report names an opened item (its collections by name, in name order)."""
    names = sorted((collection_names.get(c, "") for c in item.get("collection_ids") or []), key=str.lower)
    return ItemRef(item["item_id"], item["name"], item.get("subtitle", ""), tuple(n for n in names if n),
                   may_edit(item))


def logins(items: list[dict]) -> list[dict]:
    """The login items not in the trash (the only ones with passwords and websites)."""
    return [i for i in items if i["type"] == "login" and not i.get("deleted_at")]


def context_words(*texts: str) -> list[str]:
    """The words of an item's name and username that would make its password guessable
    (`jo.smith@acme.example` gives smith, acme and example: words of three letters or more)."""
    return sorted({w for text in texts for w in re.split(r"[\W_]+", text.lower()) if len(w) >= 3})


def _holds(password: str, word: str) -> bool:
    lowered = password.lower()
    return word in lowered or word in lowered[::-1]  # zxcvbn also finds a word written backwards


def weakness(password: str, *context: str) -> tuple[int, str] | None:
    """(score, reason) when zxcvbn scores `password` below 3 knowing the item's words, else None."""
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[c for c in context if c])
    if result["score"] >= WEAK_BELOW:
        return None
    return result["score"], _reason(result["sequence"], password)


def _reason(sequence: list[dict], password: str) -> str:
    """The pattern that explains most of the password, as a key of WEAK_REASONS."""
    patterns = [m for m in sequence if m["pattern"] != "bruteforce"]
    if not patterns:
        return "short"
    match = max(patterns, key=lambda m: len(m["token"]))
    kind = match["pattern"]
    if kind == "dictionary":
        source = match.get("dictionary_name")
        if source == "passwords":
            return "common_password"
        if source == "user_inputs":
            return "personal"
        return "name" if source in _NAME_LISTS else "common_word"
    return {"date": "date", "regex": "year", "repeat": "repeat", "sequence": "sequence",
            "spatial": "keyboard"}.get(kind, "short")


def analyse(items: list[dict], collection_names: dict[str, str], directory: TwoFactorDirectory,
            progress: Callable[[int, int], None] | None = None) -> tuple[VaultAnalysis, dict[str, list[ItemRef]]]:
    """Weak, reused, unsecured and inactive two-step login over opened items, and the items of each
    password read (for the exposed check; the caller drops it once that is done, the report keeps none)."""
    report = VaultAnalysis()
    by_password: dict[str, list[ItemRef]] = defaultdict(list)
    scored: dict[tuple[str, tuple[str, ...]], tuple[int, str] | None] = {}
    found = logins(items)
    for done, item in enumerate(found, start=1):
        ref = item_ref(item, collection_names)
        login = item["login"]
        password = login.get("password")
        if item.get("passwords_hidden") or password is None:
            report.hidden += 1
        elif password:
            report.checked += 1
            by_password[password].append(ref)
            # zxcvbn is most of a report's cost: a password is scored once, and again with the item's
            # own words only when it holds one of them (which is all those words could change).
            context = tuple(w for w in context_words(login.get("username") or "", item["name"]) if _holds(password, w))
            if (password, context) not in scored:
                scored[(password, context)] = weakness(password, *context)
            if weak := scored[(password, context)]:
                report.weak.append(WeakRow(ref, *weak))
        uris = [u["uri"] for u in login.get("uris") or [] if u.get("uri")]
        insecure = tuple(u for u in uris if u.strip().lower().startswith("http://"))
        if insecure:
            report.unsecured.append(UnsecuredRow(ref, insecure))
        if not item.get("passwords_hidden") and not login.get("totp"):
            listed = next(((directory.offering(u), u) for u in uris if _offering(directory, u)), None)
            if listed:
                report.inactive_two_factor.append(InactiveTwoFactorRow(ref, *listed))
        if progress:
            progress(done, len(found))
    shared = sorted((refs for refs in by_password.values() if len(refs) > 1), key=lambda refs: -len(refs))
    for group, refs in enumerate(shared, start=1):
        report.reused.extend(ReusedRow(ref, group, len(refs)) for ref in refs)
    report.weak.sort(key=lambda row: (row.score, row.item.name.lower()))
    return report, dict(by_password)


def _offering(directory: TwoFactorDirectory, uri: str) -> bool:
    try:
        return directory.offering(uri) is not None
    except ValueError:  # a website someone typed that is no URL at all ("http://[")
        return False
