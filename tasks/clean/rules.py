"""The former hand-tuned paragraph classes (jusText-like constants and context pass), kept for comparison."""
from __future__ import annotations

from collections import Counter

from tasks.clean.units import *  # noqa: F403
from tasks.clean.units import _SENTENCE_END

def _context_free(u: Unit) -> str:
    """jusText's context-free class of one unit."""
    n = len(u.text)
    if u.link_density > MAX_LINK_DENSITY:
        return "bad"
    if "©" in u.text:
        return "bad"
    if u.bullet and (n < 100 or u.stop < STOP_HIGH):
        return "bad"
    if n < LENGTH_LOW:
        return "bad" if u.link_density > 0 else "short"
    if u.stop >= STOP_HIGH:
        return "good" if n > LENGTH_HIGH else "neargood"
    if u.stop >= STOP_LOW:
        return "neargood"
    return "bad"


def _neighbour(seq: list[Unit], i: int, step: int, ignore_neargood: bool) -> str:
    j = i + step
    while 0 <= j < len(seq):
        c = seq[j].cls
        if c in ("good", "bad"):
            return c
        if c == "neargood" and not ignore_neargood:
            return c
        j += step
    return "bad"


def _promote_prose_runs(seq: list[Unit]) -> None:
    """Runs of medium-length prose paragraphs (wire copy) are good even without a long neighbour."""
    run: list[Unit] = []
    for u in seq + [Unit(0, "", "", cls="bad")]:
        if u.cls == "good" or (u.cls == "neargood" and u.text.endswith(_SENTENCE_END)):
            run.append(u)
        elif u.cls != "short":
            if len(run) >= 3 and sum(len(v.text) for v in run) >= 2 * LENGTH_HIGH:
                for v in run:
                    v.cls = "good"
            run = []


def _revise(seq: list[Unit]) -> None:
    """jusText's context pass over the non-empty units."""
    def heading_before_good(i: int) -> bool:
        dist, j = 0, i + 1
        while j < len(seq) and dist <= MAX_HEADING_DISTANCE:
            if seq[j].cls == "good":
                return True
            dist += len(seq[j].text)
            j += 1
        return False

    for i, u in enumerate(seq):
        if u.heading and u.cls == "short" and heading_before_good(i):
            u.cls = "neargood"
    _promote_prose_runs(seq)
    new = {}
    for i, u in enumerate(seq):
        if u.cls != "short":
            continue
        prev, nxt = _neighbour(seq, i, -1, True), _neighbour(seq, i, 1, True)
        if prev == nxt:
            new[i] = prev
        elif (prev == "bad" and _neighbour(seq, i, -1, False) == "neargood") or \
                (nxt == "bad" and _neighbour(seq, i, 1, False) == "neargood"):
            new[i] = "good"
        else:
            new[i] = "bad"
    for i, c in new.items():
        seq[i].cls = c
    for i, u in enumerate(seq):
        if u.cls == "neargood":
            both_bad = _neighbour(seq, i, -1, True) == "bad" and _neighbour(seq, i, 1, True) == "bad"
            u.cls = "bad" if both_bad else "good"
    for i, u in enumerate(seq):
        if u.heading and u.cls == "bad" and u.cf != "bad" and heading_before_good(i):
            u.cls = "good"
    for i, u in enumerate(seq):  # fact-dense sentences (ledes, wire copy) next to good text
        near = (_neighbour(seq, i, -1, True), _neighbour(seq, i, 1, True))
        if u.cls == "bad" and _dense_sentence(u) and "good" in near:
            u.cls = "good"


def _dense_sentence(u: Unit) -> bool:
    """Prose with few stopwords: names and numbers, but sentence-shaped and not a link list."""
    return (u.kind is None and not u.bullet and u.link_density <= MAX_LINK_DENSITY and u.words >= 8
            and len(u.text) >= LENGTH_LOW and u.stop >= DENSE_STOP and u.text.endswith(_SENTENCE_END)
            and "©" not in u.text)




def _main_zone(seq: list[Unit]) -> None:
    """Keep the article's clusters of good paragraphs; small clusters far from the main text are junk."""
    clusters: list[list[int]] = []
    gap = MAIN_GAP + 1
    for i, u in enumerate(seq):
        if u.cls == "good" and u.kind is None:
            if gap > MAIN_GAP or not clusters:
                clusters.append([])
            clusters[-1].append(i)
            gap = 0
        else:
            gap += 1
    if len(clusters) < 2:
        return
    mass = [sum(len(seq[i].text) for i in c) for c in clusters]
    m = max(range(len(clusters)), key=mass.__getitem__)
    keep = {m}
    for direction in (-1, 1):  # grow outwards from the main cluster while pieces stay near or big
        j, edge = m + direction, clusters[m]
        while 0 <= j < len(clusters):
            c = clusters[j]
            lo, hi = (c[-1], edge[0]) if direction < 0 else (edge[-1], c[0])
            dist = sum(1 for v in seq[lo + 1:hi] if v.words >= GAP_WORDS)
            if dist <= FAR_GAP or mass[j] >= MINOR_SHARE * mass[m]:
                keep.add(j)
                edge = c
            j += direction
    for j, c in enumerate(clusters):
        if j not in keep:
            for i in c:
                seq[i].cls = "bad"
                seq[i].reason = "junk: away from the main text"


def _main_container(seq: list[Unit]) -> None:
    """HTML: unlabelled, link-poor blocks inside the element that holds most of the good text are text too."""
    mass: Counter = Counter()
    for u in seq:
        if u.box and u.cls == "good" and u.kind is None:
            mass[u.box] += len(u.text)
    if not mass:
        return
    box, chars = mass.most_common(1)[0]
    if chars < MAIN_BOX_SHARE * sum(mass.values()):
        return
    for u in seq:
        if u.box == box and u.cls != "good" and u.kind is None and u.link_density <= MAX_LINK_DENSITY \
                and not u.heading:
            u.cls = "good"


def _paragraph_classes(seq: list[Unit], lenient: bool) -> None:
    """jusText classes, the context pass and the main-text zone."""
    for u in seq:
        u.cf = "bad" if u.kind is not None else _context_free(u)
        u.cls = "good" if lenient and u.kind is None else u.cf
    if lenient:
        return
    _revise(seq)
    if sum(len(u.text) for u in seq if u.cls == "good") < SHORT_ARTICLE:  # little clear prose:
        for u in seq:  # take the medium paragraphs too
            u.cls = "good" if u.cf == "neargood" or u.cls == "good" else u.cf
        _revise(seq)
    _main_zone(seq)
    _main_container(seq)

