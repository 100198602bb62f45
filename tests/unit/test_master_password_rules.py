"""The rules a new master password must meet: Custodian's floor and the organizations' policies."""
from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel

from gateway.master_password_rules import FLOOR, describe, problem_with, rules_with_floor

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def babel_app():
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


def test_a_policy_can_only_raise_the_floor():
    assert rules_with_floor(None) == FLOOR
    rules = rules_with_floor({"min_length": 8, "min_score": 4, "require_upper": True, "require_lower": False})
    assert rules["min_length"] == 12 and rules["min_score"] == 4 and rules["require_upper"]
    assert not rules["require_lower"]


@pytest.mark.parametrize(("password", "policy", "reason"), [
    ("short one 1", None, "at least 12 characters"),
    ("password1234", None, "too easy to guess"),
    ("correct horse battery staple", {"require_upper": True}, "uppercase"),
    ("CORRECT HORSE BATTERY STAPLE", {"require_lower": True}, "lowercase"),
    ("correct horse battery staple", {"require_digits": True}, "digit"),
    ("correct horse battery staple 9", {"require_special": True, "require_digits": True}, "special"),
    ("correct horse battery staple", {"min_length": 40}, "at least 40 characters"),
])
def test_each_rule_names_what_is_missing(password, policy, reason):
    assert reason in problem_with(password, rules_with_floor(policy), "ana@example.com")


def test_a_password_meeting_every_rule_passes_and_the_rules_are_described():
    rules = rules_with_floor({"min_length": 20, "min_score": 3, "require_upper": True, "require_digits": True,
                              "require_special": True})
    assert problem_with("Seven amber lanterns, harbour 31!", rules) is None
    assert "too easy to guess" in problem_with("Password123!Password123!", rules, "ana.lima@example.com")
    said = describe(rules)
    assert said[0] == "At least 20 characters." and "A digit (0-9)." in said and len(said) == 5
