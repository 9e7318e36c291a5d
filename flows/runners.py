"""Where chunk work runs: in this process, a local process pool, or an existing Dask cluster."""
from __future__ import annotations

import contextlib
import multiprocessing
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor

from tasks.config import Settings
from tasks.language import seed_langdetect


class InlineExecutor(Executor):
    """Runs each call at once in the calling thread (one worker: no pool overhead)."""

    def submit(self, fn, /, *args, **kwargs):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        return fut


def in_subprocess(fn, *args):
    """fn(*args) in a fresh process: its memory (DuckDB's buffers) is returned to the OS when it ends."""
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=ctx) as ex:
        return ex.submit(fn, *args).result()


@contextlib.contextmanager
def chunk_executor(settings: Settings):
    """An Executor for pipeline.process_chunk calls, per settings.runner and settings.workers."""
    if settings.runner == "dask":
        from distributed import Client
        client = Client(settings.dask_address) if settings.dask_address else Client(
            n_workers=settings.workers, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            client.run(seed_langdetect)
            yield client.get_executor()
        finally:
            client.close()
    elif settings.workers <= 1:
        yield InlineExecutor()
    elif settings.runner == "thread":
        with ThreadPoolExecutor(settings.workers) as ex:
            yield ex
    else:
        # workers fork from a server that imported the stages and built their caches once
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["tasks.warm"])
        with ProcessPoolExecutor(settings.workers, mp_context=ctx, initializer=seed_langdetect) as ex:
            yield ex
