"""Parameter uncertainty: levers apart from unknowns, Latin hypercube draws, pairing, explicit settings."""

import numpy as np
import pytest

import mentorsim as ms
from mentorsim.errors import MentorsimError
from mentorsim.schema import register_text
from mentorsim.uncertainty import LEVERS, draws, uncertain_parameters

N = 300


def small(name, **ov):
    sc = ms.load_scenario(f"scenarios/{name}.yaml").with_overrides({"workforce.size": N, "horizon_weeks": 104})
    return sc.with_overrides(ov) if ov else sc


def test_register_marks_levers_inputs_and_uncertain_quantities():
    reg = ms.parameter_register().set_index("name")
    assert set(reg.role) <= {"lever", "input", "uncertain", "fixed"}
    for lever in ("program.format", "program.cadence", "program.recognition", "program.participation_target"):
        assert reg.loc[lever, "role"] == "lever" and reg.loc[lever, "distribution"] == ""
    assert reg.loc["workforce.size", "role"] == "input"
    unc = reg[reg.role == "uncertain"]
    assert len(unc) >= 10 and not (set(unc.index) & LEVERS)
    # assumptions are uniform on their sensitivity range; evidence-backed defaults are the mode of a triangle
    assert reg.loc["program.skill_gain_per_meeting", "distribution"].startswith("uniform(")
    assert reg.loc["workforce.base_weekly_quit_hazard", "distribution"].startswith("triangular(")
    assert "role" in register_text.register_text() and "drawn from" in register_text.register_markdown()


def test_draws_are_a_latin_hypercube_within_each_range():
    par = uncertain_parameters().set_index("name")
    d = draws(20, seed=5)
    assert len(d) == 20 and list(d.replication) == list(range(20))
    for name in ("program.skill_gain_per_meeting", "mechanics.burnout.threshold"):
        lo, hi = par.loc[name, "low"], par.loc[name, "high"]
        x = d[name].to_numpy()
        assert ((x >= lo) & (x <= hi)).all()
        if np.isnan(par.loc[name, "mode"]):  # uniform: exactly one value in each of the 20 strata
            strata = np.floor((x - lo) / (hi - lo) * 20).astype(int)
            assert sorted(strata) == list(range(20))
    assert d.equals(draws(20, seed=5)) and not d.equals(draws(20, seed=6))


def test_pairing_explicit_settings_and_workers():
    base = small("baseline")
    one = small("one_on_one", **{"workforce.engagement_hazard_slope": 3.1})
    cmp = ms.compare([base, one], replications=6, seed=2, uncertainty="parameters")
    d0, d1 = cmp.results[0].parameter_draws, cmp.results[1].parameter_draws
    assert cmp.uncertainty == "parameters" and len(d0) == 6
    other = [c for c in d0.columns if c not in ("replication", "workforce.engagement_hazard_slope")]
    assert np.allclose(d0[other].to_numpy(float), d1[other].to_numpy(float))  # the same draw for both scenarios
    assert np.allclose(d1["workforce.engagement_hazard_slope"], 3.1)  # the scenario's own setting is kept
    assert d0["workforce.engagement_hazard_slope"].nunique() == 6  # ... the baseline's is drawn
    again = ms.compare([base, one], replications=6, seed=2, uncertainty="parameters", workers=2)
    for a, b in zip(cmp.results, again.results, strict=True):
        assert a.parameter_draws.equals(b.parameter_draws)
        assert a.metrics.equals(b.metrics)


def test_the_drawn_values_reach_the_engine_and_noise_draws_nothing():
    one = small("one_on_one")
    noise = ms.simulate(one, replications=4, seed=3)
    assert list(noise.parameter_draws.columns) == ["replication"] and noise.uncertainty == "noise"
    unc = ms.simulate(one, replications=4, seed=3, uncertainty="parameters")
    assert not noise.metrics.equals(unc.metrics)
    # replication r run by hand with its drawn values gives the same result
    row = unc.parameter_draws.iloc[2]
    defaults = ms.parameter_register().set_index("name").default
    over = {
        k: (v.item() if hasattr(v, "item") else v)
        for k, v in row.items()
        if k != "replication" and not np.isclose(float(v), float(defaults[k]), rtol=0, atol=0)
    }
    by_hand = ms.simulate(one.with_overrides(over), replications=4, seed=3).metrics
    mine, theirs = by_hand.loc[2], unc.metrics.loc[2]  # metrics: indexed by replication
    for m in ("retention_24m", "annual_promotion_rate", "program_cost"):
        assert np.isclose(mine[m], theirs[m])


def test_parameter_intervals_are_wider_than_noise_only():
    base, one = small("baseline"), small("one_on_one")
    t_noise = ms.compare([base, one], replications=16, seed=4).table().set_index("metric")
    t_par = ms.compare([base, one], replications=16, seed=4, uncertainty="parameters").table().set_index("metric")
    for m in ("retention_24m", "annual_promotion_rate", "program_cost"):
        assert t_par.loc[m, "ci_high"] - t_par.loc[m, "ci_low"] > t_noise.loc[m, "ci_high"] - t_noise.loc[m, "ci_low"]


def test_auto_replications_stop_when_narrow_enough_or_at_the_cap():
    base, one = small("baseline"), small("one_on_one")
    wide = ms.compare([base, one], replications="auto", half_width=1.0, metric="retention_24m", seed=1, batch=4)
    assert len(wide.baseline.reps) == 4 and "at most" in wide.precision_note
    tight = ms.compare(
        [base, one], replications="auto", half_width=1e-6, metric="retention_24m", seed=1, batch=4, max_replications=8
    )
    assert len(tight.baseline.reps) == 8 and "cap of 8" in tight.precision_note
    # the first batch's replications are the same as a plain run of that many
    plain = ms.compare([base, one], replications=4, seed=1)
    assert plain.results[1].metrics.equals(wide.results[1].metrics)


def test_bad_uncertainty_and_auto_settings_are_one_line_errors():
    one = small("one_on_one")
    with pytest.raises(MentorsimError, match="uncertainty: 'luck' is not allowed"):
        ms.simulate(one, replications=2, uncertainty="luck")
    with pytest.raises(MentorsimError, match="half_width > 0"):
        ms.compare([small("baseline"), one], replications="auto")
    with pytest.raises(MentorsimError, match="whole number or 'auto'"):
        ms.compare([small("baseline"), one], replications="many")


def test_tables_say_which_kind_of_interval_they_show():
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 150, "horizon_weeks": 52})
    one = ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 150, "horizon_weeks": 52})
    assert "luck only" in ms.compare([base, one], replications=2, seed=1).table().attrs["interval"]
    t = ms.compare([base, one], replications=2, seed=1, uncertainty="parameters").table()
    assert "what we don't know" in t.attrs["interval"]
