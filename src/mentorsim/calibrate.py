"""Calibrate a scenario to observed figures: an organisation's own, or the published evidence.

A targets file names a base scenario and the figures observed in the organisation,
each with a tolerance and optionally the evidence it comes from::

    scenario: ../scenarios/baseline.yaml   # relative to this file
    targets:
      monthly_quit_rate:      {value: 0.022, tolerance: 0.003, evidence: C1}
      first_year_quit_share:  {value: 0.365, tolerance: 0.05,  evidence: C2}
      annual_promotion_rate:  {value: 0.06,  tolerance: 0.015, evidence: C3}

Each target is fitted by one documented free parameter (:data:`FREE_PARAMETERS`;
a target may name another numeric parameter). The fit is a bounded least-squares
search (``scipy.optimize.least_squares``) on the targets' residuals in units of
their tolerance, starting from the scenario's current values. Every evaluation
runs the same seeds (common random numbers), so the objective changes only
through the parameters and is smooth enough for finite differences::

    import mentorsim as ms
    cal = ms.calibrate("calibration/evidence.yaml", replications=8, seed=0)
    print(cal.to_text())          # each target beside the simulated value and its interval
    cal.scenario                  # the calibrated Scenario
    cal.dump("calibrated.yaml")   # a scenario YAML that ms.load_scenario reads
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import MentorsimError, ScenarioError
from .scenario import Scenario, load_scenario, read_yaml, scenario_from_dict

#: The free parameter that fits each target by default, and its default search range.
FREE_PARAMETERS: dict[str, tuple[str, tuple[float, float]]] = {
    "monthly_quit_rate": ("workforce.base_weekly_quit_hazard", (0.0005, 0.03)),
    "first_year_quit_share": ("workforce.first_year_hazard_multiplier", (0.0, 20.0)),
    "early_quit_share": ("workforce.first_year_hazard_decay_weeks", (2.0, 52.0)),
    "annual_promotion_rate": ("workforce.promotion_base_logit", (-8.0, 0.0)),
    "internal_mobility_rate": ("workforce.self_goal_progress_per_week", (0.0, 0.05)),
    "participant_retention_gap": ("program.selection_strength", (0.0, 5.0)),
}
TARGET_NAMES = tuple(FREE_PARAMETERS)
WORKFORCE_TARGETS = TARGET_NAMES[:-1]

TARGET_DESCRIPTIONS = {
    "monthly_quit_rate": "voluntary quits per month over average headcount (C1: 2.2%)",
    "first_year_quit_share": "share of new hires who quit within 52 weeks (C2: 33-40%)",
    "early_quit_share": "share of new hires' first-year quits that fall in their first 13 weeks (C2: about half)",
    "annual_promotion_rate": "promotions per year over average headcount (C3: about 6%)",
    "internal_mobility_rate": "internal role moves per year over average headcount",
    "participant_retention_gap": "participants vs non-participants of the starting workforce, at the horizon: "
                                 "quit hazard ratio ln(share staying) / ln(share of non-participants staying) "
                                 "(C4: 0.46 for mentees), or the difference in share staying",
}


# ---- the targets file ----------------------------------------------------------------------

class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Target(_Frozen):
    """One observed figure: its value, how close the model must come, and where it is from."""

    value: float = Field(description="The observed figure, in the metric's unit (shares as 0..1, e.g. 0.022).")
    tolerance: float = Field(gt=0, le=1, description="How close the simulated mean must come (same unit).")
    evidence: str | None = Field(None, min_length=1, max_length=200,
                                 description="Where the figure comes from: an evidence ID (C1..C7) or your own source.")
    parameter: str | None = Field(None, description="The parameter to fit it with (default: the documented one).")
    search: tuple[float, float] | None = Field(None, description="Search range of that parameter [low, high].")
    note: str = Field("", max_length=2000)

    @field_validator("search")
    @classmethod
    def _search(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not v[0] < v[1]:
            raise ValueError("must be [low, high] with low < high")
        return v


class RateTarget(Target):
    value: float = Field(ge=0, le=1, description="The observed share or rate, 0..1 (e.g. 2.2% a month is 0.022).")


class GapTarget(Target):
    measure: Literal["hazard_ratio", "retention_difference"] = "hazard_ratio"
    group: Literal["mentees", "mentors"] = "mentees"
    value: float = Field(ge=-1, le=10, description="hazard_ratio: > 0 (C4: 0.46); retention_difference: -1..1.")
    tolerance: float = Field(gt=0, le=5)

    @model_validator(mode="after")
    def _value(self) -> "GapTarget":
        if self.measure == "hazard_ratio" and not self.value > 0:
            raise ValueError(f"a hazard_ratio must be > 0 (got {self.value!r})")
        if self.measure == "retention_difference" and not -1 <= self.value <= 1:
            raise ValueError(f"a retention_difference must be within -1..1 (got {self.value!r})")
        return self


class Targets(_Frozen):
    """The observed figures; give at least one."""

    monthly_quit_rate: RateTarget | None = None
    first_year_quit_share: RateTarget | None = None
    early_quit_share: RateTarget | None = None
    annual_promotion_rate: RateTarget | None = None
    internal_mobility_rate: RateTarget | None = None
    participant_retention_gap: GapTarget | None = None

    def items(self) -> list[tuple[str, Target]]:
        return [(k, getattr(self, k)) for k in TARGET_NAMES if getattr(self, k) is not None]


class TargetsFile(_Frozen):
    """A targets file: a base scenario and the observed figures to calibrate it to."""

    name: str | None = Field(None, min_length=1, max_length=80, description="Name of the calibrated scenario.")
    description: str = Field("", max_length=2000)
    scenario: str | dict[str, Any] = Field(description="Base scenario: a YAML path (relative to the targets "
                                                       "file) or an inline scenario mapping.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Dotted overrides applied to the base.")
    observed_with_program: bool = Field(False, description="False: the workforce figures were observed with no "
                                        "program, so they are simulated on the scenario with format none.")
    replications: int = Field(8, ge=1, le=200)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    max_evaluations: int = Field(40, ge=1, le=2000)
    targets: Targets

    @field_validator("targets")
    @classmethod
    def _some(cls, v: Targets) -> Targets:
        if not v.items():
            raise ValueError(f"give at least one of {', '.join(TARGET_NAMES)}")
        return v


def _field_model(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for a in getattr(ann, "__args__", ()) or ():
        m = _field_model(a)
        if m is not None:
            return m
    return None


def _model_at(keys: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = TargetsFile
    for k in keys:
        if model is None or k not in model.model_fields:
            return None
        model = _field_model(model.model_fields[k].annotation)
    return model


def _describe(err: dict) -> str:
    loc = [str(k) for k in err["loc"] if not isinstance(k, int)]
    # pydantic names the union branch tried (e.g. 'RateTarget', 'str', 'dict[str,any]'); drop it
    loc = [k for k in loc if not (k[:1].isupper() or k in ("str", "dict[str,any]", "function-after[_search()]"))
           and "[" not in k]
    where = ".".join(loc) or "(top level)"
    if err["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.5)
        hint = f"; did you mean '{'.'.join(loc[:-1] + [close[0]])}'?" if close else (
            f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"{where}: unknown field{hint}"
    if err["type"] == "missing":
        return f"{where}: required field missing"
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    if loc[-1:] == ["value"] and err["type"] in ("less_than_equal", "greater_than_equal") and \
            loc[1:2] != ["participant_retention_gap"]:
        msg = "must be a share between 0 and 1 (e.g. 2.2% a month is 0.022)"
    elif loc == ["scenario"]:
        msg = "expected a scenario YAML path (relative to the targets file) or a scenario mapping"
    elif loc[:1] == ["targets"] and err["type"] in ("model_type", "dict_type", "model_attributes_type"):
        msg = ("expected a mapping of the targets below" if len(loc) == 1 else
               "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}")
    shown = "" if isinstance(got, dict) else f" (got {got!r})"
    if err["type"] in ("literal_error",):
        msg = msg.replace("Input should be", "allowed:")
    return f"{where}: {msg}{shown}"


@dataclass(frozen=True)
class _Spec:
    """A validated targets file, resolved: the base scenario and each target's free parameter."""

    source: str
    file: TargetsFile
    base: Scenario
    fits: list[tuple[str, Target, str, tuple[float, float]]] = field(default_factory=list)


def _numeric_params() -> dict[str, tuple[float, float]]:
    from .params import parameter_register

    reg = parameter_register()
    out = {}
    for _, r in reg.iterrows():
        if isinstance(r["default"], float) and not math.isnan(r["min"]) and not math.isnan(r["max"]):
            out[r["name"]] = (float(r["min"]), float(r["max"]))
    return out


def load_targets(targets: str | Path | dict | TargetsFile, base_dir: str | Path | None = None) -> _Spec:
    """Validate a targets file (path, mapping or TargetsFile); errors are one-line ScenarioErrors."""
    if isinstance(targets, TargetsFile):
        tf, source, base_dir = targets, "targets", Path(base_dir or ".")
    else:
        if isinstance(targets, (str, Path)):
            source = str(targets)
            doc = read_yaml(targets)
            base_dir = Path(targets).parent if base_dir is None else Path(base_dir)
        elif isinstance(targets, dict):
            source, doc, base_dir = "targets", targets, Path(base_dir or ".")
        else:
            raise TypeError(f"expected a targets file path or mapping, got {type(targets).__name__}")
        if not isinstance(doc, dict):
            raise ScenarioError(f"{source}: a targets file must be a mapping with 'scenario' and 'targets', "
                                f"got {type(doc).__name__}")
        try:
            tf = TargetsFile.model_validate(doc)
        except ValidationError as e:
            errs = e.errors()
            first = _describe(errs[0])
            others = {_describe(x).split(":")[0] for x in errs[1:]} - {first.split(":")[0]}
            more = f" (and {len(others)} more problem(s))" if others else ""
            raise ScenarioError(f"{source}: {first}{more}") from None
    base_dir = Path(base_dir)
    if isinstance(tf.scenario, str):
        p = Path(tf.scenario)
        p = p if p.is_absolute() else base_dir / p
        if not p.exists():
            raise ScenarioError(f"{source}: scenario: no such file {str(p)!r} (paths are relative to the targets file)")
        base = load_scenario(p)
    else:
        base = scenario_from_dict(tf.scenario, f"{source}: scenario")
    if tf.overrides:
        base = base.with_overrides(tf.overrides, source=f"{source}: overrides")

    numeric = _numeric_params()
    fits, used = [], {}
    for name, t in tf.targets.items():
        where = f"{source}: targets.{name}"
        param, default_search = FREE_PARAMETERS[name]
        if t.parameter is not None:
            if t.parameter not in numeric:
                close = difflib.get_close_matches(t.parameter, list(numeric), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else \
                    "; allowed: a numeric (non-whole-number) scenario parameter, see 'mentorsim params'"
                raise ScenarioError(f"{where}.parameter: {t.parameter!r} is not a parameter that can be fitted{hint}")
            param = t.parameter
            default_search = numeric[param]
        lo_ok, hi_ok = numeric[param]
        search = t.search or default_search
        if search[0] < lo_ok or search[1] > hi_ok:
            raise ScenarioError(f"{where}.search: {list(search)} leaves {param}'s allowed range "
                                f"{_g(lo_ok)} to {_g(hi_ok)}")
        if param in used:
            raise ScenarioError(f"{where}.parameter: {param} already fits {used[param]}; each target needs its own "
                                f"parameter (set 'parameter' on one of them)")
        used[param] = name
        if name == "participant_retention_gap" and base.program.format == "none":
            raise ScenarioError(f"{where}: needs a scenario with a program (the base scenario's program.format is "
                                f"none); use your program's scenario as the base")
        fits.append((name, t, param, (float(search[0]), float(search[1]))))
    return _Spec(source, tf, base, fits)


def _src(v: Any, missing: str) -> str:
    return missing if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _g(v: float) -> str:
    return f"{v:g}"


# ---- measuring -----------------------------------------------------------------------------

def _gap_per_rep(reps, t: GapTarget) -> np.ndarray:
    out = []
    for r in reps:
        P = r.people
        init = P["initial"]
        role = P["role"][init]
        stay = P["left_week"][init] < 0
        grp = (role & (1 if t.group == "mentees" else 2)).astype(bool)
        non = role == 0
        if grp.sum() == 0 or non.sum() == 0:
            out.append(np.nan)
            continue
        s_g, s_n = stay[grp].mean(), stay[non].mean()
        if t.measure == "retention_difference":
            out.append(s_g - s_n)
        elif 0 < s_g < 1 and 0 < s_n < 1:
            out.append(math.log(s_g) / math.log(s_n))
        elif s_g == 1 and 0 < s_n < 1:
            out.append(0.0)
        else:
            out.append(np.nan)
    return np.array(out, dtype=float)


def _no_program(sc: Scenario) -> Scenario:
    if sc.program.format == "none" and not sc.program.sponsorship:
        return sc
    return sc.with_overrides({"program.format": "none", "program.sponsorship": False})


def measure(spec: _Spec, sc: Scenario, replications: int, seed: int, workers: int = 1) -> dict[str, np.ndarray]:
    """Per-replication simulated values of each target on scenario ``sc``."""
    from .experiment import run_many

    names = [n for n, *_ in spec.fits]
    out: dict[str, np.ndarray] = {}
    wf = [n for n in names if n in WORKFORCE_TARGETS]
    if wf:
        wsc = sc if spec.file.observed_with_program else _no_program(sc)
        reps = run_many([(wsc, seed, r) for r in range(replications)], workers)
        for n in wf:
            out[n] = np.array([rr.metrics[n] for rr in reps], dtype=float)
    if "participant_retention_gap" in names:
        reps = run_many([(sc, seed, r) for r in range(replications)], workers)
        out["participant_retention_gap"] = _gap_per_rep(reps, spec.file.targets.participant_retention_gap)
    return out


# ---- fitting -------------------------------------------------------------------------------

class _Stop(Exception):
    pass


def _get(sc: Scenario, dotted: str) -> float:
    obj: Any = sc
    for k in dotted.split("."):
        obj = getattr(obj, k)
    return float(obj)


@dataclass(frozen=True)
class Calibration:
    """The outcome of a calibration: the calibrated scenario and each target beside its simulated value."""

    scenario: Scenario
    base: Scenario
    table: pd.DataFrame
    parameters: pd.DataFrame
    evaluations: int
    replications: int
    seed: int
    source: str

    @property
    def within_tolerance(self) -> bool:
        """True when every target's simulated mean lies within its tolerance."""
        return bool(self.table["within"].all())

    def to_text(self) -> str:
        from .params import _align

        rows = [("target", "evidence", "observed", "tolerance", "simulated", "95% interval", "ok")]
        for _, r in self.table.iterrows():
            pct = r.target != "participant_retention_gap" or r.measure == "retention_difference"
            f = (lambda v: "-" if math.isnan(v) else f"{v * 100:.2f}%") if pct else \
                (lambda v: "-" if math.isnan(v) else f"{v:.3f}")
            tol = f"+-{r.tolerance * 100:.2f} pts" if pct else f"+-{r.tolerance:.3f}"
            ci = "-" if math.isnan(r.ci_low) else f"{f(r.ci_low)} to {f(r.ci_high)}"
            label = r.target if r.target != "participant_retention_gap" else f"{r.target} ({r.group}, {r.measure})"
            rows.append((label, _src(r.evidence, "-"), f(r.observed), tol, f(r.simulated), ci,
                         "yes" if r.within else "NO"))
        prow = [("parameter", "fits", "before", "after", "search range")]
        for _, r in self.parameters.iterrows():
            prow.append((r.parameter, r.target, f"{r.before:.6g}", f"{r.after:.6g}",
                         f"{r.search_low:g} to {r.search_high:g}"))
        verdict = ("all targets within tolerance" if self.within_tolerance
                   else "NOT all targets within tolerance: widen a search range, raise --replications or "
                        "max_evaluations, or check the figures")
        return (f"Calibrated {self.base.name} to {self.source}: {self.replications} replications, seed {self.seed}, "
                f"{self.scenario.workforce.size:,} people, {self.scenario.horizon_weeks} weeks, "
                f"{self.evaluations} evaluations\n\n{_align(rows)}\n\n{_align(prow)}\n\n{verdict}")

    def to_yaml(self) -> str:
        head = [f"# Calibrated by mentorsim calibrate from {self.source}",
                f"# ({self.replications} replications, seed {self.seed}, {self.evaluations} evaluations).",
                "# target: observed -> simulated mean [95% interval]"]
        for _, r in self.table.iterrows():
            head.append(f"#   {r.target}: {r.observed:.4g} +- {r.tolerance:.3g} ({_src(r.evidence, 'own data')}) -> "
                        f"{r.simulated:.4g} [{r.ci_low:.4g}, {r.ci_high:.4g}]{'' if r.within else '  NOT WITHIN'}")
        head.append("# fitted: " + ", ".join(f"{r.parameter} {r.before:.6g} -> {r.after:.6g}"
                                             for _, r in self.parameters.iterrows()))
        return "\n".join(head) + "\n" + self.scenario.to_yaml()

    def dump(self, path: str | Path) -> Path:
        p = Path(path)
        try:
            p.write_text(self.to_yaml(), encoding="utf-8")
        except OSError as e:
            raise MentorsimError(f"{p}: cannot write: {e.strerror or e}") from None
        return p


def calibrate(targets: str | Path | dict | TargetsFile, replications: int | None = None, seed: int | None = None,
              max_evaluations: int | None = None, workers: int = 1, tolerance_goal: float = 0.25,
              base_dir: str | Path | None = None) -> Calibration:
    """Fit a scenario's free parameters to observed figures.

    targets: a targets YAML path, a mapping of the same shape, or a TargetsFile.
    replications, seed, max_evaluations: override the file's values. Each evaluation
    simulates ``replications`` replications with the same seed (common random
    numbers). The search stops once every target is within ``tolerance_goal`` of its
    tolerance (0.25 = a quarter of it) or after ``max_evaluations`` evaluations, and
    keeps the best point seen. Returns a :class:`Calibration`.
    """
    from scipy.optimize import least_squares

    from .experiment import _check_counts
    from .results import interval

    spec = load_targets(targets, base_dir)
    tf = spec.file
    R = tf.replications if replications is None else replications
    S = tf.seed if seed is None else seed
    budget = tf.max_evaluations if max_evaluations is None else max_evaluations
    _check_counts(R, workers, S)
    if not isinstance(budget, int) or budget < 1:
        raise MentorsimError(f"max_evaluations: must be an integer >= 1 (got {budget!r})")

    base = spec.base
    params = [p for _, _, p, _ in spec.fits]
    lo = np.array([s[0] for *_, s in spec.fits])
    hi = np.array([s[1] for *_, s in spec.fits])
    before = np.array([_get(base, p) for p in params])
    x0 = np.clip((before - lo) / (hi - lo), 0.0, 1.0)
    values = np.array([t.value for _, t, _, _ in spec.fits])
    tols = np.array([t.tolerance for _, t, _, _ in spec.fits])
    names = [n for n, *_ in spec.fits]

    cache: dict[tuple, tuple[np.ndarray, dict[str, np.ndarray]]] = {}
    best: dict[str, Any] = {"cost": math.inf}

    def scenario_at(x: np.ndarray) -> Scenario:
        vals = lo + np.clip(x, 0, 1) * (hi - lo)
        return base.with_overrides({p: float(v) for p, v in zip(params, vals)}, source="calibration")

    def resid(x: np.ndarray) -> np.ndarray:
        key = tuple(np.round(np.clip(x, 0, 1), 10))
        if key in cache:
            return cache[key][0]
        if len(cache) >= budget:
            raise _Stop
        per = measure(spec, scenario_at(np.array(key)), R, S, workers)
        sim = np.array([np.nanmean(per[n]) if np.isfinite(per[n]).any() else np.nan for n in names])
        r = (sim - values) / tols
        r = np.where(np.isfinite(r), r, 1e3)  # no participants / no quits: push away
        cache[key] = (r, per)
        cost = float(np.sum(r ** 2))
        if cost < best["cost"]:
            best.update(cost=cost, x=np.array(key), per=per, r=r)
        if np.all(np.abs(r) <= tolerance_goal):
            raise _Stop
        return r

    try:
        resid(x0)
        least_squares(resid, x0, bounds=(np.zeros_like(x0), np.ones_like(x0)), method="trf",
                      diff_step=0.02, x_scale=1.0, max_nfev=budget, xtol=1e-4, ftol=1e-6, gtol=1e-8)
    except _Stop:
        pass

    calibrated = scenario_at(best["x"])
    name = tf.name or (f"{base.name}_calibrated"[:80])
    desc = tf.description or (f"{base.name} calibrated by mentorsim calibrate to {spec.source}: "
                              + ", ".join(f"{n} {t.value:g}" + (f" ({t.evidence})" if t.evidence else "")
                                          for n, t, _, _ in spec.fits) + ".")
    calibrated = calibrated.model_copy(update={"name": name, "description": desc[:2000]})
    calibrated = scenario_from_dict(calibrated.model_dump(mode="json"), "calibrated scenario")

    rows = []
    for i, (n, t, p, s) in enumerate(spec.fits):
        m, cl, ch = interval(best["per"][n])
        rows.append({"target": n, "evidence": t.evidence, "observed": t.value, "tolerance": t.tolerance,
                     "simulated": m, "ci_low": cl, "ci_high": ch,
                     "within": bool(np.isfinite(m) and abs(m - t.value) <= t.tolerance),
                     "measure": getattr(t, "measure", None), "group": getattr(t, "group", None),
                     "parameter": p})
    table = pd.DataFrame(rows)
    after = np.array([_get(calibrated, p) for p in params])
    parameters = pd.DataFrame({"parameter": params, "target": names, "before": before, "after": after,
                               "search_low": lo, "search_high": hi})
    return Calibration(calibrated, base, table, parameters, len(cache), R, S, spec.source)
