"""jusText's own paragraph classification (the library, default settings) run on the clean stage's units."""
from __future__ import annotations

from tasks.clean.units import Unit


class _Paragraph:
    """A unit seen through the interface of justext.paragraph.Paragraph (what jusText's passes read)."""
    __slots__ = ("unit", "text", "dom_path", "chars_count_in_links", "heading", "cf_class", "class_type")

    def __init__(self, u: Unit):
        self.unit = u
        self.text = u.text
        self.dom_path = "h1" if u.heading else ("li" if u.bullet or u.tag == "li" else "p")
        self.chars_count_in_links = int(round(u.link_density * len(u.text)))
        self.heading = u.heading
        self.cf_class = self.class_type = ""

    @property
    def is_heading(self) -> bool:
        return self.unit.heading

    def __len__(self) -> int:
        return len(self.text)

    def stopwords_density(self, stoplist) -> float:
        return self.unit.stop  # the document's stoplist, measured once on \w+ words (units._features)

    def links_density(self) -> float:
        return self.unit.link_density


def justext_classes(seq: list[Unit]) -> None:
    """Set u.cf (context-free) and u.jt (after the context pass) with jusText's defaults."""
    from justext.core import classify_paragraphs, revise_paragraph_classification
    paras = [_Paragraph(u) for u in seq]
    classify_paragraphs(paras, frozenset())  # the stoplist is read through stopwords_density
    revise_paragraph_classification(paras)
    for para in paras:
        para.unit.cf = para.cf_class
        para.unit.jt = para.class_type
