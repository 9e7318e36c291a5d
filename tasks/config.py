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


def _env(name: str, default, cast=str):
    """A NEWSLAKE_<NAME> environment override of a setting's default."""
    value = os.environ.get(f"NEWSLAKE_{name}")
    if value is None or value == "":
        return default
    if cast is tuple:
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return cast(value)


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told; CLI flags set the first group, NEWSLAKE_* env vars the rest."""
    paths: tuple[str, ...] = ()
    lake: str = "lake"
    workers: int = field(default_factory=lambda: _env("WORKERS", max(1, min(os.cpu_count() or 1, 8)), int))
    runner: str = "process"  # thread | process | dask
    dask_address: str | None = None
    published_at: dt.date | None = None  # publication date for inputs that carry none
    chunk_size: int = field(default_factory=lambda: _env("CHUNK_SIZE", 250, int))  # documents per pool job
    batch_files: int = field(default_factory=lambda: _env("BATCH_FILES", 4000, int))  # files per commit
    max_file_bytes: int = field(default_factory=lambda: _env("MAX_FILE_BYTES", 20 * 1024 * 1024, int))
    expected_languages: tuple[str, ...] = field(default_factory=lambda: _env("EXPECTED_LANGUAGES", (), tuple))
    lock_timeout_s: float = field(default_factory=lambda: _env("LOCK_TIMEOUT", 600.0, float))

    @property
    def input_paths(self) -> tuple[str, ...]:
        return self.paths or (str(ARTICLES_DIR),)


@functools.cache
def seed_rows(name: str) -> tuple[dict, ...]:
    """Rows of seeds/<name>.csv as dicts (cached; the file is UTF-8 with a header)."""
    with open(SEEDS_DIR / f"{name}.csv", encoding="utf-8", newline="") as f:
        return tuple(dict(r) for r in csv.DictReader(f))
