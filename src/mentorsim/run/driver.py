"""Running tasks on an executor's workers: a bounded window in flight, a dead worker's tasks run again.

``drive(w, fn, tasks, done)`` submits ``fn(*args)`` for each ``(key, args)`` of ``tasks`` (at most a window
of them at once) and calls ``done(key, result)`` as each finishes. A task whose worker died (a killed
process, a broken pool, a dask ``KilledWorker``) runs again on fresh workers, at most ``TRIES`` times in
all; a task that fails by itself raises ``TaskFailed`` (its error in ``error``). Tasks are pure (the same arguments give the same
result), so a task run again gives what it would have given the first time. When a task has been lost
``TRIES`` times, or the workers cannot be replaced, the other tasks still run (every result reaches
``done``) and then ``LostWork`` says why: the caller names what is missing and how to resume.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

from mentorsim.errors import MentorsimError
from mentorsim.run import reach
from mentorsim.run.executors import Workers

__all__ = ["TRIES", "LostWork", "TaskFailed", "drive", "spans"]

# how many times a task may be run on a worker that dies before the run stops without it
TRIES = 3
# how often a run with work in flight checks that its workers are still there
POLL_SECONDS = 2.0

Task = tuple[Hashable, tuple[Any, ...]]


class LostWork(MentorsimError):
    """Tasks whose workers died too often, or that no worker was left to run; ``why`` says what happened."""

    def __init__(self, why: str, keys: list[Hashable]):
        super().__init__(why)
        self.why, self.keys = why, keys


class TaskFailed(Exception):
    """A task raised on a worker that is still there (its own error, ``error``; not a dead worker)."""

    def __init__(self, error: BaseException):
        super().__init__(_why(error))
        self.error = error


def _why(e: BaseException) -> str:
    text = str(e).splitlines()[0].strip() if str(e).strip() else ""
    return f"{type(e).__name__}: {text}"[:160] if text else type(e).__name__


def drive(
    w: Workers,
    fn: Callable[..., Any],
    tasks: Iterable[Task],
    done: Callable[[Hashable, Any], None],
    window: int | None = None,
    tries: int = TRIES,
    stall: float | None = None,
) -> None:
    """Run every task on ``w`` (see the module docstring); ``window``: tasks in flight (default: enough to
    keep every worker busy). ``stall``: seconds with work in flight and no worker at all before the
    workers are replaced, or the run stops (default ``reach.WORKER_WAIT_SECONDS``)."""
    stall = reach.WORKER_WAIT_SECONDS if stall is None else stall
    window = window or (w.size + 1 if w.helps else max(2, 3 * w.size))
    source: Iterator[Task] = iter(tasks)
    again: deque[Task] = deque()
    pending: dict[Any, tuple[Task, int]] = {}  # future -> (task, the epoch it was submitted in)
    losses: Counter[Hashable] = Counter()
    given_up: list[Hashable] = []
    why: list[str] = []
    exhausted = False

    def take() -> Task | None:
        nonlocal exhausted
        if again:
            return again.popleft()
        if exhausted:
            return None
        t = next(source, None)
        exhausted = t is None
        return t

    def lose(task: Task, cause: str) -> None:
        losses[task[0]] += 1
        if not why or why[-1] != cause:
            why.append(cause)
        if losses[task[0]] >= tries:
            given_up.append(task[0])
        else:
            again.append(task)

    def drop(f: Any) -> None:
        with contextlib.suppress(Exception):  # a future of a closed client cannot even be cancelled
            f.cancel()

    def replace(stale: bool) -> None:
        """Fresh workers after a loss (once per pool); when that fails, nothing more can run. The tasks still
        pending on the old workers are kept if they finished, else lost."""
        if stale:
            return
        before = w.epoch
        try:
            w.renew(list(pending))
        except MentorsimError as e:
            for f, (task, _) in list(pending.items()):
                drop(f)
                given_up.append(task[0])
            pending.clear()
            given_up.extend(t[0] for t in again)
            again.clear()
            raise LostWork(str(e), given_up) from None
        if w.epoch == before:
            return
        for f, (task, _) in list(pending.items()):  # the old workers are gone
            del pending[f]
            try:
                result = f.result(timeout=0) if f.done() else None
                ok = f.done()
            except Exception:
                ok = False
            if ok:
                done(task[0], result)
            else:
                drop(f)
                lose(task, why[-1] if why else "its workers were replaced")

    def collect(finished: Iterable[Any]) -> None:
        renew_for: int | None = None
        for f in finished:
            if f not in pending:  # dropped when its workers were replaced
                continue
            task, epoch = pending.pop(f)
            try:
                result = f.result()
            except Exception as e:
                if not w.lost(e):
                    raise TaskFailed(e) from e
                lose(task, w.explain(e))
                if epoch == w.epoch:
                    renew_for = epoch
                continue
            done(task[0], result)
        if renew_for is not None:
            replace(stale=renew_for != w.epoch)

    no_workers_since: float | None = None
    try:
        while True:
            while len(pending) < window:
                t = take()
                if t is None:
                    break
                pending[w.submit(fn, *t[1])] = (t, w.epoch)
            if w.helps:
                t = take()
                if t is not None:  # the caller runs a task too, then collects what the others finished
                    done(t[0], fn(*t[1]))
                    collect([f for f in pending if f.done()])
                    continue
            if not pending:
                break
            finished = w.poll(list(pending), POLL_SECONDS)
            if finished:
                no_workers_since = None
                collect(finished)
                continue
            if w.alive() > 0:
                no_workers_since = None
            elif no_workers_since is None:
                no_workers_since = time.monotonic()
            elif time.monotonic() - no_workers_since >= stall:  # every worker is gone: their tasks are lost
                no_workers_since = None
                for f, (task, _) in list(pending.items()):
                    drop(f)
                    lose(task, f"no workers for {stall:g} s")
                pending.clear()
                replace(stale=False)
    except BaseException:
        for f in pending:
            drop(f)
        raise
    if given_up:
        raise LostWork("; ".join(why), given_up)


def spans(numbers: Iterable[int], most: int = 6) -> str:
    """Numbers as short ranges: ``3-5, 9, 12-20 and 4 more ranges``."""
    runs: list[list[int]] = []
    for x in sorted(set(int(x) for x in numbers)):
        if runs and x == runs[-1][1] + 1:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    text = [f"{a}-{b}" if b > a else str(a) for a, b in runs]
    return ", ".join(text[:most]) + (f" and {len(text) - most} more ranges" if len(text) > most else "")
