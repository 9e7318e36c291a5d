"""One writer per lake: an advisory file lock the OS releases when the process dies."""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from pathlib import Path

LOCK_NAME = ".newslake.lock"


_TERMINAL = []  # the user's terminal, when the CLI sends stderr to the run's log file


def set_terminal(stream) -> None:
    """Where notices meant for the user go (the CLI's terminal while stderr goes to the log)."""
    _TERMINAL[:] = [stream] if stream is not None else []


def terminal():
    """The stream for notices to the user: the terminal the CLI kept, else sys.stderr."""
    return _TERMINAL[0] if _TERMINAL else sys.stderr


class LakeBusy(RuntimeError):
    """Another run held the lake for longer than we were willing to wait."""


@contextlib.contextmanager
def lake_lock(lake: str | os.PathLike, timeout_s: float = 600.0, poll_s: float = 0.2):
    """Hold the lake's write lock; wait up to timeout_s for another run to finish."""
    Path(lake).mkdir(parents=True, exist_ok=True)
    path = Path(lake) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LakeBusy(f"another newslake run holds {path}; gave up after {timeout_s:.0f} s") from None
                if not told:
                    print(f"newslake: another run is writing to {lake}; waiting up to {timeout_s:.0f} s ...",
                          file=terminal(), flush=True)
                    told = True
                time.sleep(poll_s)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
