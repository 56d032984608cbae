"""simulate and compare take the executors sweeps use: the same results serially, on local processes
and on a real Dask scheduler given by its address."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

import mentorsim as ms
from mentorsim.errors import MentorsimError

N = 200


@pytest.fixture(scope="module")
def scs():
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": N, "horizon_weeks": 52})
    one = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": N, "horizon_weeks": 52})
    return base, one


@pytest.fixture(scope="module")
def scheduler():
    """A running dask.distributed scheduler with 2 single-threaded worker processes, as a cluster would be."""
    from dask.distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
    ) as cluster:
        yield cluster.scheduler_address


def test_compare_on_a_dask_scheduler_equals_serial_with_parameter_draws(scs, scheduler):
    kw = dict(replications=4, seed=5, uncertainty="parameters")
    serial = ms.compare(scs, **kw)
    dask = ms.compare(scs, scheduler=scheduler, workers=2, **kw)
    pd.testing.assert_frame_equal(serial.table(), dask.table())
    for a, b in zip(serial.results, dask.results, strict=True):
        pd.testing.assert_frame_equal(a.people, b.people)
        pd.testing.assert_frame_equal(a.parameter_draws, b.parameter_draws)
        assert b.run_info["executor"] == "dask" and a.run_info["executor"] == "serial"


def test_simulate_on_every_executor_gives_the_same_people(scs, scheduler):
    one = scs[1]
    ref = ms.simulate(one, replications=3, seed=2).people
    for kw in ({"executor": "processes", "workers": 2}, {"executor": "dask", "scheduler": scheduler}):
        pd.testing.assert_frame_equal(ms.simulate(one, replications=3, seed=2, **kw).people, ref)


def test_executor_errors_are_one_line(scs):
    one = scs[1]
    for kw, word in (
        ({"executor": "spark"}, "executor"),
        ({"executor": "serial", "workers": 2}, "workers"),
        ({"executor": "processes", "scheduler": "tcp://127.0.0.1:1"}, "scheduler"),
    ):
        with pytest.raises(MentorsimError, match=word) as e:
            ms.simulate(one, replications=2, **kw)
        assert "\n" not in str(e.value)
    with pytest.raises(MentorsimError, match="scheduler: tcp://127.0.0.1:1: nothing listens there"):
        ms.compare(scs, replications=2, scheduler="tcp://127.0.0.1:1")


def test_workers_from_a_script_read_on_stdin():
    """`python -` has no main file: the spawned workers must not try to re-import it (they died at once, so every
    replication was 'missing')."""
    import subprocess
    import sys

    code = (
        "import mentorsim as ms\n"
        "sc = ms.load_scenario('scenarios/one_on_one.yaml').with_overrides({'workforce.size': 100, 'horizon_weeks': 26})\n"
        "a = ms.simulate(sc, replications=3, seed=5, workers=2).summary()\n"
        "b = ms.simulate(sc, replications=3, seed=5, workers=1).summary()\n"
        "print('same' if a.equals(b) else 'differ')\n"
    )
    r = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-500:]
    assert r.stdout.strip().endswith("same")
