"""The training media (issue 16): the committed videos, captions and registration screenshots are all
there and agree with each other and with the scripts that record them (`make videos`,
`make guide-screenshots`); the timing the captions are written from is right. Nothing is started."""
from __future__ import annotations

import json
import re

import pytest

from media.captions import (FRAME_MS, cue_times, french_spacing, frames_of, padded, reading_ms, timestamp,
                            webvtt)
from media.guide_screenshots import OUT as REGISTRATION, PEOPLE, STEPS
from media.videos import OUT as VIDEOS_DIR, VIDEOS

SLUGS = ("create-account", "log-in-with-two-step-login", "save-and-share-an-item", "import-your-data", "use-send")
EBML = bytes.fromhex("1a45dfa3")
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"
CUE_TIME = re.compile(r"^(\d{2}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2}):([0-5]\d):([0-5]\d)\.(\d{3})$")
RERUN = "run `make videos` after changing a video's steps or the pages it shows"


def parse_webvtt(text: str) -> list[tuple[int, int, str]]:
    """The cues of a WebVTT file as (start ms, end ms, text); ValueError says what is malformed."""
    if not text.startswith("WEBVTT"):
        raise ValueError("does not start with WEBVTT")
    cues = []
    for block in re.split(r"\n{2,}", text.strip())[1:]:
        lines = block.splitlines()
        timing = next((line for line in lines if "-->" in line), None)
        match = CUE_TIME.match(timing or "")
        if not match:
            raise ValueError(f"a cue without a valid HH:MM:SS.mmm --> HH:MM:SS.mmm line: {block!r}")
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        start = ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1
        end = ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2
        cues.append((start, end, "\n".join(lines[lines.index(timing) + 1:]).strip()))
    return cues


def caption_gaps(slug: str, entry: dict) -> list[str]:
    """What is wrong with one video's captions, as sentences."""
    gaps: list[str] = []
    duration_ms = round(entry["duration"] * 1000)
    parsed = {}
    for language in ("en", "fr"):
        path = VIDEOS_DIR / entry["captions"][language]
        try:
            parsed[language] = cues = parse_webvtt(path.read_text())
        except (OSError, ValueError) as error:
            gaps.append(f"{slug}: {path.name} is not WebVTT: {error}")
            continue
        if not cues:
            gaps.append(f"{slug}: {path.name} has no cue")
        previous_end = 0
        for number, (start, end, text) in enumerate(cues, start=1):
            if not start < end or start < previous_end or end > duration_ms:
                gaps.append(f"{slug}: {path.name} cue {number} runs {start}–{end} ms, after {previous_end} ms, "
                            f"in a {duration_ms} ms video")
            if not text:
                gaps.append(f"{slug}: {path.name} cue {number} is empty")
            previous_end = end
        if cues and cues[-1][1] != duration_ms:
            gaps.append(f"{slug}: {path.name} ends at {cues[-1][1]} ms, the video at {duration_ms} ms")
    if len(parsed) == 2:
        english, french = parsed["en"], parsed["fr"]
        if [cue[:2] for cue in english] != [cue[:2] for cue in french]:
            gaps.append(f"{slug}: the English and French cues differ in number or times")
        for number, (en, fr) in enumerate(zip(english, french), start=1):
            if en[2] == fr[2]:
                gaps.append(f"{slug}: cue {number} is the same in French as in English: {en[2]!r}")
        video = next((video for video in VIDEOS if video.slug == slug), None)
        if video and ([cue[2] for cue in english] != [step.en for step in video.steps]
                      or [cue[2] for cue in french] != [french_spacing(step.fr) for step in video.steps]):
            gaps.append(f"{slug}: the captions are not those of media's step list ({RERUN})")
    return gaps


def test_every_video_has_its_webm_poster_and_captions_that_line_up():
    manifest_path = VIDEOS_DIR / "manifest.json"
    assert manifest_path.exists(), f"no {manifest_path} ({RERUN})"
    manifest = json.loads(manifest_path.read_text())
    gaps = [f"the manifest lists {sorted(manifest)}, not the course's {list(SLUGS)}"] if list(manifest) != list(SLUGS) else []
    for slug, entry in manifest.items():
        webm, poster = VIDEOS_DIR / entry["webm"], VIDEOS_DIR / entry["poster"]
        if (entry["webm"], entry["poster"]) != (f"{slug}.webm", f"{slug}.jpg"):
            gaps.append(f"{slug}: files named {entry['webm']} and {entry['poster']}")
        if not webm.exists() or webm.read_bytes()[:4] != EBML:
            gaps.append(f"{slug}: {webm.name} is missing or not WebM (no EBML header)")
        elif webm.stat().st_size > 1_000_000:
            gaps.append(f"{slug}: {webm.name} is {webm.stat().st_size // 1024} KiB, over 1 MB")
        if not poster.exists() or poster.read_bytes()[:3] != JPEG:
            gaps.append(f"{slug}: the poster {poster.name} is missing or not a JPEG")
        if (entry["width"], entry["height"]) != (1280, 720) or not 20 <= entry["duration"] <= 60:
            gaps.append(f"{slug}: {entry['width']}×{entry['height']}, {entry['duration']} s "
                        "(1280×720 and 20 to 60 s expected)")
        if set(entry["title"]) != {"en", "fr"} or set(entry["captions"]) != {"en", "fr"}:
            gaps.append(f"{slug}: titles and captions in {sorted(entry['title'])} / {sorted(entry['captions'])}")
            continue
        gaps += caption_gaps(slug, entry)
    assert not gaps, "\n".join(gaps)


def test_every_registration_step_has_a_screenshot_in_english_and_in_french():
    gaps = []
    for language in PEOPLE:
        for step in STEPS:
            path = REGISTRATION / language / f"{step}.png"
            if not path.exists() or path.read_bytes()[:8] != PNG:
                gaps.append(f"{path.relative_to(REGISTRATION)} is missing or not a PNG")
    assert set(PEOPLE) == {"en", "fr"}
    assert STEPS == ("1-log-in-page", "2-create-account", "3-master-password", "4-account-created",
                     "5-first-log-in", "6-your-vault")
    assert not gaps, "run `make guide-screenshots`:\n" + "\n".join(gaps)


def test_the_training_media_stay_small():
    total = sum(path.stat().st_size for path in (VIDEOS_DIR.parent).rglob("*") if path.is_file())
    assert total < 6 * 1024 * 1024, f"web/static/training holds {total / 1024 / 1024:.1f} MiB"


def test_each_video_is_a_list_of_steps_captioned_in_english_and_in_french():
    assert tuple(video.slug for video in VIDEOS) == SLUGS
    gaps = []
    for video in VIDEOS:
        if not 0 <= video.poster < len(video.steps):
            gaps.append(f"{video.slug}: the poster is step {video.poster} of {len(video.steps)}")
        for number, step in enumerate(video.steps, start=1):
            if not step.en.strip() or not step.fr.strip() or step.en == step.fr:
                gaps.append(f"{video.slug} step {number}: {step.en!r} / {step.fr!r}")
    assert not gaps, "\n".join(gaps)


# --- the timing the captions are written from -------------------------------------------------------

def test_captions_are_timed_from_the_same_frame_counts_as_the_video():
    steps = [[4, 1], [10], [2, 2, 2]]
    assert cue_times(steps) == [(0, 5 * FRAME_MS), (5 * FRAME_MS, 15 * FRAME_MS), (15 * FRAME_MS, 21 * FRAME_MS)]


def test_a_held_frame_lasts_whole_frames_and_never_none():
    assert frames_of(FRAME_MS) == 1
    assert frames_of(FRAME_MS + 1) == 2
    assert frames_of(0) == 1


def test_a_step_lasts_until_its_longer_caption_is_read():
    english, french = "Choose Save.", "Choisissez Enregistrer, puis attendez un instant avant de continuer."
    needed = frames_of(reading_ms(english, french))
    assert reading_ms(english, french) == reading_ms(french)
    assert padded([1, 2], (english, french)) == [1, needed - 1]
    assert padded([needed + 5], (english, french)) == [needed + 5]  # a long step is never shortened


def test_a_step_without_a_frame_is_refused():
    with pytest.raises(ValueError):
        padded([], ("a", "b"))


def test_cue_times_are_written_as_webvtt_timestamps():
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(3_723_456) == "01:02:03.456"
    written = webvtt([(0, 1200), (1200, 61_000)], ["Open the page.", "Choose Save."])
    assert written == ("WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.200\nOpen the page.\n\n"
                       "2\n00:00:01.200 --> 00:01:01.000\nChoose Save.\n")
    assert [cue[:2] for cue in parse_webvtt(written)] == [(0, 1200), (1200, 61_000)]


@pytest.mark.parametrize("captions", [["Fine.", " "], ["Fine.", "a --> b"], ["Only one."]])
def test_a_caption_that_cannot_be_a_cue_is_refused(captions):
    with pytest.raises(ValueError):
        webvtt([(0, 1000), (1000, 2000)], captions)


def test_french_captions_keep_their_punctuation_on_the_line():
    assert french_spacing("Nouveau ? Choisissez : Enregistrer ; voilà !") == \
        "Nouveau\u00a0? Choisissez\u00a0: Enregistrer\u00a0; voilà\u00a0!"
    assert french_spacing("Ouvrez https://exemple.fr à 10:30.") == "Ouvrez https://exemple.fr à 10:30."
