"""mentorsim.outputs.decision: net benefit, acceptability, value of information, precision, rankability."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import mentorsim as ms
from conftest import SCENARIOS
from mentorsim.errors import MentorsimError
from mentorsim.outputs import decision

SIZE, HORIZON, REPS, SEED = 400, 156, 16, 11


def _sc(name: str, size: int = SIZE, horizon: int = HORIZON) -> ms.Scenario:
    return ms.load_scenario(SCENARIOS / f"{name}.yaml").with_overrides(
        {"workforce.size": size, "horizon_weeks": horizon}
    )


@pytest.fixture(scope="module")
def cmp() -> ms.Comparison:
    """No program, one-on-one and peer: 400 people, three years, 16 paired replications (noise only)."""
    return ms.compare([_sc("baseline"), _sc("one_on_one"), _sc("peer")], replications=REPS, seed=SEED)


@pytest.fixture(scope="module")
def twin() -> ms.Comparison:
    """No program twice (identical: every replication ties) and one-on-one, over two years."""
    b = _sc("baseline", 300, 104)
    return ms.compare([b, b, _sc("one_on_one", 300, 104)], replications=6, seed=SEED)


def _pair(cmp: ms.Comparison) -> ms.Comparison:
    """The baseline and one-on-one only (same replications)."""
    return ms.Comparison([cmp.results[0], cmp["one_on_one"]])


def _wide(nb: pd.DataFrame) -> pd.DataFrame:
    return nb.pivot(index="replication", columns="scenario", values="net_benefit")


# ---- net benefit -----------------------------------------------------------------------------
def test_net_benefit_long_format_baseline_zero_and_its_parts(cmp):
    nb = decision.net_benefit(cmp)
    assert list(nb.columns) == ["replication", "scenario", "net_benefit"]
    assert len(nb) == REPS * 3 and list(dict.fromkeys(nb.scenario)) == cmp.names
    w = _wide(nb)
    assert (w["baseline"] == 0).all()
    for name in ("one_on_one", "peer"):  # no values: turnover cost avoided - extra program cost
        d = cmp.diffs(cmp[name])
        assert np.allclose(w[name], -d["turnover_cost"] - d["program_cost"])
    # a retained person adds its value x (difference in retention_36m x the starting headcount)
    w2 = _wide(decision.net_benefit(cmp, {"retained": 1000.0}))
    extra = cmp.diffs(cmp["one_on_one"])["retention_36m"] * SIZE
    assert np.allclose(w2["one_on_one"] - w["one_on_one"], 1000.0 * extra)
    assert (w2["baseline"] == 0).all()
    # a promotion adds its value x the extra promotions (weekly promotion counts summed)
    w3 = _wide(decision.net_benefit(cmp, {"promotion": 500.0}))
    promos = {
        r.name: r.timeseries.query("metric == 'promotions'").groupby("replication").value.sum() for r in cmp.results
    }
    assert np.allclose(w3["peer"] - w["peer"], 500.0 * (promos["peer"] - promos["baseline"]))


def test_net_benefit_rejects_unknown_values(cmp):
    with pytest.raises(MentorsimError, match="'retainned' is not allowed"):
        decision.net_benefit(cmp, {"retainned": 1.0})
    with pytest.raises(MentorsimError, match="finite number"):
        decision.net_benefit(cmp, {"retained": float("nan")})


# ---- acceptability ---------------------------------------------------------------------------
def test_acceptability_sums_to_one_at_every_value(cmp, twin):
    for c in (cmp, twin):
        for kind in ("retained", "promotion"):
            acc = decision.acceptability(c, kind)
            assert list(acc.columns) == ["value", "scenario", "p_best"]
            assert acc.value.nunique() == 21 and acc.value.min() == 0
            assert set(acc.scenario) == set(c.names)
            assert np.allclose(acc.groupby("value").p_best.sum(), 1.0)
            assert acc.p_best.between(0, 1).all()
    # identical designs tie in every replication and split the wins evenly
    w = decision.acceptability(twin).pivot(index="value", columns="scenario", values="p_best")
    assert np.allclose(w["baseline"], w["baseline (2)"])


def test_default_grid_reaches_twice_the_mean_salary(cmp):
    sc = cmp.baseline.scenario
    salary = float(np.dot(sc.workforce.level_shares, sc.costs.annual_salary_by_level))
    top = decision.acceptability(cmp).value.max()
    assert 1.8 * salary <= top <= 2.2 * salary


def test_baseline_less_often_best_as_a_retained_person_is_worth_more(cmp):
    pair = _pair(cmp)
    a = _wide(decision.net_benefit(pair))["one_on_one"]
    b = _wide(decision.net_benefit(pair, {"retained": 1.0}))["one_on_one"]
    assert ((b - a) >= 0).all() and (b - a).mean() > 0, "precondition: the program keeps more people"
    acc = decision.acceptability(pair, "retained", values=np.linspace(0, 400_000, 17))
    p = acc[acc.scenario == "baseline"].sort_values("value").p_best.to_numpy()
    assert (np.diff(p) <= 1e-12).all()
    assert p[-1] < p[0]


def test_acceptability_plot(cmp):
    fig = ms.plots.acceptability_plot(cmp)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["No program", "One on one", "Peer"]
    assert "retained" in ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    for line in ax.get_lines():
        assert ((line.get_ydata() >= 0) & (line.get_ydata() <= 1)).all()


# ---- precision -------------------------------------------------------------------------------
def test_precision_now_and_replications_needed(cmp):
    now = decision.precision(cmp, metrics=["retention_36m", "turnover_cost"])
    assert list(now.columns) == ["scenario", "metric", "replications", "half_width", "target", "needed"]
    assert set(now.scenario) == {"one_on_one", "peer"} and (now.replications == REPS).all()
    assert now.target.isna().all() and now.needed.isna().all()
    row = now[(now.scenario == "one_on_one") & (now.metric == "retention_36m")].iloc[0]
    d = cmp.diffs(cmp["one_on_one"])["retention_36m"]
    t = cmp.table()
    ci = t[(t.scenario == "one_on_one") & (t.metric == "retention_36m")].iloc[0]
    assert row.half_width == pytest.approx((ci.ci_high - ci.ci_low) / 2)
    assert row.half_width == pytest.approx(2.131 * d.std(ddof=1) / math.sqrt(REPS), rel=1e-3)

    hw = row.half_width
    same = decision.precision(cmp, metrics="retention_36m", half_width=hw)
    assert int(same.set_index("scenario").needed["one_on_one"]) == REPS
    needed = [
        int(
            decision.precision(cmp, metrics="retention_36m", half_width=hw * f)
            .set_index("scenario")
            .needed["one_on_one"]
        )
        for f in (2.0, 1.0, 0.7, 0.5, 0.25)
    ]
    assert needed[0] == needed[1] == REPS  # never fewer than now
    assert all(a < b for a, b in zip(needed[1:], needed[2:]))
    assert needed[3] == math.ceil(REPS * 4 - 1e-9)

    per = decision.precision(cmp, metrics=["retention_36m", "turnover_cost"], half_width={"turnover_cost": 1e5})
    assert per[per.metric == "retention_36m"].needed.isna().all()
    assert (per[per.metric == "turnover_cost"].needed >= REPS).all()
    with pytest.raises(MentorsimError, match="half_width"):
        decision.precision(cmp, metrics="retention_36m", half_width=0)


def test_precision_defaults_to_the_metrics_the_horizon_covers(twin):
    p = decision.precision(twin)
    assert "retention_36m" not in set(p.metric) and {"retention_24m", "turnover_cost"} <= set(p.metric)


# ---- ranking ---------------------------------------------------------------------------------
def test_too_wide_to_rank(cmp, twin):
    # program cost: no program costs nothing, every program costs a lot: clearly ranked
    assert decision.too_wide_to_rank(cmp, "program_cost") is None
    # two identical designs lead on program cost and cannot be told apart
    msg = decision.too_wide_to_rank(twin, "program_cost")
    assert isinstance(msg, str) and "\n" not in msg and "baseline (2)" in msg and "cannot be told apart" in msg
    out = decision.too_wide_to_rank(cmp)
    assert out is None or ("cannot be told apart" in out and "replications" in out)
    with pytest.raises(MentorsimError, match="retention_24m"):
        decision.too_wide_to_rank(twin)  # retention_36m is not measured over two years


# ---- value of information --------------------------------------------------------------------
def test_value_of_information_noise_only(cmp):
    t = decision.value_of_information(cmp)
    assert list(t.columns) == ["parameter", "evppi", "share"]
    assert t.parameter.tolist() == ["all"] and t.evppi.iloc[0] == 0 and t.share.iloc[0] == 0
    assert "noise-only" in t.attrs["note"]
    assert "cannot say" in decision.voi_sentence(t)
    assert isinstance(ms.plots.voi_plot(t), Figure)


def _synthetic_draws(cmp: ms.Comparison, value: float, seed: int = 0) -> pd.DataFrame:
    """One draw per replication: ``informative`` follows one-on-one's net benefit (plus a little noise),
    ``noise`` is unrelated to anything."""
    inb = _wide(decision.net_benefit(cmp, {"retained": value}))["one_on_one"].to_numpy()
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "replication": np.arange(REPS),
            "informative": inb + rng.normal(0, 0.3 * inb.std(), REPS),
            "noise": rng.normal(size=REPS),
        }
    )


@pytest.fixture
def with_draws(cmp):
    """The comparison with synthetic parameter draws attached to every Results (paired: the same draws)."""
    value = 0.0  # turnover cost avoided against program cost: the designs are close, each best in some replications
    draws = _synthetic_draws(cmp, value, seed=1)
    saved = [getattr(r, "parameter_draws", None) for r in cmp.results]
    for r in cmp.results:
        r.parameter_draws = draws.copy()
    yield cmp, value
    for r, s in zip(cmp.results, saved):
        if s is None:
            del r.parameter_draws
        else:
            r.parameter_draws = s


def test_value_of_information_finds_the_informative_parameter(with_draws):
    cmp, value = with_draws
    t = decision.value_of_information(cmp, {"retained": value})
    assert list(t.columns) == ["parameter", "evppi", "share"]
    assert t.parameter.tolist() == ["informative", "noise", "all"]
    e = t.set_index("parameter")
    total = e.evppi["all"]
    assert total > 0 and e.share["all"] == 1.0
    assert ((e.evppi >= 0) & (e.evppi <= total)).all()
    assert e.share["informative"] > 0.7
    # the screen keeps a pure-noise parameter in about 5% of samples (its false discovery rate): not this one
    assert e.share["noise"] < 0.1
    assert t.attrs["kept"] == ["informative"]
    s = decision.voi_sentence(t)
    assert "informative" in s and "$" in s and "at most" in s
    fig = ms.plots.voi_plot(t)
    assert [x.get_text() for x in fig.axes[0].get_yticklabels()][0] == "informative"


def test_value_of_information_bounds_without_the_screen(with_draws):
    cmp, value = with_draws
    for v in (value, 20_000.0, 200_000.0):
        t = decision.value_of_information(cmp, {"retained": v}, screen=None).set_index("parameter")
        total = t.evppi["all"]
        assert ((t.evppi >= 0) & (t.evppi <= total + 1e-9)).all()
        assert t.share.between(0, 1).all()


def test_value_of_information_pure_noise_is_worth_about_nothing(cmp):
    draws = _synthetic_draws(cmp, 0.0, seed=3)[["replication", "noise"]]
    t = decision.value_of_information(cmp, draws=draws)
    assert t.evppi.max() == 0
    assert "yet" in decision.voi_sentence(t)  # the designs are close, but no unknown stands out


def test_no_unknown_changes_a_clear_decision(cmp):
    pair = _pair(cmp)
    draws = _synthetic_draws(cmp, 0.0)
    t = decision.value_of_information(pair, {"retained": 1e7}, draws=draws)  # one-on-one wins every replication
    assert (t.evppi == 0).all()
    s = decision.voi_sentence(t)
    assert s.startswith("No unknown changes the decision") and "one_on_one" in s


def test_draws_must_be_paired(cmp):
    draws = _synthetic_draws(cmp, 0.0)
    own = draws.assign(informative=7.0)  # a scenario that sets a parameter itself keeps it constant: fine
    other = draws.assign(informative=draws.informative[::-1].to_numpy())  # not one draw per replication
    saved = [getattr(r, "parameter_draws", None) for r in cmp.results]
    try:
        cmp.results[0].parameter_draws, cmp.results[1].parameter_draws = draws, own
        cmp.results[2].parameter_draws = draws
        assert "informative" in set(decision.value_of_information(cmp).parameter)
        cmp.results[2].parameter_draws = other
        with pytest.raises(MentorsimError, match="differs between scenarios"):
            decision.value_of_information(cmp)
    finally:
        for r, s in zip(cmp.results, saved):
            r.parameter_draws = s


def test_value_of_information_in_parameter_mode():
    c = ms.compare(
        [_sc("baseline", 300, 104), _sc("one_on_one", 300, 104)], replications=8, seed=SEED, uncertainty="parameters"
    )
    t = decision.value_of_information(c, {"retained": 20_000})
    drawn = [col for col in c.baseline.parameter_draws.columns if col != "replication"]
    assert set(t.parameter) - {"all"} <= set(drawn) and "all" in set(t.parameter)
    total = t.set_index("parameter").evppi["all"]
    assert ((t.evppi >= 0) & (t.evppi <= total + 1e-9)).all() and t.share.between(0, 1).all()
    assert isinstance(decision.voi_sentence(t), str)


def test_a_parameter_the_design_never_reads_is_worth_about_nothing():
    """A real parameter-uncertainty run of no program against one-on-one: the effects of the other formats are
    drawn too, but neither design reads them, so finding them out is worth (about) nothing, while each
    partial value stays within the total and the value of a perfect decision with luck bounds them all."""
    c = ms.compare(
        [_sc("baseline", 300, 104), _sc("one_on_one", 300, 104)], replications=30, seed=SEED, uncertainty="parameters"
    )
    drawn = [col for col in c.baseline.parameter_draws.columns if col != "replication"]
    unused = [
        p
        for p in drawn
        if p.startswith(("effects.peer.", "effects.circle.", "effects.reverse.", "effects.micro_board."))
    ]
    assert len(unused) >= 5
    value = {"retained": 20_000}
    t = decision.value_of_information(c, value).set_index("parameter")
    bound = t.attrs["evpi_with_luck"]
    assert bound > 0  # the designs are close enough that a perfect forecast of each run would be worth something
    assert (t.evppi[unused] <= 0.01 * bound).all()
    assert (t.evppi <= t.evppi["all"] + 1e-9).all() and t.evppi["all"] <= bound + 1e-9


def test_the_comparison_method_spelling_is_deprecated_and_gives_the_same_answer(small_comparison):
    """One spelling per operation: ms.decision.X(cmp); cmp.X() still works for now, with a warning."""
    with pytest.warns(DeprecationWarning, match=r"ms\.decision\.net_benefit"):
        old = small_comparison.net_benefit()
    pd.testing.assert_frame_equal(old, ms.decision.net_benefit(small_comparison))
    with pytest.warns(DeprecationWarning, match=r"ms\.decision\.too_wide_to_rank"):
        old_warning = small_comparison.too_wide_to_rank("retention_12m")
    assert old_warning == ms.decision.too_wide_to_rank(small_comparison, "retention_12m")


def test_decision_figures_moved_to_plots_with_a_warning(cmp):
    """The figures live in viz (ms.plots.acceptability_plot); the old decision.acceptability_plot still works, warning."""
    with pytest.warns(DeprecationWarning, match=r"ms\.plots\.acceptability_plot"):
        old = decision.acceptability_plot
    assert old is ms.plots.acceptability_plot
