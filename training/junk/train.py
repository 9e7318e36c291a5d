"""Train the clean stage's line/block classifier (models/junk/<text|html>.json) on the dev junk pages.

    PYTHONPATH=. .venv/bin/python training/junk/train.py [--data ../shared/data] [--quick]

Labels: a unit (line or HTML block) is article text when most of its word trigrams occur in the gold
body. Hyper-parameters (regularisation, sample weights, decision threshold) are picked by
leave-one-collection-out cross-validation (dragnet <-> L3S-GN1: train on one, score the other with the
full clean stage and the junk scorer's metric); the chosen setting is then fitted on both collections.
Deterministic: sorted inputs, lbfgs, no random state.
"""
from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tasks import clean  # noqa: E402
C = importlib.import_module("tasks.clean.classify")  # the module (the package exports a function of that name)
from tasks.clean.paragraphs import justext_classes  # noqa: E402
from tasks.clean.phrases import _pre_junk  # noqa: E402
from tasks.clean.rules import _paragraph_classes  # noqa: E402
from tasks.clean.units import _doc_stoplist, _features, html_units, text_units  # noqa: E402
from tasks.ingest import parse_file  # noqa: E402
from tasks.templates import boilerplate_sets  # noqa: E402

_TOKEN = re.compile(r"\w+")
GRID_C = (0.1, 1.0)
GRID_WEIGHT = ("sqrt",)
GRID_LOW = (0.0, 0.05, 0.1)  # p below which a unit the rules keep is dropped
GRID_HIGH = (0.8, 0.9, 1.01)  # p above which a unit the rules drop is kept (1.01: never)


def load(bench_dir: Path) -> list[dict]:
    """Pages of one junk bench: raw document, collection (gold 'source'), gold body."""
    gold = {}
    with open(bench_dir / "gold.jsonl", encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            gold[g["file"]] = g
    docs = []
    for name in sorted(gold):
        path = bench_dir / "inputs" / name
        [(_uri, raw)] = parse_file(str(path), path.read_bytes(), None)
        docs.append({"name": name, "source": gold[name]["source"], "raw": raw, "gold": gold[name]["body"]})
    return docs


def page_seq(raw, boilerplate: frozenset[str]) -> list:
    """The units the classifier sees, exactly as clean.classify prepares them."""
    units = html_units(raw.text)[0] if raw.fmt == "html" else text_units(raw.text)
    _features(units, _doc_stoplist(units))
    _pre_junk(units, boilerplate)
    seq = [u for u in units if u.text]
    _paragraph_classes(seq, False)
    for u in seq:
        u.rule = u.cls
    justext_classes(seq)
    return seq


def labels(seq: list, gold: str) -> list[int]:
    """1 when most of a unit's word trigrams (its whole word sequence when shorter) are in the gold body."""
    g = _TOKEN.findall(gold)
    grams = {n: set(zip(*(g[k:] for k in range(n)))) for n in (1, 2, 3)}
    out = []
    for u in seq:
        t = _TOKEN.findall(u.text)
        if not t:
            out.append(0)
            continue
        n = min(3, len(t))
        mine = list(zip(*(t[k:] for k in range(n))))
        out.append(int(sum(x in grams[n] for x in mine) >= 0.5 * len(mine)))
    return out


def shingle_f1(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """The junk scorer's headline metric: per-document 4-gram shingle P/R, F1 of the means."""
    ps, rs = [], []
    for pred, gold in pairs:
        sp, sg = _shingles(pred), _shingles(gold)
        tp = sum((sp & sg).values())
        fp, fn = sum(sp.values()) - tp, sum(sg.values()) - tp
        if tp + fp > 0:
            ps.append(tp / (tp + fp) if fp or fn else 1.0)
        if tp + fn > 0:
            rs.append(tp / (tp + fn) if fp or fn else 1.0)
    p, r = (sum(ps) / len(ps) if ps else 0.0), (sum(rs) / len(rs) if rs else 0.0)
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def _shingles(text: str) -> Counter:
    t = _TOKEN.findall(text)
    if not t:
        return Counter()
    if len(t) < 4:
        return Counter([tuple(t)])
    return Counter(zip(t, t[1:], t[2:], t[3:]))


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> dict:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000, solver="lbfgs")
    lr.fit((x - mean) / scale, y, sample_weight=w)
    return {"mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
            "coef": lr.coef_[0].round(6).tolist(), "intercept": round(float(lr.intercept_[0]), 6)}


def _weights(docs_rows: list, scheme: str) -> np.ndarray:
    w = np.concatenate([d["ntok"] for d in docs_rows])
    return np.sqrt(w + 1.0) if scheme == "sqrt" else np.ones_like(w)


def train(docs: list[dict], c: float, scheme: str, low: float, high: float, folds: int = 5) -> dict:
    """Two stages: stage 2 learns from out-of-fold stage-1 probabilities (folds by document)."""
    x1 = np.vstack([d["x"] for d in docs])
    y = np.concatenate([d["y"] for d in docs])
    w = _weights(docs, scheme)
    stage1 = _fit(x1, y, w, c)
    p1 = []
    for k in range(folds):
        inner = [d for i, d in enumerate(docs) if i % folds != k]
        m = _fit(np.vstack([d["x"] for d in inner]), np.concatenate([d["y"] for d in inner]),
                 _weights(inner, scheme), c)
        for i, d in enumerate(docs):
            if i % folds == k:
                p1.append((i, [p for p, _ in C._linear(m, d["x"].tolist())]))
    p1.sort(key=lambda t: t[0])
    x2 = np.vstack([np.hstack([d["x"], np.array(C.context_features(p), dtype=float).reshape(len(p), -1)])
                    for d, (_i, p) in zip(docs, p1)])
    stage2 = _fit(x2, y, w, c)
    return {"stage1": stage1, "stage2": stage2, "low": low, "high": high,
            "features": list(C.STAGE1 + C.STAGE2), "C": c, "weights": scheme}


def evaluate(docs: list[dict], fmt: str, model: dict, boilerplate: frozenset[str]) -> tuple[float, float, float]:
    """Score the full clean stage with this model on these pages."""
    C.OVERRIDE[fmt] = model
    try:
        pairs = [(clean.clean_document(d["raw"], boilerplate).body_text, d["gold"]) for d in docs]
    finally:
        C.OVERRIDE.pop(fmt, None)
    return shingle_f1(pairs)


def run(bench: str, data: Path, quick: bool) -> dict:
    fmt = "html" if bench == "junk_html" else "text"
    docs = load(data / bench)
    boilerplate = boilerplate_sets([d["raw"] for d in docs])
    boilerplate = next(iter(boilerplate.values()), frozenset())  # one directory: one source
    for d in docs:
        seq = page_seq(d["raw"], boilerplate)
        d["x"] = np.array(C.local_features(seq), dtype=float).reshape(len(seq), len(C.STAGE1))
        d["y"] = np.array(labels(seq, d["gold"]))
        d["ntok"] = np.array([len(_TOKEN.findall(u.text)) for u in seq], dtype=float)
    sources = sorted({d["source"] for d in docs})
    grid = [(c, s) for c in GRID_C for s in GRID_WEIGHT] if not quick else [(1.0, "sqrt")]
    results = []
    for c, scheme in grid:
        models = {held: train([d for d in docs if d["source"] != held], c, scheme, 0.5, 0.5) for held in sources}
        for thr in ([(lo, hi) for lo in GRID_LOW for hi in GRID_HIGH] if not quick else [(0.1, 0.9)]):
            per = {}
            for held in sources:
                m = dict(models[held], low=thr[0], high=thr[1])
                per[held] = evaluate([d for d in docs if d["source"] == held], fmt, m, boilerplate)[0]
            mean = sum(per.values()) / len(per)
            results.append({"C": c, "weights": scheme, "threshold": thr, "loco": per, "loco_mean": mean})
            print(bench, "C=%s w=%s thr=%s" % (c, scheme, thr),
                  " ".join("%s %.3f" % kv for kv in per.items()), "mean %.3f" % mean, flush=True)
    best = max(results, key=lambda r: (round(r["loco_mean"], 4), -r["C"], -r["threshold"][0], r["threshold"][1]))
    final = train(docs, best["C"], best["weights"], *best["threshold"])
    final["loco"] = {k: round(v, 4) for k, v in best["loco"].items()}
    final["loco_mean"] = round(best["loco_mean"], 4)
    for held in sources:
        f1, p, r = evaluate([d for d in docs if d["source"] == held], fmt, final, boilerplate)
        print("%s final model on %s (in-sample): F1 %.3f P %.3f R %.3f" % (bench, held, f1, p, r), flush=True)
    final["trained_on"] = "%s: %d pages (%s)" % (bench, len(docs), ", ".join(sources))
    return final


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(REPO / "models" / "junk"))
    ap.add_argument("--quick", action="store_true", help="one setting, no grid (a smoke run)")
    ap.add_argument("--bench", nargs="*", default=["junk_text", "junk_html"])
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for bench in args.bench:
        model = run(bench, Path(args.data), args.quick)
        fmt = "html" if bench == "junk_html" else "text"
        (out / ("%s.json" % fmt)).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print("%s: LOCO %s mean %.3f -> %s" % (bench, model["loco"], model["loco_mean"], out / (fmt + ".json")))


if __name__ == "__main__":
    main()
