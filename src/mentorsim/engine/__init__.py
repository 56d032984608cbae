"""The engine: one SimPy environment, time in weeks, processes acting on arrays.

``run(scenario, seed, replication)`` simulates one replication and returns plain
arrays (a ``RepResult``); everything parallel builds on this pure function.
``run_batch(scenario, seed, replications)`` runs several replications of a scenario
as one population: each replication is a *site* (a block of person slots with its
own random streams, counters and time series), so a weekly update is one array
operation for all of them, while everything decided per replication is decided from
its own site. A replication's result is exactly what ``run`` gives it alone (tested),
whatever batch it shares.

Layout: ``simulation`` wires the state; ``schedule`` is the table of steps; one module
per process (``intake``, ``matching``, ``burnout``, ``meetings``, ``seasons``,
``recognition``, ``promotions``, ``growth``, ``turnover``, ``hiring``, ``recording``);
``relationships`` is the relationship store and its lifecycle; ``sites`` the per-site
arithmetic and draws; ``tracer`` the event log; ``output`` packs the results. Formats,
recognition policies and overlays are plug-ins in ``mentorsim.programs``.

{order}

``mentorsim order`` prints this order.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from typing import Any

from mentorsim.engine.schedule import STEPS, order_text
from mentorsim.engine.simulation import Simulation
from mentorsim.schema.metrics import rep_metrics
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.tables import END_REASONS, TS, TS_METRICS, RepResult

__doc__ = __doc__.replace("{order}", order_text())

# a batch holds at most BATCH_PEOPLE starting people over BATCH_WEEKS weeks across its replications: a
# batch's memory grows with its people and with the hires of its horizon (measured: one batch of 50,000
# people over 156 weeks peaks at about 115 MB; docs/reliability.md). A horizon shorter than
# BATCH_WEEKS does not earn a bigger batch (the starting people cost memory whatever the horizon), and large
# workforces are already vectorized within one replication.
BATCH_PEOPLE = 50_000
BATCH_WEEKS = 156
BATCH_PERSON_WEEKS = BATCH_PEOPLE * BATCH_WEEKS
# a finished batch's state is a web of reference cycles (the processes and the SimPy environment refer to the
# simulation), freed only by the cyclic garbage collector, which may not run before the next batch has
# allocated its own: a batch this large (in people x weeks) is collected as soon as it is done (a collection
# takes about 25 ms, such a batch at least 0.3 s), so a call's memory is its results and one running batch
COLLECT_PERSON_WEEKS = BATCH_PERSON_WEEKS // 8


def batches(scenario: Scenario, replications: list[int]) -> list[list[int]]:
    """Split replications into batches of at most ``BATCH_PERSON_WEEKS`` people x weeks (a horizon counted as
    at least ``BATCH_WEEKS``), at least one replication each. A replication's result does not depend on its
    batch."""
    weeks = max(scenario.horizon_weeks, BATCH_WEEKS)
    per = max(1, BATCH_PERSON_WEEKS // (max(scenario.workforce.size, 1) * weeks))
    return [replications[i : i + per] for i in range(0, len(replications), per)]


def run_batch(scenario: Scenario, seed: int, replications: Iterable[int], trace: Any = None) -> list[RepResult]:
    """Simulate several replications of one scenario together (in batches of at most
    ``BATCH_PERSON_WEEKS`` people x weeks, see :func:`batches`). Replication r's result is exactly
    ``run(scenario, seed, r)``."""
    out: list[RepResult] = []
    for part in batches(scenario, [int(r) for r in replications]):
        for r in Simulation(scenario, seed, part, trace).run():
            r.metrics = rep_metrics(scenario, r)
            out.append(r)
        if len(part) * scenario.workforce.size * max(scenario.horizon_weeks, BATCH_WEEKS) >= COLLECT_PERSON_WEEKS:
            gc.collect()  # the finished batch's state, before anything else is allocated
    return out


def run(scenario: Scenario, seed: int, replication: int, trace: Any = None) -> RepResult:
    """Simulate one replication. Pure: same inputs, same output."""
    return run_batch(scenario, seed, [replication], trace)[0]


__all__ = [
    "BATCH_PEOPLE",
    "BATCH_PERSON_WEEKS",
    "BATCH_WEEKS",
    "END_REASONS",
    "STEPS",
    "TS",
    "TS_METRICS",
    "RepResult",
    "Simulation",
    "batches",
    "order_text",
    "run",
    "run_batch",
]
