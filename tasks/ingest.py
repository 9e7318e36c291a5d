"""Ingest stage: walk the inputs, read and hash every file, decode it and parse it into RawDocs."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import glob
import hashlib
import io
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tasks.records import LedgerRow, RawDoc

TEXT_EXT = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl"}
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("url", "source_name", "published_at")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_OK = set("\t\n\r\f\v")
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b == 0 or chr(b) in _CONTROL_OK)
LIVE_STATUSES = ("loaded", "unchanged", "duplicate")
PREFERRED_SINGLE_BYTE = ("cp1252", "latin_1", "iso8859_15")


@dataclass(slots=True)
class InputEntry:
    """A path found under one of the given roots; `problem` is set when it must not be read."""
    path: str
    root: str
    problem: tuple[str, str] | None = None  # (status, reason)


@dataclass(slots=True)
class Ingested:
    """What ingesting one input file gave: ledger rows and the documents to process."""
    rows: list[LedgerRow] = field(default_factory=list)
    docs: list[RawDoc] = field(default_factory=list)


class BadInput(Exception):
    """An input that cannot become a document; the message is the ledger reason."""


def display_path(path: str) -> str:
    """A printable, UTF-8-safe version of a path (undecodable bytes shown as escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def file_id(path: str) -> str:
    return hashlib.sha256(display_path(path).encode("utf-8")).hexdigest()[:16]


def discover(paths: list[str] | tuple[str, ...]) -> list[InputEntry]:
    """Every file under the given files, directories and globs, in a stable order.

    Symlinks are followed only when they lead inside one of the roots; directory symlinks
    are never descended (the real directory is walked if it is inside a root), so loops
    cannot happen.
    """
    roots: list[str] = []
    for p in paths:
        matches = sorted(glob.glob(p, recursive=True)) if glob.has_magic(p) else [p]
        roots.extend(os.path.abspath(m) for m in matches)
    real_roots = [os.path.realpath(r) for r in roots]
    found: dict[str, InputEntry] = {}
    for root in roots:
        if not os.path.lexists(root):
            found.setdefault(root, InputEntry(root, root, ("skipped", "path does not exist")))
        elif os.path.isdir(root) and not os.path.islink(root):
            for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
                dirnames.sort()
                for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
                    full = os.path.join(dirpath, name)
                    found.setdefault(full, _entry(full, root, real_roots))
        else:
            found.setdefault(root, _entry(root, os.path.dirname(root), real_roots + [os.path.realpath(root)]))
    return [found[k] for k in sorted(found)]


def _entry(path: str, root: str, real_roots: list[str]) -> InputEntry:
    if not os.path.islink(path):
        return InputEntry(path, root)
    try:
        target = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError) as exc:
        return InputEntry(path, root, ("skipped", f"broken or looping symlink: {exc.__class__.__name__}"))
    if not any(target == r or target.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots):
        return InputEntry(path, root, ("skipped", "symlink leads outside the input roots; not followed"))
    if os.path.isdir(target):
        return InputEntry(path, root, ("skipped", "symlink to a directory; not followed (its target is walked if inside a root)"))
    return InputEntry(path, root)


def read_manifests(entries: list[InputEntry]) -> tuple[dict[str, dict], dict[str, str]]:
    """Metadata from every manifest.csv, keyed by the absolute path it describes.

    Returns (metadata by path, reason by manifest path). Paths escaping the manifest's input
    root are refused and named in the manifest's reason.
    """
    meta: dict[str, dict] = {}
    reasons: dict[str, str] = {}
    for e in entries:
        if os.path.basename(e.path) != MANIFEST or e.problem:
            continue
        applied, refused = 0, []
        try:
            with open(e.path, encoding="utf-8-sig", errors="replace", newline="") as f:
                rows = list(csv.DictReader(f))
        except (OSError, csv.Error) as exc:
            reasons[e.path] = f"manifest.csv unreadable: {exc}"
            continue
        base = os.path.dirname(os.path.abspath(e.path))
        root = os.path.realpath(e.root)
        for row in rows:
            rel = (row.get("path") or "").strip()
            if not rel:
                continue
            target = os.path.normpath(os.path.join(base, rel))
            if not _inside(os.path.realpath(target), root) or not _inside(target, os.path.abspath(e.root)):
                refused.append(rel)
                continue
            values = {k: (row.get(k) or "").strip() for k in MANIFEST_COLUMNS}
            meta[target] = {k: v for k, v in values.items() if v}
            applied += 1
        reason = f"manifest.csv: metadata for {applied} file(s)"
        if refused:
            reason += f"; refused {len(refused)} path(s) outside the input root: " + ", ".join(refused[:5])
        reasons[e.path] = reason
    return meta, reasons


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def read_bytes(path: str, max_bytes: int, st: os.stat_result | None = None) -> bytes:
    """The file's bytes; BadInput when it is not a readable regular file or too large.

    `st` is the file's stat when the caller has it. The read asks for the stat's size (plus one
    byte, to notice growth) rather than for the limit: a read of the limit allocates that much."""
    try:
        st = st or os.stat(path)
    except OSError as exc:
        raise BadInput(f"unreadable: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise BadInput("not a regular file")
    if st.st_size > max_bytes:
        raise BadInput(f"too large: {st.st_size} bytes > limit {max_bytes}")
    try:
        with open(path, "rb") as f:
            data = f.read(st.st_size + 1)
            if len(data) > st.st_size:  # it grew since the stat: read on, up to the limit
                data += f.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise BadInput(f"unreadable: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise BadInput(f"too large: more than {max_bytes} bytes (it grew while read)")
    return data


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares in a <meta> tag near its start, if Python knows it."""
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m[1].decode("ascii", "ignore").lower()
    name = {"gb2312": "gb18030", "gbk": "gb18030", "iso-8859-1": "cp1252", "latin1": "cp1252"}.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding): BOM, strict UTF-8, the page's declared charset, then a charset detector."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _normalise(data.decode(enc)), enc
            except UnicodeDecodeError as exc:
                raise BadInput(f"undecodable {enc} text after BOM: {exc.reason}") from exc
    if _looks_binary(data):
        raise BadInput("binary content (not text)")
    try:
        return _normalise(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return _normalise(data.decode(declared)), declared
        except (UnicodeDecodeError, LookupError):
            pass
    enc = guess_encoding(data)
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        enc, text = "latin-1", data.decode("latin-1")
    return _normalise(text), enc


def guess_encoding(data: bytes) -> str:
    """charset-normalizer's guess; among equally good guesses, the web's common cp1252 wins."""
    from charset_normalizer import from_bytes
    results = list(from_bytes(data[:200_000]))
    if not results:
        return "cp1252"
    best = results[0]
    ties = [r.encoding for r in results if r.chaos <= best.chaos and r.coherence >= best.coherence - 0.01]
    for preferred in PREFERRED_SINGLE_BYTE:
        if preferred in ties:
            return preferred
    return best.encoding


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if not sample:
        return False
    if sample.count(0) > len(sample) // 100 + 1:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > len(sample) // 20 + 1


def _normalise(text: str) -> str:
    """Unix newlines, NFC, no NUL characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


def doc_id_for(fmt: str, text: str, title: str | None = None) -> str:
    """Content address of an article: same normalised text -> same document."""
    norm = " ".join(text.split())
    head = " ".join((title or "").split())
    return hashlib.sha256(f"{fmt}\x1f{head}\x1f{norm}".encode("utf-8")).hexdigest()[:20]


def news_please_meta(obj: dict) -> dict:
    """Input metadata from a news-please style object."""
    authors = obj.get("authors")
    if isinstance(authors, str):
        authors = [authors]
    meta = {
        "url": obj.get("url"),
        "title": obj.get("title"),
        "published_at": obj.get("date_publish") or obj.get("published_at"),
        "source_name": obj.get("source_domain") or obj.get("source_name"),
        "authors": [str(a) for a in authors or [] if a],
        "language": obj.get("language"),
        "section": obj.get("section"),
    }
    return {k: v for k, v in meta.items() if v not in (None, "", [])}


def parse_json_object(obj, source_uri: str) -> RawDoc:
    """A RawDoc from one news-please object; BadInput when it has no article text."""
    if not isinstance(obj, dict):
        raise BadInput(f"JSON value is a {type(obj).__name__}, not an article object")
    body = obj.get("maintext") or obj.get("text") or ""
    if not isinstance(body, str):
        raise BadInput("article text is not a string")
    body = _normalise(body)
    if not body.strip():
        raise BadInput("JSON article has no text (maintext/text empty)")
    meta = news_please_meta(obj)
    return RawDoc(doc_id_for("json", body, meta.get("title")), source_uri, "json", body, meta)


def parse_file(path: str, data: bytes, manifest_meta: dict | None) -> list[tuple[str, RawDoc | BadInput]]:
    """Parse one file's bytes into (source_uri, RawDoc or BadInput) per document it holds."""
    fmt = TEXT_EXT[Path(path).suffix.lower()]
    uri = display_path(path)
    if not data.strip():
        raise BadInput("empty file" if not data else "whitespace-only file")
    text, _enc = decode(data, declared_charset(data) if fmt == "html" else None)
    if not text.strip():
        raise BadInput("no text after decoding")
    extra = dict(manifest_meta or {})
    if fmt in ("text", "html"):
        return [(uri, RawDoc(doc_id_for(fmt, text), uri, fmt, text, extra))]
    if fmt == "json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInput(f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
        doc = parse_json_object(obj, uri)
        doc.meta = {**extra, **doc.meta}
        return [(uri, doc)]
    out: list[tuple[str, RawDoc | BadInput]] = []
    for n, line in enumerate(io.StringIO(text), 1):
        if not line.strip():
            continue
        line_uri = f"{uri}#{n}"
        try:
            doc = parse_json_object(json.loads(line), line_uri)
            doc.meta = {**extra, **doc.meta}
            out.append((line_uri, doc))
        except json.JSONDecodeError as exc:
            out.append((line_uri, BadInput(f"invalid JSON on line {n}: {exc.msg} at column {exc.colno}")))
        except BadInput as exc:
            out.append((line_uri, BadInput(f"line {n}: {exc}")))
    if not out:
        raise BadInput("JSONL file holds no records")
    return out


@dataclass
class Ledger:
    """What earlier runs recorded: the latest row per path, and which content is already loaded."""
    latest: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)  # uri -> (sha, doc_id, status)
    loaded_docs: dict[str, str] = field(default_factory=dict)  # doc_id -> uri that loaded it
    seen_this_run: dict[str, str] = field(default_factory=dict)  # doc_id -> uri (this run)
    stat_cache: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # uri -> (size, mtime_ns, sha)
    observed: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # the same, seen this run (moved
    # out of stat_cache, so the two never share a path)

    def observe(self, uri: str, stat: tuple[int, int, str]) -> None:
        """Record what this run saw of a path; its entry from earlier runs is dropped (it was used)."""
        self.stat_cache.pop(uri, None)
        self.observed[uri] = stat

    def take_observed(self) -> dict[str, tuple[int, int, str]]:
        """The stats seen since the last call (handed over batch by batch, so they are not kept here).
        With what is left of stat_cache (paths not seen this run) they make the next stat cache."""
        taken, self.observed = self.observed, {}
        return taken

    def unchanged_by_stat(self, uri: str, st: os.stat_result | None) -> tuple[str, str] | None:
        """(sha, doc_id) when size and mtime equal what an earlier run read and that content is live."""
        cached = self.stat_cache.get(uri)
        if st is None or not cached or cached[:2] != (st.st_size, st.st_mtime_ns):
            return None
        doc_id = self.unchanged_doc(uri, cached[2])
        return (cached[2], doc_id) if doc_id else None

    def changes_live_documents(self, row: LedgerRow) -> bool:
        """True when this run's row points its path at another live document than before."""
        prev = self.latest.get(row.path)
        before = prev[1] if prev and prev[2] in LIVE_STATUSES else None
        now = row.doc_id if row.status in LIVE_STATUSES else None
        return before != now and not (now is None and row.status == "skipped" and before is None)

    def unchanged_doc(self, uri: str, sha: str | None = None) -> str | None:
        """The doc_id an earlier run recorded for this path (and content hash, when given)."""
        prev = self.latest.get(uri)
        if prev and prev[1] and prev[2] in LIVE_STATUSES and (sha is None or prev[0] == sha):
            return prev[1]
        return None

    def status_for(self, uri: str, doc_id: str) -> tuple[str, str | None]:
        """(status, reason) for a parsed document: loaded, unchanged or duplicate."""
        if self.unchanged_doc(uri) == doc_id:
            self.seen_this_run.setdefault(doc_id, uri)
            return "unchanged", "content unchanged since an earlier run"
        if doc_id in self.seen_this_run and self.seen_this_run[doc_id] != uri:
            return "duplicate", f"same article as {self.seen_this_run[doc_id]}"
        if doc_id in self.loaded_docs and self.loaded_docs[doc_id] != uri:
            self.seen_this_run[doc_id] = uri
            return "duplicate", f"same article as {self.loaded_docs[doc_id]} (earlier run)"
        self.seen_this_run[doc_id] = uri
        return "loaded", None


def ingest_entry(entry: InputEntry, ledger: Ledger, manifest_meta: dict[str, dict],
                 manifest_reasons: dict[str, str], run_id: str, max_bytes: int) -> Ingested:
    """Ledger rows and new documents for one discovered path (never raises for bad input)."""
    now = dt.datetime.now(dt.timezone.utc)
    uri = display_path(entry.path)
    out = Ingested()

    def row(u, size, sha, doc_id, status, reason):
        out.rows.append(LedgerRow(file_id(u), u, size, sha, doc_id, status, reason, run_id, now))

    if entry.problem:
        row(uri, None, None, None, *entry.problem)
        return out
    if os.path.basename(entry.path) == MANIFEST:
        row(uri, _size(entry.path), None, None, "skipped", manifest_reasons.get(entry.path, "manifest.csv"))
        return out
    ext = Path(entry.path).suffix.lower()
    if ext not in TEXT_EXT:
        row(uri, _size(entry.path), None, None, "skipped", f"unsupported file type {ext or '(no extension)'!r}")
        return out
    st = _stat(entry.path)
    if ext != ".jsonl" and (known := ledger.unchanged_by_stat(uri, st)):
        sha, doc_id = known
        ledger.seen_this_run.setdefault(doc_id, uri)
        ledger.observe(uri, ledger.stat_cache[uri])
        row(uri, st.st_size, sha, doc_id, "unchanged", "content unchanged since an earlier run (same size and mtime)")
        return out
    try:
        data = read_bytes(entry.path, max_bytes, st)
    except BadInput as exc:
        row(uri, _size(entry.path), None, None, "quarantined", str(exc))
        return out
    sha = hashlib.sha256(data).hexdigest()
    if st is not None and st.st_size == len(data):
        ledger.observe(uri, (st.st_size, st.st_mtime_ns, sha))
    if ext != ".jsonl" and (known := ledger.unchanged_doc(uri, sha)):
        ledger.seen_this_run.setdefault(known, uri)
        row(uri, len(data), sha, known, "unchanged", "content unchanged since an earlier run")
        return out
    try:
        parsed = parse_file(entry.path, data, manifest_meta.get(os.path.normpath(os.path.abspath(entry.path))))
    except BadInput as exc:
        row(uri, len(data), sha, None, "quarantined", str(exc))
        return out
    except Exception as exc:  # a parser bug must not stop the run: quarantine with the cause
        row(uri, len(data), sha, None, "quarantined", f"parse error: {exc.__class__.__name__}: {exc}")
        return out
    for u, doc in parsed:
        if isinstance(doc, BadInput):
            row(u, None, sha, None, "quarantined", str(doc))
            continue
        status, reason = ledger.status_for(u, doc.doc_id)
        row(u, len(data), sha, doc.doc_id, status, reason)
        if status == "loaded":
            out.docs.append(doc)
    return out


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def _size(path: str) -> int | None:
    try:
        return os.lstat(path).st_size
    except OSError:
        return None
