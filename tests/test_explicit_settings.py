"""A parameter a scenario sets itself is never drawn, whatever its value; bad 'auto' settings are one line.

A scenario remembers the dotted keys its document gave (pydantic's fields set, recursively) and those
``with_overrides`` set; parameter uncertainty draws none of them, even one set to its default value.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import mentorsim as ms
from mentorsim.errors import MentorsimError

SHARE = "workforce.informal_mentoring.effect_share"
SLOPE = "workforce.engagement_hazard_slope"


def _one(**ov) -> ms.Scenario:
    return ms.load_scenario("scenarios/one_on_one.yaml").with_overrides({"workforce.size": 200, **ov})


def test_a_scenario_remembers_the_keys_it_sets():
    sc = ms.load_scenario("scenarios/one_on_one.yaml")
    assert {"program.format", "program.cadence", "workforce.size", "name"} <= sc.explicit
    assert not sc.sets(SHARE) and not sc.sets("workforce.informal_mentoring.homophily")
    over = sc.with_overrides(
        {SHARE: 0.5, "mechanics": {"goals": {}}, "workforce.informal_mentoring": {"homophily": 0.6}}
    )
    assert over.sets(SHARE) and over.sets("workforce.informal_mentoring.homophily")
    assert not over.sets("workforce.informal_mentoring.share_by_level")
    assert over.explicit >= sc.explicit
    doc = ms.scenario_from_dict({"name": "x", "workforce": {"informal_mentoring": {"effect_share": 0.5}}})
    assert doc.explicit == {"name", SHARE}
    assert ms.Scenario().explicit == frozenset()
    # what a scenario sets is kept through pickling (worker processes) and copies, and is not part of its value
    assert pickle.loads(pickle.dumps(over)).explicit == over.explicit
    assert over.model_copy(update={"name": "y"}).sets(SHARE)
    assert over == sc.with_overrides({"workforce.informal_mentoring.homophily": 0.6}) and hash(over) == hash(
        sc.with_overrides({"workforce.informal_mentoring.homophily": 0.6})
    )


def test_a_parameter_set_to_its_default_is_never_drawn(tmp_path):
    """The faults check: one_on_one with effect_share set (to its default, 0.5) keeps 0.5 in every replication."""
    res = ms.simulate(_one(**{SHARE: 0.5}), replications=4, seed=2, uncertainty="parameters")
    d = res.parameter_draws
    assert set(d[SHARE]) == {0.5}
    assert d[SLOPE].nunique() == 4, "a parameter it does not set is still drawn"
    # the same from a scenario file that writes the default
    p = tmp_path / "pinned.yaml"
    p.write_text("name: pinned\nworkforce:\n  size: 200\n  informal_mentoring:\n    effect_share: 0.5\n")
    d = ms.simulate(ms.load_scenario(p), replications=4, seed=2, uncertainty="parameters").parameter_draws
    assert set(d[SHARE]) == {0.5} and d[SLOPE].nunique() == 4
    # without it, the parameter is drawn
    free = ms.simulate(_one(), replications=4, seed=2, uncertainty="parameters").parameter_draws
    assert free[SHARE].nunique() == 4


def test_pinned_parameters_stay_paired_in_a_comparison():
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 200, SHARE: 0.5})
    cmp = ms.compare([base, _one(**{SHARE: 0.5})], replications=4, seed=2, uncertainty="parameters")
    for r in cmp.results:
        assert set(r.parameter_draws[SHARE]) == {0.5}
    a, b = (r.parameter_draws[SLOPE].to_numpy() for r in cmp.results)
    assert np.allclose(a, b)


@pytest.mark.parametrize(
    ("kw", "says"),
    [
        ({"max_replications": "lots"}, "max_replications: must be an integer"),
        ({"max_replications": 1}, "max_replications must be a whole number >= 2"),
        ({"max_replications": 10**9}, "max_replications: 1,000,000,000 is more than"),
        ({"batch": "ten"}, "batch must be a whole number"),
        ({"half_width": "0.01"}, "needs half_width > 0"),
        ({"half_width": float("nan")}, "needs half_width > 0"),
        ({"metric": ["retention_36m"]}, "is not a summary metric"),
    ],
)
def test_auto_replications_with_a_bad_setting_is_one_line(kw, says):
    base = ms.load_scenario("scenarios/baseline.yaml").with_overrides({"workforce.size": 200})
    with pytest.raises(MentorsimError, match=says) as e:
        ms.compare([base, _one()], replications="auto", **{"half_width": 0.01, **kw})
    assert "\n" not in str(e.value)
