"""Plug-ins own their behaviour: a format defined here, in the test file, runs with no change to the package."""

from __future__ import annotations

import numpy as np
import pytest

import mentorsim as ms
from conftest import SEED, small
from mentorsim.programs import FORMATS, Format, Rows, register_format
from mentorsim.programs.matching import match_one_to_one


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
        own = set(vars(type(fmt))) - {"__module__", "__doc__", "__qualname__", "__firstlineno__",
                                       "__static_attributes__"}
        assert own <= base, f"{fmt.name} defines {own - base}, which the engine would not know to call"
