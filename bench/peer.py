"""The hand-written peer of issue 7: trafilatura + langdetect over .txt articles in a process pool.

    python bench/peer.py CORPUS_DIR [--processes 2] [--out PEER.jsonl] [--fast] [--json]

Per document, in a worker of multiprocessing.Pool(processes):
  read the bytes; decode (strict UTF-8, else cp1252, else latin-1);
  wrap every non-empty line as an HTML paragraph (<p>, escaped) in <html><body>;
  trafilatura.extract(html) with its defaults (or fast=True with --fast);
  langdetect.detect() on the extracted text (DetectorFactory.seed = 0 in every worker).
The main process writes one JSON line per document (path, language, extracted text) to --out,
so the peer, like newslake, ends with its results stored. Wrapping is what a fair peer does for
rendered text: trafilatura returns None for every BBC .txt passed as-is (it needs a DOM), which
would make the peer skip langdetect too and measure nothing.
"""
from __future__ import annotations

import argparse
import html
import json
import multiprocessing
import os
import sys
import time

CHUNKSIZE = 32


def seed_worker() -> None:
    """langdetect is random unless seeded in every process before the first call."""
    from langdetect import DetectorFactory
    DetectorFactory.seed = 0


def decode(data: bytes) -> str:
    """Strict UTF-8, else cp1252, else latin-1 (never fails)."""
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def as_html(text: str) -> str:
    """Rendered text as a minimal page: one <p> per non-empty line."""
    paras = "".join(f"<p>{html.escape(line.strip())}</p>\n" for line in text.splitlines() if line.strip())
    return f"<html><body>\n{paras}</body></html>"


def process_file(args: tuple[str, bool]) -> dict:
    """One document: read, decode, extract the main text, detect its language."""
    import trafilatura
    from langdetect import detect
    from langdetect.lang_detect_exception import LangDetectException
    path, fast = args
    with open(path, "rb") as f:
        text = decode(f.read())
    body = trafilatura.extract(as_html(text), fast=fast) or ""
    try:
        lang = detect(body) if body.strip() else "und"
    except LangDetectException:
        lang = "und"
    return {"path": path, "language": lang, "text": body}


def find_inputs(root: str) -> list[str]:
    """Every .txt file under root, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        found.extend(os.path.join(dirpath, n) for n in sorted(filenames) if n.lower().endswith(".txt"))
    return found


def run_peer(root: str, processes: int, out_path: str | None, fast: bool = False) -> dict:
    """Run the peer over every .txt under root; returns counts and timings."""
    started = time.perf_counter()
    files = find_inputs(root)
    langs: dict[str, int] = {}
    empty = 0
    out = open(out_path, "w", encoding="utf-8") if out_path else None
    try:
        with multiprocessing.Pool(processes, initializer=seed_worker) as pool:
            for res in pool.imap(process_file, [(p, fast) for p in files], chunksize=CHUNKSIZE):
                langs[res["language"]] = langs.get(res["language"], 0) + 1
                empty += not res["text"]
                if out:
                    out.write(json.dumps(res, ensure_ascii=False) + "\n")
    finally:
        if out:
            out.close()
    wall = time.perf_counter() - started
    return {"files": len(files), "documents": len(files), "empty_extractions": empty,
            "languages": dict(sorted(langs.items(), key=lambda kv: -kv[1])), "processes": processes,
            "fast": fast, "inner_wall_seconds": round(wall, 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="trafilatura + langdetect peer over .txt articles")
    p.add_argument("corpus")
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--out", default=None, help="JSONL of results (default: none)")
    p.add_argument("--fast", action="store_true", help="trafilatura.extract(fast=True): no fallback extractors")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    a = p.parse_args(argv)
    res = run_peer(a.corpus, a.processes, a.out, a.fast)
    if a.json:
        print(json.dumps(res))
    else:
        print(f"peer: {res['documents']} documents in {res['inner_wall_seconds']:.1f} s "
              f"({res['documents'] / max(res['inner_wall_seconds'], 1e-9):.1f} docs/s), languages {res['languages']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
