"""Executors: where work runs, by name: this process, a local spawn-context pool, or a Dask cluster.

``EXECUTORS`` maps a name (``serial``, ``processes``, ``dask``) to an ``Executor``; its
``open(workers, ...)`` is a context manager that starts what it needs and yields
``Workers``: ``submit(fn, *args)`` returns a future, ``wait(pending)`` the futures that
finished. Adding an executor is one ``@register``-ed class here.

Pools are made inside a call (spawn context, safe in Jupyter), never at import. Spawned
workers re-import ``__main__`` from its file; ``main_importable`` hides a file that does
not exist (``python -``, some notebooks) while workers start. Every pool worker watches
its parent and exits when the parent dies, even by SIGKILL (``worker.watch_parent``).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from typing import Any, ClassVar

from mentorsim.errors import MentorsimError


@contextlib.contextmanager
def main_importable() -> Iterator[None]:
    """Spawned workers re-import ``__main__`` from its file; when it has none (stdin, some notebooks), skip that."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or os.path.exists(path):
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _warm(pool: ProcessPoolExecutor, workers: int) -> list[Future[None]]:
    """Have every worker start and load the engine."""
    from mentorsim.run.worker import warm_up

    return [pool.submit(warm_up) for _ in range(workers)]


def _new_pool(workers: int) -> ProcessPoolExecutor:
    """A spawn-context pool whose workers end when this process dies (``worker.watch_parent``)."""
    from mentorsim.run.worker import watch_parent

    return ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("spawn"), initializer=watch_parent, initargs=(os.getpid(),)
    )


def start_pool(workers: int, warm: bool = True) -> ProcessPoolExecutor:
    """A long-lived spawn-context pool (e.g. for a dashboard); stop it with ``stop_pool``.

    warm: start every worker now and have it load the engine.
    """
    with main_importable():
        pool = _new_pool(workers)
        if warm:
            for f in _warm(pool, workers):
                f.result()  # every worker has started (so the main file is no longer needed)
        return pool


def stop_pool(pool: ProcessPoolExecutor, wait: bool = False) -> None:
    """Stop a pool's workers. With no task pending they hold no state, so they are ended at once."""
    procs = list((getattr(pool, "_processes", None) or {}).values()) if not wait else []
    pool.shutdown(wait=wait, cancel_futures=True)
    for p in procs:
        p.terminate()
    for p in procs:
        p.join(timeout=5)


@contextlib.contextmanager
def spawn_pool(workers: int, warm: bool = False) -> Iterator[ProcessPoolExecutor]:
    """A spawn-context process pool, created here and shut down on exit.

    warm: start every worker now and have it load the engine, so the workers get
    ready while the caller is still busy (e.g. loading a sweep spec).

    Works from scripts, Jupyter and ``python -`` (stdin): when ``__main__`` has no
    importable file, the children are told not to re-import it.
    """
    with main_importable():
        pool = _new_pool(workers)
        try:
            if warm:
                _warm(pool, workers)
            yield pool
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        else:
            stop_pool(pool)  # every task is done: end the workers rather than wait for their teardown


def process_pool(workers: int, pool: ProcessPoolExecutor | None = None) -> contextlib.AbstractContextManager[Any]:
    """``pool`` itself when given (left running), else a new ``spawn_pool`` of ``workers`` processes."""
    return contextlib.nullcontext(pool) if pool is not None else spawn_pool(workers)


# ---- the registry -----------------------------------------------------------------------------

Wait = Callable[[Collection[Any]], Collection[Any]]


@dataclass(frozen=True)
class Workers:
    """An open executor: ``submit(fn, *args)`` returns a future; ``wait(pending)`` returns those done.

    size: tasks that run at once besides the caller's. helps: the caller runs tasks too.
    """

    submit: Callable[..., Any]
    wait: Wait
    size: int
    helps: bool = False


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(fn(*args))
    return done


def _wait_cf(pending: Collection[Any]) -> Collection[Any]:
    return wait_futures(pending, return_when=FIRST_COMPLETED).done


SERIAL = Workers(submit=_run_now, wait=lambda pending: list(pending), size=1)


class Executor:
    """Where tasks run; ``open`` starts it and yields ``Workers``, stopping it on exit."""

    name: ClassVar[str]
    uses_scheduler: ClassVar[bool] = False  # takes the address of a running scheduler

    def default_workers(self) -> int:
        return os.cpu_count() or 1

    def check(self, workers: int | None) -> None:
        """Raise a MentorsimError when this executor cannot run on ``workers``."""

    def open(
        self, workers: int, scheduler: str | None = None, pool: ProcessPoolExecutor | None = None
    ) -> contextlib.AbstractContextManager[Workers]:
        raise NotImplementedError


EXECUTORS: dict[str, Executor] = {}


def register(cls: type[Executor]) -> type[Executor]:
    """Class decorator: add an executor to ``EXECUTORS`` under its name."""
    EXECUTORS[cls.name] = cls()
    return cls


@register
class Serial(Executor):
    """Every task in the calling process, as it is submitted."""

    name = "serial"

    def default_workers(self) -> int:
        return 1

    def check(self, workers: int | None) -> None:
        if workers not in (None, 1):
            raise MentorsimError(
                f"workers: the serial executor runs on 1 worker (got {workers}); use processes or dask"
            )

    def open(
        self, workers: int, scheduler: str | None = None, pool: ProcessPoolExecutor | None = None
    ) -> contextlib.AbstractContextManager[Workers]:
        return contextlib.nullcontext(SERIAL)


@register
class Processes(Executor):
    """The calling process and a spawn-context pool of ``workers - 1`` (or ``pool``, left running)."""

    name = "processes"

    @contextlib.contextmanager
    def open(
        self, workers: int, scheduler: str | None = None, pool: ProcessPoolExecutor | None = None
    ) -> Iterator[Workers]:
        if workers == 1:
            yield SERIAL
            return
        with process_pool(workers - 1, pool) as px:
            yield Workers(submit=px.submit, wait=_wait_cf, size=workers - 1, helps=True)


@register
class Dask(Executor):
    """A ``dask.distributed`` client to ``scheduler``, or a LocalCluster of ``workers`` processes made here."""

    name = "dask"
    uses_scheduler = True

    @contextlib.contextmanager
    def open(
        self, workers: int, scheduler: str | None = None, pool: ProcessPoolExecutor | None = None
    ) -> Iterator[Workers]:
        import logging

        try:
            from dask.distributed import Client, LocalCluster
            from dask.distributed import wait as dwait
        except ImportError:  # pragma: no cover - dask is a dependency
            raise MentorsimError("executor: dask needs the 'dask[distributed]' package") from None

        cluster = None
        if scheduler is not None:
            try:
                client = Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as e:
                raise MentorsimError(f"scheduler: cannot connect to {scheduler!r}: {e}".splitlines()[0]) from None
        else:
            with main_importable():
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
        try:
            n = len(client.scheduler_info().get("workers", {})) or workers
            yield Workers(
                submit=lambda fn, *args: client.submit(fn, *args, pure=False),
                wait=lambda pending: dwait(list(pending), return_when="FIRST_COMPLETED").done,
                size=n,
            )
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
