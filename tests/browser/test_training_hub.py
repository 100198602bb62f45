"""The training hub as a client's end user meets it, before they have an account: every page in
English and in French, headings in order and pictures described; the videos play with captions in
both languages and a transcript; the hub opens from the log-in page and works from the keyboard."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

# Each hub page (by the hub's own navigation and the links inside it) and its heading in each language.
PAGES = {
    "/training": ("Training", "Formation"),
    "/training/registration": ("Registration", "Inscription"),
    "/training/videos": ("Training videos", "Vidéos de formation"),
    "/training/videos/use-send": ("Use Send", "Utiliser Send"),
    "/training/import": ("Import your data", "Importer vos données"),
    "/training/two-step-login": ("Two-step login setup", "Configurer l'authentification en deux étapes"),
    "/training/two-step-login/authenticator": ("Authenticator app", "Application d'authentification"),
    "/training/two-step-login/email": ("Codes by email", "Codes par courriel"),
    "/training/two-step-login/passkey": ("Passkey", "Clé d'accès"),
    "/training/two-step-login/recovery-code": ("Recovery code", "Code de récupération"),
    "/training/guides": ("Getting started guides", "Guides de démarrage"),
    "/training/guides/password-manager": ("The Password Manager", "Le gestionnaire de mots de passe"),
    "/training/guides/admin-console": ("The Admin Console", "La console d'administration"),
    "/training/guides/apps": ("The apps", "Les applications"),
    "/training/demo": ("Demo sign-up", "Inscription à une démonstration"),
}

# What breaks a page for a screen reader: a heading level skipped, a picture without alt, a field without a name.
OUTLINE = """() => {
  const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map(h => +h.tagName[1]);
  const skipped = levels.filter((level, i) => i > 0 && level > levels[i - 1] + 1);
  const unnamed = [...document.querySelectorAll('main img:not([alt])')].map(i => i.src);
  return {first: levels[0], skipped, unnamed, lang: document.documentElement.lang};
}"""


@pytest.fixture(params=["en", "fr"])
def visitor(request, browser, system):
    context = browser.new_context(base_url=system.url, locale="fr-FR" if request.param == "fr" else "en-US")
    context.set_default_timeout(10_000)
    yield request.param, context.new_page()
    context.close()


def test_every_hub_page_renders_in_its_reader_s_language_with_headings_in_order(visitor):
    language, page = visitor
    wrong = []
    for path, headings in PAGES.items():
        page.goto(path)
        heading = headings[0 if language == "en" else 1]
        if page.locator("main h1").inner_text() != heading:
            wrong.append(f"{path}: h1 is {page.locator('main h1').inner_text()!r}, not {heading!r}")
        outline = page.evaluate(OUTLINE)
        if outline["lang"] != language or outline["first"] != 1 or outline["skipped"] or outline["unnamed"]:
            wrong.append(f"{path}: {outline}")
    assert not wrong, "\n".join(wrong)


def test_the_registration_guide_shows_each_screen_in_the_reader_s_language_and_ends_at_sign_up(visitor):
    language, page = visitor
    page.goto("/training/registration")
    pictures = page.locator("main figure img")
    expect(pictures).to_have_count(6)
    for index in range(6):
        picture = pictures.nth(index)
        assert f"/training/registration/{language}/" in picture.get_attribute("src")
        picture.scroll_into_view_if_needed()
        assert page.evaluate("img => img.complete && img.naturalWidth > 0", picture.element_handle())
    page.get_by_role("link", name="Create your account" if language == "en" else "Créer votre compte").click()
    expect(page).to_have_url(re.compile(r"/register$"))


def test_a_training_video_plays_with_captions_in_both_languages_and_a_transcript(visitor):
    language, page = visitor
    page.goto("/training/videos")
    page.get_by_role("link", name="Use Send" if language == "en" else "Utiliser Send").click()
    video = page.locator("video.training-video")
    page.wait_for_function("() => document.querySelector('video.training-video').readyState >= 1")
    assert page.evaluate("() => document.querySelector('video.training-video').duration") > 5
    tracks = video.evaluate("v => [...v.textTracks].map(t => [t.language, t.kind, t.mode])")
    assert sorted(t[0] for t in tracks) == ["en", "fr"]
    assert all(kind == "captions" for _, kind, _ in tracks)
    assert [t[0] for t in tracks if t[2] == "showing"] == [language]  # captions on, in the reader's language
    transcript = page.locator(".transcript li")
    assert transcript.count() >= 3
    expect(transcript.first).not_to_be_empty()


def test_the_hub_opens_from_the_log_in_page_and_its_pages_from_the_keyboard(page):
    page.goto("/login")
    page.get_by_role("link", name="Training: registration, videos and guides").click()
    expect(page.locator("main h1")).to_have_text("Training")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("link", name="Registration")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main h1")).to_have_text("Registration")


def test_an_unknown_guide_or_hub_is_a_clear_not_found(page):
    for path in ("/training/guides/nothing", "/training/two-step-login/sms", "/training/videos/nothing",
                 "/training?provider=not-an-id"):
        response = page.goto(path)
        assert response.status == 404, path
