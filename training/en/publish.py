"""Publish a trained spaCy pipeline as models/en: copy what inference needs, then swap it in atomically."""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import sys
from pathlib import Path

RENAME_EXCHANGE = 2
KEEP_README = "README.md"


def swap_in(staged: Path, target: Path) -> None:
    """Make staged the new target without a moment where target is missing or half-written."""
    if not target.exists():
        os.replace(staged, target)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    at_fdcwd = -100
    if renameat2 is not None and renameat2(at_fdcwd, os.fsencode(staged), at_fdcwd, os.fsencode(target),
                                           RENAME_EXCHANGE) == 0:
        shutil.rmtree(staged)  # now holds the old pipeline
        return
    old = target.with_name(f".{target.name}-old")  # no atomic exchange here: two quick renames
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old)


def publish(model: Path, target: Path, readme: Path | None = None) -> None:
    """Copy model (a spacy train output such as model-best) to target, with readme if given."""
    staged = target.with_name(f".{target.name}-new")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(model, staged)
    if readme is not None:
        shutil.copyfile(readme, staged / KEEP_README)
    elif (target / KEEP_README).exists():
        shutil.copyfile(target / KEEP_README, staged / KEEP_README)
    swap_in(staged, target)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("model", type=Path, help="trained pipeline directory (e.g. training/en/out/model-best)")
    ap.add_argument("target", type=Path, nargs="?", default=Path("models/en"))
    ap.add_argument("--readme", type=Path, default=None, help="README.md to ship (default: keep the current one)")
    args = ap.parse_args(argv)
    publish(args.model, args.target, args.readme)
    print(f"published {args.model} -> {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
