"""What worker processes run: replications and sweep chunks, importing only the engine.

Kept free of pandas and plotting so a spawned worker (local pool or Dask) starts
quickly; everything here is pickled by name.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from mentorsim import engine
from mentorsim.engine import RepResult
from mentorsim.programs import install
from mentorsim.schema.scenario import Scenario

STATUS_OK, STATUS_FAILED = "ok", "failed"


def run_reps(args: tuple[Scenario, int, list[int], object, Any]) -> list[RepResult]:
    """Replications ``reps`` of one scenario with one seed (a chunk of ms.simulate / ms.compare);
    ``plugins``: formats and policies the caller registered (``programs.added()``)."""
    sc, seed, reps, trace, plugins = args
    install(plugins)
    return engine.run_batch(sc, seed, reps, trace)


def watch_parent(parent: int, every: float = 0.5) -> None:
    """Pool initializer: end this worker when the process that started it dies (even by SIGKILL),
    and leave interrupts (SIGINT) to the parent.

    A daemon thread polls ``os.getppid()``: once the parent is gone the worker is re-parented
    and its parent id changes, so it exits at once rather than linger with no one to serve.
    (``prctl(PR_SET_PDEATHSIG)`` would follow the parent *thread*, and pools start workers
    from helper threads, so polling is the portable and safe choice.)
    """
    import signal
    import threading

    # Ctrl+C (or a Jupyter kernel's interrupt) reaches the whole process group: the parent handles it
    # and stops its pool, so a worker does not print a KeyboardInterrupt traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(every)

    if os.getppid() != parent:  # the parent died while this worker was starting
        os._exit(1)
    threading.Thread(target=watch, name="mentorsim-watch-parent", daemon=True).start()


def warm_up() -> None:
    """Load what a first replication needs (the engine is already imported; the assignment solver is not)."""
    from mentorsim.programs.matching import assignment_solver

    assignment_solver()


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_chunk(
    items: list[tuple[int, Scenario]], seed: int, replications: int, metrics: tuple[str, ...], plugins: Any = None
) -> list[tuple]:
    """Run every replication of each sweep point; a point that raises is returned as failed with its error.
    ``plugins``: formats and policies the caller registered (``programs.added()``).

    Returns rows ``(point, replication, status, error, elapsed_seconds, worker, *metrics)``.
    """
    install(plugins)
    who = _worker_name()
    rows: list[tuple] = []
    nan = (float("nan"),) * len(metrics)
    for point, sc in items:
        out = []
        try:
            t0 = time.perf_counter()
            got: list[dict[str, float]] = []
            for part in engine.batches(sc, list(range(replications))):  # only a batch's results at a time
                got.extend(rr.metrics for rr in engine.run_batch(sc, seed, part))
            each = (time.perf_counter() - t0) / max(replications, 1)
            for r, m in enumerate(got):
                out.append((point, r, STATUS_OK, "", each, who, *(float(m.get(k, float("nan"))) for k in metrics)))
        except Exception as e:  # a failing point is recorded and the sweep goes on
            msg = f"{type(e).__name__}: {e}".splitlines()[0][:500]
            out = [(point, r, STATUS_FAILED, msg, 0.0, who, *nan) for r in range(replications)]
        rows.extend(out)
    return rows
