"""Running a sweep: the ``sweep()`` driver, chunks of points, the sink that writes them, progress.

Points are validated and sent in chunks to an executor (``executors.EXECUTORS``); a
bounded window of chunks is in flight, and each finished chunk goes to the sink, which
writes typed chunks to the store (or keeps them in memory without one). Replication r
of every point runs with the spec's seed, so results do not depend on the executor,
the worker count, the chunking or a resumption.
"""

from __future__ import annotations

import math
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.programs import added
from mentorsim.run.driver import LostWork, TaskFailed, drive, spans
from mentorsim.run.executors import EXECUTORS, Workers
from mentorsim.run.worker import STATUS_OK, run_chunk  # workers import the light module only
from mentorsim.schema.io import possible_path
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.validation import nearest
from mentorsim.sweeps.results import SweepResult, concat
from mentorsim.sweeps.spec import Sweep, SweepSpec, as_sweep
from mentorsim.sweeps.store import Store

STATUS_INVALID = "invalid"


class Unwritten(Exception):
    """A chunk the store could not write (``error``, an OSError)."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


Chunk = list[tuple[int, Scenario]]


class _Sink:
    """Turns finished rows into typed chunks: written to the store, or kept in memory without one.

    Rows are buffered and flushed as one chunk about every second (and at the end), so
    per-chunk pandas and Parquet overhead stays off the workers' critical path; a kill
    loses at most that second of work, which --resume redoes. With an explicit
    chunk size every chunk of points is written as it finishes.
    """

    FLUSH_SECONDS = 1.0

    def __init__(
        self, sw: Sweep, store: Store | None, overrides: dict[int, dict[str, Any]], flush_seconds: float = FLUSH_SECONDS
    ):
        self.sw, self.store, self.overrides = sw, store, overrides
        self.flush_seconds = flush_seconds
        self.frames: list[pd.DataFrame] = []
        self.schema = sw.arrow_schema() if store is not None else None
        self.failed: list[tuple[int, str]] = []
        self.ok = 0
        self.seen: set[int] = set()  # points whose rows arrived
        self._buf: list[tuple[Any, ...]] = []
        self._last = time.perf_counter()

    def add(self, rows: list[tuple[Any, ...]]) -> int:
        """Take a finished chunk's rows; returns the number of points they complete."""
        self._buf.extend(rows)
        first: dict[int, tuple[Any, ...]] = {}
        for r in rows:
            first.setdefault(int(r[0]), r)
        self.seen.update(first)
        for i, r in first.items():
            if r[2] == STATUS_OK:
                self.ok += 1
            else:
                self.failed.append((i, r[3]))
        if time.perf_counter() - self._last >= self.flush_seconds:
            self.flush()
        return len(first)

    def flush(self) -> None:
        """Write the buffered rows as one chunk (atomically, when there is a store)."""
        self._last = time.perf_counter()
        if not self._buf:
            return
        rows, self._buf = self._buf, []
        sw = self.sw
        names = ["point", "replication", "status", "error", "elapsed_seconds", "worker", *sw.metrics]
        df = pd.DataFrame.from_records(rows, columns=names)
        pts = df["point"].to_numpy()
        df["seed"] = sw.spec.seed
        for p in sw.params:
            df[p.key] = [p.column(self.overrides[int(i)][p.key]) for i in pts]
        df = sw.typed(df[list(sw.columns())])
        for i in set(int(i) for i in pts):
            self.overrides.pop(i, None)
        if self.store is not None:
            try:
                self.store.write_chunk(df, self.schema)
            except OSError as e:  # a full disk, a quota: said in one line by sweep()
                raise Unwritten(e) from e
        else:
            self.frames.append(df)


def _chunks(sw: Sweep, todo: list[int], size: int, sink: _Sink, workers: int = 1) -> Iterator[Chunk]:
    """Chunks of validated points; invalid points go straight to the sink as failed.

    With several workers the chunks shrink toward the end (guided scheduling: at most
    the remaining points over 4 x workers), so no worker is left with a long tail.
    """
    nan = (float("nan"),) * len(sw.metrics)
    batch: Chunk = []
    for k, i in enumerate(todo):
        if workers > 1:
            size = max(1, min(size, (len(todo) - k) // (4 * workers)))
        ov = sw.point(i)
        sink.overrides[i] = ov
        try:
            sc = sw.base.with_overrides(ov, source="point")
        except MentorsimError as e:
            msg = str(e).removeprefix("point: ")
            sink.add([(i, r, STATUS_INVALID, msg, 0.0, "", *nan) for r in range(sw.spec.replications)])
            yield []  # lets the caller count the point as done
            continue
        batch.append((i, sc))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Progress:
    def __init__(self, total: int, initial: int, desc: str, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(
                total=total,
                initial=initial,
                desc=desc,
                unit="point",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.5,
                smoothing=0.1,
            )

    def update(self, n: int) -> None:
        if self.bar is not None and n:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _check(
    executor: str,
    workers: int | None,
    scheduler: str | None,
    chunk_size: int | None,
    store: str | Path | None,
    resume: bool,
) -> None:
    if executor not in EXECUTORS:
        raise MentorsimError(f"executor: {executor!r} is not an executor{nearest(executor, list(EXECUTORS))}")
    if scheduler is not None and not EXECUTORS[executor].uses_scheduler:
        raise MentorsimError(f"scheduler: only used by the dask executor (executor is {executor!r})")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise MentorsimError(f"workers: must be an integer >= 1 (got {workers!r})")
    EXECUTORS[executor].check(workers)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise MentorsimError(f"chunk_size: must be an integer >= 1 (got {chunk_size!r})")
    if resume and store is None:
        raise MentorsimError("resume: needs a store directory to resume from")
    if store is not None:
        possible_path(store, "store")


def sweep(
    spec: Sweep | SweepSpec | str | Path | dict[str, Any],
    executor: str = "serial",
    workers: int | None = None,
    store: str | Path | None = None,
    resume: bool = False,
    scheduler: str | None = None,
    progress: bool = True,
    chunk_size: int | None = None,
    pool: Any = None,
    repair: bool = False,
) -> SweepResult:
    """Run a sweep and return its results.

    spec: a sweep YAML path, a mapping or a ``Sweep``. executor: ``serial``,
    ``processes`` (``workers`` processes: this one and a spawn-context pool of
    ``workers - 1`` made inside this call, so it is safe in Jupyter) or ``dask``
    (a ``dask.distributed`` client to ``scheduler``, e.g.
    ``"tcp://10.0.0.5:8786"``, or a LocalCluster of ``workers`` single-threaded
    worker processes started and stopped here). store: a directory for resumable
    Parquet chunks (without one, results are kept in memory). resume: finish the
    points missing from ``store``, after moving damaged or unknown chunks to
    ``store/damaged/`` so their points run again (``run_info["set_aside"]`` lists
    them); repair: the same (resume=True). Only one run writes a store at a time:
    another holding it is refused (``StoreError``). pool: with ``processes``, an existing
    ``concurrent.futures`` executor of ``workers - 1`` processes to use instead of
    making one (see ``executors.spawn_pool``). Results do not depend on the
    executor, the worker count, the chunking or resumption.
    """
    sw = as_sweep(spec)
    resume = resume or repair
    _check(executor, workers, scheduler, chunk_size, store, resume)
    n_workers = workers or EXECUTORS[executor].default_workers()
    check_sweep(sw, executor, n_workers, scheduler)  # before the store exists: a refused sweep leaves nothing

    st = Store(store, sw.arrow_schema()) if store is not None else None
    done = st.open(sw.manifest(), resume) if st is not None else set()
    try:
        return _run(sw, st, done, executor, n_workers, scheduler, progress, chunk_size, pool)
    finally:
        if st is not None:
            st.close()  # the writer's lock goes with the run, however it ends


def _run(
    sw: Sweep,
    st: Store | None,
    done: set[int],
    executor: str,
    n_workers: int,
    scheduler: str | None,
    progress: bool,
    chunk_size: int | None,
    pool: Any,
) -> SweepResult:
    todo = [i for i in range(sw.n_points) if i not in done]
    size = chunk_size or (max(1, min(64, math.ceil(len(todo) / (n_workers * 16)))) if todo else 1)
    sink = _Sink(sw, st, {}, flush_seconds=0.0 if chunk_size else _Sink.FLUSH_SECONDS)
    bar = _Progress(sw.n_points, len(done), sw.name, progress and bool(todo))
    args = (sw.spec.seed, sw.spec.replications, sw.metrics, added())
    t0 = time.perf_counter()
    try:
        if todo:
            with EXECUTORS[executor].open(n_workers, scheduler, pool) as w:
                _drive(w, args, _chunks(sw, todo, size, sink, w.size + w.helps), sink, bar)
    except LostWork as e:
        sink.flush()
        missing = [i for i in todo if i not in sink.seen]
        raise MentorsimError(_lost(st, missing, len(done) + len(sink.seen), e.why)) from None
    except Unwritten as e:  # a chunk could not be written (a full disk, a quota)
        raise MentorsimError(_unwritten(st, e.error)) from None
    finally:
        try:
            sink.flush()  # finished rows are kept even when the run stops early
        except Unwritten:
            pass  # the write that failed is reported above
        bar.close()
    seconds = time.perf_counter() - t0
    info: dict[str, Any] = {
        "executor": executor,
        "workers": 1 if executor == "serial" else (n_workers if scheduler is None else None),
        "scheduler": scheduler,
        "chunk_size": size,
        "points_run": len(todo),
        "resumed_from": len(done),
        "seconds": round(seconds, 3),
        "points_per_second": round(len(todo) / seconds, 3) if seconds > 0 else None,
        "host": socket.gethostname(),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if st is not None and st.set_aside:
        info["set_aside"] = [{"chunk": name, "why": why} for name, why in st.set_aside]
    if st is not None:
        st.log_run(info)
    return SweepResult(sw, st, frame=None if st is not None else concat(sink.frames, sw), run_info=info)


def _drive(w: Workers, args: tuple[Any, ...], chunks: Iterator[Chunk], sink: _Sink, bar: _Progress) -> None:
    """Run every chunk (``run_chunk(items, *args)``) on the workers, a bounded window in flight (``run.driver``:
    a dead worker's chunk runs again on fresh workers); each finished chunk goes to the sink at once.
    When the workers' caller ``helps``, this process runs chunks too, between collecting the others'."""

    def tasks() -> Iterator[tuple[tuple[int, ...], tuple[Any, ...]]]:
        for items in chunks:
            if items:
                yield tuple(i for i, _ in items), (items, *args)
            else:
                bar.update(1)  # an invalid point, already recorded

    try:
        drive(w, run_chunk, tasks(), lambda _, rows: bar.update(sink.add(rows)))
    except TaskFailed as e:  # the task itself failed: a worker that cannot import mentorsim, say
        raise MentorsimError(
            f"a worker could not run its chunk of points ({e}); the finished chunks "
            "are kept: fix the workers and run again with --resume"
        ) from None


def _lost(st: Store | None, missing: list[int], kept: int, why: str) -> str:
    """The one line that says which points could not be run, and how to finish them."""
    where = f"{st.path}: " if st is not None else ""
    head = f"{where}points {spans(missing)} ({len(missing):,} in all) could not be run ({why})"
    if st is None:
        return f"{head}; run the sweep again (with a store, store=DIR, a stopped sweep resumes where it stopped)"
    return (
        f"{head}; the {kept:,} finished points are kept: run the same command with --resume (resume=True) "
        "to run only the missing ones"
    )


def _unwritten(st: Store | None, e: OSError) -> str:
    """The one line for a chunk that could not be written."""
    why = (e.strerror or str(e) or type(e).__name__).splitlines()[0]
    return (
        f"{st.path if st is not None else 'the sweep'}: cannot write a chunk ({why}); the chunks written before "
        "are kept: free some space, then run the same command with --resume (resume=True) to finish"
    )


def check_sweep(sw: Sweep, executor: str, workers: int, scheduler: str | None) -> None:
    """Refuse, before any store exists, a sweep whose scheduler cannot be used or whose planned memory does not
    fit (each worker runs one point at a time: its replications batch by batch, keeping only metrics)."""
    from mentorsim.run.limits import memory_problem

    local = 1 if executor == "serial" or scheduler is not None else workers
    why = memory_problem([largest(sw)], sw.spec.replications, local, streamed=True, helps=executor == "processes")
    if why:
        raise MentorsimError(f"{sw.name}: {why}")
    EXECUTORS[executor].reach(scheduler)


def largest(sw: Sweep) -> tuple[int, int]:
    """The most people and weeks any point of the sweep may have (its parameters' largest values)."""
    people, weeks = sw.base.workforce.size, sw.base.horizon_weeks
    for p in sw.params:
        if p.key in ("workforce.size", "horizon_weeks"):
            vals = [p.range.high] if p.range is not None else [v for v in (p.values or ()) if isinstance(v, int)]
            top = int(max(vals, default=0))
            people, weeks = (max(people, top), weeks) if p.key == "workforce.size" else (people, max(weeks, top))
    return people, weeks
