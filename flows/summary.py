"""Run summary: counts for the terminal, Prefect artifacts for the UI, and a progress bar."""
from __future__ import annotations

import contextlib
import sys
from collections import Counter

import pyarrow as pa

from tasks import models
from tasks.records import LedgerRow
from tasks.schema import FILES

PROGRESS_MIN_FILES = 1000


def ledger_table(rows: list[LedgerRow]) -> pa.Table:
    """This run's raw.files rows as an Arrow table."""
    return pa.Table.from_pydict({n: [getattr(r, n) for r in rows] for n in FILES.names}, schema=FILES)


def mark_failures(rows: list[LedgerRow], failures: list[tuple[str, str]]) -> None:
    """Documents that failed processing are quarantined in the ledger with the cause."""
    reasons = dict(failures)
    for r in rows:
        if r.status == "loaded" and r.path in reasons:
            r.status, r.reason = "quarantined", reasons[r.path]


def new_stats() -> dict:
    """The per-run processing counters the flow adds batch results into."""
    return {"documents": 0, "languages": Counter(), "timings": Counter(), "failures": [], "repairs": Counter(),
            "no_model": Counter(), "re_extracted": 0, "not_re_extractable": 0}


def add_stats(into: dict, part: dict, documents: bool = True) -> None:
    """Add one batch's (or the re-extraction's) counters into the run's."""
    for k, v in part.items():
        if k == "documents" and not documents:
            continue
        if isinstance(v, list):
            into.setdefault(k, []).extend(v)
        elif isinstance(v, dict):
            into.setdefault(k, Counter()).update(v)
        else:
            into[k] = into.get(k, 0) + v


class LedgerCounts:
    """Statuses and reasons of a run's ledger rows, counted batch by batch (no rows kept)."""

    def __init__(self) -> None:
        self.status: Counter = Counter()
        self.reasons: Counter = Counter()

    def add(self, rows: list[LedgerRow]) -> None:
        self.status.update(r.status for r in rows)
        self.reasons.update(f"{r.status}: {r.reason}" for r in rows if r.status in ("quarantined", "skipped"))


def run_summary(lake: str, run_id: str, ledger: LedgerCounts, stats: dict, counts: dict,
                wall_s: float, facts: dict | None = None) -> dict:
    """What this run did and what the lake now holds (facts: models.lake_facts, queried here if not given)."""
    status, reasons = ledger.status, ledger.reasons
    facts = facts if facts is not None else models.lake_facts(lake, run_id)
    return {
        "run_id": run_id,
        "lake": lake,
        "wall_seconds": round(wall_s, 2),
        "files_seen": sum(status.values()),
        "by_status": dict(sorted(status.items())),
        "top_reasons": reasons.most_common(8),
        "documents_processed": stats["documents"],
        "languages_this_run": dict(stats["languages"].most_common()),
        "documents_in_lake": counts.get("staging.documents", 0),
        "languages_in_lake": facts["languages_in_lake"],
        "event_records": counts.get("marts.event_records", 0),
        "events": counts.get("marts.events", 0),
        "conflicting_events": facts["conflicting_events"],
        "touched_events": facts["touched_events"],
        "stage_seconds": {k: round(v, 2) for k, v in sorted(stats["timings"].items())},
        "re_extracted": stats.get("re_extracted", 0),
        "not_re_extractable": stats.get("not_re_extractable", 0),
        "no_extraction": dict(Counter(stats.get("no_model", {})).most_common()),
        "span_repairs": dict(sorted(stats.get("repairs", {}).items())),
        "test_warnings": {k[len(models.WARN_PREFIX):]: v for k, v in sorted(counts.items())
                          if k.startswith(models.WARN_PREFIX)},
    }




def format_summary(s: dict) -> str:
    """The one-screen summary the terminal shows at the end of a run."""
    st = s["by_status"]
    langs = ", ".join(f"{k} {v}" for k, v in list(s["languages_in_lake"].items())[:10]) or "-"
    out = [
        f"newslake run {s['run_id']}  ({s['wall_seconds']:.1f} s)  lake: {s['lake']}",
        f"  files seen      {s['files_seen']}",
        "  " + "  ".join(f"{k} {st.get(k, 0)}" for k in ("loaded", "duplicate", "unchanged", "quarantined", "skipped")),
    ]
    for reason, n in s["top_reasons"][:5]:
        out.append(f"    {n:>5}  {reason[:100]}")
    out += [
        f"  documents       {s['documents_in_lake']} in lake ({s['documents_processed']} processed this run)",
        f"  languages       {langs}",
        f"  event records   {s['event_records']}",
        f"  events          {s['events']} ({len(s['conflicting_events'])} with sources that disagree)",
    ]
    for c in s["conflicting_events"][:3]:
        out.append(f"    {c[1]} {c[2]} / {c[3]} @ {c[4]}: {c[5]} sources, dates {c[6]}")
    no_ext = s.get("no_extraction") or {}
    if no_ext:
        per = ", ".join(f"{k} {v}" for k, v in list(no_ext.items())[:8])
        out.append(f"  no extraction   {sum(no_ext.values())} documents (no model for: {per})")
    if s.get("re_extracted"):
        out.append(f"  re-extracted {s['re_extracted']} documents: rules changed")
    if s.get("not_re_extractable"):
        out.append(f"  not re-extracted {s['not_re_extractable']} documents: input not stored in the lake")
    if s.get("test_warnings"):
        out.append("  test warnings   " + ", ".join(f"{k} {v}" for k, v in s["test_warnings"].items()))
    if s.get("flow_run"):
        out.append(f"  flow run        {s['flow_run']}")
    return "\n".join(out)


def publish_artifacts(s: dict) -> None:
    """A markdown run summary and a table of the merged events this run touched, for the UI."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact
    md = ["# newslake run summary", "", "```", format_summary(s), "```", "",
          "## Files by status", "", "| status | files |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in s["by_status"].items()]
    md += ["", "## Reasons", "", "| reason | files |", "|---|---|"]
    md += [f"| {_md(r)} | {n} |" for r, n in s["top_reasons"]] or ["| none | 0 |"]
    md += ["", "## SQL data tests with severity warn", "", "| test | failing rows |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in (s.get("test_warnings") or {}).items()] or ["| none | 0 |"]
    md += ["", "## Documents per language (lake)", "", "| language | documents |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in s["languages_in_lake"].items()]
    md += ["", "## Sources that disagree", "", "| event | type | actors | location | sources | dates |",
           "|---|---|---|---|---|---|"]
    md += [f"| {c[0]} | {c[1]} | {_md(c[2])} / {_md(c[3])} | {_md(c[4])} | {c[5]} | {_md(c[6])} |"
           for c in s["conflicting_events"]] or ["| none | | | | | |"]
    create_markdown_artifact(markdown="\n".join(md), key="newslake-run-summary",
                             description=f"newslake run {s['run_id']}")
    cols = ["event_id", "event_type", "actor1", "actor2", "location", "event_date", "n_sources",
            "n_records", "date_conflict", "location_conflict"]
    create_table_artifact(table=[dict(zip(cols, t)) for t in s["touched_events"]],
                          key="newslake-touched-events", description="merged events touched by this run")


def _md(v) -> str:
    return str(v if v is not None else "").replace("|", "\\|").replace("\n", " ")


@contextlib.contextmanager
def progress(total: int):
    """A terminal progress bar and a Prefect progress artifact for long runs; yields advance(n)."""
    if total < PROGRESS_MIN_FILES:
        yield lambda n: None
        return
    from prefect.artifacts import create_progress_artifact, update_progress_artifact
    artifact_id = create_progress_artifact(progress=0.0, key="newslake-progress",
                                           description="files ingested")
    done = [0]
    bar = None
    from tasks.lock import terminal
    if terminal().isatty():
        from rich.console import Console
        from rich.progress import Progress
        bar = Progress(transient=True, console=Console(file=terminal()))
        bar.start()
        job = bar.add_task("ingest", total=total)

    def advance(n: int) -> None:
        done[0] += n
        update_progress_artifact(artifact_id=artifact_id, progress=round(100.0 * done[0] / total, 1))
        if bar is not None:
            bar.update(job, advance=n)

    try:
        yield advance
    finally:
        if bar is not None:
            bar.stop()
