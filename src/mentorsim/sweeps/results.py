"""Sweep results: ``SweepResult`` (the tidy frame, per-point summaries, paired gains, the Pareto front)
and ``load_sweep`` to open a store.

A result read from a store reads its chunks only when asked, and summarises them a group
of chunks at a time, so a sweep larger than memory can still be summarised.
"""

from __future__ import annotations

import numbers
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.run.worker import STATUS_OK
from mentorsim.schema.metrics import METRICS, interval
from mentorsim.schema.validation import nearest
from mentorsim.sweeps.manifest import check_recorded
from mentorsim.sweeps.spec import Sweep
from mentorsim.sweeps.store import Store
from mentorsim.sweeps.summary import SUMMARY_ROWS, grouped, pareto_mask, summarize

if TYPE_CHECKING:
    from mentorsim.outputs.results import Results
    from mentorsim.schema.scenario import Scenario

# costs that only price the program (a baseline without one never reads them)
PROGRAM_COSTS = (
    "costs.hourly_cost_by_level",
    "costs.admin_per_participant_per_year",
    "costs.learning_credit_per_mentor_per_year",
    "costs.celebration_per_mentor_per_year",
    "costs.prep_hours_per_session",
)


def concat(frames: list[pd.DataFrame], sw: Sweep) -> pd.DataFrame:
    """Chunks of a sweep's data as one frame, in point and replication order."""
    if not frames:
        return sw.empty_frame()
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["point", "replication"], kind="stable").reset_index(drop=True)


def _count(n: int, what: str) -> str:
    return f"{n:,} {what}{'' if n == 1 else 's'}"


class SweepResult:
    """The data of a sweep: a tidy frame (one row per point x replication) and per-point summaries."""

    def __init__(
        self,
        sweep: Sweep,
        store: Store | None = None,
        frame: pd.DataFrame | None = None,
        run_info: dict[str, Any] | None = None,
    ):
        self.sweep = sweep
        self.store = store
        self._frame = frame
        self.run_info = run_info or {}
        self._baselines: dict[tuple[Any, ...], Results] | None = None

    def __repr__(self) -> str:
        where = f", store={str(self.store.path)!r}" if self.store is not None else ""
        return (
            f"<SweepResult {self.sweep.name!r}: {_count(self.sweep.n_points, 'point')} x "
            f"{self.sweep.spec.replications} replications{where}>"
        )

    @property
    def parameters(self) -> list[str]:
        return self.sweep.keys

    @property
    def metrics(self) -> list[str]:
        return list(self.sweep.metrics)

    @property
    def _unread(self) -> Store | None:
        """The store, while its data has not been read into ``frame``."""
        return self.store if self._frame is None and "frame" not in self.__dict__ else None

    @cached_property
    def frame(self) -> pd.DataFrame:
        """Tidy: point, replication, seed, the varied parameters, the metrics, status, error,
        elapsed_seconds, worker."""
        if self._frame is not None:
            return self._frame
        assert self.store is not None, "a result has a frame or a store"
        df = self.store.read()
        return self.sweep.typed(df) if len(df) else concat([], self.sweep)

    @property
    def complete(self) -> bool:
        return bool(self.frame["point"].nunique() == self.sweep.n_points)

    @property
    def failed(self) -> pd.DataFrame:
        """One row per failed or invalid point: point, parameters, status, error."""
        cols = ["point", *self.parameters, "status", "error"]
        store = self._unread
        if store is not None:
            f = store.read(columns=cols)  # only the columns needed
            f = self.sweep.typed(f) if len(f) else pd.DataFrame(columns=cols)
        else:
            f = self.frame
        bad = f[f.status != STATUS_OK].drop_duplicates("point")
        return bad[cols].reset_index(drop=True)

    def ok_frame(self) -> pd.DataFrame:
        f = self.frame
        return f[f.status == STATUS_OK]

    def summary(self, level: float = 0.95) -> pd.DataFrame:
        """Long: point, parameters, metric, mean, ci_low, ci_high, n (a t-interval over replications).

        The same interval as ``results.interval``: NaN bounds with fewer than two values.
        A store is summarised a group of chunks at a time (each chunk holds whole points), so
        memory stays small.
        """
        store = self._unread
        if store is not None:
            parts = [
                summarize(self.sweep.typed(c), self.parameters, self.metrics, level)
                for c in grouped(store.iter_chunks(), SUMMARY_ROWS)
            ]
            parts = [p for p in parts if len(p)]
            if not parts:
                return summarize(self.frame, self.parameters, self.metrics, level)
            return (
                pd.concat(parts, ignore_index=True)
                .sort_values(["point", "_order"], kind="stable")
                .drop(columns="_order")
                .reset_index(drop=True)
            )
        return summarize(self.frame, self.parameters, self.metrics, level).drop(columns="_order")

    def means(self) -> pd.DataFrame:
        """Wide: one row per point (ok points only), the parameters and each metric's mean over replications."""
        f = self.ok_frame()
        g = f.groupby("point", sort=True)
        out = g[self.parameters].first().join(g[self.metrics].mean())
        return out.reset_index()

    # ---- gains over no program ----
    @property
    def world_parameters(self) -> list[str]:
        """Varied parameters that change the company itself, not just the program (anything outside
        ``program.*``, ``effects.*`` and the program's own prices): with no program they still
        change the outcomes."""
        return [k for k in self.parameters if not k.startswith(("program.", "effects.")) and k not in PROGRAM_COSTS]

    def baseline(self, overrides: dict[str, Any] | None = None, workers: int = 1) -> Results:
        """Simulate the no-program baseline paired with the sweep (same seed, same replications).

        overrides default to ``{"program.format": "none"}`` on the sweep's base scenario. When the
        sweep varies the company itself (``world_parameters``), one baseline cannot pair with every
        point: use ``baselines()`` or ``gains(..., baseline="paired")``.
        """
        from mentorsim.run.experiment import simulate

        if self.world_parameters and overrides is None:
            raise MentorsimError(
                f"baseline: the sweep varies {', '.join(self.world_parameters)} (the company itself, not just the "
                "program), so each point needs its own no-program twin: use res.baselines() or "
                'res.gains("paired", metric)'
            )
        base = self.sweep.base
        sc = base.with_overrides(overrides, source="baseline") if overrides else base.without_program()
        sc = sc.model_copy(update={"name": "baseline"})
        return simulate(sc, replications=self.sweep.spec.replications, seed=self.sweep.spec.seed, workers=workers)

    def baselines(self, workers: int = 1) -> dict[tuple[Any, ...], Results]:
        """The no-program twin of every point: one ``Results`` per combination of the varied world
        parameters (same seed and replications, so each is paired with its points), keyed by the
        tuple of those parameters' values (the empty tuple when only the program varies). Only
        combinations of points that ran are simulated; ``workers`` processes share them (the
        results do not depend on it). Computed once, then kept."""
        if self._baselines is None:
            from mentorsim.outputs.results import Results
            from mentorsim.run.experiment import executor_name, run_many

            keys = self.world_parameters
            ran = set(self.ok_frame()["point"].unique().tolist())  # a point that failed has no twin to pair with
            twins: dict[tuple[Any, ...], Scenario] = {}
            for i, ov in self.sweep.points():
                if i not in ran:
                    continue
                combo = tuple(ov[k] for k in keys)
                key = tuple(self._param_column(k, v) for k, v in zip(keys, combo, strict=True))
                if key in twins:
                    continue
                fixed = dict(zip(keys, combo, strict=True))
                sc = self.sweep.base.with_overrides(fixed, source="baseline").without_program()
                name = "baseline" + ("" if not keys else " (" + ", ".join(f"{k}={v}" for k, v in fixed.items()) + ")")
                twins[key] = sc.model_copy(update={"name": name[:80]})
            seed, reps = self.sweep.spec.seed, self.sweep.spec.replications
            done = run_many([(sc, seed, r) for sc in twins.values() for r in range(reps)], workers)
            ex = executor_name(workers)
            self._baselines = {
                key: Results(sc, seed, done[i * reps : (i + 1) * reps], ex, workers)
                for i, (key, sc) in enumerate(twins.items())
            }
        return self._baselines

    def _param_column(self, key: str, v: Any) -> Any:
        p = next(p for p in self.sweep.params if p.key == key)
        return p.column(v)

    def gains(
        self, baseline: Results | numbers.Real | str, metric: str = "retention_36m", level: float = 0.95
    ) -> pd.DataFrame:
        """Paired gain of each point over a baseline: a ``Results`` (``baseline()``), a number, or
        ``"paired"`` (each point against its own no-program twin, see ``baselines()``).

        Columns: point, parameters, mean, ci_low, ci_high.
        """
        if metric not in self.metrics:
            raise MentorsimError(f"metric: {metric!r} was not kept by this sweep{nearest(metric, self.metrics)}")
        twins: dict[tuple[Any, ...], Results] = {}
        if isinstance(baseline, str):
            if baseline != "paired":
                raise MentorsimError(f"baseline: {baseline!r} is not 'paired', a Results or a number")
            twins = self.baselines()
        elif not isinstance(baseline, numbers.Real) and self.world_parameters:
            raise MentorsimError(
                f"baseline: the sweep varies {', '.join(self.world_parameters)}; one baseline "
                'cannot pair with every point, use baseline="paired"'
            )
        f = self.ok_frame()
        const = float(baseline) if isinstance(baseline, numbers.Real) else None
        single = None if isinstance(baseline, (str, numbers.Real)) else baseline
        keys = self.world_parameters
        rows = []
        for point, g in f.groupby("point", sort=True):
            v = g[metric].to_numpy(dtype=float)
            if const is not None:
                b = np.full(len(v), const)
            else:
                res = single if single is not None else twins[tuple(g.iloc[0][k] for k in keys)]
                b = res.metrics[metric].reindex(g.replication).to_numpy(dtype=float)
            rows.append((point, *(g.iloc[0][p] for p in self.parameters), *interval(v - b, level)))
        return pd.DataFrame(rows, columns=["point", *self.parameters, "mean", "ci_low", "ci_high"])

    def pareto(
        self,
        gain: str = "retention_36m",
        cost: str = "program_cost",
        baseline: Results | numbers.Real | str | None = None,
    ) -> pd.DataFrame:
        """Points with ``gain`` (higher is better) and ``cost`` (lower is better) means and an ``on_front`` flag."""
        m = self.means()
        y = m[gain].to_numpy(dtype=float)
        if baseline is not None:
            y = self.gains(baseline, gain)["mean"].to_numpy(dtype=float)
        out = m[["point", *self.parameters]].copy()
        out[gain if baseline is None else f"{gain}_gain"] = y
        out[cost] = m[cost].to_numpy(dtype=float)
        out["on_front"] = pareto_mask(
            out[cost].to_numpy(),
            y,
            minimize_x=not METRICS[cost].higher_is_better,
            maximize_y=METRICS[gain].higher_is_better,
        )
        return out


def load_sweep(path: str | Path) -> SweepResult:
    """Open a sweep store directory (written by ``sweep(..., store=DIR)`` or ``mentorsim sweep --out DIR``).

    The manifest is checked first (``manifest.parse_manifest``), then every chunk (checksum, footer,
    schema): a damaged chunk, one the manifest does not know, or one it records whose file is missing,
    raises a one-line ``StoreError`` naming it and saying to run ``mentorsim sweep SPEC --out DIR
    --resume`` (or ``--repair``), which recomputes its points.
    """
    st = Store(path)
    m = st.manifest()  # checked: a manifest that is not what this code writes is one line
    sw = check_recorded(st.manifest_path, m)
    st.schema = sw.arrow_schema()
    st.check()  # a damaged, unknown or missing chunk: one line naming it and what to do
    return SweepResult(sw, st, run_info=(m.get("runs") or [{}])[-1])
