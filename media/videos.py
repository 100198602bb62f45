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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from .account_videos import CREATE_ACCOUNT, TWO_STEP
from .captions import FPS, cue_times, french_spacing, webvtt
from .recording import TRAINING, VIEWPORT, Portal, running_portal
from .takes import Video, record
from .vault_videos import IMPORT, SAVE_AND_SHARE, USE_SEND

OUT = TRAINING / "videos"
LANGUAGES = ("en", "fr")
VIDEOS = (CREATE_ACCOUNT, TWO_STEP, SAVE_AND_SHARE, IMPORT, USE_SEND)


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
    # A constant frame rate (a repeated frame costs VP9 almost nothing) keeps seeking and the captions
    # exact. Screen-content tuning, and no alternate reference frames: with them, the next screen's text
    # shows faintly through the current one (a ghost) at this quality.
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-framerate", str(FPS),
                    "-i", str(sequence / "%05d.png"), "-c:v", "libvpx-vp9", "-pix_fmt", "yuv420p",
                    "-crf", "36", "-b:v", "0", "-tune-content", "screen", "-auto-alt-ref", "0",
                    "-lag-in-frames", "0", "-g", str(FPS * 10), "-row-mt", "1", "-deadline", "good",
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
        texts = [step.en if language == "en" else french_spacing(step.fr) for step in video.steps]
        (out / captions[language]).write_text(webvtt(cues, texts))
    return {"title": {"en": video.title_en, "fr": video.title_fr}, "duration": duration_ms / 1000,
            "width": VIEWPORT["width"], "height": VIEWPORT["height"], "webm": webm.name,
            "poster": f"{video.slug}.jpg", "captions": captions}


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
