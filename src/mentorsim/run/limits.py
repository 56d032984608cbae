"""Caps on how much work one call may ask for, checked before anything runs (see docs/reliability.md).

The command line and the Python API (``ms.simulate``, ``ms.compare``) refuse more replications or workers
than these with one line that says why.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

__all__ = [
    "MAX_REPLICATIONS",
    "RESULT_BYTES_PER_PERSON",
    "cpus",
    "max_workers",
    "memory_bytes",
    "memory_problem",
    "planned_bytes",
    "replications_problem",
    "workers_problem",
]

# what one replication's results keep per starting person over 156 weeks (people, relationships and time
# series arrays; measured 212 bytes at 50,000 people, docs/reliability.md), rounded up; a longer
# horizon keeps more (its hires)
RESULT_BYTES_PER_PERSON = 250
# what a running batch takes per starting person over 156 weeks, besides the results it returns (measured:
# a 1,000,000-person replication over 156 weeks peaks at 1.26 GB), rounded up, and the interpreter's own
BATCH_BYTES_PER_PERSON = 1_300
BASE_BYTES = 300 * 1024**2

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
        return (
            f"{n:,} is more than {MAX_REPLICATIONS:,} (intervals narrow with the square root of the count; "
            f"{MAX_REPLICATIONS:,} already pin a mean to 1% of one replication's spread)"
        )
    return None


def workers_problem(n: int) -> str | None:
    """Why ``n`` local workers are too many, or None."""
    cap = max_workers()
    if n > cap:
        return (
            f"{n:,} is more than {cap} (2 x the {cpus()} CPUs here, at least 4); "
            "more processes than cores only add memory"
        )
    return None


def memory_bytes() -> int:
    """This machine's physical memory (0 where the OS does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return 0


def planned_bytes(scenarios: Sequence[Any], replications: int) -> int:
    """The memory a run of ``replications`` of each scenario is planned to need: every replication's results,
    kept until the call returns, and one batch running."""
    from mentorsim.engine import batches

    kept = sum(
        replications * s.workforce.size * RESULT_BYTES_PER_PERSON * max(1.0, s.horizon_weeks / 156) for s in scenarios
    )
    running = max(
        len(batches(s, list(range(replications)))[0])
        * s.workforce.size
        * BATCH_BYTES_PER_PERSON
        * max(1.0, s.horizon_weeks / 156)
        for s in scenarios
    )
    return int(kept + running) + BASE_BYTES


def memory_problem(scenarios: Sequence[Any], replications: int) -> str | None:
    """Why the results of this run would not fit in three quarters of this machine's memory, or None."""
    have = memory_bytes()
    need = planned_bytes(scenarios, replications)
    if have <= 0 or need <= 0.75 * have:
        return None
    people = max(s.workforce.size for s in scenarios)
    return (
        f"{replications:,} replications of {len(scenarios)} scenario(s) of up to {people:,} people are planned "
        f"to need about {need / 1e9:,.1f} GB (results kept in memory), more than 3/4 of this machine's "
        f"{have / 1e9:,.1f} GB; run fewer replications, or a sweep, which streams results to disk"
    )
