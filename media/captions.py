"""The training videos' timing and captions, as pure functions of the step list.

A video is a list of steps; a step is a few frames, each held for a whole number of frames at FPS frames
a second, and one caption in each language shown while they are. The captions' cues are summed from the
same frame counts as the video, so they always line up; a step lasts at least as long as its caption
takes to read.
"""
from __future__ import annotations

import math
import re

FPS = 5
FRAME_MS = 1000 // FPS
# How long a caption stays up at least: time to read it (a slow reader, in the longer of its two
# languages) and a pause, so that a viewer reading French is not hurried by a quick click.
READING_CHARACTERS_PER_SECOND = 16
CAPTION_PAUSE_MS = 1000
SHORTEST_CAPTION_MS = 3000


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


def french_spacing(text: str) -> str:
    """French typography: a no-break space before : ; ? ! (as typed with a plain space or none), so that a
    caption never wraps a line before its punctuation."""
    return re.sub(r"(?<=\S) ?([:;?!])(?=\s|$)", "\u00a0\\1", text)
