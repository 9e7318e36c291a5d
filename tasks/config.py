"""One configuration object for a run, and where the project's data files live."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
ARTICLES_DIR = SEEDS_DIR / "articles"
SQL_DIR = ROOT / "sql"


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told; the defaults are what `newslake run` uses."""
    paths: tuple[str, ...] = ()
    lake: str = "lake"
    workers: int = field(default_factory=lambda: max(1, min(os.cpu_count() or 1, 8)))
    runner: str = "thread"  # thread | process | dask
    dask_address: str | None = None
    published_at: dt.date | None = None  # publication date for inputs that carry none
    chunk_size: int = 500  # documents per task run
    max_file_bytes: int = 20 * 1024 * 1024
    expected_languages: tuple[str, ...] = ()  # narrows language guesses when given
    lock_timeout_s: float = 600.0

    @property
    def input_paths(self) -> tuple[str, ...]:
        return self.paths or (str(ARTICLES_DIR),)


@functools.cache
def seed_rows(name: str) -> tuple[dict, ...]:
    """Rows of seeds/<name>.csv as dicts (cached; the file is UTF-8 with a header)."""
    with open(SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        return tuple(dict(r) for r in csv.DictReader(f))
