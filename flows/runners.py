"""Where chunk work runs: in this process, a local process pool, or an existing Dask cluster."""
from __future__ import annotations

import contextlib
import glob
import importlib
import itertools
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor

from tasks.config import Settings
from tasks.language import seed_langdetect


WARM_MODULE = "tasks.warm"


class InlineExecutor(Executor):
    """Runs each call at once in the calling thread (one worker: no pool overhead)."""

    def submit(self, fn, /, *args, **kwargs):
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to the caller through the future
            fut.set_exception(exc)
        return fut


_spares: dict[str, ProcessPoolExecutor] = {}


@contextlib.contextmanager
def spare_process(module: str):
    """A fresh process that imports `module` at once, for an in_subprocess call of one of its functions
    within the block: its start-up (interpreter, imports) overlaps the work before that call. Stopped
    at the end of the block if unused."""
    if module not in _spares:
        ex = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=importlib.import_module, initargs=(module,))
        ex.submit(int)  # the pool starts its process on the first submit
        _spares[module] = ex
    try:
        yield
    finally:
        unused = _spares.pop(module, None)
        if unused is not None:
            unused.shutdown(cancel_futures=True)


def in_subprocess(fn, *args):
    """fn(*args) in a fresh process (a spare one when started for fn's module): its memory (DuckDB's
    buffers) is returned to the OS when it ends."""
    ex = _spares.pop(fn.__module__, None) or ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    with ex:
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
        ctx = start_fork_server()
        try:
            with ProcessPoolExecutor(settings.workers, mp_context=ctx, initializer=seed_langdetect) as ex:
                yield ex
        finally:
            stop_fork_server()


def start_fork_server() -> multiprocessing.context.BaseContext:
    """Start the process pool's fork server (it imports the stages and warms their caches) without
    waiting for it, so its start-up overlaps with the caller's; a no-op when it already runs."""
    from multiprocessing import forkserver
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([WARM_MODULE])
    forkserver.ensure_running()
    return ctx


def stop_fork_server() -> None:
    """Stop the fork server once its pool is done, so its warmed caches do not sit in memory through the
    model build (multiprocessing has no public call for this; its own tests use ForkServer._stop)."""
    from multiprocessing import forkserver
    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)
    if stop is not None:
        stop()


def needs_pool(settings: Settings) -> bool:
    """Whether a run over these inputs will likely use the process pool (more than one chunk)."""
    if settings.runner != "process" or settings.workers <= 1:
        return False
    return _count_files(settings.input_paths, settings.chunk_size + 1) > settings.chunk_size


def _count_files(paths: tuple[str, ...], stop: int) -> int:
    """Files under the paths (files, directories, globs), counting no further than `stop`."""
    def files():
        for p in paths:
            for hit in ([p] if os.path.exists(p) else sorted(glob.glob(p, recursive=True))):
                if os.path.isdir(hit):
                    for _root, _dirs, names in os.walk(hit):
                        yield from names
                else:
                    yield hit
    return sum(1 for _ in itertools.islice(files(), stop))
