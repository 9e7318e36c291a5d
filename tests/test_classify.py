"""The learned line/block classifier: features, plain-JSON weights, decisions and their audit reasons."""
import importlib
import json

import pytest

from tasks.clean import clean_document
from tasks.clean.paragraphs import justext_classes
from tasks.clean.units import Unit
from tasks.records import RawDoc

C = importlib.import_module("tasks.clean.classify")

PAGE = """Home
News
Sport
Weather

   The harbour council on Monday approved the new ferry terminal after a debate that lasted more than four hours and drew a crowd of traders to the town hall.

   Work on the quay will start in the autumn, and the council said the building should open to passengers in the spring of next year if the weather allows it.

   Traders at the fish market said they were relieved that the old market hall would stay where it is, next to the new terminal.

Share on Facebook
Privacy policy
"""


def _units(texts, link=0.0):
    seq = [Unit(i + 1, t, t, words=len(t.split()), link_density=link) for i, t in enumerate(texts)]
    for u in seq:
        u.stop = 0.4 if u.text.endswith(".") else 0.0
    return seq


def test_local_features_have_one_value_per_name_and_see_links():
    seq = _units(["Home", "A long sentence that reads like the body of an article about the harbour."], link=1.0)
    justext_classes(seq)
    rows = C.local_features(seq)
    assert [len(r) for r in rows] == [len(C.STAGE1)] * 2
    link = C.STAGE1.index("link")
    assert rows[0][link] == 1.0
    assert rows[1][C.STAGE1.index("sent_end")] == 1.0 and rows[0][C.STAGE1.index("sent_end")] == 0.0


def test_predict_reports_probability_and_strongest_features():
    n1, n2 = len(C.STAGE1), len(C.STAGE1) + len(C.STAGE2)
    coef = [0.0] * n2
    coef[C.STAGE1.index("link")] = -4.0  # a toy model: links are junk
    stage = {"mean": [0.0] * n2, "scale": [1.0] * n2, "coef": coef, "intercept": 1.0}
    model = {"stage1": {**stage, "mean": [0.0] * n1, "scale": [1.0] * n1, "coef": coef[:n1]},
             "stage2": stage, "low": 0.1, "high": 0.9}
    seq = _units(["Read more stories"], link=1.0) + _units(["The council met on Monday."])
    justext_classes(seq)
    C.predict(seq, model)
    assert seq[0].p < 0.1 < 0.5 < seq[1].p
    assert seq[0].why.startswith("model p=0.05: link")


def test_committed_weights_are_plain_json_with_both_stages():
    for fmt in ("text", "html"):
        path = C.MODEL_DIR / ("%s.json" % fmt)
        model = json.loads(path.read_text(encoding="utf-8"))
        assert len(model["stage2"]["coef"]) == len(model["features"]) == len(C.STAGE1) + len(C.STAGE2)
        assert 0.0 <= model["low"] <= 0.5 <= model["high"]
        assert set(model["loco"]) == {"dragnet", "l3sgn1"}


def test_page_keeps_prose_drops_menu_and_audits_every_line():
    cleaned = clean_document(RawDoc("p", "site/p.txt", "text", PAGE))
    assert cleaned.body_text.startswith("The harbour council on Monday approved")
    assert "Traders at the fish market" in cleaned.body_text
    for junk in ("Home", "Share on Facebook", "Privacy policy"):
        assert junk not in cleaned.body_text.split("\n\n")
    for line in cleaned.lines:
        assert line.kind in ("body", "heading", "empty") or line.reason


def test_rules_decide_without_a_model(monkeypatch):
    monkeypatch.setitem(C.OVERRIDE, "text", None)
    monkeypatch.setattr(C, "_model_file", lambda fmt: None)
    cleaned = clean_document(RawDoc("p", "site/p.txt", "text", PAGE))
    assert cleaned.body_text.startswith("The harbour council on Monday approved")
    assert not any("model p=" in (line.reason or "") for line in cleaned.lines)


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_override_model_is_used(monkeypatch, fmt):
    """A model that keeps nothing the rules keep (low=1.0) empties the body: the weights really decide."""
    model = dict(C.model_for(fmt), low=1.01, high=1.01)
    monkeypatch.setitem(C.OVERRIDE, fmt, model)
    text = PAGE if fmt == "text" else "<html><body>%s</body></html>" % "".join(
        "<p>%s</p>" % line.strip() for line in PAGE.split("\n") if line.strip())
    cleaned = clean_document(RawDoc("p", "site/p." + ("txt" if fmt == "text" else "html"), fmt, text))
    assert cleaned.body_text == ""
    assert any("model p=" in (line.reason or "") for line in cleaned.lines)
