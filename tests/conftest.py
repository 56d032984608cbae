"""Shared fixtures and the invariant checker used across the test suite.

Everything here is small on purpose (a few hundred people, one or two years, two
or three replications) so the whole suite runs in well under three minutes on two
cores. Tests assert behaviour and directions, never calibrated values.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import mentorsim as ms
from mentorsim import programs

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
SHIPPED = sorted(SCENARIOS.glob("*.yaml"))

# the shipped plug-ins, from their registries (a test that registers one removes it again)
FORMATS = tuple(programs.FORMATS)
PROGRAM_FORMATS = tuple(n for n, f in programs.FORMATS.items() if f.holds_sessions)
RECOGNITIONS = tuple(programs.POLICIES)
CADENCES = ("weekly", "biweekly", "monthly", 3, 6.5)

SMALL_SIZE = 300
SMALL_HORIZON = 60
SEED = 20240611

PEOPLE_COLUMNS = (
    "replication",
    "person_id",
    "initial",
    "persona",
    "start_level",
    "end_level",
    "hired_week",
    "left_week",
    "promotions",
    "role",
    "sponsored",
    "meetings_held",
    "goal_attained",
    "moved_internally",
)
TIMESERIES_METRICS = (
    "headcount",
    "quits",
    "hires",
    "promotions",
    "active_relationships",
    "meetings_held",
    "mentor_load_hours",
    "mean_engagement",
)
REQUIRED_SUMMARY = (
    "retention_12m",
    "retention_24m",
    "retention_36m",
    "monthly_quit_rate",
    "first_year_quit_share",
    "annual_promotion_rate",
    "internal_mobility_rate",
    "participation_rate",
    "goal_attainment_rate",
    "meetings_held_share",
    "mentor_burnout_rate",
    "program_cost",
    "turnover_cost",
)
# summary metrics that are shares and so must lie in [0, 1]
UNIT_INTERVAL = (
    "retention_12m",
    "retention_24m",
    "retention_36m",
    "first_year_quit_share",
    "early_quit_share",
    "participation_rate",
    "mentor_share",
    "goal_attainment_rate",
    "mentee_goal_attainment_rate",
    "meetings_held_share",
    "mentor_burnout_rate",
    "mean_engagement",
)
# rates per unit of time over average headcount: never negative; below 1 at realistic hazards (checked
# with default parameters in test_engine), but a month's quits may exceed headcount at extreme hazards
PER_TIME_RATES = ("monthly_quit_rate", "annual_promotion_rate", "internal_mobility_rate")
# relationships closed before matching in their final week (a mentor's slot is free again that week)
CLOSED_BEFORE_MATCHING = ("term",)


def mentorsim_bin() -> str:
    """The venv's console script, next to the running interpreter."""
    return str(Path(sys.executable).with_name("mentorsim"))


@pytest.fixture(scope="session")
def one_on_one() -> ms.Scenario:
    return ms.load_scenario(SCENARIOS / "one_on_one.yaml")


@pytest.fixture(scope="session")
def baseline() -> ms.Scenario:
    return ms.load_scenario(SCENARIOS / "baseline.yaml")


def small(sc: ms.Scenario, size: int = SMALL_SIZE, horizon: int = SMALL_HORIZON, **overrides) -> ms.Scenario:
    """A small, short variant of a scenario; extra overrides use dotted keys with '__' for '.'."""
    o = {"workforce.size": size, "horizon_weeks": horizon}
    o.update({k.replace("__", "."): v for k, v in overrides.items()})
    return sc.with_overrides(o)


@pytest.fixture(scope="session")
def small_one_on_one(one_on_one) -> ms.Scenario:
    return small(one_on_one)


@pytest.fixture(scope="session")
def small_baseline(baseline) -> ms.Scenario:
    return small(baseline)


@pytest.fixture(scope="session")
def small_results(small_one_on_one) -> ms.Results:
    """Two replications of a small one-on-one program (shared, read-only)."""
    return ms.simulate(small_one_on_one, replications=2, seed=SEED)


@pytest.fixture(scope="session")
def small_comparison(small_baseline, small_one_on_one) -> ms.Comparison:
    peer = small_one_on_one.with_overrides({"program.format": "peer", "name": "peer"})
    return ms.compare([small_baseline, small_one_on_one, peer], replications=3, seed=SEED)


# ---- invariants -------------------------------------------------------------------------------


def _weeks_active(rel: pd.DataFrame, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Expand relationship rows into (row index, week) pairs for every week each row held a slot.

    A row holds its mentor's slot at matching time (+0.10) in every week from its start to
    its end, except the end week when it was closed before matching (a term that ran out).
    """
    start = rel["start"].to_numpy(dtype=np.int64)
    end = rel["end"].to_numpy(dtype=np.int64)
    before = rel["reason"].isin(CLOSED_BEFORE_MATCHING).to_numpy()
    last = np.minimum(np.where(before, end - 1, end), horizon)
    n = np.maximum(last - start + 1, 0)
    rows = np.repeat(np.arange(len(rel)), n)
    offs = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    return rows, start[rows] + offs


def _max_per_week(keys: np.ndarray, weeks: np.ndarray, values: np.ndarray | None = None) -> tuple[int, tuple]:
    """Largest count of (distinct ``values`` if given, else rows) per (week, key); and where it happens."""
    df = pd.DataFrame({"week": weeks, "key": keys})
    if values is None:
        c = df.groupby(["week", "key"]).size()
    else:
        df["v"] = values
        c = df.groupby(["week", "key"])["v"].nunique()
    if c.empty:
        return 0, ()
    return int(c.max()), tuple(int(x) for x in c.idxmax())


def check_capacity(sc: ms.Scenario, rel: pd.DataFrame) -> None:
    """No mentor above capacity (circles: groups per facilitator) and no mentee over their seats."""
    prog, H = sc.program, sc.horizon_weeks
    fmt = programs.FORMATS[prog.format]
    if len(rel) == 0:
        return
    for rep, g in rel.groupby("replication"):
        g = g.reset_index(drop=True)
        rows, weeks = _weeks_active(g, H)
        mentor = g["mentor"].to_numpy()[rows]
        mentee = g["mentee"].to_numpy()[rows]
        if fmt.group_sessions:
            worst, where = _max_per_week(mentor, weeks, g["group"].to_numpy()[rows])
            assert worst <= prog.mentor_capacity, (
                f"rep {rep}: facilitator {where[1:]} runs {worst} circles in week {where[:1]}, "
                f"capacity {prog.mentor_capacity}"
            )
        else:
            cap = 1 if fmt.pair_sessions else prog.mentor_capacity  # a peer mentors their one partner
            worst, where = _max_per_week(mentor, weeks)
            assert worst <= cap, (
                f"rep {rep}: mentor {where[1:]} has {worst} active mentees in week {where[:1]}, capacity {cap}"
            )
        seats = fmt.rows_per_mentee  # a board's seats
        worst, where = _max_per_week(mentee, weeks)
        assert worst <= seats, f"rep {rep}: mentee {where[1:]} has {worst} active rows in week {where[:1]}"


def check_headcount(res: ms.Results) -> None:
    """Headcount equals the starting workforce plus hires minus leavers, at every week."""
    H = res.scenario.horizon_weeks
    ts = res.timeseries.pivot_table(index=["replication", "week"], columns="metric", values="value")
    weeks = np.arange(1, H + 1)
    for rep, p in res.people.groupby("replication"):
        t = ts.loc[rep].reindex(weeks)
        n0 = int(p["initial"].sum())
        assert n0 == res.scenario.workforce.size
        hc, hires, quits = (t[m].to_numpy() for m in ("headcount", "hires", "quits"))
        np.testing.assert_array_equal(
            hc, n0 + np.cumsum(hires) - np.cumsum(quits), err_msg=f"rep {rep}: headcount != start + hires - quits"
        )
        hired = p.loc[~p["initial"], "hired_week"].to_numpy(dtype=np.int64)
        left = p["left_week"].to_numpy(dtype=float)
        np.testing.assert_array_equal(
            np.bincount(hired, minlength=H + 1)[1:],
            hires,
            err_msg=f"rep {rep}: timeseries hires != hires in the people table",
        )
        lw = left[~np.isnan(left)].astype(np.int64)
        np.testing.assert_array_equal(
            np.bincount(lw, minlength=H + 1)[1:],
            quits,
            err_msg=f"rep {rep}: timeseries quits != leavers in the people table",
        )
        employed = np.array([((p["initial"] | (p["hired_week"] <= w)) & ~(left <= w)).sum() for w in weeks])
        np.testing.assert_array_equal(hc, employed, err_msg=f"rep {rep}: headcount != employed in people table")


def check_people(res: ms.Results) -> None:
    """Per-person sanity: levels never fall, weeks in range, roles agree with relationships."""
    sc, p, H = res.scenario, res.people, res.scenario.horizon_weeks
    missing = set(PEOPLE_COLUMNS) - set(p.columns)
    assert not missing, f"people table lacks {sorted(missing)}"
    assert not p.duplicated(["replication", "person_id"]).any()
    assert p["start_level"].between(1, 5).all() and p["end_level"].between(1, 5).all()
    assert (p["end_level"] >= p["start_level"]).all(), "a level fell"
    assert (p["promotions"] == p["end_level"] - p["start_level"]).all(), "promotions != levels gained"
    init = p["initial"].to_numpy()
    hired = p["hired_week"].to_numpy()
    assert (hired[init] <= 0).all(), "starting workforce must have hired_week <= 0 (minus tenure)"
    assert ((hired[~init] >= 1) & (hired[~init] <= H)).all(), "hires must join within the horizon"
    left = p["left_week"].to_numpy(dtype=float)
    gone = ~np.isnan(left)
    assert ((left[gone] >= 1) & (left[gone] <= H)).all()
    assert (left[gone] > hired[gone]).all(), "someone left before (or in the week) they joined"
    assert set(p["persona"]) <= {"early_career", "first_time_manager", "career_pivoter", "established"}
    assert set(p["role"]) <= {"none", "mentee", "mentor", "both"}
    assert (p["meetings_held"] >= 0).all()
    assert (~p["moved_internally"] | (p["goal_attained"] & (p["persona"] == "career_pivoter"))).all(), (
        "only pivoters who reached their goal move internally"
    )
    if not sc.program.sponsorship or sc.program.format == "none":
        assert not p["sponsored"].any()
    else:
        assert p.loc[p["sponsored"], "role"].isin(["mentee", "both"]).all(), "a sponsored person was no mentee"
    if sc.program.format == "none":
        assert (p["role"] == "none").all() and (p["meetings_held"] == 0).all()
        assert len(res.relationships) == 0


def check_relationships(res: ms.Results) -> None:
    """Relationship rows agree with the people table and the time series."""
    rel, p, H = res.relationships, res.people, res.scenario.horizon_weeks
    if len(rel) == 0:
        return
    assert (rel["mentee"] != rel["mentor"]).all(), "someone mentors themselves"
    assert ((rel["start"] >= 1) & (rel["start"] <= H)).all()
    assert (rel["end"] >= rel["start"]).all()
    assert ((rel["reason"] == "active") == (rel["end"] == H + 1)).all()
    assert (rel["meetings_held"] <= rel["meetings_scheduled"]).all()
    ts = res.timeseries
    for rep, g in rel.groupby("replication"):
        pp = p[p.replication == rep].set_index("person_id")
        for side in ("mentee", "mentor"):
            who = pp.loc[g[side].to_numpy()]
            joined = np.where(who["initial"], -np.inf, who["hired_week"])
            assert (joined < g["start"].to_numpy()).all(), f"rep {rep}: a {side} matched before joining"
            lw = who["left_week"].to_numpy(dtype=float)
            assert (np.isnan(lw) | (g["end"].to_numpy() <= lw)).all(), f"rep {rep}: a {side}'s row outlived them"
        mentees = set(g["mentee"])
        mentors = set(g["mentor"])
        role = pp["role"]
        assert set(role.index[role.isin(["mentee", "both"])]) == mentees, f"rep {rep}: roles != mentees"
        assert set(role.index[role.isin(["mentor", "both"])]) == mentors, f"rep {rep}: roles != mentors"
        t = ts[(ts.replication == rep) & (ts.metric == "meetings_held")]["value"].sum()
        assert g["meetings_held"].sum() == t == pp["meetings_held"].sum(), (
            f"rep {rep}: meetings held disagree between relationships, people and time series"
        )


def check_rates(res: ms.Results) -> None:
    """Shares and rates in [0, 1]; no negative counts or costs; engagement in [0, 1]."""
    per_rep = res.metrics
    for m in UNIT_INTERVAL:
        if m in per_rep:
            v = per_rep[m].dropna()
            assert ((v >= 0) & (v <= 1)).all(), f"{m} outside [0, 1]: {v.tolist()}"
    for m in ("program_cost", "turnover_cost", "meetings_held", "mentor_load_hours", *PER_TIME_RATES):
        if m in per_rep:
            assert (per_rep[m].dropna() >= 0).all(), f"{m} negative"
    ts = res.timeseries
    assert (ts["value"].to_numpy() >= 0).all(), "a negative value in the time series"
    eng = ts[ts.metric == "mean_engagement"]["value"]
    assert eng.between(0, 1).all(), f"mean engagement outside [0, 1]: max {eng.max()}, min {eng.min()}"
    if "end_engagement" in res.people:
        e = res.people["end_engagement"]
        assert e.between(0, 1).all(), f"a person's engagement outside [0, 1]: max {e.max()}, min {e.min()}"
    s = res.summary()
    for m in UNIT_INTERVAL:
        if m in s.index and not math.isnan(s.loc[m, "mean"]):
            assert 0 <= s.loc[m, "mean"] <= 1, f"summary {m} outside [0, 1]"


def check_invariants(res: ms.Results) -> None:
    """Every invariant a real run must satisfy; used by the engine, property and face-validity tests."""
    check_people(res)
    check_headcount(res)
    check_rates(res)
    check_relationships(res)
    check_capacity(res.scenario, res.relationships)


@pytest.fixture(scope="session")
def invariants():
    return check_invariants


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")


# ---- dashboard servers: isolated settings and the processes they leave ---------------------------


def isolated_env(tmp: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment with Matplotlib, IPython and Jupyter settings in ``tmp`` (nothing shared)."""
    env = dict(os.environ)
    for k, sub in (
        ("MPLCONFIGDIR", "mpl"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTER_CONFIG_DIR", "jconfig"),
        ("JUPYTER_DATA_DIR", "jdata"),
        ("JUPYTER_RUNTIME_DIR", "jruntime"),
    ):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[k] = str(tmp / sub)
    env["MPLBACKEND"] = "Agg"
    env.update(extra or {})
    return env


def processes() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, session id, command line) of every live process (from /proc)."""
    out = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            st = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if st[0] != "Z":
            out[int(pid)] = (int(st[1]), int(st[3]), cmd)
    return out
