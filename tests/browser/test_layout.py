"""Every page on a phone, in English and French: nothing scrolls sideways, the menu button opens the
navigation, dialogs fit, and axe-core finds no serious or critical accessibility violation.

The pages are the demo provider admin's (tests/browser/tour.py finds them from the pages' own
links). Each language's pages are visited once, at 390 px wide, and what each visit measured is
checked by the tests below; axe-core (tests/browser/vendor/, never served) is put into every page
of those contexts as an init script, which the portal's Content Security Policy does not block.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.tour import LANGUAGES, choose_language, find_pages, log_in, overflow

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ${v.nodes[0].target.join(' ')} — ${v.help}`
              + (v.nodes.length > 1 ? ` (and ${v.nodes.length - 1} more)` : ''));
}"""


def phone(browser, system, errors: list):
    """A context 390 px wide with axe-core in every page; what its scripts or its CSP refused goes to `errors`."""
    context = browser.new_context(base_url=system.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return context, page


@pytest.fixture(scope="module")
def stops(browser, system):
    """The pages, found once at the default width (where every link is in view)."""
    context = browser.new_context(base_url=system.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    log_in(page, system.admin_email, system.password)
    found = find_pages(page)
    context.close()
    return found


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def visits(request, browser, system, stops):
    """Each page in one language at 390 px: {name: (overflow, serious axe violations)}, and the time taken."""
    language = request.param
    started = time.monotonic()
    errors: list[str] = []
    inside, page = phone(browser, system, errors)
    outside, visitor = phone(browser, system, errors)
    log_in(page, system.admin_email, system.password)
    choose_language(page, language)
    visitor.goto("/login")
    choose_language(visitor, language)
    measured = {}
    for stop in stops:
        tab = page if stop.logged_in else visitor
        tab.goto(stop.path)
        expect(tab.locator("html")).to_have_attribute("lang", language)
        measured[stop.name] = (overflow(tab), tab.evaluate(AXE_RUN))
    inside.close()
    outside.close()
    return {"language": language, "pages": measured, "errors": errors, "seconds": time.monotonic() - started}


def test_the_tour_covers_every_page(stops):
    names = {stop.name for stop in stops}
    assert {"clients", "provider-members", "provider-event-logs", "provider-reports", "billing-subscription",
            "billing-history", "billing-payment-method", "billing-information", "client-overview",
            "client-members", "client-vault", "client-send", "client-groups", "client-collections",
            "client-policies", "client-event-logs", "client-reports", "client-billing", "vault", "send",
            "send-new", "account", "two-step-login", "login", "register", "send-recipient", "training",
            "training-registration", "training-import", "training-videos", "training-video",
            "training-two-step-login", "training-passkey", "training-guides", "training-apps", "demo-sessions",
            "demo-session-new", "demo-sign-up", "demo-sign-up-public", "provider-training-hub",
            "provider-integrations", "integration-new", "provider-policies", "provider-member-clients"} <= names


def test_no_page_is_wider_than_a_phone(visits):
    wide = [f"{name}: {seen['scroll']} px wide in a {seen['width']} px window; widest: {seen['widest']}"
            for name, (seen, _) in visits["pages"].items() if seen["scroll"] > seen["width"]]
    assert not wide, f"[{visits['language']}] pages that scroll sideways:\n" + "\n".join(wide)
    assert not visits["errors"], visits["errors"]


def test_no_page_has_a_serious_or_critical_accessibility_violation(visits):
    found = [f"{name}: {violation}" for name, (_, violations) in visits["pages"].items() for violation in violations]
    assert not found, f"[{visits['language']}] axe-core found:\n" + "\n".join(found)


def test_the_menu_button_opens_the_navigation_on_a_phone(browser, system, stops):
    errors: list[str] = []
    context, page = phone(browser, system, errors)
    log_in(page, system.admin_email, system.password)
    page.goto(next(stop.path for stop in stops if stop.name == "client-overview"))
    side = page.get_by_role("navigation", name="Admin Console")
    expect(side).to_be_hidden()
    expect(page.get_by_role("navigation", name="Product switcher")).to_be_hidden()
    page.locator("header summary", has_text="Menu").click()
    expect(page.get_by_role("navigation", name="Product switcher").get_by_role("link", name="Password Manager")) \
        .to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    side.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    expect(side).to_be_hidden()  # the next page opens with its menu closed

    # Dialogs fit the phone's screen and scroll inside themselves.
    page.get_by_role("link", name="Invite member").click()
    dialog = page.get_by_role("dialog", name="Invite member")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert overflow(page)["scroll"] <= PHONE["width"]
    context.close()
    assert not errors, errors


def test_wide_windows_show_the_navigation_without_a_menu(page, system):
    log_in(page, system.admin_email, system.password)
    expect(page.locator("header summary", has_text="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Product switcher")).to_be_visible()
    expect(page.get_by_role("navigation", name="Provider Portal").get_by_role("link", name="Clients")).to_be_visible()
    assert overflow(page)["scroll"] <= page.viewport_size["width"]


def test_the_login_card_is_centred_and_the_item_form_has_one_fieldset_style(page, system, stops):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/login")
    card = page.locator("main .card").bounding_box()
    assert abs(card["x"] + card["width"] / 2 - 1366 / 2) <= 2, card
    log_in(page, system.admin_email, system.password)
    page.goto(next(stop.path for stop in stops if stop.name == "client-new-item"))
    borders = page.locator("dialog fieldset").evaluate_all(
        "sets => sets.map(set => getComputedStyle(set).borderTopStyle + ' ' + getComputedStyle(set).borderTopWidth)")
    assert len(borders) >= 2 and set(borders) == {"solid 1px"}, borders


def test_the_language_menu_works_without_script(browser, system):
    context = browser.new_context(base_url=system.url, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    page.goto("/login")
    page.locator("footer summary").click()
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    expect(page).to_have_url(f"{system.url}/login")
    page.locator("footer summary").click()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    context.close()
