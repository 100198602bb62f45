"""`make guide-screenshots`: the registration guide's screenshots, from the running portal's own pages.

Starts the whole system (media.recording, as `make screenshots` does), and in English then in French
(chosen from the footer's language menu, as a visitor would) goes from the public log-in page to a new,
empty vault, saving one screenshot a step as `<out>/<lang>/<step>.png`: STEPS below. 1280×720, or the
whole page where it is taller; a ring marks what to choose next where the step is a choice. Saved as
8-bit palette PNGs (flat colours and text lose nothing a reader sees).

Run: `.venv/bin/python -m media.guide_screenshots [--out DIR]`.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from .recording import PASSWORD, TRAINING, Portal, choose_language, highlight, running_portal, settle

OUT = TRAINING / "registration"
STEPS = ("1-log-in-page", "2-create-account", "3-master-password", "4-account-created", "5-first-log-in",
         "6-your-vault")
PEOPLE = {"en": ("alex.martin@example.com", "Alex Martin"), "fr": ("camille.durand@example.com", "Camille Durand")}


def save(page: Page, path: Path) -> None:
    """The window (the whole page if it is taller), as an optimised 8-bit palette PNG."""
    settle(page)
    taller = page.evaluate("() => document.documentElement.scrollHeight > window.innerHeight")
    page.screenshot(path=str(path), full_page=taller)
    image = Image.open(path).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)


def walk(portal: Portal, language: str, out: Path) -> list[Path]:
    """Register a new person in `language` and log in, saving each of STEPS; the files saved."""
    email, name = PEOPLE[language]
    out.mkdir(parents=True, exist_ok=True)
    shots = {step: out / f"{step}.png" for step in STEPS}
    context = portal.context()
    page = context.new_page()
    try:
        page.goto("/login")
        choose_language(page, language)
        # Found by where they lead and by field ids, so that the same walk works in every language.
        create = page.locator("main a[href$='/register']")
        highlight(create)
        save(page, shots["1-log-in-page"])

        create.click()
        expect(page.locator("#register-form")).to_be_visible()
        save(page, shots["2-create-account"])

        page.locator("#email").fill(email)
        page.locator("#name").fill(name)
        page.locator("#master_password").fill(PASSWORD)
        page.locator("#master_password_confirm").fill(PASSWORD)
        expect(page.locator("#strength strong")).to_be_visible()
        save(page, shots["3-master-password"])

        page.locator("#register-form button[type=submit]").click()
        expect(page.locator("#login-form")).to_be_visible()
        expect(page.locator("main .notice")).to_be_visible()
        save(page, shots["4-account-created"])

        page.locator("#email").fill(email)
        page.locator("#master_password").fill(PASSWORD)
        log_in = page.locator("#login-form button[type=submit]")
        highlight(log_in)
        save(page, shots["5-first-log-in"])

        log_in.click()
        expect(page.locator("form[action$='/logout']")).to_have_count(1)
        expect(page.locator("html")).to_have_attribute("lang", language)
        save(page, shots["6-your-vault"])
    finally:
        context.close()
    return list(shots.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    started = time.monotonic()
    saved: list[Path] = []
    with running_portal("guide") as portal:
        for language in PEOPLE:
            saved += walk(portal, language, args.out / language)
    size = sum(path.stat().st_size for path in saved)
    print(f"guide screenshots: {len(saved)} saved in {args.out} ({size / 1024:.0f} KiB) "
          f"in {time.monotonic() - started:.0f} s", file=sys.stdout)


if __name__ == "__main__":
    main()
