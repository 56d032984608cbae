"""Results and Comparison: tidy pandas frames, summaries with intervals, provenance.

Frames are built lazily from the replications' arrays, so a run that only needs
its summary never pays for building a million-row people table.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mentorsim.schema.io import possible_path
from mentorsim.schema.metrics import SUMMARY_METRICS, interval
from mentorsim.schema.tables import END_REASONS, EVENT_COLUMNS, TS_METRICS, WEEKS_PER_MONTH
from mentorsim.schema.traits import PERSONA_NAMES

if TYPE_CHECKING:
    from mentorsim.schema.scenario import Scenario
    from mentorsim.schema.tables import RepResult

ROLE_NAMES = np.array(["none", "mentee", "mentor", "both"], dtype=object)


class Results:
    """The replications of one scenario: people, timeseries, relationships, events and a summary."""

    def __init__(
        self, scenario: Scenario, seed: int, reps: list[RepResult], executor: str = "serial", workers: int = 1
    ):
        from mentorsim import __version__

        self.scenario = scenario
        self.seed = seed
        self.reps = sorted(reps, key=lambda r: r.replication)
        self.provenance = {
            "scenario": scenario.name,
            "seed": int(seed),
            "replications": len(reps),
            "horizon_weeks": scenario.horizon_weeks,
            "workforce_size": scenario.workforce.size,
            "package": "mentorsim",
            "version": __version__,
        }
        self._run_info = {"executor": executor, "workers": workers}
        #: "noise" (luck only) or "parameters" (each replication also drew the uncertain parameters)
        self.uncertainty = "noise"
        #: the values of the uncertain parameters each replication used (one row a replication)
        self.parameter_draws = pd.DataFrame({"replication": [r.replication for r in self.reps]})

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def run_info(self) -> dict:
        """Where the replications ran (``executor``: serial, processes or dask; ``workers``); results never
        depend on it, so it is kept apart from ``provenance``."""
        return dict(self._run_info)

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
            parts.append(
                pd.DataFrame(
                    {
                        "replication": np.full(H * M, r.replication, dtype=np.int64),
                        "week": np.repeat(np.arange(1, H + 1), M),
                        "metric": np.tile(np.array(TS_METRICS, dtype=object), H).astype(str),
                        "value": r.timeseries.reshape(-1),
                    }
                )
            )
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
        df = pd.DataFrame(
            [r.metrics for r in self.reps], index=pd.Index([r.replication for r in self.reps], name="replication")
        )
        return df[[m for m in SUMMARY_METRICS if m in df.columns]]

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Index ``metric``; columns ``mean, ci_low, ci_high`` (a t-interval over replications)."""
        rows = {m: interval(self.metrics[m].to_numpy(), level) for m in self.metrics.columns}
        df = pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "ci_low", "ci_high"])
        df.index.name = "metric"
        return df

    def by_group(self, level: float = 0.95) -> pd.DataFrame:
        """``group, metric, mean, ci_low, ci_high``: each group's retention, promotion rate, informal
        mentor share and share of levels 4-5 at the horizon (``mentorsim.outputs.equity``)."""
        from mentorsim.outputs.equity import by_group

        return by_group(self, level)

    def group_series(self) -> pd.DataFrame:
        """``replication, week, group, senior, share``: each group in management (levels 4-5), week by week."""
        from mentorsim.outputs.equity import group_series

        return group_series(self)

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
            cols[r.replication] = 1.0 - np.cumsum(counts)[1 : H + 1] / init.sum()
        return _band(pd.DataFrame(cols, index=pd.Index(np.arange(1, H + 1), name="week")))

    def to_dir(self, out: str | Path) -> Path:
        """Write people, timeseries, relationships, group_series (.parquet), summary.csv, scenario.yaml, meta.json."""
        out = possible_path(out, "out")
        out.mkdir(parents=True, exist_ok=True)
        self.people.to_parquet(out / "people.parquet", index=False)
        self.timeseries.to_parquet(out / "timeseries.parquet", index=False)
        self.relationships.to_parquet(out / "relationships.parquet", index=False)
        self.group_series().to_parquet(out / "group_series.parquet", index=False)
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
