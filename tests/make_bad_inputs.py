"""Build a folder holding every kind of bad input newslake must survive: `python tests/make_bad_inputs.py DIR`."""
import json
import os
import shutil
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "articles"
ARTICLE = "Officials met in Geneva on Tuesday to discuss the ceasefire. The talks lasted four hours.\n"


def make_bad_inputs(root: Path, outside: Path | None = None) -> Path:
    """Write the bad inputs under root (and one file outside it, for escape attempts)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "empty.txt").write_bytes(b"")
    (root / "whitespace.txt").write_bytes(b" \n\t \r\n  ")
    (root / "garbage.txt").write_bytes(os.urandom(4096))
    (root / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2048))
    (root / "utf16.txt").write_bytes(("\ufeff" + ARTICLE * 3).encode("utf-16-le"))
    (root / "cp1252.txt").write_bytes(("Café “Zürich” — talks resumed. " + ARTICLE).encode("cp1252"))
    (root / "latin1.txt").write_bytes(("Señor Müller à Genève. " + ARTICLE).encode("latin-1"))
    (root / "nul.txt").write_bytes(ARTICLE.encode() + b"\x00\x00more text after NULs.\n")
    (root / "one_long_line.txt").write_bytes(b"word " * (5 * 1024 * 1024 // 5))
    (root / "too_big.txt").write_bytes(b"x" * (25 * 1024 * 1024))
    (root / "truncated.html").write_text("<html><head><title>Cut</title></head><body><p>" + ARTICLE + "<p>and then")
    (root / "deep.html").write_text("<html><body>" + "<div>" * 100_000 + ARTICLE + "</div>" * 100_000
                                    + "</body></html>")
    (root / "invalid.json").write_text('{"title": "x", "maintext": ')
    good = {"title": "Talks in Geneva", "maintext": ARTICLE, "date_publish": "2024-10-22 10:00:00"}
    lines = [json.dumps(good), "{oops", json.dumps({**good, "maintext": ARTICLE + " Second."})]
    (root / "mixed.jsonl").write_text("\n".join(lines) + "\n")
    shutil.copy(SEEDS / "003_3a377a8fd62b2179.txt", root / "original.txt")
    shutil.copy(SEEDS / "003_3a377a8fd62b2179.txt", root / "copy of original.txt")
    unreadable = root / "unreadable.txt"
    unreadable.write_text(ARTICLE)
    unreadable.chmod(0)
    (root / "name with spaces.txt").write_text(ARTICLE + " spaces")
    (root / "ünïcödé — 名前.txt").write_text(ARTICLE + " unicode")
    (root / "new\nline.txt").write_text(ARTICLE + " newline")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    os.symlink(root, root / "loop")
    if outside is not None:
        outside.mkdir(parents=True, exist_ok=True)
        (outside / "secret.txt").write_text("outside the input root\n")
        os.symlink(outside / "secret.txt", root / "escape.txt")
        (root / "manifest.csv").write_text("path,url,source_name,published_at\n"
                                          f"../{outside.name}/secret.txt,,Evil,\n"
                                          "original.txt,https://example.com/o,Evening Standard,2022-04-21\n")
    return root


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-inputs")
    make_bad_inputs(target, target.parent / (target.name + "-outside"))
    print(target)
