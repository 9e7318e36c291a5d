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
EXTRACT_LANGUAGES = frozenset({"en"})  # languages event extraction has a model for; others are counted


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


# tasks/ modules that move, store or publish rows without deciding their content: not part of the rules
NOT_RULES = frozenset({"__init__.py", "ingest.py", "land.py", "models.py", "lock.py", "faults.py", "warm.py"})
MODELS_DIR = ROOT / "models"


@functools.cache
def rules_version() -> str:
    """Fingerprint of the extraction code (tasks/ stage modules and packages, models/) and seeds/ data:
    what staging.documents.rules_version records, and what makes a run re-extract stored documents."""
    import hashlib
    files = [p for p in (ROOT / "tasks").rglob("*.py")
             if not (p.parent == ROOT / "tasks" and p.name in NOT_RULES) and "__pycache__" not in p.parts]
    files += [p for p in SEEDS_DIR.rglob("*") if p.is_file() and ARTICLES_DIR not in p.parents]
    if MODELS_DIR.is_dir():
        files += [p for p in MODELS_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    h = hashlib.sha256()
    for p in sorted(files, key=lambda p: p.relative_to(ROOT).as_posix()):
        h.update(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:16]
