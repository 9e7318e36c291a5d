"""Preloaded by the worker pool's fork server: builds every stage's lazy caches once, before workers fork."""
import inspect

from tasks import clean, entities, events, extract, fields, gazetteer, html, language, pipeline
from tasks.records import RawDoc

SAMPLE = """UN chief meets Russian president in Moscow

UN Secretary-General Antonio Guterres met Russian President Vladimir Putin in Moscow on Tuesday April 26.

Die Gespräche dauerten zwei Stunden.

Share this article
"""


def load_caches() -> None:
    """Call every cached loader that takes no argument (seed tables, gazetteer, profiles, word lists)."""
    for module in (clean, entities, events, extract, fields, gazetteer, html, language):
        for fn in list(vars(module).values()):
            if hasattr(fn, "cache_info") and getattr(fn, "__module__", None) == module.__name__ \
                    and not inspect.signature(fn).parameters:
                fn()


load_caches()
pipeline.process_chunk([RawDoc("warm-up", "warm-up.txt", "text", SAMPLE)], "warm-up")
