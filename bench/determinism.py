"""Same inputs, same rows: run one input folder under several worker counts, runners, chunk and batch
sizes and a reversed input order, and compare the tables (`except all` both ways) with the first run.

    python bench/determinism.py ../shared/data/junk_text/inputs [--work /tmp/det] [--variants base,w1,...]

Prints one line per variant and table (rows only in one of the two lakes) and exits 1 on any difference.
Columns that name the run (run_id), the input's path (source_uri: the reversed order reads copies) or
the code (rules_version: an edit made while the variants run shows there alone) are left out of the
comparison. --compare-only compares the lakes of an earlier invocation again.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "staging.documents": "* exclude (run_id, source_uri, rules_version)",
    "staging.lines": "*",
    "staging.entities": "*",
    "marts.event_records": "*",
    "marts.events": "*",
}
VARIANTS = {  # name -> (newslake run flags, environment)
    "base": ([], {}),
    "w1": (["--workers", "1"], {}),
    "w2": (["--workers", "2"], {}),
    "w4": (["--workers", "4"], {}),
    "thread": (["--runner", "thread", "--workers", "2"], {}),
    "chunk1": ([], {"NEWSLAKE_CHUNK_SIZE": "1"}),
    "chunk7": ([], {"NEWSLAKE_CHUNK_SIZE": "7"}),
    "chunk500": ([], {"NEWSLAKE_CHUNK_SIZE": "500"}),
    "batch3": ([], {"NEWSLAKE_BATCH_FILES": "3"}),
    "reversed": ([], {}),
}


def reversed_copy(src: Path, dst: Path) -> Path:
    """A copy of the input tree whose files are discovered in the reverse order (renamed with a rank),
    with each manifest.csv rewritten to the new names."""
    files = sorted(p for p in src.rglob("*") if p.is_file())
    names = {}
    for rank, p in enumerate(reversed(files)):
        rel = p.relative_to(src)
        new = rel.parent / (p.name if p.name == "manifest.csv" else f"r{rank:06d}_{p.name}")
        names[rel.as_posix()] = new
        (dst / new).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(p, dst / new)
    for man in dst.rglob("manifest.csv"):
        text = man.read_text(encoding="utf-8-sig", errors="replace")
        base = man.parent.relative_to(dst)
        for old, new in names.items():
            old_rel = os.path.relpath(old, base.as_posix() or ".")
            if new.name != "manifest.csv" and old_rel in text:
                text = text.replace(old_rel, os.path.relpath(new.as_posix(), base.as_posix() or "."))
        man.write_text(text, encoding="utf-8")
    return dst


def run(inputs: Path, lake: Path, flags: list[str], env: dict) -> float:
    shutil.rmtree(lake, ignore_errors=True)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(inputs), "--lake", str(lake), *flags],
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0 or "Traceback" in done.stderr:
        raise SystemExit(f"run failed ({lake}): {done.stderr[-2000:]}")
    return time.perf_counter() - t


def differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """table -> (rows only in a, rows only in b)."""
    con = duckdb.connect()
    con.execute(f"attach '{a / 'newslake.duckdb'}' as a (read_only)")
    con.execute(f"attach '{b / 'newslake.duckdb'}' as b (read_only)")
    out = {}
    for table, cols in TABLES.items():
        q = "select count(*) from (select {c} from {x}.{t} except all select {c} from {y}.{t})"
        only_a = con.execute(q.format(c=cols, x="a", y="b", t=table)).fetchall()[0][0]
        only_b = con.execute(q.format(c=cols, x="b", y="a", t=table)).fetchall()[0][0]
        out[table] = (only_a, only_b)
    con.close()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("inputs", type=Path)
    p.add_argument("--work", type=Path, default=Path("/tmp/newslake-determinism"))
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--compare-only", action="store_true", help="compare the lakes already in --work")
    a = p.parse_args(argv)
    names = a.variants.split(",")
    a.work.mkdir(parents=True, exist_ok=True)
    rev = None
    if "reversed" in names and not a.compare_only:
        shutil.rmtree(a.work / "reversed-inputs", ignore_errors=True)
        rev = reversed_copy(a.inputs, a.work / "reversed-inputs")
    bad = 0
    for name in names:
        flags, env = VARIANTS[name]
        lake = a.work / f"lake-{name}"
        secs = 0.0 if a.compare_only else run(rev if name == "reversed" else a.inputs, lake, flags, env)
        if name == names[0]:
            print(f"{name:10s} {secs:6.1f} s  (reference)", flush=True)
            continue
        diff = differences(a.work / f"lake-{names[0]}", lake)
        bad += sum(x + y for x, y in diff.values())
        print(f"{name:10s} {secs:6.1f} s  " + "  ".join(f"{t} {x}/{y}" for t, (x, y) in diff.items()), flush=True)
    print("identical" if not bad else f"DIFFERENT: {bad} rows", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
