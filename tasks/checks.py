"""Per-document invariants, checked in Python before a document's rows are staged (SQL tests stay the last guard).

`repair_spans` makes entity and trigger texts what body_text says at their offsets (a row whose span
no longer holds its text, even folded, is dropped); `check_document` then names the first broken
invariant, so the pipeline can quarantine that one document and go on.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tasks.clean import KINDS

PLOVER_ROOTS = frozenset(("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                          "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"))
# older names the contract maps onto the roots (DEMAND->REQUEST, DISAPPROVE/INVESTIGATE->ACCUSE, FIGHT->ASSAULT;
# APPEAL is CAMEO's REQUEST): accepted here, reported by the SQL test marts_records_valid_enums (warn)
LEGACY_EVENT_TYPES = frozenset(("DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "APPEAL"))
EVENT_TYPES = PLOVER_ROOTS | {"OTHER"} | LEGACY_EVENT_TYPES
FACTUALITY = frozenset(("asserted", "negated", "future", "possible"))
ENTITY_KINDS = frozenset(("PERSON", "ORG", "PLACE", "DATE"))
LINE_KINDS = frozenset(KINDS)  # the contract's line kinds, as the clean stage defines them
ORIGINS = frozenset(("input", "text", "inferred"))
PRECISIONS = frozenset(("day", "month", "year"))


class CheckFailed(Exception):
    """A document broke an invariant; the message names the check and the offending value."""

    def __init__(self, check: str, value) -> None:
        self.check = check
        super().__init__(f"{check}: {_show(value)}")


@dataclass
class Repairs:
    """What repair_spans changed in one document."""
    entity_texts: int = 0  # text re-taken from body_text (same span, other case/normal form)
    entities_dropped: int = 0
    triggers_cleared: int = 0


def _show(value) -> str:
    return repr(value)[:160]


def _folded(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


def _span_ok(body: str, start, end) -> bool:
    return isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(body)


def repair_spans(body: str, entities: list[dict], candidates: list[dict]) -> Repairs:
    """Texts of entities and triggers taken from body_text itself (in place): a span whose text differs
    only by case or normal form gets body_text's; a span that holds other text is dropped (entity) or
    loses its offsets (trigger)."""
    rep = Repairs()
    kept = []
    for e in entities:
        s, t = e.get("char_start"), e.get("char_end")
        if _span_ok(body, s, t) and s < t:
            got = body[s:t]
            if got == e.get("text"):
                kept.append(e)
                continue
            if _folded(got) == _folded(e.get("text") or ""):
                e["text"] = got
                rep.entity_texts += 1
                kept.append(e)
                continue
        rep.entities_dropped += 1
    entities[:] = kept
    for c in candidates:
        s, t = c.get("trigger_start"), c.get("trigger_end")
        if s is None and t is None:
            continue
        if _span_ok(body, s, t) and s < t and (c.get("trigger") is None
                                                or _folded(body[s:t]) == _folded(c["trigger"])):
            c["trigger"] = body[s:t]
            continue
        c["trigger_start"] = c["trigger_end"] = None  # the trigger word stays, without offsets it cannot keep
        rep.triggers_cleared += 1
    return rep


def check_document(doc: dict, lines: list, entities: list[dict], candidates: list[dict]) -> None:
    """Raise CheckFailed naming the first invariant (of those sql/tests checks) this document breaks."""
    body = doc.get("body_text")
    if not isinstance(body, str):
        raise CheckFailed("documents_body_text_is_text", type(body).__name__)
    if not doc.get("doc_id"):
        raise CheckFailed("documents_doc_id_present", doc.get("doc_id"))
    if not doc.get("language"):
        raise CheckFailed("documents_language_present", doc.get("language"))
    if doc.get("published_at_origin") not in ORIGINS | {None}:
        raise CheckFailed("documents_published_at_origin_valid", doc.get("published_at_origin"))
    seen_lines = set()
    for ln in lines:
        if ln.line_no in seen_lines:
            raise CheckFailed("lines_unique_line_no", ln.line_no)
        seen_lines.add(ln.line_no)
        if ln.kind not in LINE_KINDS:
            raise CheckFailed("lines_kind_valid", ln.kind)
        if not isinstance(ln.text, str):
            raise CheckFailed("lines_text_is_text", ln.text)
    for e in entities:
        s, t = e.get("char_start"), e.get("char_end")
        if not _span_ok(body, s, t) or body[s:t] != e.get("text"):
            raise CheckFailed("entities_offsets_match_body", (s, t, e.get("text")))
        if e.get("kind") not in ENTITY_KINDS:
            raise CheckFailed("entities_kind_valid", e.get("kind"))
    numbers, mains = set(), 0
    for c in candidates:
        no = c.get("candidate_no")
        if not isinstance(no, int) or no in numbers:
            raise CheckFailed("marts_records_unique_record_id", no)
        numbers.add(no)
        s, t = c.get("trigger_start"), c.get("trigger_end")
        if (s, t) != (None, None) and (not _span_ok(body, s, t) or body[s:t] != c.get("trigger")):
            raise CheckFailed("candidates_trigger_offsets_match_body", (s, t, c.get("trigger")))
        etype = (c.get("event_type") or "").strip().upper()
        if etype not in EVENT_TYPES:
            raise CheckFailed("candidates_event_type_valid", c.get("event_type"))
        fact = c.get("factuality")
        if fact is not None and fact.lower() not in FACTUALITY:
            raise CheckFailed("candidates_factuality_valid", fact)
        prec = c.get("date_precision")
        if prec is not None and prec.lower() not in PRECISIONS:
            raise CheckFailed("candidates_date_precision_valid", prec)
        mains += bool(c.get("is_main"))
    if mains > 1:
        raise CheckFailed("marts_records_one_main_per_document", f"{mains} main candidates")
    # 'OTHER only as the main record' is left to the SQL test marts_records_valid_enums (warn): the marts
    # decide which record is main, and today's extractor also proposes OTHER fallbacks beside a main event
