"""The training videos: what `make videos` recorded (web/static/training/videos/), read once per process.

The recording script (media/videos.py) writes each video's WebM, poster, English and French
WebVTT captions, and a manifest of their durations; the pages play them with captions and show a
transcript made from the very captions, so the two never disagree.
"""
from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

FOLDER = Path(__file__).resolve().parents[1] / "web" / "static" / "training" / "videos"
LANGUAGES = {"en": "English", "fr": "Français"}

# In the order a new user needs them.
TITLES = {
    "create-account": (_l("Create an account"),
                       _l("From the log-in page to your new, empty vault.")),
    "log-in-with-two-step-login": (_l("Log in with two-step login"),
                                   _l("Turn on an authenticator app, then log in with its code.")),
    "save-and-share-an-item": (_l("Save and share an item"),
                               _l("Save a login in your vault, then share it with your organization.")),
    "import-your-data": (_l("Import your data"),
                         _l("Bring your passwords from another password manager's export file.")),
    "use-send": (_l("Use Send"),
                 _l("Send a secret once, with a link that stops working.")),
}

_CUE_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})")


@dataclass(frozen=True)
class Cue:
    """One caption: from `start` to `end` seconds."""

    start: float
    end: float
    text: str

    @property
    def clock(self) -> str:
        """The start as m:ss, as a transcript shows it."""
        return f"{int(self.start) // 60}:{int(self.start) % 60:02d}"


@dataclass(frozen=True)
class Video:
    """A recorded video and its files (names relative to the static folder)."""

    slug: str
    title: str
    summary: str
    seconds: float
    width: int
    height: int
    webm: str
    poster: str
    captions: dict[str, str]  # language -> VTT file

    @property
    def length(self) -> str:
        """The duration as m:ss."""
        total = round(self.seconds)
        return f"{total // 60}:{total % 60:02d}"


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file (timings and text; cue settings and notes are not used here)."""
    cues: list[Cue] = []
    for block in re.split(r"\r?\n\r?\n", text.strip()):
        lines = block.splitlines()
        for index, line in enumerate(lines):
            found = _CUE_TIME.match(line)
            if found:
                h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, found.groups())
                cues.append(Cue(h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                                " ".join(lines[index + 1:]).strip()))
                break
    return cues


@functools.cache
def videos() -> tuple[Video, ...]:
    """The recorded videos, in the order of TITLES; none when `make videos` never ran."""
    manifest_file = FOLDER / "manifest.json"
    if not manifest_file.exists():
        return ()
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    found = []
    for slug, (title, summary) in TITLES.items():
        entry = manifest.get(slug)
        if entry is None:
            continue
        found.append(Video(slug, title, summary, float(entry["duration"]), int(entry["width"]), int(entry["height"]),
                           f"training/videos/{entry['webm']}", f"training/videos/{entry['poster']}",
                           {language: f"training/videos/{entry['captions'][language]}" for language in LANGUAGES}))
    return tuple(found)


def video(slug: str) -> Video | None:
    """The video named `slug`."""
    return next((found for found in videos() if found.slug == slug), None)


@functools.cache
def transcript(slug: str, language: str) -> tuple[Cue, ...]:
    """The captions of a video in `language`, as a transcript."""
    found = video(slug)
    if found is None or language not in found.captions:
        return ()
    return tuple(parse_vtt((FOLDER.parent.parent / found.captions[language]).read_text(encoding="utf-8")))
