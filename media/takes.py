"""Recording a training video: a take films a page step by step, a step carries its two captions."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, Error as PlaywrightError, Locator, Page

from .captions import frames_of, padded
from .recording import Portal, clear_highlight, highlight, settle

# How long a frame shows the ring before the click or typing it announces, and the result after.
LOOK_MS = 800
RESULT_MS = 1200


@dataclass
class Take:
    """One video being recorded: the page it films, what its steps hand on to each other, its frames."""

    portal: Portal
    context: BrowserContext
    page: Page
    frames_dir: Path
    notes: dict = field(default_factory=dict)
    frames: list[tuple[Path, int]] = field(default_factory=list)  # (image, frames held), this step's
    taken: int = 0

    def shot(self, ms: int = RESULT_MS, page: Page | None = None) -> None:
        """A frame of the page as it is now, once it has settled, held `ms` milliseconds."""
        page = page or self.page
        settle(page)
        path = self.frames_dir / f"{self.taken:04d}.png"
        self.taken += 1
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
        steps = []
        for number, step in enumerate(video.steps, start=1):
            take.frames = []
            try:
                step.do(take)
            except (PlaywrightError, AssertionError) as error:  # which step failed, and on which page
                raise RuntimeError(f"{video.slug}, step {number} ({step.en!r}) failed on {take.page.url}") from error
            counts = padded([count for _, count in take.frames], step.captions)
            steps.append([(path, count) for (path, _), count in zip(take.frames, counts)])
    finally:
        for extra in context.pages:
            extra.close()
        context.close()
    return steps, steps[video.poster][-1][0]
