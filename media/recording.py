"""What the training videos and the registration guide share: the whole system, a browser, a ring.

`running_portal()` starts the whole system (`python -m embedded`, what `make run` runs) in a fresh
data folder on free ports, as `make screenshots` does (tests/screenshots.py), and Debian's Chromium
with the browser tests' flags; `Portal.context()` is a 1280×720 window on it, in English. `highlight`
draws a ring around the control a person is about to use, so that a viewer sees where to look.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from bench.footprint import start_system, stop_system
from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.tour import choose_language
from tests.conftest import CHEAP_PASSWORD_HASHING

ROOT = Path(__file__).resolve().parents[1]
TRAINING = ROOT / "web" / "static" / "training"
VIEWPORT = {"width": 1280, "height": 720}
# A master password a viewer could believe in: several unrelated words (what the register page advises).
PASSWORD = "maple-harbour-violin-tundra-42"

__all__ = ["PASSWORD", "Portal", "ROOT", "TRAINING", "VIEWPORT", "choose_language", "clear_highlight",
           "highlight", "log_in", "register", "running_portal", "settle"]


@dataclass
class Portal:
    """The running system as a browser reaches it, and the demo provider admin's login."""

    url: str
    admin: tuple[str, str]
    browser: Browser

    def context(self) -> BrowserContext:
        """A fresh, logged-out 1280×720 window in English. The ring is drawn by injected script, which the
        portal's strict Content Security Policy would refuse: the recording window alone bypasses it."""
        context = self.browser.new_context(base_url=self.url, locale="en-US", viewport=VIEWPORT,
                                           bypass_csp=True)
        context.set_default_timeout(20_000)
        return context


@contextmanager
def running_portal(prefix: str) -> Iterator[Portal]:
    """The whole system in a fresh data folder on free ports, with Chromium; both stopped afterwards."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"custodian-{prefix}-"))
    process, found = start_system(var_dir, {name: os.environ.get(name, value)
                                            for name, value in CHEAP_PASSWORD_HASHING.items()})
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            try:
                yield Portal(found["url"], tuple(found["login"]), browser)
            finally:
                browser.close()
    finally:
        stop_system(process)
        shutil.rmtree(var_dir, ignore_errors=True)


# A ring drawn over the page (not an outline on the element, which a parent's overflow could clip),
# inside a modal dialog when the element is in one (the top layer hides anything outside it).
RING = """(element) => {
  element.scrollIntoView({block: 'nearest', inline: 'nearest', behavior: 'instant'});
  document.getElementById('training-highlight')?.remove();
  const ring = document.createElement('div');
  ring.id = 'training-highlight';
  ring.setAttribute('aria-hidden', 'true');
  const box = element.getBoundingClientRect();
  Object.assign(ring.style, {
    position: 'fixed', left: (box.left - 6) + 'px', top: (box.top - 6) + 'px',
    width: (box.width + 12) + 'px', height: (box.height + 12) + 'px', boxSizing: 'border-box',
    border: '3px solid #e8590c', borderRadius: '8px', boxShadow: '0 0 0 5px rgba(232, 89, 12, 0.3)',
    pointerEvents: 'none', zIndex: '2147483647'});
  (element.closest('dialog:modal') || document.body).appendChild(ring);
}"""


def highlight(locator: Locator) -> None:
    """Draw the ring around what `locator` finds (scrolled into view), replacing any earlier ring."""
    expect(locator).to_be_visible()
    locator.evaluate(RING)


def clear_highlight(page: Page) -> None:
    """Take the ring away (a page loaded since has none anyway)."""
    page.evaluate("() => document.getElementById('training-highlight')?.remove()")


# No htmx request in flight or being swapped in: what the page shows is what it will keep showing.
HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def settle(page: Page) -> None:
    """Wait until the page has loaded, htmx is idle and the fonts are drawn: a frame taken now is final."""
    page.wait_for_load_state("load")
    page.wait_for_function(HTMX_IDLE)
    page.evaluate("() => document.fonts.ready.then(() => true)")


def register(page: Page, email: str, name: str, password: str = PASSWORD) -> None:
    """Create an account from the registration page, as a person does (off camera)."""
    page.goto("/register")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Master password", exact=True).fill(password)
    page.get_by_label("Re-type master password").fill(password)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account was created")).to_be_visible()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in from the log-in page (off camera) and wait for the vault or the home page."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
