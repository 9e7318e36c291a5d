"""Preloaded by the worker pool's fork server: builds every stage's lazy caches once, before workers fork."""
import importlib
import inspect
import pkgutil

from tasks import clean, entities, events, extract, fields, gazetteer, html, language, pipeline
from tasks.records import RawDoc

SAMPLE = """UN chief meets Russian president in Moscow

UN Secretary-General Antonio Guterres met Russian President Vladimir Putin in Moscow on Tuesday April 26.

Die Gespräche dauerten zwei Stunden.

Share this article
"""


def stage_modules():
    """The stage modules whose caches are warmed: plain modules and every module of the stage packages."""
    for module in (clean, entities, events, extract, fields, gazetteer, html, language):
        yield module
        for info in pkgutil.iter_modules(getattr(module, "__path__", []), module.__name__ + "."):
            yield importlib.import_module(info.name)


def load_caches() -> None:
    """Call every cached loader that takes no argument (seed tables, gazetteer, classifier weights, word lists)."""
    for module in stage_modules():
        for fn in list(vars(module).values()):
            if hasattr(fn, "cache_info") and getattr(fn, "__module__", None) == module.__name__ \
                    and not inspect.signature(fn).parameters:
                fn()


load_caches()
pipeline.process_chunk([RawDoc("warm-up", "warm-up.txt", "text", SAMPLE)], "warm-up")
