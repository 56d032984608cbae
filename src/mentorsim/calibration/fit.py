"""The fit: a bounded least-squares search of the free parameters, and the :class:`Calibration` it returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mentorsim.calibration.measures import evaluate, is_share
from mentorsim.calibration.spec import Item, is_shared, load_targets
from mentorsim.calibration.targets import CorrelationTarget, GapTarget, PromotionTarget, TargetsFile
from mentorsim.errors import MentorsimError
from mentorsim.schema.scenario import Scenario


class _Stop(Exception):
    pass


@dataclass(frozen=True)
class Calibration:
    """The outcome of a calibration: the calibrated scenario and each target beside its simulated value.

    ``table`` has one row per target (fitted or only checked); ``parameters`` one row per
    fitted parameter, with the scenario it was set in ('all' for parameters of the
    organisation, which every scenario shares); ``scenarios`` every simulated scenario,
    calibrated, by name (the base under the calibrated name).
    """

    scenario: Scenario
    base: Scenario
    table: pd.DataFrame
    parameters: pd.DataFrame
    evaluations: int
    replications: int
    seed: int
    source: str
    scenarios: dict[str, Scenario] = field(default_factory=dict)

    @property
    def within_tolerance(self) -> bool:
        """True when every target's simulated mean (fitted or checked) lies within its tolerance."""
        return bool(self.table["within"].all())

    def to_text(self) -> str:
        from mentorsim.schema.register_text import _align

        rows: list[tuple[str, ...]] = [
            ("target", "evidence", "observed", "tolerance", "simulated", "95% interval", "how", "ok")
        ]
        for _, r in self.table.iterrows():
            pct = is_share(r.target, r.measure)
            f = (
                (lambda v: "-" if math.isnan(v) else f"{v * 100:.2f}%")
                if pct
                else (lambda v: "-" if math.isnan(v) else f"{v:.3f}")
            )
            tol = f"+-{r.tolerance * 100:.2f} pts" if pct else f"+-{r.tolerance:.3f}"
            ci = "-" if math.isnan(r.ci_low) else f"{f(r.ci_low)} to {f(r.ci_high)}"
            rows.append(
                (
                    r.label,
                    _src(r.evidence, "-"),
                    f(r.observed),
                    tol,
                    f(r.simulated),
                    ci,
                    "fitted" if r.fitted else "checked",
                    "yes" if r.within else "NO",
                )
            )
        prow: list[tuple[str, ...]] = [("parameter", "fits", "in", "before", "after", "search range")]
        for _, r in self.parameters.iterrows():
            prow.append(
                (
                    r.parameter,
                    r.target,
                    r.scenario,
                    f"{r.before:.6g}",
                    f"{r.after:.6g}",
                    f"{r.search_low:g} to {r.search_high:g}",
                )
            )
        params = _align(prow) if len(prow) > 1 else "no parameter fitted (every target has fit: false)"
        verdict = (
            "all targets within tolerance"
            if self.within_tolerance
            else "NOT all targets within tolerance: widen a search range, raise --replications or "
            "max_evaluations, or check the figures"
        )
        sims = self.table.drop_duplicates("scenario")
        on = "; ".join(
            f"{r.scenario}: {int(r.people):,} people, {int(r.weeks)} weeks, {int(r.replications)} replications"
            for _, r in sims.iterrows()
        )
        return (
            f"Calibrated {self.base.name} to {self.source}: seed {self.seed}, {self.evaluations} evaluations\n"
            f"scenarios: {on}\n\n{_align(rows)}\n\n{params}\n\n{verdict}"
        )

    def to_yaml(self) -> str:
        head = [
            f"# Calibrated by mentorsim calibrate from {self.source}",
            f"# ({self.replications} replications, seed {self.seed}, {self.evaluations} evaluations).",
            "# target: observed -> simulated mean [95% interval]",
        ]
        for _, r in self.table.iterrows():
            head.append(
                f"#   {r.label}{'' if r.fitted else ' (checked)'}: {r.observed:.4g} +- "
                f"{r.tolerance:.3g} ({_src(r.evidence, 'own data')}) -> {r.simulated:.4g} "
                f"[{r.ci_low:.4g}, {r.ci_high:.4g}]{'' if r.within else '  NOT WITHIN'}"
            )
        head.append(
            "# fitted: "
            + (
                ", ".join(
                    f"{r.parameter} {r.before:.6g} -> {r.after:.6g}"
                    + ("" if r.scenario == "all" else f" (in {r.scenario})")
                    for _, r in self.parameters.iterrows()
                )
                or "nothing"
            )
        )
        return "\n".join(head) + "\n" + self.scenario.to_yaml()

    def dump(self, path: str | Path) -> Path:
        p = Path(path)
        try:
            p.write_text(self.to_yaml(), encoding="utf-8")
        except OSError as e:
            raise MentorsimError(f"{p}: cannot write: {e.strerror or e}") from None
        return p


def calibrate(
    targets: str | Path | dict | TargetsFile,
    replications: int | None = None,
    seed: int | None = None,
    max_evaluations: int | None = None,
    workers: int = 1,
    tolerance_goal: float = 0.25,
    base_dir: str | Path | None = None,
) -> Calibration:
    """Fit a scenario's free parameters to observed figures, and check the others.

    targets: a targets YAML path, a mapping of the same shape, or a TargetsFile.
    replications, seed, max_evaluations: override the file's values (``replications``
    replaces the file's default; a target's own ``replications`` still applies to it).
    Each evaluation simulates every scenario that a fitted target needs, once, with
    the same seed (common random numbers). The search stops once every fitted target
    is within ``tolerance_goal`` of its tolerance (0.25 = a quarter of it) or after
    ``max_evaluations`` evaluations, and keeps the best point seen; the targets with
    ``fit: false`` are then simulated at that point. Returns a :class:`Calibration`.
    """
    from mentorsim.run.experiment import _check_counts
    from mentorsim.schema.metrics import interval

    spec = load_targets(targets, base_dir)
    tf = spec.file
    R = tf.replications if replications is None else replications
    S = tf.seed if seed is None else seed
    budget = tf.max_evaluations if max_evaluations is None else max_evaluations
    _check_counts(R, workers, S)
    if not isinstance(budget, int) or budget < 1:
        raise MentorsimError(f"max_evaluations: must be an integer >= 1 (got {budget!r})")
    reps_of = {it.label: it.target.replications or R for it in spec.items}

    base = spec.base
    fitted = [it for it in spec.items if it.parameter is not None]
    params = [it.fitting()[0] for it in fitted]
    searches = [it.fitting()[1] for it in fitted]
    lo = np.array([s[0] for s in searches], dtype=float)
    hi = np.array([s[1] for s in searches], dtype=float)
    before = np.array(
        [float((base if is_shared(p) else spec.scenarios[it.scenario]).get(p)) for it, p in zip(fitted, params)],
        dtype=float,
    )
    x0 = np.clip((before - lo) / (hi - lo), 0.0, 1.0)
    values = np.array([it.target.value for it in fitted], dtype=float)
    tols = np.array([it.target.tolerance for it in fitted], dtype=float)

    def scenarios_at(x: np.ndarray) -> dict[str, Scenario]:
        vals = lo + np.clip(x, 0, 1) * (hi - lo)
        shared = {p: float(v) for p, v in zip(params, vals) if is_shared(p)}
        out = {}
        for sid, sc in spec.scenarios.items():
            ov = dict(shared)
            ov.update(
                {p: float(v) for it, p, v in zip(fitted, params, vals) if not is_shared(p) and it.scenario == sid}
            )
            out[sid] = sc.with_overrides(ov, source="calibration") if ov else sc
        return out

    cache: dict[tuple, np.ndarray] = {}
    best: dict[str, Any] = {"cost": math.inf}

    def resid(x: np.ndarray) -> np.ndarray:
        key = tuple(np.round(np.clip(x, 0, 1), 10))
        if key in cache:
            return cache[key]
        if len(cache) >= budget:
            raise _Stop
        per, sims = evaluate(spec, scenarios_at(np.array(key)), fitted, reps_of, S, workers)
        sim = np.array([np.nanmean(per[it.label]) if np.isfinite(per[it.label]).any() else np.nan for it in fitted])
        r = (sim - values) / tols
        r = np.where(np.isfinite(r), r, 1e3)  # no participants / no quits: push away
        cache[key] = r
        cost = float(np.sum(r**2))
        if cost < best["cost"]:
            best.update(cost=cost, x=np.array(key), sims=sims)
        if np.all(np.abs(r) <= tolerance_goal):
            raise _Stop
        return r

    if fitted:
        from scipy.optimize import least_squares

        try:
            resid(x0)
            least_squares(
                resid,
                x0,
                bounds=(np.zeros_like(x0), np.ones_like(x0)),
                method="trf",
                diff_step=0.02,
                x_scale=1.0,
                max_nfev=budget,
                xtol=1e-4,
                ftol=1e-6,
                gtol=1e-8,
            )
        except _Stop:
            pass
    else:
        best.update(x=x0, sims={})

    at = scenarios_at(best["x"])
    per, _ = evaluate(spec, at, spec.items, reps_of, S, workers, have=best["sims"])
    name = tf.name or (f"{base.name}_calibrated"[:80])
    desc = tf.description or (
        f"{base.name} calibrated by mentorsim calibrate to {spec.source}: "
        + ", ".join(
            f"{it.label} {it.target.value:g}" + (f" ({it.target.evidence})" if it.target.evidence else "")
            for it in fitted
        )
        + "."
    )
    # the keys the base and the fit set stay the calibrated scenario's own (parameter uncertainty draws the rest)
    calibrated = at[""].with_overrides({"name": name, "description": desc[:2000]}, "calibrated scenario")
    at[""] = calibrated
    sname = {sid: sc.name for sid, sc in at.items()}
    shown = _labels(spec.items, sname)

    rows = []
    for it in spec.items:
        t = it.target
        m, cl, ch = interval(per[it.label])
        sc = at[it.scenario]
        rows.append(
            {
                "target": it.kind,
                "label": shown[it.label],
                "evidence": t.evidence,
                "observed": t.value,
                "tolerance": t.tolerance,
                "simulated": m,
                "ci_low": cl,
                "ci_high": ch,
                "within": bool(np.isfinite(m) and abs(m - t.value) <= t.tolerance),
                "fitted": it.parameter is not None,
                "measure": getattr(t, "measure", None),
                "group": getattr(t, "group", None),
                "scenario": sname[it.scenario],
                "parameter": it.parameter,
                "replications": int(np.isfinite(per[it.label]).sum()) if len(per[it.label]) else 0,
                "people": sc.workforce.size,
                "weeks": sc.horizon_weeks,
                "note": t.note,
            }
        )
    table = pd.DataFrame(rows)
    after = np.array([float(at["" if is_shared(p) else it.scenario].get(p)) for it, p in zip(fitted, params)])
    parameters = pd.DataFrame(
        {
            "parameter": params,
            "target": [shown[it.label] for it in fitted],
            "scenario": ["all" if is_shared(p) else sname[it.scenario] for it, p in zip(fitted, params)],
            "before": before,
            "after": after,
            "search_low": lo,
            "search_high": hi,
        }
    )
    scenarios = {}
    for sid, sc in at.items():
        scenarios[sc.name if sc.name not in scenarios else sid] = sc
    return Calibration(calibrated, base, table, parameters, max(len(cache), 1), R, S, spec.source, scenarios)


def _labels(items: list[Item], names: dict[str, str]) -> dict[str, str]:
    """Labels to show: the kind, its group and measure, the scenario if not the base; kind[i] only if needed."""
    out = {}
    for it in items:
        t = it.target
        bits: list[str] = []
        if it.kind in ("participant_retention_gap", "participant_promotion_ratio"):
            assert isinstance(t, (GapTarget, PromotionTarget))  # each kind's targets validate into its own model
            bits = [t.group, t.measure]
        elif it.kind == "cadence_quality_correlation":
            assert isinstance(t, CorrelationTarget)
            bits = [f"{t.min_weeks}+ weeks"] if t.min_weeks != 13 else []
        out[it.label] = (
            it.kind + (f" ({', '.join(bits)})" if bits else "") + (f" on {names[it.scenario]}" if it.scenario else "")
        )
    shown = list(out.values())
    return {k: (v if shown.count(v) == 1 else v.replace(k.split("[")[0], k, 1)) for k, v in out.items()}


def _src(v: Any, missing: str) -> str:
    return missing if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
