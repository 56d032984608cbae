"""Comparison: scenarios run paired against the first (the baseline), their differences with paired
intervals, and the naive participant gap split into timing, selection and causal parts."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorsim.outputs.results import Results
from mentorsim.schema.metrics import METRICS, PAIRED, interval

if TYPE_CHECKING:
    from mentorsim.schema.scenario import Scenario


class Comparison:
    """Scenarios run paired (same seed: same starting people) against the first, the baseline."""

    def __init__(self, results: list[Results]):
        if len(results) < 2:
            raise ValueError("compare needs a baseline and at least one scenario")
        self.results = results
        self.baseline = results[0]
        #: with replications="auto": how many were run and how narrow the interval got
        self.precision_note: str | None = None

    @property
    def uncertainty(self) -> str:
        """What the intervals show: "noise" (luck only) or "parameters" (luck and what we don't know)."""
        return self.baseline.uncertainty

    def __getitem__(self, name: str) -> Results:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no scenario named {name!r}; have {[r.name for r in self.results]}")

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.results]

    def diffs(self, results: Results) -> pd.DataFrame:
        """Per-replication paired differences (scenario minus baseline) of every metric."""
        b = self.baseline.metrics
        return results.metrics.sub(b).dropna(how="all", axis=1)

    def paired(self, results: Results, metric: str) -> pd.Series:
        """Per replication, a paired metric of ``results`` against the baseline (``schema.metrics.PAIRED``)."""
        s = results.metrics
        b = self.baseline.metrics.reindex(s.index)  # paired by replication
        return pd.Series(np.asarray(PAIRED[metric].compute(b, s), dtype=float), index=s.index, name=metric)

    def roi(self, results: Results) -> pd.Series:
        """Per-replication ROI: (turnover cost avoided - program cost) / program cost."""
        return self.paired(results, "roi")

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """``scenario, metric, diff_mean, ci_low, ci_high, p_better`` against the baseline.

        p_better is the share of paired replications in which the scenario beats the
        baseline on that metric (ties count half). The row of a paired metric (``schema.metrics.PAIRED``:
        ``roi``) holds the metric itself, and p_better the share of replications on its good side of 0.
        ``attrs["interval"]`` says which kind of interval the table shows.
        """
        rows = []
        for r in self.results[1:]:
            d = self.diffs(r)
            for m in d.columns:
                v = d[m].to_numpy(dtype=float)
                v = v[~np.isnan(v)]
                if len(v) == 0:
                    continue
                mean, lo, hi = interval(v, level)
                better = v > 0 if METRICS[m].higher_is_better else v < 0
                p = float((better.sum() + 0.5 * (v == 0).sum()) / len(v))
                rows.append((r.name, m, mean, lo, hi, p))
            for name, pm in PAIRED.items():
                v = self.paired(r, name).to_numpy(dtype=float)
                v = v[~np.isnan(v)]
                if len(v):
                    mean, lo, hi = interval(v, level)
                    rows.append((r.name, name, mean, lo, hi, float((v > 0 if pm.higher_is_better else v < 0).mean())))
        out = pd.DataFrame(rows, columns=["scenario", "metric", "diff_mean", "ci_low", "ci_high", "p_better"])
        out.attrs["interval"] = f"{level:.0%} paired interval over " + (
            "luck and what we don't know (uncertain parameters drawn)"
            if self.uncertainty == "parameters"
            else "luck only (every parameter at its value)"
        )
        return out

    def equity(self, level: float = 0.95) -> pd.DataFrame:
        """``scenario, group, metric, value, diff_mean, ci_low, ci_high``: group outcomes, differences
        paired against the baseline (``mentorsim.outputs.equity``)."""
        from mentorsim.outputs.equity import equity

        return equity(self, level)

    # Decision analysis lives in mentorsim.outputs.decision (``ms.decision``), as functions of a Comparison: the
    # methods below were a second spelling of each and go in a later release.
    def net_benefit(self, value_of: dict[str, float] | None = None) -> pd.DataFrame:
        """Deprecated: use ``ms.decision.net_benefit(cmp, value_of)``."""
        return _decision("net_benefit")(self, value_of)

    def acceptability(self, value_of: str = "retained", values: Any = None, fixed: Any = None) -> pd.DataFrame:
        """Deprecated: use ``ms.decision.acceptability(cmp, value_of, values, fixed)``."""
        return _decision("acceptability")(self, value_of, values, fixed)

    def value_of_information(self, value_of: dict[str, float] | None = None, **kw: Any) -> pd.DataFrame:
        """Deprecated: use ``ms.decision.value_of_information(cmp, value_of, ...)``."""
        return _decision("value_of_information")(self, value_of, **kw)

    def precision(self, metrics: Any = None, level: float = 0.95, half_width: Any = None) -> pd.DataFrame:
        """Deprecated: use ``ms.decision.precision(cmp, metrics, level, half_width)``."""
        return _decision("precision")(self, metrics, level, half_width)

    def too_wide_to_rank(self, metric: str = "retention_36m") -> str | None:
        """Deprecated: use ``ms.decision.too_wide_to_rank(cmp, metric)``."""
        return _decision("too_wide_to_rank")(self, metric)

    def basis(self) -> pd.DataFrame:
        """Per scenario: whether its results rest on evidence or mainly on assumptions, and why
        (``scenario, basis, why``; see :func:`mentorsim.schema.evidence.basis`)."""
        from mentorsim.schema.evidence import basis

        return pd.DataFrame(
            [(r.name, *basis(r.scenario)) for r in self.results[1:]], columns=["scenario", "basis", "why"]
        )

    def participant_effects(self, level: float = 0.95) -> pd.DataFrame:
        """The naive participant gap in three honest parts, for retention and promotion, per scenario.

        Over the starting workforce at the horizon, ``naive_gap = timing + selection + causal_effect``:

        - ``naive_gap``: mentees minus everyone who was never a participant, in the program run
          (how a study like Sun's compares them, EVIDENCE C4/C5).
        - ``causal_effect``: the same mentees in the program run minus in the baseline run (same
          seed, same people): what the program did for them.
        - ``selection``: who volunteers among people equally able to enrol at the same time: in the
          baseline run, the mentees minus the non-participants who were employed and eligible
          (level and tenure) in the week each mentee was matched (a risk-set comparison, weighted
          by the mentees matched each week). Near zero when enrolment is random.
        - ``timing``: the rest: comparing enrolled people with everyone who was ever a
          non-participant, including those who left before anyone could enrol them
          (survivorship: later cohorts can only enrol people still employed).

        Hazard ratios (ln share staying / ln share of non-participants staying) are given for
        the naive gap, as in EVIDENCE C4.
        """
        from mentorsim.programs import FORMATS

        rows = []
        base = self.baseline.people
        base = base[base.initial].set_index(["replication", "person_id"])
        keys = (
            "ret_naive",
            "ret_causal",
            "ret_selection",
            "pro_naive",
            "pro_causal",
            "pro_selection",
            "hr_naive",
            "pr_naive",
        )
        for r in self.results[1:]:
            p = r.people
            p = p[p.initial]
            first_match = r.relationships.groupby(["replication", "mentee"]).start.min()
            per: dict[str, list[float]] = {k: [] for k in keys}
            for rep, g in p.groupby("replication"):
                mentee = (g.role.isin(["mentee", "both"])).to_numpy()
                non = (g.role == "none").to_numpy()
                if mentee.sum() == 0 or non.sum() == 0:
                    continue
                stay = g.left_week.isna().to_numpy()
                prom = (g.promotions > 0).to_numpy()
                b = base.loc[rep].reindex(g.person_id.to_numpy())
                b_stay, b_prom = b.left_week.isna().to_numpy(), (b.promotions > 0).to_numpy()
                matched = first_match.loc[rep].reindex(g.person_id).to_numpy(dtype=float)  # NaN: never matched
                ref_stay, ref_prom = _risk_set(
                    b,
                    g.role.isin(["none", "mentee"]).to_numpy(),
                    matched,
                    mentee,
                    r.scenario,
                    FORMATS[r.scenario.program.format],
                )
                per["ret_naive"].append(stay[mentee].mean() - stay[non].mean())
                per["ret_causal"].append(stay[mentee].mean() - b_stay[mentee].mean())
                per["ret_selection"].append(b_stay[mentee].mean() - ref_stay)
                per["pro_naive"].append(prom[mentee].mean() - prom[non].mean())
                per["pro_causal"].append(prom[mentee].mean() - b_prom[mentee].mean())
                per["pro_selection"].append(b_prom[mentee].mean() - ref_prom)
                s_m, s_n = stay[mentee].mean(), stay[non].mean()
                per["hr_naive"].append(math.log(s_m) / math.log(s_n) if 0 < s_m < 1 and 0 < s_n < 1 else np.nan)
                per["pr_naive"].append(prom[mentee].mean() / prom[non].mean() if prom[non].mean() > 0 else np.nan)
            for outcome, key in (("retention", "ret"), ("promotion", "pro")):
                naive, causal = np.array(per[f"{key}_naive"]), np.array(per[f"{key}_causal"])
                sel = np.array(per[f"{key}_selection"])
                nm, nlo, nhi = interval(naive, level)
                cm, clo, chi = interval(causal, level)
                sm, slo, shi = interval(sel, level)
                tm, tlo, thi = interval(naive - causal - sel, level)
                ratio = interval(np.array(per["hr_naive" if key == "ret" else "pr_naive"]), level)[0]
                rows.append((r.name, outcome, nm, nlo, nhi, cm, clo, chi, sm, slo, shi, tm, tlo, thi, ratio))
        return pd.DataFrame(
            rows,
            columns=[
                "scenario",
                "outcome",
                "naive_gap",
                "naive_ci_low",
                "naive_ci_high",
                "causal_effect",
                "causal_ci_low",
                "causal_ci_high",
                "selection",
                "selection_ci_low",
                "selection_ci_high",
                "timing",
                "timing_ci_low",
                "timing_ci_high",
                "naive_ratio",
            ],
        )


def _risk_set(
    b: pd.DataFrame, candidates: np.ndarray, matched: np.ndarray, mentee: np.ndarray, sc: Scenario, fmt: Any
) -> tuple[float, float]:
    """In the baseline run ``b`` (rows aligned with the program run's starting people), the share
    staying and the share promoted among the people at risk of enrolling in the week each mentee
    was matched and at that mentee's level: employed, eligible (level, tenure, and a targeted program's
    tenure cap, groups and informal-mentor rule), not a mentor and not
    yet matched then (so people who enrol later count as comparators until they do); averaged over
    the mentees. Comparing within a level keeps which levels the mentors could take (a mentor
    must be more senior) out of the selection part."""
    prog = sc.program
    hired = b.hired_week.to_numpy()
    left = b.left_week.to_numpy()
    first_promo = b.first_promotion_week.to_numpy()
    start_level = b.start_level.to_numpy()
    stay, prom = np.isnan(left), b.promotions.to_numpy() > 0
    rules = np.ones(len(b), dtype=bool)  # the program's eligibility rules: who a targeted program may enrol
    if prog.eligibility.groups != "all" and "group" in b:
        rules &= b.group.isin(list(prog.eligibility.groups)).to_numpy()
    if prog.eligibility.without_informal_mentor and "informal_mentor_on_joining" in b:
        # the rule is "no informal mentor when the program enrols" (programs.volunteering.eligible); the
        # baseline records who had one on joining and who had one at some point, not when: on joining is
        # the closer record for the comparators of an intake (someone who finds a mentor later was eligible)
        rules &= ~b.informal_mentor_on_joining.to_numpy(dtype=bool)
    s_sum = p_sum = total = 0.0
    when = matched[mentee & ~np.isnan(matched)]
    for w in np.unique(when):
        # as at matching, early in week w: promotions (+0.50) and quits (+0.65) of week w come later
        level = start_level + (first_promo < w)  # at most the first promotion before w (NaN compares False)
        if prog.eligibility.max_tenure_weeks is not None:  # a new-hire program: only the recently hired
            rules_w = rules & (hired >= w - prog.eligibility.max_tenure_weeks)
        else:
            rules_w = rules
        at_risk = (
            candidates
            & ~(matched <= w)
            & (hired <= w - prog.min_tenure_weeks)
            & (np.isnan(left) | (left >= w))
            & fmt.mentee_eligible(level, prog)
            & rules_w
        )
        lv, k_of = np.unique(level[mentee & (matched == w)], return_counts=True)
        for lvl, k in zip(lv, k_of, strict=True):
            ref = at_risk & (level == lvl)
            if not ref.any():
                continue
            s_sum += k * stay[ref].mean()
            p_sum += k * prom[ref].mean()
            total += k
    return (s_sum / total, p_sum / total) if total else (float("nan"), float("nan"))


def _decision(name: str) -> Any:
    """The decision function ``name``, with a warning that the Comparison method spelling of it is deprecated."""
    import importlib
    import warnings

    warnings.warn(
        f"Comparison.{name}() is deprecated: use ms.decision.{name}(cmp, ...)", DeprecationWarning, stacklevel=3
    )
    return getattr(importlib.import_module("mentorsim.outputs.decision"), name)
