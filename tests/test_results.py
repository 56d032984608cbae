"""Results and Comparison: frames, summary, paired table, participant effects, writing to a directory."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

import mentorsim as ms
from conftest import PEOPLE_COLUMNS, REQUIRED_SUMMARY, SEED, TIMESERIES_METRICS


def test_summary_index_columns_and_required_metrics(small_results):
    s = small_results.summary()
    assert s.index.name == "metric"
    assert list(s.columns) == ["mean", "ci_low", "ci_high"]
    missing = set(REQUIRED_SUMMARY) - set(s.index)
    assert not missing, f"summary lacks {sorted(missing)}"
    assert s.index.is_unique


def test_summary_intervals_contain_the_mean(small_results):
    s = small_results.summary().dropna()
    assert len(s) > 0
    assert (s["ci_low"] <= s["mean"] + 1e-12).all() and (s["mean"] <= s["ci_high"] + 1e-12).all()


def test_summary_is_the_mean_over_replications(small_results):
    m = small_results.metrics
    assert list(m.index) == [0, 1]
    s = small_results.summary()
    for metric in ("participation_rate", "program_cost", "meetings_held"):
        assert s.loc[metric, "mean"] == pytest.approx(m[metric].mean())


def test_single_replication_summary_has_no_interval(small_one_on_one):
    s = ms.simulate(small_one_on_one, replications=1, seed=SEED).summary()
    assert s["ci_low"].isna().all() and s["ci_high"].isna().all()
    assert s.loc["participation_rate", "mean"] > 0


def test_wider_level_gives_wider_intervals(small_results):
    a, b = small_results.summary(0.8), small_results.summary(0.99)
    w80 = (a.ci_high - a.ci_low).dropna()
    w99 = (b.ci_high - b.ci_low).dropna()
    assert (w99.loc[w80.index] >= w80 - 1e-12).all()


def test_people_columns_and_one_row_per_person_per_replication(small_results):
    p = small_results.people
    assert set(PEOPLE_COLUMNS) <= set(p.columns)
    assert not p.duplicated(["replication", "person_id"]).any()
    assert set(p.replication) == {0, 1}
    assert p.left_week.dtype.kind == "f" and p.left_week.isna().any()
    init = p[p.initial]
    assert (init.hired_week <= 0).all() and (init.hired_week < 0).mean() > 0.9, (
        "hired_week of the starting workforce is minus their tenure"
    )


def test_timeseries_is_long_format(small_results):
    ts = small_results.timeseries
    assert list(ts.columns) == ["replication", "week", "metric", "value"]
    assert set(TIMESERIES_METRICS) <= set(ts.metric)
    assert not ts.duplicated(["replication", "week", "metric"]).any()


def test_curve_and_retention_curve(small_results):
    H = small_results.scenario.horizon_weeks
    c = small_results.curve("headcount")
    assert list(c.columns) == ["mean", "low", "high"] and len(c) == H
    assert (c.low <= c["mean"]).all() and (c["mean"] <= c.high).all()
    r = small_results.retention_curve()
    assert len(r) == H and r["mean"].between(0, 1).all()


def test_provenance(small_results, small_one_on_one):
    prov = small_results.provenance
    assert prov["scenario"] == small_one_on_one.name
    assert prov["seed"] == SEED and prov["replications"] == 2
    assert prov["version"] == ms.__version__


def test_compare_table_columns_and_p_better(small_comparison):
    t = small_comparison.table()
    assert list(t.columns) == ["scenario", "metric", "diff_mean", "ci_low", "ci_high", "p_better"]
    assert set(t.scenario) == {"one_on_one", "peer"}, "the baseline is not compared with itself"
    assert t.p_better.between(0, 1).all()
    assert not t.duplicated(["scenario", "metric"]).any()
    for name in ("one_on_one", "peer"):
        assert {"retention_12m", "participation_rate", "program_cost"} <= set(t[t.scenario == name].metric)


def test_compare_table_is_the_paired_difference(small_comparison):
    t = small_comparison.table().set_index(["scenario", "metric"])
    base = small_comparison.baseline.metrics
    prog = small_comparison["one_on_one"].metrics
    for metric in ("participation_rate", "program_cost", "retention_12m"):
        assert t.loc[("one_on_one", metric), "diff_mean"] == pytest.approx((prog[metric] - base[metric]).mean())


def test_p_better_direction(small_comparison):
    t = small_comparison.table().set_index(["scenario", "metric"])
    # every replication of a program has participants and costs more than no program
    assert t.loc[("one_on_one", "participation_rate"), "p_better"] == 1.0
    assert t.loc[("one_on_one", "program_cost"), "p_better"] == 0.0
    assert t.loc[("one_on_one", "program_cost"), "diff_mean"] > 0


def test_compare_needs_a_baseline_and_a_scenario(small_baseline):
    with pytest.raises(ms.MentorsimError):
        ms.compare([small_baseline], replications=1, seed=SEED)


def test_compare_keeps_names_unique(small_baseline, small_one_on_one):
    cmp = ms.compare([small_baseline, small_one_on_one, small_one_on_one], replications=1, seed=SEED)
    assert len(set(cmp.names)) == 3
    t = cmp.table()
    assert t.scenario.nunique() == 2
    a, b = (g.set_index("metric").diff_mean for _, g in t.groupby("scenario"))
    pd.testing.assert_series_equal(a, b, check_names=False)


def test_compare_getitem(small_comparison):
    assert small_comparison["peer"].scenario.program.format == "peer"
    with pytest.raises(KeyError):
        small_comparison["nope"]


def test_participant_effects_frame(small_comparison):
    e = small_comparison.participant_effects()
    for col in ("scenario", "outcome", "naive_gap", "timing", "selection", "causal_effect"):
        assert col in e.columns
    assert set(e.outcome) == {"retention", "promotion"}
    assert np.allclose(e.timing + e.selection + e.causal_effect, e.naive_gap)  # three parts, exactly


def test_to_dir_writes_files_with_provenance(small_results, tmp_path):
    out = small_results.to_dir(tmp_path / "run")
    for f in (
        "people.parquet",
        "timeseries.parquet",
        "group_series.parquet",
        "summary.csv",
        "scenario.yaml",
        "meta.json",
    ):
        assert (out / f).is_file(), f
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "group_series.parquet"), small_results.group_series(), check_dtype=False
    )
    pd.testing.assert_frame_equal(pd.read_parquet(out / "people.parquet"), small_results.people, check_dtype=False)
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "timeseries.parquet"), small_results.timeseries, check_dtype=False
    )
    s = pd.read_csv(out / "summary.csv", index_col="metric")
    assert list(s.columns) == ["mean", "ci_low", "ci_high"]
    assert set(REQUIRED_SUMMARY) <= set(s.index)
    assert ms.load_scenario(out / "scenario.yaml") == small_results.scenario
    meta = json.loads((out / "meta.json").read_text())
    assert meta["scenario"] == small_results.scenario.name
    assert meta["seed"] == SEED and meta["replications"] == 2
    assert meta["version"] == ms.__version__


def test_to_dir_into_existing_directory(small_results, tmp_path):
    small_results.to_dir(tmp_path)
    small_results.to_dir(tmp_path)
    assert (tmp_path / "meta.json").is_file()


def test_metrics_registry_covers_the_summary(small_results):
    for m in small_results.summary().index:
        assert m in ms.METRICS
        meta = ms.METRICS[m]
        assert meta.label and meta.unit and isinstance(meta.higher_is_better, bool)
    assert not ms.METRICS["monthly_quit_rate"].higher_is_better
    assert ms.METRICS["retention_12m"].higher_is_better


def test_baseline_has_no_program_outcomes(small_baseline):
    s = ms.simulate(small_baseline, replications=2, seed=SEED).summary()["mean"]
    assert s.participation_rate == 0 and s.program_cost == 0 and s.meetings_held == 0
    assert math.isnan(s.meetings_held_share)


def test_turnover_cost_is_the_replacement_cost_of_the_leavers(small_results):
    c = small_results.scenario.costs
    per_level = {
        lvl: sal * share
        for lvl, (sal, share) in enumerate(zip(c.annual_salary_by_level, c.replacement_cost_share_by_level), start=1)
    }
    p = small_results.people
    leavers = p[p.left_week.notna()]
    expected = leavers.groupby("replication").end_level.apply(lambda s: s.map(per_level).sum())
    got = small_results.metrics.turnover_cost
    np.testing.assert_allclose(got.loc[expected.index].to_numpy(), expected.to_numpy(), rtol=1e-9)


def test_selection_is_near_zero_under_random_enrolment_and_timing_carries_survivorship(baseline, one_on_one):
    """With selection_strength 0 who enrols is luck, so the risk-set selection part vanishes (within
    noise) while the naive gap stays large: later cohorts can only enrol people still employed."""
    from conftest import SEED, small

    base = small(baseline, size=1000, horizon=156)
    ran = small(one_on_one, size=1000, horizon=156, program__selection_strength=0.0, name="random enrolment")
    vol = small(one_on_one, size=1000, horizon=156, name="volunteers")
    e = ms.compare([base, ran, vol], replications=6, seed=SEED).participant_effects()
    r = e[(e.scenario == ran.name) & (e.outcome == "retention")].iloc[0]
    v = e[(e.scenario == vol.name) & (e.outcome == "retention")].iloc[0]
    assert r.selection_ci_low < 0.01 and r.selection_ci_high > -0.01  # the interval holds (about) zero
    assert abs(r.selection) < 0.04
    assert r.timing > 0.05 and r.timing > abs(r.selection)  # survivorship, not volunteering
    assert v.selection > r.selection  # volunteering on ambition and engagement adds selection


def test_retention_is_one_definition_wherever_it_shows(small_comparison):
    """The retention curve at 12, 24 and 36 months, the retention metrics, each group's retention (one group:
    everybody) and the people the net benefit counts as kept are the same count (schema.metrics.still_here)."""
    from mentorsim.outputs.decision.benefit import _counts
    from mentorsim.outputs.equity import group_metrics

    res = small_comparison.results[1]
    H = res.scenario.horizon_weeks
    curve = res.retention_curve()["mean"]
    per_rep = res.metrics.set_index("replication") if "replication" in res.metrics else res.metrics
    for m, w in (("retention_12m", 52), ("retention_24m", 104), ("retention_36m", 156)):
        if H >= w:
            assert curve.loc[w] == pytest.approx(per_rep[m].mean(), abs=1e-12)
    reps = pd.Index([r.replication for r in res.reps])
    kept, _ = _counts(res, reps)
    n_init = np.array([r.people["initial"].sum() for r in res.reps])
    gm = group_metrics(res)  # each group's retention, measured at min(156, H) weeks, weighted by its starting people
    ret = gm[gm.metric == "retention_36m"].set_index(["replication", "group"]).value
    starters = res.people[res.people.initial].groupby(["replication", "group"]).size()
    overall = (ret * starters).groupby("replication").sum() / starters.groupby("replication").sum()
    assert overall.mean() == pytest.approx(curve.loc[min(156, H)], abs=1e-12)
    last = curve.loc[H]
    assert (kept / n_init).mean() == pytest.approx(last, abs=1e-12)
