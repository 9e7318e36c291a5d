"""Preloaded by the worker pool's fork server: builds every stage's lazy caches once, before workers fork."""
from tasks import pipeline
from tasks.records import RawDoc

SAMPLE = """UN chief meets Russian president in Moscow

UN Secretary-General Antonio Guterres met Russian President Vladimir Putin in Moscow on Tuesday April 26.

Die Gespräche dauerten zwei Stunden.

Share this article
"""

pipeline.process_chunk([RawDoc("warm-up", "warm-up.txt", "text", SAMPLE)], "warm-up")
