"""`make screenshots`: every page of the portal at 1366 and 390 px, in English and French, for a reviewer.

Starts the whole system (`python -m embedded`, what `make run` runs) in a fresh data folder on free
ports, as the benchmarks do, logs in as the demo provider admin, finds the pages from their own
links (tests/browser/tour.py, the list the layout test visits) and saves each one, whole, as
`var/screenshots/<lang>-<width>-<page>.png`; at 390 px also the page with its menu open
(`<lang>-390-<page>-menu.png`, for the pages that have one). Debian's Chromium, driven by Playwright.

Run: `.venv/bin/python -m tests.screenshots [--out DIR]`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from media.recording import running_portal
from tests.browser.tour import LANGUAGES, choose_language, find_pages, log_in

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = (1366, 390)


def shoot(browser, url: str, email: str, password: str, out: Path) -> int:
    context = browser.new_context(base_url=url, locale="en-US")
    page = context.new_page()
    log_in(page, email, password)
    stops = find_pages(page, send_name="Screenshot Send")
    context.close()
    saved = 0
    for language in LANGUAGES:
        for width in WIDTHS:
            viewport = {"width": width, "height": 900 if width > 800 else 844}
            inside = browser.new_context(base_url=url, locale="en-US", viewport=viewport)
            outside = browser.new_context(base_url=url, locale="en-US", viewport=viewport)
            page, visitor = inside.new_page(), outside.new_page()
            log_in(page, email, password)
            choose_language(page, language)
            visitor.goto("/login")
            choose_language(visitor, language)
            for stop in stops:
                tab = page if stop.logged_in else visitor
                tab.goto(stop.path)
                tab.wait_for_load_state("networkidle")
                tab.screenshot(path=str(out / f"{language}-{width}-{stop.name}.png"), full_page=True)
                saved += 1
                menu = tab.locator("header details.nav-menu > summary")
                if width < 800 and menu.count() and menu.is_visible():
                    menu.click()
                    tab.screenshot(path=str(out / f"{language}-{width}-{stop.name}-menu.png"))
                    saved += 1
            inside.close()
            outside.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    started = time.monotonic()
    with running_portal("screenshots") as portal:
        saved = shoot(portal.browser, portal.url, *portal.admin, args.out)
    print(f"screenshots: {saved} pages saved in {args.out} in {time.monotonic() - started:.0f} s", file=sys.stdout)


if __name__ == "__main__":
    main()
