"""Plug-ins own their behaviour: a format defined here, in the test file, runs with no change to the package."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import mentorsim as ms
from conftest import SEED, small
from mentorsim import engine
from mentorsim.programs import FORMATS, OVERLAYS, POLICIES, Format, Overlay, Rows, register_format
from mentorsim.programs.matching import match_one_to_one
from mentorsim.programs.recognition import Recognising


class SameLevelGroups(Format):
    """A made-up format: mentors from the pool meet groups of up to three mentees of their own
    level, as group sessions (the engine's hot seat and shared load apply)."""

    name = "same_level_groups"
    group_sessions = True

    def mentee_eligible(self, level, program):
        return level <= 3

    def mentor_eligible(self, level, program):
        return level >= 2

    @staticmethod
    def pair_rule(mentee_level, mentor_level):
        return mentor_level == mentee_level

    def form(self, ctx, waiting, mentors, free):
        rows = match_one_to_one(ctx, waiting, mentors, free, dims=ctx.goal_dim[waiting], rule=self.pair_rule)
        if len(rows) == 0:
            return Rows.empty()
        # one group per mentor, seats in order of matching
        _, group_of = np.unique(rows.mentor, return_inverse=True)
        groups = ctx.new_groups(int(group_of.max()) + 1)[group_of]
        seat = np.zeros(len(rows), dtype=np.int64)
        for g in np.unique(groups):
            seat[groups == g] = np.arange(int((groups == g).sum()))
        return Rows(rows.mentee, rows.mentor, groups, seat, rows.dim, rows.fit)


@pytest.fixture
def registered():
    fmt = register_format(SameLevelGroups())
    yield fmt
    FORMATS.pop(fmt.name)


def test_a_format_defined_outside_the_package_runs(registered, one_on_one):
    sc = small(one_on_one, program__format=registered.name, program__mentor_capacity=3)
    assert sc.program.format == registered.name
    res = ms.simulate(sc, replications=2, seed=SEED)
    rel, people = res.relationships, res.people
    assert len(rel) > 0 and rel.meetings_held.sum() > 0
    # group sessions: the rows of a mentor's group share a group number
    assert (rel.groupby(["replication", "group"]).mentor.nunique() == 1).all()
    assert rel.groupby(["replication", "group"]).size().max() > 1
    start = people.set_index(["replication", "person_id"]).start_level
    first = rel[rel.start == 1]  # matched in week 1, before anyone's first promotion review
    lv_e = start.loc[list(zip(first.replication, first.mentee))].to_numpy()
    lv_m = start.loc[list(zip(first.replication, first.mentor))].to_numpy()
    assert len(first) and (lv_e == lv_m).all()
    s = res.summary()
    assert s.loc["participation_rate", "mean"] > 0


def test_an_unregistered_format_is_refused_with_the_registered_ones(one_on_one):
    with pytest.raises(ms.ScenarioError, match="program.format") as e:
        one_on_one.with_overrides({"program.format": "same_level_groups"})
    assert "one_on_one" in str(e.value)


def test_formats_differ_only_through_properties_and_hooks():
    base = set(vars(Format))
    for fmt in FORMATS.values():
        own = set(vars(type(fmt))) - {
            "__module__",
            "__doc__",
            "__qualname__",
            "__firstlineno__",
            "__static_attributes__",
        }
        assert own <= base, f"{fmt.name} defines {own - base}, which the engine would not know to call"


class Coffee(Recognising):
    """A made-up policy: mentors get a coffee voucher each cycle (costed) and nothing else."""

    name = "coffee_vouchers"

    def weekly_cost(self, costs, n_mentors):
        return n_mentors * (52.0 / 52.0)  # a dollar a mentor a week


class CountingOverlay(Overlay):
    """A made-up overlay that counts the hooks the engine calls and adds nothing."""

    name = "counting"
    calls: dict[str, int] = {}

    def __init__(self, cap):
        CountingOverlay.calls = {}

    def _count(self, hook):
        self.calls[hook] = self.calls.get(hook, 0) + 1

    def sign_up(self, sim, week, employed):
        self._count("sign_up")

    def matched(self, sim, mentees, site):
        self._count("matched")

    def review_eligible(self, sim, in_level, ok):
        self._count("review_eligible")
        return ok

    def promotion_logit(self, sim, elig, logit):
        self._count("promotion_logit")
        return logit

    def left(self, sim, gone):
        self._count("left")

    def weekly_cost(self, sim):
        self._count("weekly_cost")
        return None


def test_a_policy_defined_outside_the_package_runs_and_is_costed(one_on_one):
    POLICIES[Coffee.name] = Coffee
    try:
        sc = small(one_on_one, program__recognition=Coffee.name)
        plain = small(one_on_one)
        a, b = ms.simulate(sc, replications=2, seed=SEED), ms.simulate(plain, replications=2, seed=SEED)
        # recognised mentors gain more engagement from sessions, so results differ, and the vouchers cost
        assert a.summary().loc["program_cost", "mean"] > b.summary().loc["program_cost", "mean"]
        ev = ms.simulate(sc, replications=1, seed=SEED, trace="all").events
        assert (ev.event == "recognised").any()
        assert ev[ev.event == "recognised"].details.str.contains("coffee vouchers").all()
    finally:
        POLICIES.pop(Coffee.name)


def test_an_overlay_defined_outside_the_package_gets_every_hook_and_changes_nothing(one_on_one):
    OVERLAYS["counting"] = (lambda sc: True, CountingOverlay)
    try:
        sc = small(one_on_one)
        with_overlay = engine.run(sc, SEED, 0)
        calls = dict(CountingOverlay.calls)
    finally:
        OVERLAYS.pop("counting")
    without = engine.run(sc, SEED, 0)
    assert set(calls) == {"sign_up", "matched", "review_eligible", "promotion_logit", "left", "weekly_cost"}
    np.testing.assert_array_equal(with_overlay.timeseries, without.timeseries)
    assert with_overlay.metrics.keys() == without.metrics.keys()
    np.testing.assert_array_equal(list(with_overlay.metrics.values()), list(without.metrics.values()))


def test_a_registered_format_runs_on_worker_processes_with_the_same_results(registered, one_on_one):
    """Workers get the formats registered in the calling process with every job."""
    sc = small(one_on_one, program__format=registered.name, program__mentor_capacity=3)
    serial = ms.simulate(sc, replications=2, seed=SEED)
    parallel = ms.simulate(sc, replications=2, seed=SEED, workers=2)
    pd.testing.assert_frame_equal(serial.summary(), parallel.summary())
    pd.testing.assert_frame_equal(serial.relationships, parallel.relationships)


def test_an_unknown_name_lists_the_registered_formats_too(registered, one_on_one):
    with pytest.raises(ms.ScenarioError, match="program.format") as e:
        one_on_one.with_overrides({"program.format": "telepathy"})
    assert registered.name in str(e.value) and "one_on_one" in str(e.value)
    assert one_on_one.with_overrides({"program.format": "peer"}).program.format == "peer"


def test_a_policy_that_only_overrides_cycle_is_scheduled(one_on_one):
    """has_cycle follows the hook: a Recognition subclass defining cycle() is called every 26 weeks."""
    from mentorsim.programs.recognition import Recognition

    class Plaque(Recognition):
        name = "plaque"
        calls = 0

        def cycle(self, people, mentors):
            Plaque.calls += 1

    POLICIES[Plaque.name] = Plaque
    try:
        engine.run(small(one_on_one, program__recognition="plaque", horizon=104), SEED, 0)
    finally:
        POLICIES.pop(Plaque.name)
    assert Plaque.has_cycle() and Plaque.calls == 4


class Slower(SameLevelGroups):
    """The made-up format again, with effect sizes of its own (less expertise than one-on-one)."""

    name = "slower_groups"
    effect_defaults = {"expertise": 0.6, "vicarious": 0.2}


class Badge(Recognising):
    """A made-up policy with effect sizes of its own: a badge lifts supply a little."""

    name = "badge"
    effect_defaults = {"supply": 1.2, "engagement_boost": 0.01}


def test_a_registered_plugin_brings_its_effect_sizes_as_scenario_keys(one_on_one):
    """effects.<format>.* and effects.recognition.<policy>.* exist for a plug-in registered at run time, with
    its defaults; a scenario sets them like a shipped one's, a typo is named, and they are parameters."""
    register_format(Slower())
    POLICIES[Badge.name] = Badge
    try:
        sc = small(one_on_one, program__format=Slower.name, program__recognition=Badge.name)
        fx, rx = sc.effects.slower_groups, sc.effects.recognition.badge
        assert (fx.expertise, fx.vicarious, fx.friction) == (0.6, 0.2, 1.0)  # its own, then one-on-one's
        assert (rx.supply, rx.engagement_boost, rx.hazard) == (1.2, 0.01, 1.0)
        assert FORMATS[Slower.name].effects(sc) == fx
        set_ = sc.with_overrides({"effects.slower_groups.expertise": 0.9, "effects.recognition.badge.supply": 2.0})
        assert set_.effects.slower_groups.expertise == 0.9 and set_.effects.slower_groups.vicarious == 0.2
        assert set_.effects.recognition.badge.supply == 2.0
        doc = {"program": {"format": Slower.name}, "effects": {"slower_groups": {"friction": 0.5}}}
        assert ms.scenario_from_dict(doc).effects.slower_groups.friction == 0.5
        with pytest.raises(ms.ScenarioError, match="did you mean 'effects.slower_groups.expertise'"):
            sc.with_overrides({"effects.slower_groups.expertize": 1.0})
        with pytest.raises(ms.ScenarioError, match="effects.slower_grups: unknown field; did you mean"):
            ms.scenario_from_dict({"effects": {"slower_grups": {}}})
        with pytest.raises(ms.ScenarioError, match=r"effects.slower_groups.expertise: Input should be less"):
            ms.scenario_from_dict({"effects": {"slower_groups": {"expertise": 9}}})
        reg = ms.parameter_register().set_index("name")
        assert reg.loc["effects.slower_groups.expertise", "default"] == 0.6
        assert reg.loc["effects.slower_groups.expertise", "sensitivity_low"] < 0.6
        assert reg.loc["effects.recognition.badge.supply", "default"] == 1.2
        slow = ms.simulate(sc, replications=1, seed=SEED).summary()
        fast = ms.simulate(set_, replications=1, seed=SEED).summary()
        assert not slow["mean"].equals(fast["mean"])  # the scenario's effect sizes are the ones used
    finally:
        FORMATS.pop(Slower.name)
        POLICIES.pop(Badge.name)
    # gone with the plug-ins
    assert "slower_groups" not in ms.Scenario().effects.model_dump()


class Huddles(SameLevelGroups):
    """The made-up format once more, as a newcomer would ship it: a label, words and effect sizes."""

    name = "huddles"
    label = "Huddles (same level)"
    words = "mentoring huddles"
    plural = True
    effect_defaults = {"expertise": 0.7}


def _saved_share(base, design):
    """A made-up paired metric: the share of the baseline's turnover cost the design saves."""
    b = np.asarray(base["turnover_cost"], dtype=float)
    return (b - np.asarray(design["turnover_cost"], dtype=float)) / np.where(b > 0, b, np.nan)


@pytest.fixture
def newcomers():
    """A format, a recognition policy and a paired metric defined here, registered for one test."""
    from mentorsim.schema.metrics import PAIRED, Paired

    register_format(Huddles())
    POLICIES[Badge.name] = Badge
    PAIRED["turnover_saved"] = Paired(
        "Turnover cost saved", "share", True, "Share of turnover cost saved.", _saved_share
    )
    yield
    FORMATS.pop(Huddles.name)
    POLICIES.pop(Badge.name)
    PAIRED.pop("turnover_saved")


def test_a_format_a_policy_and_a_paired_metric_defined_here_reach_every_layer(newcomers, tmp_path):
    """Schema, a run, the comparison and the scorecard's tables, and the dashboard's choices: no list to edit."""
    import ipywidgets as W

    from mentorsim.dashboard import view, widgets, words
    from mentorsim.outputs.fmt import compare_table
    from mentorsim.reports import collect
    from mentorsim.reports.tables import scorecard, settings_table

    # the schema: a scenario file naming them loads, the JSON schema and the register list them
    path = tmp_path / "huddles.yaml"
    path.write_text(
        "name: huddles\nhorizon_weeks: 60\nworkforce: {size: 300}\n"
        "program: {format: huddles, recognition: badge, mentor_capacity: 3}\n"
        "effects: {huddles: {friction: 0.8}, recognition: {badge: {supply: 1.4}}}\n"
    )
    sc = ms.load_scenario(path)
    assert (sc.program.format, sc.program.recognition) == ("huddles", "badge")
    assert (sc.effects.huddles.expertise, sc.effects.huddles.friction, sc.effects.recognition.badge.supply) == (
        0.7,
        0.8,
        1.4,
    )
    props = ms.Scenario.model_json_schema()["$defs"]["Program"]["properties"]
    assert "huddles" in props["format"]["enum"] and "badge" in props["recognition"]["enum"]
    reg = ms.parameter_register().set_index("name")
    assert "huddles" in reg.loc["program.format", "allowed"] and "badge" in reg.loc["program.recognition", "allowed"]
    assert reg.loc["effects.huddles.expertise", "default"] == 0.7

    # a run, and a comparison with the paired metric in its table
    cmp = ms.compare([sc.without_program("no program"), sc], replications=2, seed=SEED)
    assert cmp["huddles"].relationships.meetings_held.sum() > 0
    t = cmp.table()
    row = t[(t.scenario == "huddles") & (t.metric == "turnover_saved")]
    assert len(row) == 1
    want = _saved_share(cmp.baseline.metrics, cmp["huddles"].metrics).mean()
    assert row.diff_mean.iloc[0] == pytest.approx(want)
    assert "Turnover cost saved (mean) [turnover_saved]" in compare_table(t)

    # the scorecard's tables: the paired metric's row, the format and policy in the settings, the basis in words
    data = collect(cmp)
    s = data["scenarios"][0]
    assert s["format"] == "huddles" and s["paired"]["turnover_saved"]["values"]
    assert "no workplace evidence on mentoring huddles" in s["basis"]["why"]
    assert "the effects of badge are assumptions" in s["basis"]["why"]
    card = scorecard(data)
    assert "Turnover cost saved (median)" in card and 'data-metric="turnover_saved"' in card
    settings = settings_table(cmp)
    assert '<td class="chg">huddles</td>' in settings and '<td class="chg">badge</td>' in settings
    page = ms.report(cmp, path=tmp_path / "report.html", both=False).read_text(encoding="utf-8")
    assert 'data-metric="turnover_saved"' in page and "effects.huddles.friction" in page

    # the dashboard's choices, labelled, and its words for the design
    spec = {c["name"]: c for c in widgets.CONTROLS}
    assert ("Huddles (same level)", "huddles") in list(spec["format"]["options"])
    assert ("Badge", "badge") in list(spec["recognition"]["options"])
    assert list(spec["format"]["options"])[-1] == ("No program", "none")  # no program stays last
    assert view.make_control(W, dict(spec["format"]), "huddles").label == "Huddles (same level)"
    assert words.describe(sc.program) == "Biweekly mentoring huddles"
    dash = ms.Dashboard(sc, workforce_size=200, replications=2, threaded=False)
    try:
        assert dash.controls["format"].value == "huddles" and dash.controls["recognition"].value == "badge"
        assert dash.error is None and dash.headline.startswith("Biweekly mentoring huddles")
    finally:
        dash.close()
