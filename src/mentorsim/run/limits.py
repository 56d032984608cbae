"""Caps on how much work one call may ask for, checked before anything runs (see docs/reliability.md).

The command line and the Python API (``ms.simulate``, ``ms.compare``, ``ms.sweep``, ``mentorsim optimize``)
refuse more replications, trials or workers than these with one line that says why, and a run whose planned
memory does not fit what this process may use: the machine's memory, the container's (cgroup v2
``memory.max``, v1 ``memory.limit_in_bytes``) and the process's address space (``RLIMIT_AS``).
"""

from __future__ import annotations

import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_REPLICATIONS",
    "MAX_TRIALS",
    "MEMORY_MODEL",
    "Plan",
    "address_space_bytes",
    "cgroup_bytes",
    "cpus",
    "max_workers",
    "memory_bytes",
    "memory_problem",
    "plan",
    "planned_bytes",
    "replications_problem",
    "trials_problem",
    "workers_problem",
]

# intervals narrow with the square root of the count: 10,000 replications pin a mean to 1% of one
# replication's spread, and a run of them at the largest workforce already takes days
MAX_REPLICATIONS = 10_000
# designs one search may try: NSGA-II sorts every trial into fronts, and 10,000 designs of a 1,000-person
# workforce already take about a day on two cores
MAX_TRIALS = 10_000

# The memory plan, fitted by least squares to measured peaks (tools/measure_memory.py; each run a fresh
# interpreter, peak resident memory VmHWM, scenarios/one_on_one.yaml, 10 to 1,000,000 people, 4 to 1,040
# weeks): a process's peak is base + the results it keeps (per starting person and replication, k0 + k1 x
# weeks: people, relationships and time series) + one running batch (per starting person it holds, r0 + r1 x
# weeks). A worker process (worker_base: it loads the engine only) keeps one batch's results at a time, twice
# (the results and their pickle). Writing a run's tables (run --out) takes ``out`` times its results again.
MEMORY_MODEL = {"base": 145e6, "k0": 135.0, "k1": 0.66, "r0": 600.0, "r1": 4.9, "worker_base": 49e6, "out": 2.5}
# the address space a process reserves beyond its resident memory (thread stacks, malloc arenas, Arrow's
# memory pool): measured 1.33-1.46 GB (VmPeak - VmHWM), rounded up
ADDRESS_SPACE_OVERHEAD = 1.6e9
# share of the machine's (or the container's) memory a run may plan to use
MEMORY_SHARE = 0.75


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


def trials_problem(n: int) -> str | None:
    """Why ``n`` design-search trials are too many, or None."""
    if n > MAX_TRIALS:
        return (
            f"{n:,} is more than {MAX_TRIALS:,} (NSGA-II sorts every trial into fronts; {MAX_TRIALS:,} designs "
            "already take about a day); narrow the levers instead"
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


# ---- what this process may use -------------------------------------------------------------------------


def memory_bytes() -> int:
    """This machine's physical memory (0 where the OS does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return 0


def _read_limit(path: Path) -> int:
    try:
        text = path.read_text().strip()
    except OSError:
        return 0
    if not text.isdigit():  # "max": no limit
        return 0
    v = int(text)
    return v if 0 < v < 2**60 else 0  # v1 says "no limit" with a huge number


def cgroup_bytes(root: Path = Path("/sys/fs/cgroup"), proc: Path = Path("/proc/self/cgroup")) -> int:
    """The memory limit of this process's control group and its parents (cgroup v2 ``memory.max``, v1
    ``memory.limit_in_bytes``), the smallest one set; 0 when none is."""
    found: list[int] = []
    try:
        lines = proc.read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, rel = parts
        if controllers == "":
            base, name = root, "memory.max"
        elif "memory" in controllers.split(","):
            base, name = root / "memory", "memory.limit_in_bytes"
        else:
            continue
        d = base / rel.lstrip("/")
        while True:  # this group and every parent up to the root
            found.append(_read_limit(d / name))
            if d == base or base not in d.parents:
                break
            d = d.parent
    found += [_read_limit(root / "memory.max"), _read_limit(root / "memory" / "memory.limit_in_bytes")]
    found = [v for v in found if v > 0]
    return min(found) if found else 0


def address_space_bytes() -> int:
    """This process's address-space limit (``RLIMIT_AS``, inherited by its workers); 0 when there is none."""
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return 0
    return 0 if soft == resource.RLIM_INFINITY or soft <= 0 else int(soft)


# ---- the plan ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Planned peak memory in bytes: of this process, of each local worker process, and of all of them."""

    main: int
    worker: int
    workers: int

    @property
    def total(self) -> int:
        return self.main + self.workers * self.worker


def _shape(s: Any) -> tuple[int, int]:
    """(people, weeks) of a scenario, or of a (people, weeks) pair."""
    if isinstance(s, tuple):
        return int(s[0]), int(s[1])
    return int(s.workforce.size), int(s.horizon_weeks)


def _batch_reps(people: int, weeks: int, replications: int) -> int:
    from mentorsim.engine import BATCH_PERSON_WEEKS, BATCH_WEEKS

    return max(1, min(replications, BATCH_PERSON_WEEKS // (max(people, 1) * max(weeks, BATCH_WEEKS))))


def plan(
    scenarios: Sequence[Any],
    replications: int,
    workers: int = 1,
    streamed: bool = False,
    helps: bool = False,
    writes: bool = False,
    model: dict[str, float] | None = None,
) -> Plan:
    """The planned peak memory of ``replications`` of each scenario (a Scenario or a (people, weeks) pair).

    workers: local worker processes (1: everything in this process). streamed: results go to disk (a sweep)
    or are reduced to metrics (a design search) as each task ends, so no process keeps them all; a worker
    (and this process, when it ``helps``) runs one point at a time. Otherwise this process keeps every
    replication's results until the call returns; writes: and then writes them as tables (``run --out``).
    model: the figures to plan with (default ``MEMORY_MODEL``).
    """
    m = model or MEMORY_MODEL
    shapes = [_shape(s) for s in scenarios]

    def kept(people: int, weeks: int, reps: int) -> float:
        return reps * people * (m["k0"] + m["k1"] * weeks)

    def running(people: int, weeks: int) -> float:
        return _batch_reps(people, weeks, replications) * people * (m["r0"] + m["r1"] * weeks)

    batch = max((running(p, w) for p, w in shapes), default=0.0)
    batch_kept = max((kept(p, w, _batch_reps(p, w, replications)) for p, w in shapes), default=0.0)
    worker = m["worker_base"] + batch + 2 * batch_kept
    if streamed:
        main = m["base"] + (batch + batch_kept if helps or workers <= 1 else 0.0)
    else:
        results = sum(kept(p, w, replications) for p, w in shapes)
        main = m["base"] + results * (1 + (m["out"] if writes else 0.0))
        main += batch if workers <= 1 else batch_kept  # the running batch, or one batch's results arriving
    n = workers if workers > 1 else 0
    return Plan(int(main), int(worker) if n else 0, n)


def planned_bytes(scenarios: Sequence[Any], replications: int, workers: int = 1) -> int:
    """The memory a run of ``replications`` of each scenario is planned to need, all processes together."""
    return plan(scenarios, replications, workers).total


def _gb(b: float) -> str:
    return f"{b / 1e9:,.1f} GB"


def memory_problem(
    scenarios: Sequence[Any],
    replications: int,
    workers: int = 1,
    streamed: bool = False,
    helps: bool = False,
    writes: bool = False,
) -> str | None:
    """Why this run would not fit the memory this process may use (see the module docstring), or None."""
    p = plan(scenarios, replications, workers, streamed, helps, writes)
    people = max((_shape(s)[0] for s in scenarios), default=0)
    what = f"{replications:,} replications of {len(scenarios)} scenario(s) of up to {people:,} people" + (
        f" on {workers} processes" if workers > 1 else ""
    )
    fix = (
        "run fewer workers"
        if streamed
        else "run fewer replications or workers, or a sweep, which streams results to disk"
    )
    space = address_space_bytes()
    biggest = max(p.main, p.worker)
    if space and biggest + ADDRESS_SPACE_OVERHEAD > space:
        return (
            f"{what} are planned to need about {_gb(biggest)} in one process, plus about "
            f"{_gb(ADDRESS_SPACE_OVERHEAD)} of address space it reserves, more than this process's address-space "
            f"limit of {_gb(space)} (ulimit -v, RLIMIT_AS); raise the limit, or {fix}"
        )
    machine, group = memory_bytes(), cgroup_bytes()
    have, where = machine, f"this machine's {_gb(machine)}"
    if group and (not machine or group < machine):
        have, where = group, f"this container's memory limit of {_gb(group)} (cgroup)"
    if have and p.total > MEMORY_SHARE * have:
        kept = "" if streamed else " (results kept in memory)"
        return f"{what} are planned to need about {_gb(p.total)}{kept}, more than 3/4 of {where}; {fix}"
    return None
