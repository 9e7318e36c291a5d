"""Ingest: discovery, decoding, parsing, the ledger's statuses and reasons for every kind of input."""
import json
import os
import shutil

import pytest

from tasks import ingest
from conftest import SEED_ARTICLES

SEED = SEED_ARTICLES / "003_3a377a8fd62b2179.txt"


def ingest_all(paths, ledger=None, max_bytes=10_000_000):
    entries = ingest.discover([str(p) for p in paths])
    meta, reasons = ingest.read_manifests(entries)
    led = ledger or ingest.Ledger()
    rows, docs = [], []
    for e in entries:
        got = ingest.ingest_entry(e, led, meta, reasons, "run1", max_bytes)
        rows += got.rows
        docs += got.docs
    return rows, docs


def by_name(rows):
    return {os.path.basename(r.path): r for r in rows}


@pytest.fixture
def inbox(tmp_path):
    d = tmp_path / "inbox"
    d.mkdir()
    return d


def test_seed_article_loads_with_content_hash_and_text(inbox):
    shutil.copy(SEED, inbox / "a.txt")
    rows, docs = ingest_all([inbox])
    assert [r.status for r in rows] == ["loaded"]
    assert rows[0].content_sha256 and len(rows[0].content_sha256) == 64
    assert docs[0].fmt == "text" and "Elly Blake" in docs[0].text
    assert rows[0].doc_id == docs[0].doc_id


def test_every_bad_input_gets_a_status_and_reason(inbox):
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "blank.txt").write_bytes(b"  \n\t\n")
    (inbox / "garbage.txt").write_bytes(bytes(range(256)) * 4)
    (inbox / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (inbox / "bad.json").write_text("{not json")
    (inbox / "list.json").write_text("[1, 2]")
    (inbox / "notes.docx").write_bytes(b"PK\x03\x04")
    (inbox / "big.txt").write_text("word " * 1000)
    rows, docs = ingest_all([inbox], max_bytes=2000)
    got = by_name(rows)
    assert got["empty.txt"].status == "quarantined" and "empty" in got["empty.txt"].reason
    assert got["blank.txt"].status == "quarantined" and "whitespace" in got["blank.txt"].reason
    assert got["garbage.txt"].status == "quarantined" and "binary" in got["garbage.txt"].reason
    assert got["image.html"].status == "quarantined" and "binary" in got["image.html"].reason
    assert got["bad.json"].status == "quarantined" and "invalid JSON" in got["bad.json"].reason
    assert got["list.json"].status == "quarantined" and "not an article" in got["list.json"].reason
    assert got["notes.docx"].status == "skipped" and ".docx" in got["notes.docx"].reason
    assert got["big.txt"].status == "quarantined" and "too large" in got["big.txt"].reason
    assert docs == []


@pytest.mark.parametrize("encoding, bom", [("utf-16", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                            ("latin-1", b"")])
def test_decodes_common_encodings(inbox, encoding, bom):
    text = "Señor Müller’s café — “quoted” text about the talks in Zürich.\n" * 3
    if encoding == "latin-1":
        text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("—", "-")
    (inbox / "a.txt").write_bytes(bom + text.encode(encoding))
    rows, docs = ingest_all([inbox])
    assert rows[0].status == "loaded", rows[0].reason
    assert docs[0].text.startswith(text.splitlines()[0])


def test_nul_bytes_are_removed_and_newlines_normalised(inbox):
    (inbox / "a.txt").write_bytes(b"Line one\x00 here.\r\nLine two.\rLine three.\n")
    rows, docs = ingest_all([inbox])
    assert docs[0].text == "Line one here.\nLine two.\nLine three.\n"


def test_jsonl_bad_line_does_not_stop_good_lines(inbox):
    good = {"title": "T", "maintext": "Body one.", "date_publish": "2016-11-09 00:00:00", "url": "u1"}
    lines = [json.dumps(good), "{broken", json.dumps({**good, "maintext": "Body two."}), ""]
    (inbox / "batch.jsonl").write_text("\n".join(lines))
    rows, docs = ingest_all([inbox])
    statuses = {r.path.rsplit("#", 1)[1]: r.status for r in rows}
    assert statuses == {"1": "loaded", "2": "quarantined", "3": "loaded"}
    assert docs[0].meta["published_at"] == "2016-11-09 00:00:00" and docs[0].meta["url"] == "u1"


def test_duplicate_content_under_another_name(inbox):
    shutil.copy(SEED, inbox / "a.txt")
    shutil.copy(SEED, inbox / "b copy ü.txt")
    rows, docs = ingest_all([inbox])
    assert sorted(r.status for r in rows) == ["duplicate", "loaded"]
    dup = next(r for r in rows if r.status == "duplicate")
    assert "same article as" in dup.reason and dup.doc_id == docs[0].doc_id
    assert len(docs) == 1


def test_unchanged_and_changed_files_on_a_second_run(inbox):
    shutil.copy(SEED, inbox / "a.txt")
    (inbox / "b.txt").write_text("First version of a short article.\n")
    rows, _ = ingest_all([inbox])
    led = ingest.Ledger()
    for r in rows:
        led.latest[r.path] = (r.content_sha256, r.doc_id, r.status)
        led.loaded_docs[r.doc_id] = r.path
    (inbox / "b.txt").write_text("Second version of a short article.\n")
    rows2, docs2 = ingest_all([inbox], ledger=led)
    got = by_name(rows2)
    assert got["a.txt"].status == "unchanged" and got["a.txt"].doc_id == by_name(rows)["a.txt"].doc_id
    assert got["b.txt"].status == "loaded" and [d.text for d in docs2] == ["Second version of a short article.\n"]


def test_symlinks_loops_and_escapes_are_recorded_not_followed(tmp_path, inbox):
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the root\n")
    shutil.copy(SEED, inbox / "a.txt")
    os.symlink(outside, inbox / "escape.txt")
    os.symlink(inbox, inbox / "loop")
    os.symlink(inbox / "missing.txt", inbox / "dangling.txt")
    rows, docs = ingest_all([inbox])
    got = by_name(rows)
    assert got["escape.txt"].status == "skipped" and "outside" in got["escape.txt"].reason
    assert got["loop"].status == "skipped"
    assert got["dangling.txt"].status == "skipped" and "symlink" in got["dangling.txt"].reason
    assert all("outside the root" not in d.text for d in docs)


def test_manifest_adds_metadata_and_refuses_escaping_paths(tmp_path, inbox):
    shutil.copy(SEED, inbox / "a.txt")
    (tmp_path / "passwd.txt").write_text("root:x:0:0\n")
    (inbox / "manifest.csv").write_text(
        "path,url,source_name,published_at\n"
        "a.txt,https://example.com/a,Evening Standard,2022-04-21\n"
        "../passwd.txt,,Evil,\n")
    rows, docs = ingest_all([inbox])
    got = by_name(rows)
    assert docs[0].meta == {"url": "https://example.com/a", "source_name": "Evening Standard",
                            "published_at": "2022-04-21"}
    assert got["manifest.csv"].status == "skipped" and "refused 1" in got["manifest.csv"].reason
    assert "passwd.txt" not in got


def test_odd_file_names_are_recorded(inbox):
    for name in ["with space.txt", "ünïcödé.txt", "new\nline.txt"]:
        (inbox / name).write_text(f"An article stored as {name!r}.\n")
    rows, docs = ingest_all([inbox])
    assert len(rows) == 3 and all(r.status == "loaded" for r in rows)


def test_globs_and_missing_paths(tmp_path, inbox):
    shutil.copy(SEED, inbox / "a.txt")
    shutil.copy(SEED_ARTICLES / "001_884b6f865b7eca03.txt", inbox / "b.txt")
    rows, _ = ingest_all([str(inbox / "a*.txt"), tmp_path / "nope"])
    assert [(os.path.basename(r.path), r.status) for r in rows] == [("a.txt", "loaded"), ("nope", "skipped")]


def test_html_declared_charset_wins_over_guessing(inbox):
    page = '<html><head><meta charset="gb2312"><title>新华网 国际新闻</title></head><body><p>中国外交部发言人表示，双方将继续加强合作。</p></body></html>'
    (inbox / "page.html").write_bytes(page.encode("gb2312"))
    rows, docs = ingest_all([inbox])
    assert rows[0].status == "loaded" and "新华网 国际新闻" in docs[0].text


def test_a_file_that_grew_after_its_stat_is_read_whole_or_refused(tmp_path):
    path = tmp_path / "growing.txt"
    path.write_bytes(b"0123456789")
    before = os.stat(path)
    path.write_bytes(b"x" * 100)
    assert ingest.read_bytes(str(path), 1000, before) == b"x" * 100
    with pytest.raises(ingest.BadInput, match="too large"):
        ingest.read_bytes(str(path), 50, before)


def test_a_path_observed_this_run_moves_out_of_the_earlier_stat_cache():
    led = ingest.Ledger(stat_cache={"/in/a.txt": (1, 1, "a" * 64), "/in/b.txt": (2, 2, "b" * 64)})
    led.observe("/in/a.txt", (3, 3, "c" * 64))
    assert led.take_observed() == {"/in/a.txt": (3, 3, "c" * 64)}
    assert led.stat_cache == {"/in/b.txt": (2, 2, "b" * 64)} and led.take_observed() == {}
