"""The per-replication measures of each target: what a figure is in one simulated run.

:func:`evaluate` simulates the scenarios a set of targets needs (each distinct one once,
same seeds) and returns each target's value per replication: quit and promotion rates
from the run's metrics, participant gaps and ratios over the starting workforce, the
cadence-quality correlation over relationships, and the sponsorship promotion ratio
against the same run without the overlay.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from mentorsim.calibration.spec import Item, Spec
from mentorsim.calibration.targets import WORKFORCE_TARGETS, CorrelationTarget, GapTarget, PromotionTarget
from mentorsim.schema.scenario import Scenario
from mentorsim.schema.tables import WEEKS_PER_MONTH


def _groups(P: dict[str, np.ndarray], group: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over the starting workforce: the group's mask, the non-participants' mask and the index of starters."""
    init = np.flatnonzero(P["initial"])
    role = P["role"][init]
    return (role & (1 if group == "mentees" else 2)).astype(bool), role == 0, init


def _group_shares(reps, group: str, column: str, test) -> list[tuple[float, float] | None]:
    """Per replication, the share of the starting group and of the starting non-participants whose
    ``column`` passes ``test`` (None where either is empty)."""
    out: list[tuple[float, float] | None] = []
    for r in reps:
        grp, non, init = _groups(r.people, group)
        hit = test(r.people[column][init])
        out.append(None if grp.sum() == 0 or non.sum() == 0 else (hit[grp].mean(), hit[non].mean()))
    return out


def _gap_per_rep(reps, t: GapTarget) -> np.ndarray:
    out = []
    for pair in _group_shares(reps, t.group, "left_week", lambda left: left < 0):
        if pair is None:
            out.append(np.nan)
            continue
        s_g, s_n = pair
        if t.measure == "retention_difference":
            out.append(s_g - s_n)
        elif 0 < s_g < 1 and 0 < s_n < 1:
            out.append(math.log(s_g) / math.log(s_n))
        elif s_g == 1 and 0 < s_n < 1:
            out.append(0.0)
        else:
            out.append(np.nan)
    return np.array(out, dtype=float)


def _promotion_per_rep(reps, t: PromotionTarget) -> np.ndarray:
    out = []
    for pair in _group_shares(reps, t.group, "promotions", lambda n: n > 0):
        if pair is None:
            out.append(np.nan)
        elif t.measure == "difference":
            out.append(pair[0] - pair[1])
        else:
            out.append(pair[0] / pair[1] if pair[1] > 0 else np.nan)
    return np.array(out, dtype=float)


def _correlation_per_rep(reps, t: CorrelationTarget) -> np.ndarray:
    out = []
    for r in reps:
        R = r.relationships
        weeks = np.clip(R["end"] - R["start"], 1, None)
        keep = weeks >= t.min_weeks
        per_month = R["held"][keep] / weeks[keep] * WEEKS_PER_MONTH
        quality = R["quality"][keep]
        if keep.sum() < 3 or per_month.std() == 0 or quality.std() == 0:
            out.append(np.nan)
        else:
            out.append(float(np.corrcoef(per_month, quality)[0, 1]))
    return np.array(out, dtype=float)


def _sponsorship_per_rep(reps, reps_without) -> np.ndarray:
    out = []
    for a, b in zip(reps, reps_without):
        ids = np.flatnonzero(a.people["initial"] & a.people["sponsored"])  # starters: same ids in both runs
        if len(ids) == 0:
            out.append(np.nan)
            continue
        p_a = (a.people["promotions"][ids] > 0).mean()
        p_b = (b.people["promotions"][ids] > 0).mean()
        out.append(p_a / p_b if p_b > 0 else np.nan)
    return np.array(out, dtype=float)


def _no_sponsorship(sc: Scenario) -> Scenario:
    return sc.with_overrides({"program.sponsorship": False}) if sc.program.sponsorship else sc


def _content(sc: Scenario) -> str:
    """What a simulation depends on: the scenario without its name and description."""
    d = sc.model_dump(mode="json")
    d.pop("name", None)
    d.pop("description", None)
    return json.dumps(d, sort_keys=True)


def _sims_of(spec: Spec, item: Item, sc: Scenario) -> list[Scenario]:
    """The scenarios a target's figure is measured on."""
    if item.kind in WORKFORCE_TARGETS:
        return [sc if spec.file.observed_with_program else sc.without_program()]
    if item.kind == "sponsorship_promotion_ratio":
        return [sc, _no_sponsorship(sc)]
    return [sc]


def evaluate(
    spec: Spec,
    scenarios: dict[str, Scenario],
    items: list[Item],
    reps_of: dict[str, int],
    seed: int,
    workers: int,
    have: dict[str, list] | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Per-replication values of ``items`` with the given scenarios; each distinct simulation runs once.

    ``reps_of`` gives each target's replications; a simulation runs the most that any target
    measured on it asks for (over all targets, so that fitted and checked ones agree).
    Returns the values by label and the simulations run (by content), reusing ``have``.
    """
    from mentorsim.run.experiment import run_many

    sims: dict[str, list] = dict(have or {})
    need: dict[str, tuple[Scenario, int]] = {}
    keys: dict[str, list[str]] = {}
    for it in spec.items:  # replication counts over all targets
        for s in _sims_of(spec, it, scenarios[it.scenario]):
            k = _content(s)
            keys.setdefault(it.label, []).append(k)
            need[k] = (s, max(need.get(k, (s, 0))[1], reps_of[it.label]))
    todo = {k for it in items for k in keys[it.label] if k not in sims}
    jobs = [(need[k][0], seed, r) for k in sorted(todo) for r in range(need[k][1])]
    done = run_many(jobs, workers) if jobs else []
    i = 0
    for k in sorted(todo):
        n = need[k][1]
        sims[k] = done[i : i + n]
        i += n
    out: dict[str, np.ndarray] = {}
    for it in items:
        runs = [sims[k] for k in keys[it.label]]
        t = it.target
        if it.kind in WORKFORCE_TARGETS:
            out[it.label] = np.array([rr.metrics[it.kind] for rr in runs[0]], dtype=float)
        elif it.kind == "participant_retention_gap":
            assert isinstance(t, GapTarget)  # each kind's targets validate into its own model
            out[it.label] = _gap_per_rep(runs[0], t)
        elif it.kind == "participant_promotion_ratio":
            assert isinstance(t, PromotionTarget)
            out[it.label] = _promotion_per_rep(runs[0], t)
        elif it.kind == "cadence_quality_correlation":
            assert isinstance(t, CorrelationTarget)
            out[it.label] = _correlation_per_rep(runs[0], t)
        else:
            out[it.label] = _sponsorship_per_rep(runs[0], runs[1])
    return out, sims


def is_share(kind: str, measure: Any) -> bool:
    """Whether a target's value is a share (shown as a percentage)."""
    return kind in WORKFORCE_TARGETS or measure in ("retention_difference", "difference")
