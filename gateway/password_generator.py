"""Generated passwords and passphrases, from the operating system's CSPRNG (`secrets`).

Passwords draw from the character sets a person chose and hold at least one character of
each; passphrases are words of the EFF long list (the one fingerprint phrases use), 7,776
words, about 12.9 bits each.
"""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from .keyring import eff_long_words

CHARACTER_SETS = {"upper": string.ascii_uppercase, "lower": string.ascii_lowercase, "digits": string.digits,
                  "symbols": "!@#$%^&*-_=+"}
MIN_LENGTH, MAX_LENGTH, DEFAULT_LENGTH = 5, 128, 20
MIN_WORDS, MAX_WORDS, DEFAULT_WORDS = 3, 20, 5
SEPARATORS = ("-", " ", ".", "_")


@dataclass(frozen=True)
class GeneratorOptions:
    """What the person asked the generator for; out-of-range values fall back to safe defaults."""

    kind: str = "password"  # or "passphrase"
    length: int = DEFAULT_LENGTH
    sets: tuple[str, ...] = tuple(CHARACTER_SETS)
    words: int = DEFAULT_WORDS
    separator: str = "-"
    capitalize: bool = False

    @classmethod
    def from_form(cls, form) -> GeneratorOptions:
        def number(name: str, low: int, high: int, default: int) -> int:
            value = form.get(name, "")
            return int(value) if value.isdigit() and low <= int(value) <= high else default
        sets = tuple(s for s in CHARACTER_SETS if form.get(f"use_{s}")) or tuple(CHARACTER_SETS)
        separator = form.get("separator", "-")
        return cls(kind="passphrase" if form.get("generator") == "passphrase" else "password",
                   length=max(number("length", MIN_LENGTH, MAX_LENGTH, DEFAULT_LENGTH), len(sets)), sets=sets,
                   words=number("words", MIN_WORDS, MAX_WORDS, DEFAULT_WORDS),
                   separator=separator if separator in SEPARATORS else "-", capitalize=bool(form.get("capitalize")))


def generate(options: GeneratorOptions = GeneratorOptions()) -> str:
    """A fresh password or passphrase as `options` ask."""
    if options.kind == "passphrase":
        words = eff_long_words()
        chosen = [secrets.choice(words) for _ in range(options.words)]
        return options.separator.join(w.capitalize() if options.capitalize else w for w in chosen)
    alphabet = "".join(CHARACTER_SETS[s] for s in options.sets)
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(options.length))
        if all(any(c in CHARACTER_SETS[s] for c in candidate) for s in options.sets):
            return candidate
