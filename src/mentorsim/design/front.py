"""The result of a design search: its trials, the honest front (re-run with fresh seeds), the chosen design.

The non-dominated designs among those within the budget (on the search's means) are run again
with a seed the search never used and more replications, paired with no program on that seed,
so the figures reported are not the lucky draws that put a design on the front (no winner's
curse). ``front()`` keeps only the re-run designs within the budget on their re-run means.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mentorsim.design.search import derived_seed, paired, run_designs
from mentorsim.design.spec import Lever, is_cost
from mentorsim.outputs.pareto import non_dominated
from mentorsim.schema.metrics import METRICS, PAIRED, interval
from mentorsim.schema.scenario import Scenario

FRONT_SEED_TAG = 1_000_003  # the re-run's seed is derived from the search's seed and this tag


class OptimizeResult:
    """A design search: ``trials()``, ``front()``, ``best()``, ``plot_front()``, ``write_scenario(path)``."""

    def __init__(
        self,
        base: Scenario,
        twin: Scenario,
        levers: tuple[Lever, ...],
        objectives: dict[str, str],
        budget: dict[str, float],
        records: list[dict[str, Any]],
        base_metrics: dict[str, np.ndarray],
        seed: int,
        replications: int,
        front_replications: int,
        resumed: int = 0,
    ):
        self.base, self.twin, self.levers = base, twin, levers
        self.objectives, self.budget = objectives, budget
        self.records, self.base_metrics = records, base_metrics
        self.seed, self.replications, self.front_replications = seed, replications, front_replications
        self.front_seed = derived_seed(seed, FRONT_SEED_TAG)
        #: trials found in the storage rather than run (a resumed search)
        self.resumed = resumed
        self._front: pd.DataFrame | None = None
        self._rerun: dict[int, dict[str, np.ndarray] | str] = {}
        self._rerun_base: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:
        return (
            f"<OptimizeResult {self.base.name!r}: {len(self.records)} trials x {self.replications} replications, "
            f"seed {self.seed}; front of {len(self.front())}>"
        )

    @property
    def keys(self) -> list[str]:
        return [lv.key for lv in self.levers]

    @property
    def primary(self) -> str:
        """The first objective that is not a cost (else the first): p_better and the ranking use it."""
        return next((m for m in self.objectives if not is_cost(m)), next(iter(self.objectives)))

    def trials(self) -> pd.DataFrame:
        """One row per trial: ``trial``, the levers, each objective's search mean, ``feasible``, ``error``."""
        rows = []
        for r in self.records:
            row: dict[str, Any] = {"trial": r["trial"], **{k: r["params"].get(k) for k in self.keys}}
            vals = r["values"] or [np.nan] * len(self.objectives)
            row.update(dict(zip(self.objectives, vals, strict=True)))
            for c in self.budget:
                row.setdefault(c, float(np.mean(r["metrics"][c])) if isinstance(r["metrics"], dict) else np.nan)
            row["feasible"] = r["values"] is not None and all(c <= 0 for c in r["constraint"])
            row["error"] = r["metrics"] if isinstance(r["metrics"], str) else ""
            rows.append(row)
        return pd.DataFrame(rows)

    def search_front(self) -> pd.DataFrame:
        """The trials on the search's non-dominated front within the budget (one per distinct design)."""
        t = self.trials()
        t = t[t.feasible].drop_duplicates(subset=self.keys)
        if t.empty:
            return t
        signs = np.array([1.0 if d == "max" else -1.0 for d in self.objectives.values()])
        v = t[list(self.objectives)].to_numpy(dtype=float)
        return t[non_dominated(v, signs)].reset_index(drop=True)

    def rerun_front(self, w: Any) -> None:
        """Run the search's front again with a fresh seed and ``front_replications`` (and no program with it)."""
        sf = self.search_front()
        designs = [(int(n), self.scenario(int(n))) for n in sf.trial]
        got = run_designs(w, [(-1, self.twin), *designs], self.front_seed, self.front_replications)
        base = got.pop(-1)
        assert not isinstance(base, str), base
        self._rerun_base, self._rerun, self._front = base, got, None

    def _params(self, trial: int) -> dict[str, Any]:
        return next(r["params"] for r in self.records if r["trial"] == trial)

    def scenario(self, trial: int | None = None) -> Scenario:
        """The scenario of a trial (default: the best design), named for what it sets."""
        n = int(self.best()["trial"]) if trial is None else trial
        params = self._params(n)
        words = ", ".join(
            f"{k.split('.')[-1]} {v:.3g}" if isinstance(v, float) else f"{k.split('.')[-1]} {v}"
            for k, v in params.items()
        )
        sc = self.base.with_overrides(params, source=f"trial {n}")
        return sc.model_copy(
            update={
                "name": f"best_design_trial_{n}",
                "description": f"Found by a design search on {self.base.name} (trial {n}, seed {self.seed}): {words}.",
            }
        )

    def front(self, level: float = 0.95) -> pd.DataFrame:
        """The re-run front within the budget, best first on the primary objective.

        Columns: ``trial``, one per lever, per objective (and budget metric) ``<metric>`` (mean over
        the re-run: a gain over no program, or a cost), ``<metric>_ci_low``, ``<metric>_ci_high``, and
        ``p_better``: the share of paired re-run replications in which the design beats no program on
        the primary objective (``attrs["p_better_metric"]``).
        """
        if self._front is not None and level == 0.95:
            return self._front
        metrics = list(dict.fromkeys([*self.objectives, *self.budget]))
        cols = ["trial", *self.keys, *[f"{m}{s}" for m in metrics for s in ("", "_ci_low", "_ci_high")], "p_better"]
        rows = []
        for n, m in self._rerun.items():
            if isinstance(m, str):
                continue
            row: dict[str, Any] = {"trial": n, **self._params(n)}
            for k in metrics:
                row[k], row[f"{k}_ci_low"], row[f"{k}_ci_high"] = interval(paired(m, self._rerun_base, k), level)
            if any(row[c] > cap for c, cap in self.budget.items()):
                continue  # over the budget on the re-run mean: not reported
            row["p_better"] = self._p_better(m)
            rows.append(row)
        df = pd.DataFrame(rows, columns=cols)
        up = self.objectives[self.primary] == "max"
        df = df.sort_values([self.primary, "trial"], ascending=[not up, True], kind="stable").reset_index(drop=True)
        df.attrs["p_better_metric"] = self.primary
        df.attrs["interval"] = (
            f"{level:.0%} paired interval over {self.front_replications} fresh replications "
            f"(seed {self.front_seed}), luck only"
        )
        if level == 0.95:
            self._front = df
        return df

    def _p_better(self, m: dict[str, np.ndarray]) -> float:
        k = self.primary
        if k in PAIRED:
            v = paired(m, self._rerun_base, k)
            return float(np.nanmean(v > 0 if PAIRED[k].higher_is_better else v < 0))
        if is_cost(k):  # beats no program on a cost: costs less than no program (never, for program_cost)
            v = self._rerun_base[k] - m[k]
        else:
            d = m[k] - self._rerun_base[k]
            v = d if METRICS[k].higher_is_better else -d
        return float(((v > 0).sum() + 0.5 * (v == 0).sum()) / len(v))

    def front_text(self) -> str:
        """The front as aligned text: each objective as mean [95% interval], in its unit."""
        from mentorsim.outputs.fmt import value

        f = self.front()
        metrics = list(dict.fromkeys([*self.objectives, *self.budget]))
        rows = []
        for _, r in f.iterrows():
            row = {"trial": int(r["trial"]), **{k.split(".")[-1]: r[k] for k in self.keys}}
            for m in metrics:
                fmt = (lambda v, m=m: f"{v:.2f}") if m in PAIRED else (lambda v, m=m: value(m, v, diff=not is_cost(m)))
                row[m] = f"{fmt(r[m])} [{fmt(r[m + '_ci_low'])}, {fmt(r[m + '_ci_high'])}]"
            row["p_better"] = f"{r['p_better']:.0%}"
            rows.append(row)
        return pd.DataFrame(rows).to_string(index=False)

    def best(self) -> pd.Series:
        """The reported best design: the front's first row (raises when no design is within the budget)."""
        f = self.front()
        if f.empty:
            from mentorsim.errors import MentorsimError

            raise MentorsimError(
                "no design of the search is within the budget on its re-run; raise the budget or widen the levers"
            )
        return f.iloc[0]

    def write_scenario(self, path: str | Path, trial: int | None = None) -> Path:
        """Write the best design (or ``trial``'s) as a scenario YAML that ``mentorsim run`` accepts."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        self.scenario(trial).dump(p)
        return p

    def plot_front(self, x: str | None = None, y: str | None = None, ax: Any = None) -> Any:
        """The searched designs (grey), the re-run front with 95% intervals, and the budget line."""
        import matplotlib.pyplot as plt

        from mentorsim.design.plots import front_figure

        return front_figure(self, x, y, ax, plt)
