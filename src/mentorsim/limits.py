"""Caps on how much work one call may ask for, checked before anything runs (see docs/reliability-limits.md).

The command line and the Python API (``ms.simulate``, ``ms.compare``) refuse more replications or workers
than these with one line that says why.
"""

from __future__ import annotations

import os

__all__ = ["MAX_REPLICATIONS", "cpus", "max_workers", "replications_problem", "workers_problem"]

# intervals narrow with the square root of the count: 10,000 replications pin a mean to 1% of one
# replication's spread, and a run of them at the largest workforce already takes days
MAX_REPLICATIONS = 10_000


def cpus() -> int:
    """CPUs this process may run on (its affinity where the OS tells it, else the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def max_workers() -> int:
    """The most local worker processes allowed: 2 x the CPUs here, at least 4."""
    return max(4, 2 * cpus())


def replications_problem(n: int) -> str | None:
    """Why ``n`` replications are too many, or None."""
    if n > MAX_REPLICATIONS:
        return (f"{n:,} is more than {MAX_REPLICATIONS:,} (intervals narrow with the square root of the count; "
                f"{MAX_REPLICATIONS:,} already pin a mean to 1% of one replication's spread)")
    return None


def workers_problem(n: int) -> str | None:
    """Why ``n`` local workers are too many, or None."""
    cap = max_workers()
    if n > cap:
        return (f"{n:,} is more than {cap} (2 x the {cpus()} CPUs here, at least 4); "
                "more processes than cores only add memory")
    return None
