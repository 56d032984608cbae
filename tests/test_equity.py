"""Equity over time: each group's count and share of management (levels 4-5) week by week, its band over
replications, and the plot of it with and without the program."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from matplotlib.figure import Figure

import mentorsim as ms
from mentorsim import engine
from mentorsim.outputs.equity import group_metrics, management_share_curve
from mentorsim.schema.tables import RepResult

N, R, SEED = 600, 3, 4


@pytest.fixture(scope="module")
def cmp() -> ms.Comparison:
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": N})
    tgt = ms.load_scenario("scenarios/targeted_under_represented.yaml").with_overrides({"workforce.size": N})
    return ms.compare([base, tgt], replications=R, seed=SEED)


def test_series_is_long_and_counts_the_employed_managers(cmp):
    res = cmp.results[1]
    gs = res.group_series()
    assert list(gs.columns) == ["replication", "week", "group", "senior", "share"]
    H = res.scenario.horizon_weeks
    assert len(gs) == R * H * 2 and set(gs.group) == {"majority", "under_represented"}
    assert gs.week.min() == 1 and gs.week.max() == H
    week_sum = gs.groupby(["replication", "week"]).share.sum()
    assert np.allclose(week_sum, 1.0)
    p = res.people
    at_end = p[p.left_week.isna() & (p.end_level >= 4)].groupby(["replication", "group"]).size()
    last = gs[gs.week == H].set_index(["replication", "group"]).senior
    assert (last.reindex(at_end.index) == at_end).all()


def test_last_week_share_is_the_equity_management_share(cmp):
    for res in cmp.results:
        gm = group_metrics(res)
        want = gm[gm.metric == "management_share"].set_index(["replication", "group"]).value
        gs = res.group_series()
        got = gs[gs.week == res.scenario.horizon_weeks].set_index(["replication", "group"]).share
        assert np.allclose(got.reindex(want.index), want)


def test_first_week_follows_the_assumed_pipeline(cmp):
    curve = management_share_curve(cmp.baseline)
    first = curve[curve.week == 1].set_index("group")["mean"]
    # the default under-represented group is 22% of level 4 and 18% of level 5
    assert 0.15 < first["under_represented"] < 0.25
    assert (curve["low"] <= curve["mean"] + 1e-12).all() and (curve["mean"] <= curve["high"] + 1e-12).all()
    assert set(curve.columns) == {"week", "group", "mean", "low", "high"}


def test_a_replication_records_the_same_alone_or_in_a_batch():
    sc = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 300})
    batch = engine.run_batch(sc, SEED, [0, 1, 2])
    alone = engine.run(sc, SEED, 1)
    assert alone.senior_by_group is not None and alone.senior_by_group.shape == (sc.horizon_weeks, 2)
    assert np.array_equal(batch[1].senior_by_group, alone.senior_by_group)
    again = pickle.loads(pickle.dumps(batch[1]))
    assert np.array_equal(again.senior_by_group, alone.senior_by_group)


def test_results_made_before_it_was_recorded_say_so_in_one_line(cmp):
    r = cmp.baseline.reps[0]
    old = RepResult(r.replication, r.people, r.timeseries, r.relationships)  # as an older version built it
    assert old.senior_by_group is None
    res = ms.Results(cmp.baseline.scenario, SEED, [old])
    with pytest.raises(ms.MentorsimError, match="before management by group was recorded") as e:
        res.group_series()
    assert "\n" not in str(e.value)
    with pytest.raises(ms.MentorsimError, match="level"):
        management_share_curve(cmp.baseline, level=95)


def test_plot_has_a_panel_per_group_program_solid_baseline_dashed(cmp):
    fig = ms.plots.plot_management_share(cmp)
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == 2
    titles = [ax.get_title(loc="left") for ax in axes]
    assert titles == ["Majority group", "Under-represented group"]
    for ax in axes:
        styles = sorted(line.get_linestyle() for line in ax.get_lines())
        assert styles == ["-", "--"]
        assert len(ax.collections) == 2, "a band for the program and one for no program"
        y = ax.get_lines()[0].get_ydata()
        assert ((y >= 0) & (y <= 1)).all()
    legend = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert legend == ["Targeted under represented", "No program"]
    notes = [t.get_text() for t in fig.texts]
    assert any(n.startswith("95% intervals: luck only") for n in notes)
    assert "middle 95% of runs" in fig._suptitle.get_text()


def test_plot_of_results_one_group_and_bad_names(cmp):
    fig = ms.plots.plot_management_share(cmp.results[1], groups=["under_represented"])
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1
    with pytest.raises(KeyError, match="no group named"):
        ms.plots.plot_management_share(cmp, groups=["nobody"])
    with pytest.raises(TypeError, match="Results or Comparison"):
        ms.plots.plot_management_share("cmp")


def test_several_programs_keep_one_band_and_say_so():
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 300, "horizon_weeks": 52})
    one = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 300, "horizon_weeks": 52})
    cmp = ms.compare(
        [base, one, one.with_overrides({"name": "peer", "program.format": "peer"})], replications=2, seed=1
    )
    fig = ms.plots.plot_management_share(cmp)
    assert all(len(ax.collections) == 1 and len(ax.get_lines()) == 3 for ax in fig.axes)
    assert "band: middle 95% of runs without a program" in fig._suptitle.get_text()
    fig = ms.plots.plot_management_share(cmp, bands="all")
    assert all(len(ax.collections) == 3 for ax in fig.axes)
    with pytest.raises(ValueError, match="bands must be"):
        ms.plots.plot_management_share(cmp, bands="some")
