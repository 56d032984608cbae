"""Results and Comparison: tidy pandas frames, summaries with intervals, provenance.

Frames are built lazily from the replications' arrays, so a run that only needs
its summary never pays for building a million-row people table.
"""

from __future__ import annotations

import json
import math
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .metrics import METRICS, SUMMARY_METRICS, Metric, interval, rep_metrics  # noqa: F401 (re-exported)
from .tables import END_REASONS, EVENT_COLUMNS, TS_METRICS, WEEKS_PER_MONTH
from .workforce import PERSONA_NAMES

if TYPE_CHECKING:
    from .scenario import Scenario
    from .tables import RepResult

ROLE_NAMES = np.array(["none", "mentee", "mentor", "both"], dtype=object)


class Results:
    """The replications of one scenario: people, timeseries, relationships, events and a summary."""

    def __init__(self, scenario: Scenario, seed: int, reps: list[RepResult], executor: str = "serial",
                 workers: int = 1):
        from . import __version__

        self.scenario = scenario
        self.seed = seed
        self.reps = sorted(reps, key=lambda r: r.replication)
        self.provenance = {"scenario": scenario.name, "seed": int(seed), "replications": len(reps),
                           "horizon_weeks": scenario.horizon_weeks, "workforce_size": scenario.workforce.size,
                           "package": "mentorsim", "version": __version__}
        self._run_info = {"executor": executor, "workers": workers}

    @property
    def name(self) -> str:
        return self.scenario.name

    def __repr__(self) -> str:
        return f"<Results {self.name!r}: {len(self.reps)} replications, seed {self.seed}>"

    @cached_property
    def people(self) -> pd.DataFrame:
        parts = []
        for r in self.reps:
            d = dict(r.people)
            k = len(d["person_id"])
            df = pd.DataFrame({"replication": np.full(k, r.replication, dtype=np.int64), **d})
            parts.append(df)
        df = pd.concat(parts, ignore_index=True)
        df["persona"] = PERSONA_NAMES[df["persona"].to_numpy()].astype(str)
        df["role"] = ROLE_NAMES[df["role"].to_numpy()].astype(str)
        for c in ("left_week", "goal_week", "first_promotion_week"):
            v = df[c].to_numpy().astype(float)
            v[v < 0] = np.nan
            df[c] = v
        return df

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        parts = []
        for r in self.reps:
            H, M = r.timeseries.shape
            parts.append(pd.DataFrame({
                "replication": np.full(H * M, r.replication, dtype=np.int64),
                "week": np.repeat(np.arange(1, H + 1), M),
                "metric": np.tile(np.array(TS_METRICS, dtype=object), H).astype(str),
                "value": r.timeseries.reshape(-1),
            }))
        return pd.concat(parts, ignore_index=True)

    @cached_property
    def relationships(self) -> pd.DataFrame:
        parts = []
        for r in self.reps:
            d = r.relationships
            k = len(d["mentee"])
            df = pd.DataFrame({"replication": np.full(k, r.replication, dtype=np.int64), **d})
            parts.append(df)
        df = pd.concat(parts, ignore_index=True)
        df["reason"] = np.array(END_REASONS, dtype=object)[df["reason"].to_numpy()].astype(str)
        df["weeks"] = (df["end"] - df["start"]).clip(lower=1)
        df["meetings_per_month"] = df["held"] / df["weeks"] * WEEKS_PER_MONTH
        return df.rename(columns={"held": "meetings_held", "scheduled": "meetings_scheduled"})

    @cached_property
    def events(self) -> pd.DataFrame:
        parts = [pd.DataFrame({"replication": r.replication, **r.events}) for r in self.reps if r.events]
        if not parts:
            return pd.DataFrame(columns=["replication", *EVENT_COLUMNS])
        return pd.concat(parts, ignore_index=True)

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """One row per replication, one column per summary metric."""
        df = pd.DataFrame([r.metrics for r in self.reps], index=pd.Index([r.replication for r in self.reps], name="replication"))
        return df[[m for m in SUMMARY_METRICS if m in df.columns]]

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Index ``metric``; columns ``mean, ci_low, ci_high`` (a t-interval over replications)."""
        rows = {m: interval(self.metrics[m].to_numpy(), level) for m in self.metrics.columns}
        df = pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "ci_low", "ci_high"])
        df.index.name = "metric"
        return df

    def curve(self, metric: str = "headcount") -> pd.DataFrame:
        """A timeseries metric by week: mean and 95% band over replications."""
        ts = self.timeseries
        w = ts[ts.metric == metric].pivot(index="week", columns="replication", values="value")
        return _band(w)

    def retention_curve(self) -> pd.DataFrame:
        """Share of the starting workforce still employed, by week: mean and 95% band over replications."""
        H = self.scenario.horizon_weeks
        cols = {}
        for r in self.reps:
            init = r.people["initial"]
            left = r.people["left_week"][init]
            left = np.where(left < 0, H + 1, left)
            counts = np.bincount(np.minimum(left, H + 1), minlength=H + 2)
            cols[r.replication] = 1.0 - np.cumsum(counts)[1: H + 1] / init.sum()
        return _band(pd.DataFrame(cols, index=pd.Index(np.arange(1, H + 1), name="week")))

    def to_dir(self, out: str | Path) -> Path:
        """Write people.parquet, timeseries.parquet, relationships.parquet, summary.csv, scenario.yaml, meta.json."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        self.people.to_parquet(out / "people.parquet", index=False)
        self.timeseries.to_parquet(out / "timeseries.parquet", index=False)
        self.relationships.to_parquet(out / "relationships.parquet", index=False)
        self.summary().to_csv(out / "summary.csv")
        self.scenario.dump(out / "scenario.yaml")
        (out / "meta.json").write_text(json.dumps({**self.provenance, **self._run_info}, indent=2))
        return out


def _band(wide: pd.DataFrame) -> pd.DataFrame:
    v = wide.to_numpy(dtype=float)
    mean = v.mean(axis=1)
    if v.shape[1] > 1:
        lo, hi = np.percentile(v, [2.5, 97.5], axis=1)
    else:
        lo = hi = mean
    return pd.DataFrame({"mean": mean, "low": lo, "high": hi}, index=wide.index)


class Comparison:
    """Scenarios run paired (same seed: same starting people) against the first, the baseline."""

    def __init__(self, results: list[Results]):
        if len(results) < 2:
            raise ValueError("compare needs a baseline and at least one scenario")
        self.results = results
        self.baseline = results[0]

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

    def roi(self, results: Results) -> pd.Series:
        """Per-replication ROI: (turnover cost avoided - program cost) / program cost."""
        b, s = self.baseline.metrics, results.metrics
        avoided = b["turnover_cost"] - s["turnover_cost"]
        prog = s["program_cost"].replace(0.0, np.nan)
        return ((avoided - s["program_cost"]) / prog).rename("roi")

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """``scenario, metric, diff_mean, ci_low, ci_high, p_better`` against the baseline.

        p_better is the share of paired replications in which the scenario beats the
        baseline on that metric (ties count half). The row ``roi`` holds the ROI itself.
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
            roi = self.roi(r).to_numpy(dtype=float)
            roi = roi[~np.isnan(roi)]
            if len(roi):
                mean, lo, hi = interval(roi, level)
                rows.append((r.name, "roi", mean, lo, hi, float((roi > 0).mean())))
        return pd.DataFrame(rows, columns=["scenario", "metric", "diff_mean", "ci_low", "ci_high", "p_better"])

    def participant_effects(self, level: float = 0.95) -> pd.DataFrame:
        """Naive participant gap beside the causal effect, for retention and promotion, per scenario.

        Over the starting workforce at the horizon. ``naive``: mentees minus
        non-participants in the program run (selection plus program). ``causal``:
        the same mentees in the program run minus in the baseline run (same seed,
        same people), i.e. what the program did for them. ``selection`` = naive - causal.
        Hazard ratios (ln share staying / ln share of non-participants staying) are
        given for the naive gap, as in EVIDENCE C4.
        """
        rows = []
        base = self.baseline.people
        base = base[base.initial].set_index(["replication", "person_id"])
        for r in self.results[1:]:
            p = r.people
            p = p[p.initial]
            per = {k: [] for k in ("ret_naive", "ret_causal", "pro_naive", "pro_causal", "hr_naive", "pr_naive")}
            for rep, g in p.groupby("replication"):
                mentee = g.role.isin(["mentee", "both"])
                non = g.role == "none"
                if mentee.sum() == 0 or non.sum() == 0:
                    continue
                stay = g.left_week.isna()
                prom = g.promotions > 0
                b = base.loc[rep].reindex(g.person_id[mentee].to_numpy())
                per["ret_naive"].append(stay[mentee].mean() - stay[non].mean())
                per["ret_causal"].append(stay[mentee].mean() - b.left_week.isna().mean())
                per["pro_naive"].append(prom[mentee].mean() - prom[non].mean())
                per["pro_causal"].append(prom[mentee].mean() - (b.promotions > 0).mean())
                s_m, s_n = stay[mentee].mean(), stay[non].mean()
                per["hr_naive"].append(math.log(s_m) / math.log(s_n) if 0 < s_m < 1 and 0 < s_n < 1 else np.nan)
                per["pr_naive"].append(prom[mentee].mean() / prom[non].mean() if prom[non].mean() > 0 else np.nan)
            for outcome, key in (("retention", "ret"), ("promotion", "pro")):
                nm, nlo, nhi = interval(np.array(per[f"{key}_naive"]), level)
                cm, clo, chi = interval(np.array(per[f"{key}_causal"]), level)
                ratio = interval(np.array(per["hr_naive" if key == "ret" else "pr_naive"]), level)[0]
                rows.append((r.name, outcome, nm, nlo, nhi, cm, clo, chi, nm - cm, ratio))
        return pd.DataFrame(rows, columns=["scenario", "outcome", "naive_gap", "naive_ci_low", "naive_ci_high",
                                           "causal_effect", "causal_ci_low", "causal_ci_high", "selection",
                                           "naive_ratio"])
