"""Dask as workers: a client to a running scheduler, or a LocalCluster made here, whose dead workers are replaced.

A worker that dies (killed, out of memory) is restarted by its nanny and dask runs its task again; a task
whose workers died ``distributed.scheduler.allowed-failures`` + 1 times comes back as ``KilledWorker``, which
``lost`` reports as a dead worker (not a failing task) so ``run.driver`` can run it again. When a local
cluster has lost every worker (a nanny that failed to start) ``renew`` starts a fresh one; a running
scheduler with no workers is waited for (``reach.WORKER_WAIT_SECONDS``), then refused in one line.
Dask's own log lines are silenced while the client is open: what went wrong is said once, by mentorsim.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Collection
from concurrent.futures import CancelledError
from typing import Any

from mentorsim.errors import MentorsimError
from mentorsim.run import reach
from mentorsim.run.executors import Workers, main_importable

__all__ = ["LOCAL_STARTS", "DaskWorkers"]

# attempts at starting a local cluster (a worker killed while it starts fails the whole start)
LOCAL_STARTS = 2
# how long a local cluster whose workers all died may take to restart them (its nannies do) before it is replaced
RESTART_SECONDS = 20.0


def _why(e: BaseException) -> str:
    text = str(e).splitlines()[0].strip() if str(e).strip() else ""
    return f"{type(e).__name__}: {text}"[:200] if text else type(e).__name__


class DaskWorkers(Workers):
    """Workers of a ``dask.distributed`` client: to ``scheduler``, or to a LocalCluster of ``workers``
    single-threaded processes started here (and stopped by ``close``)."""

    def __init__(self, workers: int, scheduler: str | None = None):
        from distributed.utils import silence_logging_cmgr

        self.n, self.scheduler = workers, scheduler
        self.cluster: Any = None
        self.client: Any = None
        self._quiet = contextlib.ExitStack()
        self._quiet.enter_context(silence_logging_cmgr(logging.CRITICAL))
        try:
            self._connect()
        except BaseException:
            self.close()
            raise
        super().__init__(self._submit, self._wait, self.alive() or workers)

    # ---- connecting -------------------------------------------------------------------------------
    def _connect(self) -> None:
        from dask.distributed import Client

        if self.scheduler is not None:
            try:
                self.client = Client(self.scheduler, timeout=f"{2 * reach.CONNECT_SECONDS:g}s")
            except Exception as e:
                raise MentorsimError(f"scheduler: cannot connect to {self.scheduler!r}: {_why(e)}") from None
            return
        last: BaseException | None = None
        for _ in range(LOCAL_STARTS):
            try:
                self.cluster = self._local()
                self.client = Client(self.cluster)
                return
            except Exception as e:  # e.g. 'Nanny failed to start' when a worker dies while starting
                last = e
                self._stop()
        raise MentorsimError(
            f"dask: could not start a local cluster of {self.n} worker processes ({_why(last or RuntimeError())}, "
            f"{LOCAL_STARTS} tries); run again, or use --executor processes"
        )

    def _local(self) -> Any:
        from dask.distributed import LocalCluster

        with main_importable():
            return LocalCluster(
                n_workers=self.n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )

    def _stop(self) -> None:
        for part in (self.client, self.cluster):
            if part is not None:
                with contextlib.suppress(Exception):  # a cluster whose workers died may fail to close cleanly
                    part.close()
        self.client = self.cluster = None

    def close(self) -> None:
        """Close the client, and the local cluster if one was started here."""
        self._stop()
        self._quiet.close()

    # ---- running ----------------------------------------------------------------------------------
    def _submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        return self.client.submit(fn, *args, pure=False)

    def _wait(self, pending: Collection[Any]) -> Collection[Any]:
        from dask.distributed import wait

        try:
            return wait(list(pending), return_when="FIRST_COMPLETED").done
        except CancelledError:
            return [f for f in pending if f.status != "pending"]

    def poll(self, pending: Collection[Any], timeout: float) -> Collection[Any]:
        from dask.distributed import wait

        try:
            return wait(list(pending), timeout=timeout, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            return set()
        except CancelledError:  # some were cancelled (their workers or the scheduler went away): those are done
            return [f for f in pending if f.status != "pending"]

    def lost(self, error: BaseException) -> bool:
        from distributed.comm.core import CommClosedError
        from distributed.scheduler import KilledWorker

        return isinstance(error, (KilledWorker, CommClosedError, CancelledError))

    def explain(self, error: BaseException) -> str:
        from distributed.scheduler import KilledWorker

        if isinstance(error, KilledWorker):
            return "the dask workers running it died: killed, or out of memory"
        if isinstance(error, CancelledError):
            return "dask dropped it: its workers or the scheduler went away"
        return f"the connection to dask closed ({_why(error)})"

    def alive(self) -> int:
        try:
            info = self.client.scheduler_info(n_workers=0)
        except Exception:  # the scheduler cannot be reached: no workers to count
            return 0
        return int(info.get("n_workers", len(info.get("workers", {}))))

    def renew(self, pending: Collection[Any]) -> None:
        """Workers again after a loss: a local cluster's nannies restart dead workers (given ``RESTART_SECONDS``,
        then the cluster is replaced by a fresh one); a running scheduler is given ``WORKER_WAIT_SECONDS``."""
        wait = RESTART_SECONDS if self.scheduler is None else reach.WORKER_WAIT_SECONDS
        deadline = time.monotonic() + wait
        while self.alive() == 0:
            if time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        else:
            return
        if self.scheduler is None:
            self._stop()
            self._connect()
            self.epoch += 1
            return
        raise MentorsimError(
            f"the Dask scheduler at {self.scheduler} has had no workers for {wait:g} s; "
            f"{reach.start_workers_hint(self.scheduler)}"
        )
