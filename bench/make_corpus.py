"""Build the benchmark corpus: N copies of an input folder, every copy after the first made unique.

    python bench/make_corpus.py --copies 10 [--source DIR] [--dest DIR] [--mark title|line]

Copy 0 is the source folder byte for byte. Copy k >= 1 changes each article's bytes so its content
hash (and newslake's doc_id) differs while the text stays realistic:
  --mark title  (default) " (k)" is appended to the first non-empty line, the headline,
                as a follow-up story's headline might carry;
  --mark line   a last paragraph "Updated edition k." is appended.
Only ASCII bytes are inserted, next to the existing line ending, so every file keeps its
encoding (UTF-8, latin-1, BOM; UTF-16/32 files are re-encoded as they were) and line endings;
empty and whitespace-only files are copied unchanged. Articles that are duplicates of each other
within the source stay duplicates within each copy, so the dedup path runs at the same rate
at every N. Layout: DEST/copy-000/<relative path>, ... Defaults to bench/out/corpus-xN
(git-ignored). A stamp DEST.json records what was built; a matching stamp means reuse.
"""
from __future__ import annotations

import argparse
import codecs
import json
import os
import re
import shutil
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
DEFAULT_SOURCE = "/work/shared/data/throughput/inputs"
MARKS = ("title", "line")
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_FIRST_LINE = re.compile(rb"\A(\xef\xbb\xbf)?([ \t]*\r?\n)*[^\r\n]*[^\r\n\s]")


def default_dest(copies: int) -> Path:
    return OUT_DIR / f"corpus-x{copies}"


def mark_bytes(data: bytes, copy_no: int, mark: str) -> bytes:
    """The article's bytes made unique for copy number copy_no (0: unchanged)."""
    if copy_no == 0 or not data.strip():
        return data
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return mark_bytes(data.decode(codec).encode("utf-8"), copy_no, mark).decode("utf-8").encode(codec)
    if mark == "title":
        m = _FIRST_LINE.match(data)
        if m:
            return data[:m.end()] + f" ({copy_no})".encode("ascii") + data[m.end():]
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    tail = b"" if data.endswith(newline) else newline
    return data + tail + newline + f"Updated edition {copy_no}.".encode("ascii") + newline


def source_files(source: Path) -> list[Path]:
    """Every regular file under source, relative to it, sorted."""
    files = []
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames.sort()
        files.extend(Path(dirpath, n).relative_to(source) for n in sorted(filenames))
    return files


def stamp_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".json")


def build(source: str | Path, copies: int, dest: str | Path | None = None, mark: str = "title",
          force: bool = False) -> dict:
    """Build (or reuse) the corpus; returns its stamp: source, copies, mark, files, bytes, dest."""
    if copies < 1:
        raise ValueError("copies must be >= 1")
    if mark not in MARKS:
        raise ValueError(f"mark must be one of {MARKS}")
    source = Path(source).resolve()
    dest = Path(dest or default_dest(copies)).resolve()
    files = source_files(source)
    want = {"source": str(source), "copies": copies, "mark": mark, "source_files": len(files)}
    stamp = stamp_path(dest)
    if not force and stamp.exists() and dest.is_dir():
        have = json.loads(stamp.read_text())
        if {k: have.get(k) for k in want} == want:
            return have
    if dest.exists():
        shutil.rmtree(dest)
    total_bytes = 0
    for k in range(copies):
        copy_dir = dest / f"copy-{k:03d}"
        for rel in files:
            data = mark_bytes((source / rel).read_bytes(), k, mark)
            target = copy_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            total_bytes += len(data)
    result = {**want, "files": len(files) * copies, "bytes": total_bytes, "dest": str(dest)}
    stamp.write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build an N-times repeated, de-duplicated benchmark corpus")
    p.add_argument("--copies", type=int, default=1)
    p.add_argument("--source", default=DEFAULT_SOURCE)
    p.add_argument("--dest", default=None, help="default bench/out/corpus-xN")
    p.add_argument("--mark", choices=MARKS, default="title")
    p.add_argument("--force", action="store_true", help="rebuild even when a matching corpus exists")
    a = p.parse_args(argv)
    res = build(a.source, a.copies, a.dest, a.mark, a.force)
    print(f"corpus: {res['files']} files, {res['bytes'] / 1e6:.1f} MB in {res['dest']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
