"""Fault injection for crash and concurrency tests: NEWSLAKE_CRASH_AT / NEWSLAKE_PAUSE_AT=point[:n]."""
from __future__ import annotations

import os
import signal
import time
from collections import Counter

_hits: Counter = Counter()


def checkpoint(point: str) -> None:
    """Kill this run's process group (SIGKILL, as `kill -9` of the run would) or pause at `point`."""
    crash, pause = os.environ.get("NEWSLAKE_CRASH_AT"), os.environ.get("NEWSLAKE_PAUSE_AT")
    if not crash and not pause:
        return
    _hits[point] += 1
    if _matches(crash, point):
        os.killpg(os.getpgid(0), signal.SIGKILL)
    if _matches(pause, point):
        time.sleep(float(os.environ.get("NEWSLAKE_PAUSE_SECONDS", "20")))


def _matches(spec: str | None, point: str) -> bool:
    if not spec:
        return False
    name, _, nth = spec.partition(":")
    return name == point and _hits[point] == int(nth or 1)
