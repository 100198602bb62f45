"""The services' refusals reach the user in their language: every code the services raise has an entry in
the gateway's one table, with the service's English and a French translation (issue 15)."""
from __future__ import annotations

import logging
import re

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel

from gateway import labels
from gateway.app import _eliding_gettext
from gateway.refusals import REFUSALS, UNKNOWN, elide, english, refusal_text, text_of
from services.common.errors import CODE_PATTERN, Conflict, Invalid
from services.common.internal_http import Refused, _validation_code
from services.orgs.domain.clients import SeatsBelowUsed
from tests.unit.refusal_sites import PLACEHOLDER, ROOT, codes_and_templates, refusal_sites
from tests.unit.test_translations import FRENCH_CATALOG

SITES = refusal_sites()
RAISED = codes_and_templates()


@pytest.fixture
def french():
    app = Flask(__name__)
    Babel(app, locale_selector=lambda: app.config["LANGUAGE"],
          default_translation_directories=str(ROOT / "web" / "translations"))
    app.jinja_env.globals.update(_=_eliding_gettext, gettext=_eliding_gettext)
    labels.install(app)
    app.config["LANGUAGE"] = "fr"
    with app.test_request_context():
        yield app


def test_the_scan_finds_the_services_refusals():
    assert len(SITES) > 200
    assert {"seats.below_used", "email.not_valid", "member.already_member"} <= set(RAISED)


@pytest.mark.parametrize("site", SITES, ids=lambda s: s.where)
def test_every_refusal_is_raised_with_a_code_and_a_template_whose_placeholders_are_its_params(site):
    assert site.code and re.match(CODE_PATTERN, site.code), f"{site.where}: no code (code=\"area.meaning\")"
    assert site.template, f"{site.where}: the English must be a string template, not an f-string or a variable"
    assert set(PLACEHOLDER.findall(site.template)) == set(site.params), site.where


@pytest.mark.parametrize("code", sorted(RAISED))
def test_every_code_means_one_sentence_and_the_gateway_has_it_in_the_same_english(code):
    assert len(RAISED[code]) == 1, f"{code} is raised with different sentences: {RAISED[code]}"
    assert code in REFUSALS, f"the gateway's table (gateway/refusals.py) has no entry for {code!r}"
    assert english(code) == next(iter(RAISED[code]))


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_every_entry_has_a_french_translation_with_the_same_placeholders(code):
    french = FRENCH_CATALOG.get(english(code))
    assert french is not None and french.string and french.string.strip(), f"no French for {code!r}"
    assert not french.fuzzy
    assert set(PLACEHOLDER.findall(french.string)) == set(PLACEHOLDER.findall(english(code)))


def test_the_table_holds_no_code_nobody_raises_but_the_gateways_own():
    gateways_own = {"request.too_large", "request.not_signed", "request.invalid", "field.invalid",
                    "field.required", UNKNOWN}
    assert set(REFUSALS) - set(RAISED) == gateways_own


def test_seats_below_used_is_french_with_its_count(french):
    error = SeatsBelowUsed("Seats cannot be fewer than the members who use a seat (%(used)s).", "seats", used=12)
    assert error.as_json()["code"] == "seats.below_used" and error.as_json()["params"] == {"used": 12}
    assert error.message == "Seats cannot be fewer than the members who use a seat (12)."
    assert refusal_text(error) == ("Les sièges ne peuvent pas être moins nombreux que les membres qui en utilisent "
                                   "un (12).")


def test_a_refusal_from_a_service_is_french_with_its_params_and_numbers_as_french_writes_them(french):
    error = Refused(422, "The Teams plan allows at most 1,000 seats.", "seats", "Invalid",
                    code="seats.above_plan", params={"plan": "Teams", "most": 1000})
    assert refusal_text(error) == "Le forfait Teams permet au plus 1\u202f000 sièges."
    invalid = Refused(422, "alice@@x is not a valid email address.", "emails", code="email.not_valid",
                      params={"email": "alice@@x"})
    assert refusal_text(invalid) == "alice@@x n'est pas une adresse électronique valide."


def test_a_role_in_a_refusal_is_named_in_french_and_que_elides_before_it(french):
    error = Refused(403, "Your role cannot invite someone as admin.", "role", code="role.cannot_invite_as",
                    params={"role": "admin"})
    assert refusal_text(error) == "Votre rôle ne permet pas d'inviter quelqu'un en tant qu'Administrateur."


def test_a_refusal_given_as_the_reason_of_another_is_translated_too(french):
    inner = Invalid("A name cannot contain control, invisible or text-direction characters.", "name",
                    code="name.invalid_characters")
    outer = Invalid("Entry %(number)s: %(reason)s", "items", code="import.entry_refused", number=3,
                    reason=inner.as_reason())
    assert outer.message == "Entry 3: A name cannot contain control, invisible or text-direction characters."
    assert refusal_text(outer) == ("Entrée 3 : " + FRENCH_CATALOG.get(inner.template).string)


def test_english_is_the_services_english(french):
    french.config["LANGUAGE"] = "en"
    error = Conflict("%(email)s is already a member of this organization.", "emails", code="member.already_member",
                     email="alice@acme.example")
    assert refusal_text(error) == error.message


def test_an_unknown_code_shows_a_translated_sentence_and_warns_never_the_english(french, caplog):
    error = Refused(400, "Some English nobody translated.", code="nobody.knows")
    with caplog.at_level(logging.WARNING, logger="gateway.refusals"):
        text = refusal_text(error)
    assert text == "La demande a été refusée. Aucune modification n'a été effectuée."
    assert "nobody.knows" in caplog.text
    assert refusal_text(Refused(400, "No code at all.")) == text


def test_a_request_shape_refusal_gets_a_field_code():
    assert _validation_code("Field required", "name") == "field.required"
    assert _validation_code("Input should be a valid integer", "seats") == "field.invalid"


@pytest.mark.parametrize(("template", "value", "expected"), [
    ("Révoquer l'accès de %(email)s ?", "alice@acme.example", "Révoquer l'accès d'%(email)s ?"),
    ("Révoquer l'accès de %(email)s ?", "Hugo@acme.example", "Révoquer l'accès d'%(email)s ?"),
    ("Révoquer l'accès de %(email)s ?", "bob@acme.example", "Révoquer l'accès de %(email)s ?"),
    ("Plus grand que %(name)s", "Olivia", "Plus grand qu'%(name)s"),
    ("De %(name)s", "Émile", "D'%(name)s"),
])
def test_de_and_que_elide_before_a_vowel_or_h(template, value, expected):
    assert elide(template, {"email": value, "name": value}) == expected


def test_a_french_page_elides_de_before_an_address_starting_with_a_vowel(french):
    question = ("{{ _('Revoke the access of %(email)s to %(organization)s? They keep their account; their seat "
                "is freed until you restore them.', email=email, organization='Acme') }}")
    page = render_template_string(question, email="alice@acme.example")
    assert page.startswith("Révoquer l'accès d'alice@acme.example à Acme ?")
    page = render_template_string(question, email="bob@acme.example")
    assert page.startswith("Révoquer l'accès de bob@acme.example à Acme ?")


@pytest.mark.parametrize(("status", "shown"), [("invited", "Invité"), ("accepted", "Accepté"),
                                               ("confirmed", "Confirmé"), ("revoked", "Révoqué")])
def test_member_statuses_are_shown_in_french(french, status, shown):
    assert render_template_string("{{ s | member_status }}", s=status) == shown


def test_member_types_are_shown_in_french(french):
    assert [labels.member_role(r) for r in ("owner", "admin", "user", "custom")] == [
        "Propriétaire", "Administrateur", "Utilisateur", "Personnalisé"]


def test_text_of_a_template_without_params_keeps_a_percent_sign(french):
    assert text_of("member.not_found", {}) == FRENCH_CATALOG.get("No such member.").string
