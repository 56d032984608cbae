"""Sensitivity analysis: a parameter the metric provably cannot depend on gets an index of (nearly) zero.

``costs.celebration_per_mentor_per_year`` only prices celebrations under the
``celebrate_impact`` recognition; with recognition ``none`` it cannot move
retention. Every point shares random numbers, so its effect is exactly nil.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import mentorsim as ms
from mentorsim.errors import MentorsimError
from mentorsim.outputs.sensitivity import describe

ROOT = Path(__file__).resolve().parents[1]
BIN = str(Path(sys.executable).with_name("mentorsim"))
INERT = "costs.celebration_per_mentor_per_year"
ACTIVE = ("program.participation_target", "program.engagement_gain_per_meeting")


def spec(tmp: Path, sampler: str, samples: int) -> Path:
    doc = {
        "name": f"inert_{sampler}",
        "base": str(ROOT / "scenarios" / "one_on_one.yaml"),
        "overrides": {"workforce.size": 200, "horizon_weeks": 52, "program.recognition": "none"},
        "sampler": sampler,
        "samples": samples,
        "parameters": {
            "program.participation_target": {"low": 0.05, "high": 0.6},
            "program.engagement_gain_per_meeting": {"low": 0.0, "high": 0.08},
            INERT: {"low": 0.0, "high": 5000.0},
        },
        "replications": 1,
        "seed": 2,
        "metrics": ["retention_12m", "mean_engagement", "program_cost"],
    }
    p = tmp / f"{sampler}.yaml"
    p.write_text(yaml.safe_dump(doc, sort_keys=False))
    return p


@pytest.fixture(scope="module")
def sobol(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sobol")
    return ms.sweep(spec(tmp, "sobol", 16), store=tmp / "store", progress=False)


@pytest.fixture(scope="module")
def morris(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("morris")
    return ms.sweep(spec(tmp, "morris", 6), progress=False)


@pytest.mark.parametrize("metric", ["retention_12m", "mean_engagement"])
def test_sobol_inert_parameter_has_index_near_zero(sobol, metric):
    idx = ms.sensitivity(sobol, metric, method="sobol")
    assert list(idx.columns) == ["metric", "method", "parameter", "index", "value", "ci_low", "ci_high"]
    assert set(idx.parameter) == {INERT, *ACTIVE} and set(idx["index"]) == {"S1", "ST"}
    v = idx.set_index(["parameter", "index"])["value"]
    assert abs(v[(INERT, "S1")]) < 0.02 and abs(v[(INERT, "ST")]) < 0.02
    assert max(v[(p, "ST")] for p in ACTIVE) > 0.1  # the metric does move with the active levers
    assert (idx.ci_low <= idx.value + 1e-12).all() and (idx.value <= idx.ci_high + 1e-12).all()


def test_sobol_on_cost_sees_the_active_levers(sobol):
    """Program cost does not depend on the celebration budget either, under recognition none."""
    v = ms.sensitivity(sobol, "program_cost").set_index(["parameter", "index"])["value"]
    assert abs(v[(INERT, "ST")]) < 0.02 and v[("program.participation_target", "ST")] > 0.1


def test_morris_inert_parameter_has_zero_effect(morris):
    idx = ms.sensitivity(morris, "mean_engagement", method="morris")
    mu = idx[idx["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu[INERT] == pytest.approx(0.0, abs=1e-12)
    assert max(mu[p] for p in ACTIVE) > 0
    assert describe(idx).index(ACTIVE[1]) < describe(idx).index(INERT)


def test_sensitivity_needs_the_matching_sampler_and_a_kept_metric(sobol, morris):
    with pytest.raises(MentorsimError, match="sampler: morris"):
        ms.sensitivity(sobol, "retention_12m", method="morris")
    with pytest.raises(MentorsimError, match="did you mean 'retention_12m'"):
        ms.sensitivity(sobol, "retention_12", method="sobol")
    with pytest.raises(MentorsimError, match="not a sensitivity method"):
        ms.sensitivity(sobol, "retention_12m", method="fast")


def test_indices_plot(sobol):
    from matplotlib.figure import Figure

    fig = ms.sweep_plots.indices(ms.sensitivity(sobol, "retention_12m"))
    assert isinstance(fig, Figure)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert set(labels) == {INERT, *ACTIVE}


def test_sensitivity_command(sobol, tmp_path):
    out = tmp_path / "idx.csv"
    png = tmp_path / "idx.png"
    r = subprocess.run(
        [BIN, "sensitivity", str(sobol.store.path), "--metric", "retention_12m", "--csv", str(out), "--plot", str(png)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert INERT in r.stdout and png.stat().st_size > 0
    df = pd.read_csv(out)
    assert len(df) == 6 and set(df["index"]) == {"S1", "ST"}
    r = subprocess.run(
        [BIN, "sensitivity", str(sobol.store.path), "--metric", "nope"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "nope" in r.stderr
    r = subprocess.run(
        [
            BIN,
            "sensitivity",
            str(sobol.store.path),
            "--metric",
            "retention_12m",
            "--gain",
            "--workers",
            "2",
            "--csv",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "gain over no program" in r.stdout and (pd.read_csv(out).metric == "retention_12m_gain").all()


def test_gains_pair_each_point_with_its_own_no_program_twin(tmp_path):
    doc = {
        "name": "world",
        "base": str(ROOT / "scenarios" / "one_on_one.yaml"),
        "overrides": {"workforce.size": 200, "horizon_weeks": 52},
        "sampler": "sobol",
        "samples": 4,
        "parameters": {
            "program.participation_target": {"low": 0.1, "high": 0.5},
            "workforce.base_weekly_quit_hazard": {"low": 0.002, "high": 0.008},
            INERT: {"low": 0.0, "high": 5000.0},
        },
        "replications": 2,
        "seed": 4,
        "metrics": ["retention_12m", "program_cost"],
    }
    res = ms.sweep(doc, progress=False)
    assert res.world_parameters == ["workforce.base_weekly_quit_hazard"]  # program prices are not the company
    with pytest.raises(MentorsimError, match="each point needs its own no-program twin"):
        res.baseline()
    with pytest.raises(MentorsimError, match="paired"):
        res.gains(ms.simulate(res.sweep.base, replications=2, seed=4), "retention_12m")
    twins_two = res.baselines(workers=2)  # computed on 2 processes, then kept
    gains = res.gains("paired", "retention_12m").set_index("point")
    twins = res.baselines()
    assert twins is twins_two
    assert 1 < len(twins) < res.sweep.n_points + 1
    # point 0 against a no-program run of its own company, made by hand
    h = res.sweep.point(0)["workforce.base_weekly_quit_hazard"]
    twin = ms.simulate(
        res.sweep.base.with_overrides({"workforce.base_weekly_quit_hazard": h, "program.format": "none"}),
        replications=2,
        seed=4,
    )
    mine = res.frame[res.frame.point == 0].set_index("replication").retention_12m
    assert gains.loc[0, "mean"] == pytest.approx((mine - twin.metrics.retention_12m).mean())
    # the level is driven by turnover; the gain over no program much less so
    lv = ms.sensitivity(res, "retention_12m").query("index == 'ST'").set_index("parameter").value
    gn = ms.sensitivity(res, "retention_12m", baseline="paired")
    assert (gn.metric == "retention_12m_gain").all()
    gn = gn.query("index == 'ST'").set_index("parameter").value
    assert not lv.equals(gn)
    assert "gain over no program" in describe(ms.sensitivity(res, "retention_12m", baseline="paired"))


def test_paired_gains_equal_the_single_baseline_when_only_the_program_varies(tmp_path):
    res = ms.sweep(spec(tmp_path, "sobol", 4), progress=False)
    assert res.world_parameters == []
    one = res.gains(res.baseline(), "retention_12m")
    pd.testing.assert_frame_equal(res.gains("paired", "retention_12m"), one)
    a = ms.sensitivity(res, "retention_12m")
    b = ms.sensitivity(res, "retention_12m", baseline="paired")
    pd.testing.assert_series_equal(a.value, b.value, rtol=1e-9)  # a constant shift leaves the indices alone


def test_paired_gains_skip_points_that_failed(tmp_path):
    doc = {
        "name": "f",
        "base": str(ROOT / "scenarios" / "one_on_one.yaml"),
        "overrides": {"horizon_weeks": 52},
        "parameters": {"workforce.size": [5, 150], "program.participation_target": [0.1, 0.3]},
        "replications": 2,
        "seed": 3,
        "metrics": ["retention_12m", "program_cost"],
    }
    res = ms.sweep(doc, progress=False)
    assert res.failed.point.tolist() == [0, 1]  # a workforce of 5 is below the allowed size
    g = res.gains("paired", "retention_12m")
    assert g.point.tolist() == [2, 3] and list(res.baselines()) == [(150,)]
    c = res.gains(np.int64(0), "retention_12m")  # a number (numpy ones too) is a constant baseline
    assert c.point.tolist() == [2, 3]


@pytest.fixture(scope="module")
def lhs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lhs")
    return ms.sweep(spec(tmp, "latin_hypercube", 80), progress=False)


@pytest.mark.parametrize("method", [None, "delta", "rbd_fast", "pawn"])
def test_any_sample_is_analysed_and_the_inert_parameter_ranks_last(lhs, method):
    """A Latin hypercube has no Sobol or Morris design: delta (the default), RBD-FAST and PAWN analyse it, the
    table says which method ran, and a parameter the metric cannot depend on (a price nobody pays without the
    policy) is the least influential on engagement."""
    idx = ms.sensitivity(lhs, "mean_engagement", method=method)
    used = method or "delta"
    assert set(idx.method) == {used}
    key = {"delta": "delta", "rbd_fast": "S1", "pawn": "median"}[used]
    ranked = idx[idx["index"] == key].sort_values("value").parameter.tolist()
    assert ranked[0] == INERT, idx
    assert ranked[-1] in ACTIVE
    assert describe(idx).startswith("Average engagement") or "most influential first" in describe(idx)


def test_sobol_still_needs_its_own_design(lhs):
    with pytest.raises(MentorsimError, match="delta, rbd_fast and pawn analyse any sample"):
        ms.sensitivity(lhs, "mean_engagement", method="sobol")
