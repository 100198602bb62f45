"""`make videos`: the training videos of the real portal, recorded from the running system.

Five short videos (create an account, log in with two-step login, save and share an item, import,
use Send). Each is a list of steps; a step does something real in the running portal through its
labelled fields and named buttons, as a person would, with a ring around the control it uses, and
takes frames (Chromium screenshots, each held for a whole number of frames). Each step carries its
caption in English and in French, so the captions (`<slug>.en.vtt`, `<slug>.fr.vtt`) are timed from
the same list as the frames and always line up. Debian's ffmpeg encodes the frames as VP9 WebM at a
few frames a second (a still screen costs almost nothing); the poster `<slug>.jpg` is a chosen frame;
`manifest.json` says each video's duration, size and files, for the training hub.

Run: `.venv/bin/python -m media.videos [--only SLUG] [--out DIR]`.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from PIL import Image
from playwright.sync_api import BrowserContext, Locator, Page, expect

from .recording import (PASSWORD, TRAINING, VIEWPORT, Portal, clear_highlight, highlight, log_in, register,
                        running_portal, settle)

OUT = TRAINING / "videos"
FPS = 5
FRAME_MS = 1000 // FPS
LANGUAGES = ("en", "fr")
# How long a caption stays up at least: time to read it (a slow reader, in the longer of its two
# languages) and a pause, so that a viewer reading French is not hurried by a quick click.
READING_CHARACTERS_PER_SECOND = 16
CAPTION_PAUSE_MS = 1000
SHORTEST_CAPTION_MS = 3000
# How long a frame shows the ring before the click or typing it announces, and the result after.
LOOK_MS = 800
RESULT_MS = 1200
CLIENT = "My Client's Organization"
COLLECTION = "Marketing"


# --- timing: pure functions of the step list --------------------------------------------------------

def frames_of(ms: int) -> int:
    """How many frames show something held `ms` milliseconds (at least one)."""
    return max(1, math.ceil(ms / FRAME_MS))


def reading_ms(*captions: str) -> int:
    """How long the longest of `captions` (one step's, in each language) must stay up to be read."""
    longest = max(len(caption) for caption in captions)
    return max(SHORTEST_CAPTION_MS, round(1000 * longest / READING_CHARACTERS_PER_SECOND) + CAPTION_PAUSE_MS)


def padded(frames: list[int], captions: tuple[str, ...]) -> list[int]:
    """A step's frame counts, the last one held longer if the step is over before its caption is read."""
    if not frames:
        raise ValueError("a step took no frame")
    short = frames_of(reading_ms(*captions)) - sum(frames)
    return frames[:-1] + [frames[-1] + max(0, short)]


def cue_times(step_frames: list[list[int]]) -> list[tuple[int, int]]:
    """Each step's caption (start, end) in milliseconds: it shows while the step's frames do."""
    cues, start = [], 0
    for frames in step_frames:
        end = start + sum(frames) * FRAME_MS
        cues.append((start, end))
        start = end
    return cues


def timestamp(ms: int) -> str:
    """`HH:MM:SS.mmm`, WebVTT's cue time."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(cues: list[tuple[int, int]], texts: list[str]) -> str:
    """A WebVTT file of one caption per cue, numbered from 1."""
    if len(cues) != len(texts):
        raise ValueError(f"{len(cues)} cues for {len(texts)} captions")
    blocks = ["WEBVTT\n"]
    for number, ((start, end), text) in enumerate(zip(cues, texts), start=1):
        if not text.strip() or "-->" in text:
            raise ValueError(f"caption {number} cannot be a cue: {text!r}")
        blocks.append(f"{number}\n{timestamp(start)} --> {timestamp(end)}\n{text.strip()}\n")
    return "\n".join(blocks)


# --- recording ------------------------------------------------------------------------------------

@dataclass
class Take:
    """One video being recorded: the page it films, what its steps hand on to each other, its frames."""

    portal: Portal
    context: BrowserContext
    page: Page
    frames_dir: Path
    notes: dict = field(default_factory=dict)
    frames: list[tuple[Path, int]] = field(default_factory=list)  # (image, frames held), this step's

    def shot(self, ms: int = RESULT_MS, page: Page | None = None) -> None:
        """A frame of the page as it is now, once it has settled, held `ms` milliseconds."""
        page = page or self.page
        settle(page)
        path = self.frames_dir / f"{len(list(self.frames_dir.glob('*.png'))):04d}.png"
        page.screenshot(path=str(path))
        self.frames.append((path, frames_of(ms)))

    def look(self, locator: Locator, page: Page | None = None) -> None:
        """Ring `locator` and hold a frame on it: the viewer's eye goes where the hand will."""
        highlight(locator)
        self.shot(LOOK_MS, page)

    def click(self, locator: Locator, ms: int = RESULT_MS) -> None:
        """Ring, click, then a frame of what the click did."""
        page = locator.page
        self.look(locator, page)
        clear_highlight(page)
        locator.click()
        self.shot(ms, page)

    def fill(self, locator: Locator, text: str, ms: int = LOOK_MS) -> None:
        """Ring the field, type into it, and a frame of it filled (still ringed)."""
        page = locator.page
        self.look(locator, page)
        locator.fill(text)
        self.shot(ms, page)


@dataclass(frozen=True)
class Step:
    """Something a person does, and what the caption says meanwhile, in English and in French."""

    en: str
    fr: str
    do: Callable[[Take], None]

    @property
    def captions(self) -> tuple[str, str]:
        return self.en, self.fr


@dataclass(frozen=True)
class Video:
    """A training video: its slug (file names), titles, what is set up off camera, and its steps."""

    slug: str
    title_en: str
    title_fr: str
    prepare: Callable[[Take], None]
    steps: tuple[Step, ...]
    poster: int = 0  # the step whose last frame is the poster


def record(portal: Portal, video: Video, frames_dir: Path) -> tuple[list[list[tuple[Path, int]]], Path]:
    """Set up, then play every step, taking its frames; each step's frames and the poster frame."""
    context = portal.context()
    page = context.new_page()
    take = Take(portal, context, page, frames_dir)
    try:
        video.prepare(take)
        take.frames = []
        steps = []
        for number, step in enumerate(video.steps, start=1):
            take.frames = []
            try:
                step.do(take)
            except Exception as error:  # the step that failed, named, with the page it was on
                raise RuntimeError(f"{video.slug}, step {number} ({step.en!r}) failed on {take.page.url}") from error
            counts = padded([count for _, count in take.frames], step.captions)
            steps.append([(path, count) for (path, _), count in zip(take.frames, counts)])
    finally:
        for extra in context.pages:
            extra.close()
        context.close()
    return steps, steps[video.poster][-1][0]


def encode(steps: list[list[tuple[Path, int]]], work: Path, webm: Path) -> None:
    """The frames, each repeated for as many frames as it is held, as a VP9 WebM at FPS frames a second."""
    sequence = work / "sequence"
    sequence.mkdir()
    number = 0
    for frames in steps:
        for path, count in frames:
            for _ in range(count):
                (sequence / f"{number:05d}.png").symlink_to(path)
                number += 1
    # A constant frame rate (repeats cost VP9 almost nothing) keeps seeking and the captions exact;
    # a high CRF because the screens are flat colour and text, which stays legible at 720p.
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-framerate", str(FPS),
                    "-i", str(sequence / "%05d.png"), "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p",
                    "-crf", "45", "-b:v", "0", "-g", str(FPS * 10), "-row-mt", "1", "-deadline", "good",
                    "-cpu-used", "2", "-an", str(webm)], check=True)


def probed_seconds(webm: Path) -> float:
    """The duration ffprobe reads from the WebM itself."""
    done = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                           str(webm)], check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def produce(portal: Portal, video: Video, out: Path) -> dict:
    """Record, encode and caption one video into `out`; its manifest entry."""
    with tempfile.TemporaryDirectory(prefix=f"custodian-video-{video.slug}-") as work:
        work = Path(work)
        frames_dir = work / "frames"
        frames_dir.mkdir()
        steps, poster = record(portal, video, frames_dir)
        webm = out / f"{video.slug}.webm"
        encode(steps, work, webm)
        Image.open(poster).convert("RGB").save(out / f"{video.slug}.jpg", quality=80, optimize=True, progressive=True)
    cues = cue_times([[count for _, count in frames] for frames in steps])
    duration_ms = cues[-1][1]
    probed = probed_seconds(webm)
    if abs(probed - duration_ms / 1000) > 2 / FPS:
        raise SystemExit(f"{webm.name} lasts {probed:.2f} s, but its captions {duration_ms / 1000:.2f} s")
    captions = {}
    for language in LANGUAGES:
        captions[language] = f"{video.slug}.{language}.vtt"
        (out / captions[language]).write_text(webvtt(cues, [getattr(step, language) for step in video.steps]))
    return {"title": {"en": video.title_en, "fr": video.title_fr}, "duration": duration_ms / 1000,
            "width": VIEWPORT["width"], "height": VIEWPORT["height"], "webm": webm.name,
            "poster": f"{video.slug}.jpg", "captions": captions}


# --- what happens off camera ----------------------------------------------------------------------

def _email(who: str) -> str:
    """This video's person's address (each video has its own person, in a fresh system)."""
    return f"{who}@example.com"


def fresh_account(take: Take, who: str, name: str) -> str:
    """A new account, logged in, on its vault."""
    email = _email(who)
    register(take.page, email, name)
    log_in(take.page, email)
    return email


def member_of_client(take: Take, who: str, name: str) -> str:
    """A new account who is a confirmed member of the demo client, with Can edit on its Marketing
    collection: invited by the demo provider admin, joined from the invitation mail (the local
    mailbox), confirmed. The person ends logged in, on their vault."""
    email = _email(who)
    admin = take.context.browser.new_context(base_url=take.portal.url, locale="en-US")
    admin.set_default_timeout(20_000)
    console = admin.new_page()
    log_in(console, *take.portal.admin)
    console.goto("/")
    console.get_by_role("link", name="Provider Portal").click()
    console.locator("table.clients tbody tr td:first-child a", has_text=CLIENT).click()
    expect(console.get_by_role("heading", name=CLIENT)).to_be_visible()
    organization = console.url
    console.get_by_role("link", name="Members").click()
    console.get_by_role("link", name="Invite member").click()
    invite = console.get_by_role("dialog", name="Invite member")
    invite.get_by_label("Email addresses").fill(email)
    invite.get_by_label("User type").select_option("user")
    settle(console)
    invite.get_by_role("button", name="Save").click()
    expect(console.locator(".toast")).to_contain_text("Invitations sent: 1.")

    console.goto("/dev/mailbox")
    mail = console.locator("article.mail", has_text=email).first
    link = re.search(r"http://\S+/invitations/accept\?token=[\w\-]+", mail.locator("pre").inner_text()).group(0)
    page = take.page
    page.goto(link)
    page.get_by_role("link", name="Create account").click()
    expect(page.get_by_label("Email address")).to_have_value(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Master password", exact=True).fill(PASSWORD)
    page.get_by_label("Re-type master password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your account was created")).to_be_visible()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Master password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_text(f"You joined {CLIENT}")).to_be_visible()

    console.goto(organization)
    console.get_by_role("link", name="Members").click()
    row = console.locator("table.members tbody tr", has_text=email)
    row.get_by_label(f"Options for {email}").click()
    row.get_by_role("button", name="Confirm").or_(row.get_by_role("link", name="Confirm")).click()
    confirm = console.get_by_role("dialog")
    settle(console)
    confirm.get_by_role("button", name="Confirm").click()
    expect(row).to_contain_text("Confirmed")
    console.get_by_role("link", name="Collections").click()
    if not console.locator("table.collections tbody tr", has_text=COLLECTION).count():
        console.get_by_role("link", name="New collection").click()
        collection = console.get_by_role("dialog", name="New collection")
        settle(console)
        collection.get_by_label("Name").fill(COLLECTION)
        collection.get_by_label(f"Access for {name}").select_option("edit")
        collection.get_by_role("button", name="Save").click()
        expect(console.locator("table.collections tbody tr", has_text=COLLECTION)).to_be_visible()
    else:
        console.locator("table.collections tbody tr", has_text=COLLECTION).get_by_role("link").first.click()
        collection = console.get_by_role("dialog", name="Edit collection")
        settle(console)
        collection.get_by_label(f"Access for {name}").select_option("edit")
        collection.get_by_role("button", name="Save").click()
        expect(console.get_by_role("dialog")).to_have_count(0)
    admin.close()

    page.goto("/")
    expect(page.get_by_role("heading", name="My vault")).to_be_visible()
    return email


# --- the five videos ------------------------------------------------------------------------------

def _on_login_page(take: Take) -> None:
    take.page.goto("/login")
    take.notes["email"] = _email("alex.martin")


def _open_register(take: Take) -> None:
    take.shot(1600)
    take.click(take.page.get_by_role("link", name="Create an account"))


def _email_and_name(take: Take) -> None:
    take.fill(take.page.get_by_label("Email address"), take.notes["email"])
    take.fill(take.page.get_by_label("Name", exact=True), "Alex Martin")


def _master_password(take: Take) -> None:
    field_ = take.page.get_by_label("Master password", exact=True)
    take.look(field_)
    field_.fill(PASSWORD)
    expect(take.page.locator("#strength strong")).to_be_visible()
    highlight(take.page.locator("#strength"))
    take.shot(2000)


def _retype_and_create(take: Take) -> None:
    take.fill(take.page.get_by_label("Re-type master password"), PASSWORD)
    take.click(take.page.get_by_role("button", name="Create account"))
    expect(take.page.get_by_text("Your account was created")).to_be_visible()


def _created(take: Take) -> None:
    highlight(take.page.get_by_text("Your account was created"))
    take.shot(1600)


def _first_log_in(take: Take) -> None:
    take.fill(take.page.get_by_label("Email address"), take.notes["email"])
    take.fill(take.page.get_by_label("Master password"), PASSWORD)
    take.click(take.page.get_by_role("button", name="Log in"))
    expect(take.page.get_by_role("heading", name="My vault")).to_be_visible()


def _empty_vault(take: Take) -> None:
    take.look(take.page.get_by_role("heading", name="My vault"))
    take.look(take.page.get_by_role("link", name="New item"))


CREATE_ACCOUNT = Video(
    "create-account", "Create your account", "Créer votre compte", _on_login_page, (
        Step("Open your Custodian portal's log-in page. New here? Choose Create an account.",
             "Ouvrez la page de connexion de votre portail Custodian. Nouveau ? Choisissez Créer un compte.",
             _open_register),
        Step("Enter your email address and your name.",
             "Saisissez votre adresse électronique et votre nom.",
             _email_and_name),
        Step("Choose a master password: a passphrase of several unrelated words, at least 12 characters. "
             "The page tells you how strong it is.",
             "Choisissez un mot de passe principal : une phrase de passe de plusieurs mots sans lien entre eux, "
             "d'au moins 12 caractères. La page indique sa robustesse.",
             _master_password),
        Step("Type it again, then choose Create account. Nobody can recover it for you: don't forget it.",
             "Saisissez-le à nouveau, puis choisissez Créer un compte. Personne ne peut le récupérer pour vous : "
             "ne l'oubliez pas.",
             _retype_and_create),
        Step("Your account is created.",
             "Votre compte est créé.",
             _created),
        Step("Log in with your email address and your master password.",
             "Connectez-vous avec votre adresse électronique et votre mot de passe principal.",
             _first_log_in),
        Step("This is your vault. It is empty for now: choose New item to save your first password.",
             "Voici votre coffre. Il est vide pour l'instant : choisissez Nouvel élément pour enregistrer "
             "votre premier mot de passe.",
             _empty_vault),
    ))


def _two_step_prepare(take: Take) -> None:
    take.notes["email"] = fresh_account(take, "sam.durand", "Sam Durand")


def _to_two_step_settings(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("link", name="Account settings"))
    take.click(take.page.get_by_role("link", name="Manage two-step login"))
    expect(take.page.get_by_text("Two-step login is off.")).to_be_visible()


def _turn_on_authenticator(take: Take) -> None:
    take.click(take.page.get_by_role("region", name="Authenticator app").get_by_role("button", name="Turn on"))
    expect(take.page.get_by_role("dialog", name="Turn on the authenticator app")).to_be_visible()


def _scan(take: Take) -> None:
    dialog = take.page.get_by_role("dialog", name="Turn on the authenticator app")
    take.look(dialog.get_by_role("img"))
    key = dialog.get_by_label("Key for manual entry")
    take.look(key)
    take.notes["totp"] = pyotp.TOTP(key.input_value().replace(" ", ""))


def _current_code(totp: pyotp.TOTP) -> str:
    """The code the app shows now, waiting out the last seconds of its 30 s so that it is still good
    when the form reaches the server (frames are stills: the wait does not show)."""
    if 30 - time.time() % 30 < 6:
        time.sleep(30 - time.time() % 30 + 0.5)
    return totp.now()


def _enter_setup_code(take: Take) -> None:
    dialog = take.page.get_by_role("dialog", name="Turn on the authenticator app")
    take.fill(dialog.get_by_label("Verification code"), _current_code(take.notes["totp"]))
    take.click(dialog.get_by_role("button", name="Turn on"))
    expect(take.page.get_by_role("dialog", name="Save your recovery code")).to_be_visible()


def _recovery_code(take: Take) -> None:
    saved = take.page.get_by_role("dialog", name="Save your recovery code")
    take.look(saved.get_by_label("Your recovery code"))
    take.click(saved.get_by_role("link", name="I saved it"))
    expect(take.page.get_by_text("Two-step login is on.")).to_be_visible()
    highlight(take.page.get_by_text("Two-step login is on."))
    take.shot(1200)


def _log_out(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Log out"))


def _log_in_again(take: Take) -> None:
    take.fill(take.page.get_by_label("Email address"), take.notes["email"])
    take.fill(take.page.get_by_label("Master password"), PASSWORD)
    take.click(take.page.get_by_role("button", name="Log in"))
    expect(take.page.get_by_role("heading", name="Two-step login", exact=True)).to_be_visible()


def _enter_login_code(take: Take) -> None:
    # The next 30 s window's code: the server accepts one window either side, and the code that
    # turned the app on may not be used twice.
    code = take.notes["totp"].at(int(time.time()) + 30)
    take.fill(take.page.get_by_label("Verification code"), code)
    take.click(take.page.get_by_role("button", name="Continue"))
    expect(take.page.get_by_role("heading", name="My vault")).to_be_visible()


def _in_vault(take: Take) -> None:
    take.look(take.page.get_by_role("heading", name="My vault"))


TWO_STEP = Video(
    "log-in-with-two-step-login", "Log in with two-step login", "Se connecter avec l'authentification en deux étapes",
    _two_step_prepare, (
        Step("Two-step login asks for a code from your phone after your master password. "
             "Open Account settings, then Manage two-step login.",
             "L'authentification en deux étapes demande un code de votre téléphone après le mot de passe principal. "
             "Ouvrez les paramètres du compte, puis gérez l'authentification en deux étapes.",
             _to_two_step_settings),
        Step("Under Authenticator app, choose Turn on.",
             "Sous Application d'authentification, choisissez Activer.",
             _turn_on_authenticator),
        Step("Scan the QR code with your authenticator app, or type the key into the app by hand.",
             "Scannez le code QR avec votre application d'authentification, ou saisissez la clé à la main "
             "dans l'application.",
             _scan),
        Step("Enter the 6-digit code the app shows, then choose Turn on.",
             "Saisissez le code à 6 chiffres affiché par l'application, puis choisissez Activer.",
             _enter_setup_code),
        Step("Write down your recovery code and keep it somewhere safe, away from your devices. "
             "It gets you in if you lose your phone.",
             "Notez votre code de récupération et gardez-le en lieu sûr, loin de vos appareils. "
             "Il vous permet d'entrer si vous perdez votre téléphone.",
             _recovery_code),
        Step("Two-step login is on. Next time you log in…",
             "L'authentification en deux étapes est activée. À votre prochaine connexion…",
             _log_out),
        Step("…enter your email address and master password as usual…",
             "…saisissez votre adresse électronique et votre mot de passe principal comme d'habitude…",
             _log_in_again),
        Step("…then the code your authenticator app shows now, and choose Continue.",
             "…puis le code affiché à cet instant par votre application d'authentification, et choisissez "
             "Continuer.",
             _enter_login_code),
        Step("You are in your vault. Without your phone, a stolen master password is not enough.",
             "Vous voici dans votre coffre. Sans votre téléphone, un mot de passe principal volé ne suffit pas.",
             _in_vault),
    ))


def _share_prepare(take: Take) -> None:
    take.notes["email"] = member_of_client(take, "robin.leroy", "Robin Leroy")


def _new_item(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("link", name="New item"))
    take.notes["dialog"] = take.page.get_by_role("dialog", name="New item")


def _name_and_username(take: Take) -> None:
    item = take.notes["dialog"]
    take.look(item.get_by_label("Type"))
    take.fill(item.get_by_label("Name", exact=True), "Newsletter platform")
    take.fill(item.get_by_label("Username"), "marketing@my-client.example")


def _generate(take: Take) -> None:
    item = take.notes["dialog"]
    take.click(item.get_by_role("button", name="Generate password"), ms=LOOK_MS)
    expect(item.get_by_label("Password", exact=True)).not_to_have_value("")
    take.click(item.get_by_role("button", name="Show", exact=True))


def _website(take: Take) -> None:
    item = take.notes["dialog"]
    take.click(item.get_by_role("button", name="Add website"), ms=LOOK_MS)
    take.fill(item.get_by_label("Website 1", exact=True), "https://newsletter.example.com")


def _save_item(take: Take) -> None:
    item = take.notes["dialog"]
    take.click(item.get_by_role("button", name="Save"), ms=1600)
    expect(take.page.locator(".toast")).to_contain_text("Newsletter platform was saved.")


def _open_share(take: Take) -> None:
    page = take.page
    close = page.get_by_role("dialog").get_by_role("link", name="Close")
    if close.count():
        take.click(close, ms=LOOK_MS)
    row = page.locator("#own-items ~ table tbody tr", has_text="Newsletter platform")
    take.click(row.get_by_label("Options for Newsletter platform"), ms=LOOK_MS)
    take.click(row.get_by_role("link", name="Share"))
    expect(page.get_by_role("dialog", name="Share Newsletter platform")).to_be_visible()


def _share(take: Take) -> None:
    share = take.page.get_by_role("dialog", name="Share Newsletter platform")
    choice = share.get_by_label(f"{CLIENT} / {COLLECTION}").or_(share.get_by_label(COLLECTION, exact=True))
    take.look(choice)
    choice.check()
    take.shot(LOOK_MS)
    take.click(share.get_by_role("button", name="Share"), ms=1600)
    expect(take.page.locator(".toast")).to_contain_text("Newsletter platform is now shared.")


def _shared(take: Take) -> None:
    section = take.page.locator("section", has_text=CLIENT).filter(has_text="Newsletter platform").last
    highlight(section.locator("tr", has_text="Newsletter platform"))
    take.shot(1600)


SAVE_AND_SHARE = Video(
    "save-and-share-an-item", "Save and share an item", "Enregistrer et partager un élément",
    _share_prepare, (
        Step("In your vault, choose New item.",
             "Dans votre coffre, choisissez Nouvel élément.",
             _new_item),
        Step("Keep the type Login, then give the item a name and enter your username.",
             "Gardez le type Identifiant, puis donnez un nom à l'élément et saisissez votre nom d'utilisateur.",
             _name_and_username),
        Step("Choose Generate password for a strong, unique password; Show lets you check it.",
             "Choisissez Générer un mot de passe pour obtenir un mot de passe fort et unique ; Afficher permet "
             "de le vérifier.",
             _generate),
        Step("Add the website where you use it.",
             "Ajoutez le site web où vous l'utilisez.",
             _website),
        Step("Choose Save: the item is stored encrypted in your vault.",
             "Choisissez Enregistrer : l'élément est chiffré dans votre coffre.",
             _save_item),
        Step("To share it with your team, open the item's options and choose Share.",
             "Pour le partager avec votre équipe, ouvrez les options de l'élément et choisissez Partager.",
             _open_share),
        Step("Pick the organization's collection to share it into, then choose Share.",
             "Choisissez la collection de l'organisation où le partager, puis choisissez Partager.",
             _share),
        Step("The item now belongs to the organization: everyone with access to that collection sees it.",
             "L'élément appartient désormais à l'organisation : tous ceux qui ont accès à cette collection "
             "le voient.",
             _shared),
    ), poster=4)


CHROME_EXPORT = ("name,url,username,password,note\n"
                 "Webmail,https://mail.example.com/,alex@example.com,Ketchup-Orbit-Lamp-71,\n"
                 "Team chat,https://chat.example.com/login,alex,Velvet-Harbor-Quiz-28,\n"
                 "Bank,https://bank.example.com/,123456789,Mosaic-Tulip-Anchor-54,Card PIN is not here\n")


def _import_prepare(take: Take) -> None:
    fresh_account(take, "jordan.petit", "Jordan Petit")
    export = Path(tempfile.mkdtemp(prefix="custodian-import-")) / "Chrome Passwords.csv"
    export.write_text(CHROME_EXPORT)
    take.notes["file"] = export


def _open_import(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("link", name="Import data"))
    expect(take.page.get_by_role("heading", name="Import data")).to_be_visible()


def _help(take: Take) -> None:
    take.look(take.page.get_by_role("link", name="How to get the file out of your password manager"))


def _format(take: Take) -> None:
    choice = take.page.get_by_label("File format")
    take.look(choice)
    choice.select_option(label="Chrome, Edge or Brave (CSV)")
    take.shot(LOOK_MS)


def _file(take: Take) -> None:
    chooser = take.page.get_by_label("File to import")
    take.look(chooser)
    chooser.set_input_files(take.notes["file"])
    take.shot(LOOK_MS)


def _preview(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Preview"), ms=LOOK_MS)
    heading = take.page.get_by_role("heading", name="3 items will be imported")
    expect(heading).to_be_visible()
    take.look(take.page.locator(".import-preview"))


def _import(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Import", exact=True), ms=1600)
    expect(take.page.locator(".toast")).to_contain_text("3 items were imported.")


def _imported(take: Take) -> None:
    take.look(take.page.locator("#own-items ~ table"))
    shutil.rmtree(take.notes["file"].parent, ignore_errors=True)


IMPORT = Video(
    "import-your-data", "Import your data", "Importer vos données", _import_prepare, (
        Step("Coming from another password manager? In your vault, under Tools, choose Import data.",
             "Vous venez d'un autre gestionnaire de mots de passe ? Dans votre coffre, sous Outils, choisissez "
             "Importer des données.",
             _open_import),
        Step("First export your passwords from your old manager: this help page says how, for each one.",
             "Exportez d'abord vos mots de passe depuis votre ancien gestionnaire : cette page d'aide explique "
             "comment, pour chacun.",
             _help),
        Step("Choose the file's format, or let Custodian detect it.",
             "Choisissez le format du fichier, ou laissez Custodian le détecter.",
             _format),
        Step("Choose the file you exported.",
             "Choisissez le fichier que vous avez exporté.",
             _file),
        Step("Choose Preview, and check what will be imported.",
             "Choisissez Aperçu, et vérifiez ce qui sera importé.",
             _preview),
        Step("All good? Choose Import.",
             "Tout est correct ? Choisissez Importer.",
             _import),
        Step("Your items are in your vault. Now delete the exported file: it holds your passwords unencrypted.",
             "Vos éléments sont dans votre coffre. Supprimez maintenant le fichier exporté : il contient vos mots "
             "de passe en clair.",
             _imported),
    ), poster=4)


def _send_prepare(take: Take) -> None:
    take.notes["email"] = member_of_client(take, "maxime.roux", "Maxime Roux")


def _open_sends(take: Take) -> None:
    take.shot(1000)
    take.click(take.page.get_by_role("navigation", name="Password Manager").get_by_role("link", name="Send"))
    take.click(take.page.get_by_role("link", name="New Send"))
    expect(take.page.get_by_role("heading", name="New Send")).to_be_visible()


def _send_text(take: Take) -> None:
    page = take.page
    take.look(page.get_by_role("radio", name="Text"))
    page.get_by_role("radio", name="Text").check()
    take.fill(page.get_by_label("Name"), "Wi-Fi for our visitor")
    take.fill(page.get_by_role("textbox", name="Text"), "Network: Guest-5G\nPassword: lantern-copper-meadow-88")


def _send_options(take: Take) -> None:
    page = take.page
    take.look(page.get_by_label("Deletion date"))
    take.fill(page.get_by_label("Maximum access count"), "3")


def _save_send(take: Take) -> None:
    take.click(take.page.get_by_role("button", name="Save"), ms=LOOK_MS)
    expect(take.page.locator(".toast")).to_contain_text("Send created.")
    take.notes["link"] = take.page.get_by_label("Send link").input_value()
    take.click(take.page.get_by_role("button", name="Copy link"))


def _recipient(take: Take) -> None:
    visitor = take.context.browser.new_context(base_url=take.portal.url, locale="en-US", viewport=VIEWPORT,
                                               bypass_csp=True)
    take.notes["visitor"] = visitor
    page = visitor.new_page()
    page.goto(take.notes["link"])
    expect(page.get_by_text("lantern-copper-meadow-88")).to_be_visible()
    highlight(page.get_by_text("lantern-copper-meadow-88"))
    take.shot(2400, page)


def _limits(take: Take) -> None:
    take.notes.pop("visitor").close()
    take.page.get_by_role("navigation", name="Password Manager").get_by_role("link", name="Send").click()
    expect(take.page.get_by_role("heading", name="Send", exact=True)).to_be_visible()
    take.look(take.page.locator("table tbody tr", has_text="Wi-Fi for our visitor"))


USE_SEND = Video(
    "use-send", "Use Send", "Utiliser Send", _send_prepare, (
        Step("Send shares a text or a file with anyone, through a link that expires. Choose Send, then New Send.",
             "Send partage un texte ou un fichier avec n'importe qui, grâce à un lien qui expire. Choisissez "
             "Send, puis Nouveau Send.",
             _open_sends),
        Step("Choose Text, give the Send a name, and type what you want to share.",
             "Choisissez Texte, donnez un nom au Send et saisissez ce que vous voulez partager.",
             _send_text),
        Step("Choose when it is deleted, and how many times it may be opened.",
             "Choisissez quand il sera supprimé, et combien de fois il pourra être ouvert.",
             _send_options),
        Step("Choose Save, then Copy link, and send the link to the person by email or chat.",
             "Choisissez Enregistrer, puis Copier le lien, et envoyez le lien à la personne par e-mail ou "
             "messagerie.",
             _save_send),
        Step("They open the link in their browser, no account needed, and read what you sent.",
             "Elle ouvre le lien dans son navigateur, sans compte, et lit ce que vous avez envoyé.",
             _recipient),
        Step("Your Sends are listed here. Each link stops working at its deletion date, or once opened as many "
             "times as you allowed.",
             "Vos Sends sont listés ici. Chaque lien cesse de fonctionner à sa date de suppression, ou une fois "
             "ouvert le nombre de fois autorisé.",
             _limits),
    ), poster=4)


VIDEOS = (CREATE_ACCOUNT, TWO_STEP, SAVE_AND_SHARE, IMPORT, USE_SEND)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=[video.slug for video in VIDEOS], help="record this video alone")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if args.only and manifest_path.exists() else {}
    chosen = [video for video in VIDEOS if args.only in (None, video.slug)]
    started = time.monotonic()
    with running_portal("videos") as portal:
        for video in chosen:
            manifest[video.slug] = produce(portal, video, args.out)
            entry = manifest[video.slug]
            size = (args.out / entry["webm"]).stat().st_size
            print(f"{video.slug}: {entry['duration']:.1f} s, {size / 1024:.0f} KiB", flush=True)
    ordered = {video.slug: manifest[video.slug] for video in VIDEOS if video.slug in manifest}
    manifest_path.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n")
    print(f"videos: {len(chosen)} recorded in {args.out} in {time.monotonic() - started:.0f} s", file=sys.stdout)


if __name__ == "__main__":
    main()
