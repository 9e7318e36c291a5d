"""The key documents share when they come from one source/template (templates are learned in tasks/templates.py)."""
from __future__ import annotations

from tasks.records import RawDoc


def source_key(raw: RawDoc) -> str:
    """The key documents share when they come from one source/template."""
    return raw.meta.get("source_name") or raw.source_uri.rsplit("/", 1)[0]
