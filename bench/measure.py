"""How every benchmark times a step: the median of many runs, so one slow run does not decide."""
from __future__ import annotations

import statistics
import time


def median_seconds(action, repeat: int) -> float:
    """The median seconds of `action` over `repeat` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
