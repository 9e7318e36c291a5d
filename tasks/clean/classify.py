"""The learned line/block classifier: features that transfer across sites, a two-stage logistic model.

Stage 1 reads each unit's own signals (length, punctuation, stopword density in the page's language,
capitals, link density, DOM tag, position, repetition in the page and in the source, the phrase family
and page-structure labels as features, jusText's classes) and a window of its neighbours'; stage 2 adds
the stage-1 probabilities around the unit. Weights: models/junk/<text|html>.json (plain coefficients,
written by training/junk/train.py).
"""
from __future__ import annotations

import functools
import json
import math
import re

from tasks.config import ROOT
from tasks.clean.units import _SENTENCE_END, Unit

MODEL_DIR = ROOT / "models" / "junk"
OVERRIDE: dict[str, dict] = {}  # fmt -> model dict (training puts candidate models here)

_PRE_GROUPS = {"nav": "pre_nav", "footer": "pre_nav", "ad": "pre_promo", "promo": "pre_promo",
               "subscribe": "pre_promo", "share": "pre_promo", "related": "pre_related",
               "comment": "pre_comment", "caption": "pre_caption", "credit": "pre_caption", "other": "pre_other"}
_TAG_GROUPS = {"p": "tag_p", "h1": "tag_h", "h2": "tag_h", "h3": "tag_h", "h4": "tag_h", "h5": "tag_h",
               "h6": "tag_h", "li": "tag_li", "td": "tag_td", "th": "tag_td", "div": "tag_div", "a": "tag_a",
               "span": "tag_inline", "strong": "tag_inline", "b": "tag_inline", "em": "tag_inline",
               "i": "tag_inline", "font": "tag_inline", "blockquote": "tag_p", "dd": "tag_li", "dt": "tag_li"}

LOCAL = ("len_log", "words_log", "short20", "short70", "long200", "stop", "stop_words", "sent_end", "punct",
         "commas", "digits", "caps", "upper", "bullet", "heading", "link", "link_any", "copyright",
         "pipe", "pos", "pos_chars", "first5", "dup", "boiler", "phrase", "html_pruned",
         "pre_nav", "pre_promo", "pre_related", "pre_comment", "pre_caption", "pre_other", "pre_rest",
         "cf_good", "cf_neargood", "cf_short", "jt_good", "rule_good", "in_good_span", "near_good", "main_box",
         "content", "depth", "tag_p", "tag_h", "tag_li", "tag_td", "tag_div", "tag_a", "tag_inline")
WINDOW = ("stop", "len_log", "jt_good", "rule_good", "link", "sent_end")
NEIGH = tuple("%s_w%d" % (f, w) for w in (1, 3) for f in WINDOW)
STAGE1 = LOCAL + NEIGH
STAGE2 = ("p1", "p1_w1", "p1_w3", "p1_prev", "p1_next", "p1_doc")

_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
_UPPER = re.compile(r"[A-ZÀ-ÞА-ЯЁ]")


@functools.cache
def _model_file(fmt: str) -> dict | None:
    path = MODEL_DIR / ("%s.json" % fmt)
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def model_for(fmt: str) -> dict | None:
    """The weights for 'text' or 'html' input (None: no model, the rule path decides)."""
    return OVERRIDE.get(fmt) or _model_file(fmt)


def _pre_group(u: Unit) -> tuple[str | None, bool, bool]:
    """(feature group of a label set before classification, from page structure?, from recurrence?)"""
    if u.kind is None:
        return None, False, False
    reason = u.reason or ""
    return _PRE_GROUPS.get(u.kind, "pre_other"), reason.startswith("html:"), reason.startswith("boilerplate")


def local_features(seq: list[Unit]) -> list[list[float]]:
    """Stage-1 features of each unit of a page (non-empty units in page order)."""
    n = len(seq)
    total_chars = sum(len(u.text) for u in seq) or 1
    counts: dict[str, int] = {}
    for u in seq:
        counts[u.text] = counts.get(u.text, 0) + 1
    good = [i for i, u in enumerate(seq) if u.jt == "good"]
    first_good, last_good = (good[0], good[-1]) if good else (n, -1)
    box_mass: dict[int, int] = {}
    for i in good:
        b = seq[i].box
        if b:
            box_mass[b] = box_mass.get(b, 0) + len(seq[i].text)
    main_box = max(box_mass, key=box_mass.__getitem__) if box_mass else -1
    near = _distance_to(good, n)
    rows, before = [], 0
    for i, u in enumerate(seq):
        t = u.text
        chars = len(t)
        words = max(u.words, 0)
        alpha = [w for w in t.split() if w[:1].isalpha()]
        group, from_html, recurring = _pre_group(u)
        f = dict.fromkeys(LOCAL, 0.0)
        f["len_log"] = math.log1p(chars)
        f["words_log"] = math.log1p(words)
        f["short20"] = float(chars < 20)
        f["short70"] = float(chars < 70)
        f["long200"] = float(chars > 200)
        f["stop"] = u.stop
        f["stop_words"] = u.stop * min(words, 40) / 40
        f["sent_end"] = float(t.endswith(_SENTENCE_END))
        f["punct"] = len(_PUNCT.findall(t)) / chars
        f["commas"] = t.count(",") / (words or 1)
        f["digits"] = len(_DIGIT.findall(t)) / chars
        f["caps"] = sum(1 for w in alpha if w[0].isupper()) / len(alpha) if alpha else 0.0
        f["upper"] = len(_UPPER.findall(t)) / chars
        f["bullet"] = float(u.bullet)
        f["heading"] = float(u.heading)
        f["link"] = u.link_density
        f["link_any"] = float(u.link_density > 0)
        f["copyright"] = float("©" in t)
        f["pipe"] = float("|" in t or " · " in t or " • " in t)
        f["pos"] = i / n
        f["pos_chars"] = before / total_chars
        f["first5"] = float(i < 5)
        f["dup"] = float(counts[t] > 1)
        f["boiler"] = float(recurring)
        f["html_pruned"] = float(from_html)
        f["phrase"] = float(group is not None and not from_html and not recurring)
        if group is not None and not recurring:
            f[group] = 1.0
        f["pre_rest"] = float(u.scope == "rest")
        f["cf_good"] = float(u.cf == "good")
        f["cf_neargood"] = float(u.cf == "neargood")
        f["cf_short"] = float(u.cf == "short")
        f["jt_good"] = float(u.jt == "good")
        f["rule_good"] = float(u.rule == "good")
        f["in_good_span"] = float(first_good <= i <= last_good)
        f["near_good"] = 1.0 / (1.0 + near[i])
        f["main_box"] = float(u.box == main_box and u.box != 0)
        f["content"] = float(u.content)
        f["depth"] = min(u.depth, 40) / 40
        tag = _TAG_GROUPS.get(u.tag)
        if tag:
            f[tag] = 1.0
        before += chars
        rows.append([f[k] for k in LOCAL])
    idx = [LOCAL.index(k) for k in WINDOW]
    for w in (1, 3):
        means = [_window_mean(rows, i, w, idx) for i in range(n)]
        for i in range(n):
            rows[i].extend(means[i])
    return rows


def _distance_to(marks: list[int], n: int) -> list[int]:
    """Distance (in units) of every position to the nearest marked one (n when none)."""
    out = [n] * n
    for j in marks:
        out[j] = 0
    for i in range(1, n):
        out[i] = min(out[i], out[i - 1] + 1)
    for i in range(n - 2, -1, -1):
        out[i] = min(out[i], out[i + 1] + 1)
    return out


def _window_mean(rows: list[list[float]], i: int, w: int, idx: list[int]) -> list[float]:
    """Mean of some features over the w units on each side of i (the unit itself excluded)."""
    lo, hi = max(0, i - w), min(len(rows), i + w + 1)
    others = [rows[j] for j in range(lo, hi) if j != i]
    if not others:
        return [0.0] * len(idx)
    return [sum(r[k] for r in others) / len(others) for k in idx]


def context_features(p1: list[float]) -> list[list[float]]:
    """Stage-2 features: the stage-1 probability of the unit and around it."""
    n = len(p1)
    doc = sum(p1) / n if n else 0.0
    out = []
    for i in range(n):
        w1 = [p1[j] for j in (i - 1, i + 1) if 0 <= j < n]
        w3 = [p1[j] for j in range(max(0, i - 3), min(n, i + 4)) if j != i]
        prev = max(p1[max(0, i - 3):i], default=0.0)
        nxt = max(p1[i + 1:i + 4], default=0.0)
        out.append([p1[i], sum(w1) / len(w1) if w1 else 0.0, sum(w3) / len(w3) if w3 else 0.0, prev, nxt, doc])
    return out


def _linear(stage: dict, rows: list[list[float]]) -> list[tuple[float, list[float]]]:
    """(probability, per-feature contributions) of each row under a standardised logistic model."""
    import numpy as np
    x = np.asarray(rows, dtype=float).reshape(len(rows), len(stage["coef"]))
    contrib = (x - np.asarray(stage["mean"])) / np.asarray(stage["scale"]) * np.asarray(stage["coef"])
    z = np.clip(stage["intercept"] + contrib.sum(axis=1), -30.0, 30.0)
    p = 1.0 / (1.0 + np.exp(-z))
    return list(zip(p.tolist(), contrib.tolist()))


def predict(seq: list[Unit], model: dict) -> None:
    """Set u.p (probability of article text) and u.why (its strongest features) on every unit."""
    if not seq:
        return
    rows = local_features(seq)
    s1 = _linear(model["stage1"], rows)
    p1 = [p for p, _ in s1]
    s2 = _linear(model["stage2"], [r + c for r, c in zip(rows, context_features(p1))])
    names = STAGE1 + STAGE2
    for u, (p, contrib) in zip(seq, s2):
        u.p = p
        sign = 1.0 if p >= 0.5 else -1.0
        top = sorted(range(len(contrib)), key=lambda k: -sign * contrib[k])[:2]
        u.why = "model p=%.2f: %s" % (p, ", ".join(names[k] for k in top if sign * contrib[k] > 0) or "bias")
