"""What a new master password must be: Custodian's floor, and the organizations' policies.

Only the gateway ever holds a master password, so the rules are checked here, before anything
is derived from it: at registration, when someone changes theirs, and when an administrator
sets one through account recovery.
"""
from __future__ import annotations

import string

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_STRENGTH = 2  # zxcvbn's "fair": below that, a guesser needs fewer than 10^8 tries
FLOOR = {"min_length": 12, "min_score": MIN_STRENGTH, "require_upper": False, "require_lower": False,
         "require_digits": False, "require_special": False}
STRENGTH_LABELS = {0: _l("Very weak"), 1: _l("Weak"), 2: _l("Fair"), 3: _l("Good"), 4: _l("Strong")}


def strength(password: str, *context: str) -> int:
    """zxcvbn's score, 0 to 4, of a password, knowing the words around it (email, name)."""
    return zxcvbn(password[:100], user_inputs=[c for c in context if c])["score"] if password else 0


def rules_with_floor(policy: dict | None) -> dict:
    """An organization's master password rules, never below Custodian's own floor."""
    rules = dict(FLOOR)
    for key, value in (policy or {}).items():
        if key in rules:
            rules[key] = (rules[key] or value) if isinstance(value, bool) else max(rules[key], value)
    return rules


def describe(rules: dict) -> list[str]:
    """The rules in words, for the form that asks for a new master password."""
    said = [_("At least %(count)s characters.", count=rules["min_length"])]
    if rules["min_score"] > MIN_STRENGTH:
        said.append(_("Strength at least: %(label)s.", label=STRENGTH_LABELS[rules["min_score"]]))
    for key, text in (("require_upper", _l("An uppercase letter (A-Z).")),
                      ("require_lower", _l("A lowercase letter (a-z).")),
                      ("require_digits", _l("A digit (0-9).")),
                      ("require_special", _l("A special character (!@#$%^&*)."))):
        if rules[key]:
            said.append(str(text))
    return said


def problem_with(password: str, rules: dict, *context: str) -> str | None:
    """Why this master password is refused under `rules`; None when it is acceptable."""
    if len(password) < rules["min_length"]:
        return _("The master password must be at least %(count)s characters.", count=rules["min_length"])
    for key, test, text in (
            ("require_upper", str.isupper, _l("The master password must hold an uppercase letter.")),
            ("require_lower", str.islower, _l("The master password must hold a lowercase letter.")),
            ("require_digits", str.isdigit, _l("The master password must hold a digit.")),
            ("require_special", lambda c: c in string.punctuation,
             _l("The master password must hold a special character."))):
        if rules[key] and not any(test(c) for c in password):
            return str(text)
    if strength(password, *context) < rules["min_score"]:
        return _("This master password is too easy to guess. Use a longer passphrase of unrelated words.")
    return None
