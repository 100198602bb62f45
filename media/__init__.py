"""Training media recorded from the running portal: the videos (`python -m media.videos`) and the
registration guide's screenshots (`python -m media.guide_screenshots`), so that neither ever shows an
outdated screen. `media.recording` is what both share: the system, the browser, the highlight ring."""
