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
from concurrent.futures.process import BrokenProcessPool
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


# ---- the registry -----------------------------------------------------------------------------

Wait = Callable[[Collection[Any]], Collection[Any]]


class Workers:
    """An open executor: ``submit(fn, *args)`` returns a future; ``wait(pending)`` returns those done.

    size: tasks that run at once besides the caller's. helps: the caller runs tasks too. An executor whose
    workers can die says so: ``lost(error)`` tells a dead worker from a failing task, ``renew(pending)``
    replaces the dead workers (a fresh pool; ``epoch`` counts the pools), ``alive()`` counts the workers
    there are now. ``run.driver`` uses these to run a dead worker's tasks again.
    """

    def __init__(self, submit: Callable[..., Any], wait: Wait, size: int, helps: bool = False):
        self.submit, self.wait, self.size, self.helps = submit, wait, size, helps
        self.epoch = 0

    def poll(self, pending: Collection[Any], timeout: float) -> Collection[Any]:
        """The futures of ``pending`` done within ``timeout`` seconds (none when none finished)."""
        return self.wait(pending)

    def lost(self, error: BaseException) -> bool:
        """Whether ``error`` (raised by a task's future) means its worker died rather than the task failed."""
        return False

    def explain(self, error: BaseException) -> str:
        """A lost task's ``error`` in words, for messages."""
        text = str(error).splitlines()[0].strip() if str(error).strip() else ""
        return f"{type(error).__name__}: {text}"[:160] if text else type(error).__name__

    def renew(self, pending: Collection[Any]) -> None:
        """Replace dead workers; a MentorsimError says why that is not possible."""
        raise MentorsimError("its workers cannot be replaced")

    def alive(self) -> int:
        """How many workers there are now."""
        return self.size


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    done: Future[Any] = Future()
    done.set_result(fn(*args))
    return done


def _wait_cf(pending: Collection[Any]) -> Collection[Any]:
    return wait_futures(pending, return_when=FIRST_COMPLETED).done


SERIAL = Workers(submit=_run_now, wait=lambda pending: list(pending), size=1)


class PoolWorkers(Workers):
    """A spawn-context pool of ``n`` processes (``pool`` when given, left running); a pool broken by a dead
    worker is replaced by a fresh one of this call's own, which is stopped on ``close``."""

    def __init__(self, n: int, pool: ProcessPoolExecutor | None = None, helps: bool = False):
        super().__init__(self._submit, _wait_cf, n, helps)
        self.px = pool if pool is not None else self._start(n)
        self.own = pool is None

    @staticmethod
    def _start(n: int) -> ProcessPoolExecutor:
        # a spawn pool starts its processes on submit, not here: start them all while ``__main__``'s missing
        # file (``python -``, some notebooks) is hidden, or each child dies re-importing it
        return start_pool(n, warm=True)

    def _submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self.px.submit(fn, *args)

    def poll(self, pending: Collection[Any], timeout: float) -> Collection[Any]:
        return wait_futures(pending, timeout=timeout, return_when=FIRST_COMPLETED).done

    def lost(self, error: BaseException) -> bool:
        return isinstance(error, BrokenProcessPool)

    def explain(self, error: BaseException) -> str:
        return "a worker process died: killed, or out of memory"

    def renew(self, pending: Collection[Any]) -> None:
        wait_futures(pending)  # a broken pool fails every task it held: let them all report first
        if self.own:
            stop_pool(self.px)
        self.px, self.own = self._start(self.size), True
        self.epoch += 1

    def close(self, wait: bool = False) -> None:
        """Stop this call's own pool (a given one is left running)."""
        if self.own:
            if wait:
                self.px.shutdown(wait=True, cancel_futures=True)
            else:
                stop_pool(self.px)


@contextlib.contextmanager
def pool_workers(n: int, pool: ProcessPoolExecutor | None = None, helps: bool = False) -> Iterator[PoolWorkers]:
    """``PoolWorkers`` of ``n`` processes, stopped on exit (after finishing what runs, if the block failed)."""
    w = PoolWorkers(n, pool, helps)
    try:
        yield w
    except BaseException:
        w.close(wait=True)
        raise
    else:
        w.close()


class Executor:
    """Where tasks run; ``open`` starts it and yields ``Workers``, stopping it on exit."""

    name: ClassVar[str]
    uses_scheduler: ClassVar[bool] = False  # takes the address of a running scheduler

    def default_workers(self) -> int:
        return os.cpu_count() or 1

    def check(self, workers: int | None) -> None:
        """Raise a MentorsimError when this executor cannot run on ``workers``."""

    def reach(self, scheduler: str | None) -> None:
        """Raise a MentorsimError (in seconds, before any work) when ``scheduler`` cannot be used."""

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
        with pool_workers(workers - 1, pool, helps=True) as w:
            yield w


@register
class Dask(Executor):
    """A ``dask.distributed`` client to ``scheduler``, or a LocalCluster of ``workers`` processes made here."""

    name = "dask"
    uses_scheduler = True

    def reach(self, scheduler: str | None) -> None:
        if scheduler is not None:
            from mentorsim.run.reach import check_scheduler

            check_scheduler(scheduler)

    @contextlib.contextmanager
    def open(
        self, workers: int, scheduler: str | None = None, pool: ProcessPoolExecutor | None = None
    ) -> Iterator[Workers]:
        from mentorsim.run.cluster import DaskWorkers

        w = DaskWorkers(workers, scheduler)
        try:
            yield w
        finally:
            w.close()
