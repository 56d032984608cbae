"""Calibrate a scenario to observed figures: an organisation's own, or the published evidence.

A targets file names a base scenario and the figures observed in the organisation,
each with a tolerance and optionally the evidence it comes from::

    scenario: ../scenarios/baseline.yaml   # relative to this file
    targets:
      monthly_quit_rate:      {value: 0.022, tolerance: 0.003, evidence: C1}
      first_year_quit_share:  {value: 0.365, tolerance: 0.05,  evidence: C2}
      annual_promotion_rate:  {value: 0.06,  tolerance: 0.015, evidence: C3}
      participant_retention_gap:            # several figures of one kind: a list
        - {value: 0.46, tolerance: 0.11, group: mentees, scenario: ../scenarios/sun_like.yaml, evidence: C4}
        - {value: 0.52, tolerance: 0.10, group: mentors, scenario: ../scenarios/sun_like.yaml, evidence: C4,
           fit: false}

Each fitted target is fitted by one documented free parameter (:data:`FREE_PARAMETERS`;
a target may name another numeric parameter). A target with ``fit: false`` is only
checked: simulated and reported beside its value, never fitted. A target may name
its own scenario (default: the file's); every evaluation simulates each distinct
scenario once, with the same seeds (common random numbers), so the objective
changes only through the parameters and is smooth enough for finite differences.
The fit is a bounded least-squares search (``scipy.optimize.least_squares``) on the
fitted targets' residuals in units of their tolerance, starting from the
scenarios' current values::

    import mentorsim as ms
    cal = ms.calibrate("calibration/evidence.yaml", seed=0)
    print(cal.to_text())          # each target beside the simulated value and its interval
    cal.scenario                  # the calibrated base Scenario
    cal.scenarios                 # every simulated scenario, calibrated, by name
    cal.dump("calibrated.yaml")   # a scenario YAML that ms.load_scenario reads
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import MentorsimError, ScenarioError
from .scenario import Scenario, load_scenario, read_yaml, refuse_coercion, scenario_from_dict

#: The free parameter that fits each target by default, and its default search range.
FREE_PARAMETERS: dict[str, tuple[str, tuple[float, float]]] = {
    "monthly_quit_rate": ("workforce.base_weekly_quit_hazard", (0.0005, 0.03)),
    "first_year_quit_share": ("workforce.first_year_hazard_multiplier", (0.0, 20.0)),
    "early_quit_share": ("workforce.first_year_hazard_decay_weeks", (2.0, 52.0)),
    "annual_promotion_rate": ("workforce.promotion_base_logit", (-8.0, 0.0)),
    "internal_mobility_rate": ("workforce.self_goal_progress_per_week", (0.0, 0.05)),
    "participant_retention_gap": ("program.selection_strength", (0.0, 5.0)),
    "participant_promotion_ratio": ("workforce.promotion_ambition_slope", (0.0, 5.0)),
    "cadence_quality_correlation": ("program.momentum_weeks", (0.5, 52.0)),
    "sponsorship_promotion_ratio": ("program.sponsor_odds_ratio", (1.0, 5.0)),
}
TARGET_NAMES = tuple(FREE_PARAMETERS)
WORKFORCE_TARGETS = TARGET_NAMES[:5]
#: Targets measured on a program: their scenario must have one.
PROGRAM_TARGETS = TARGET_NAMES[5:]

TARGET_DESCRIPTIONS = {
    "monthly_quit_rate": "voluntary quits per month over average headcount (C1: 2.2%)",
    "first_year_quit_share": "share of new hires who quit within 52 weeks (C2: 33-40%)",
    "early_quit_share": "share of new hires' first-year quits that fall in their first 13 weeks (C2: about half)",
    "annual_promotion_rate": "promotions per year over average headcount (C3: about 6%)",
    "internal_mobility_rate": "internal role moves per year over average headcount",
    "participant_retention_gap": "participants vs non-participants of the starting workforce, at the horizon: "
                                 "quit hazard ratio ln(share staying) / ln(share of non-participants staying) "
                                 "(C4: 0.46 for mentees, 0.52 for mentors), or the difference in share staying",
    "participant_promotion_ratio": "participants vs non-participants of the starting workforce, at the horizon: "
                                   "share promoted at least once over the non-participants' share (C5: 5x for "
                                   "mentees, 5.6x for mentors), or the difference of the shares",
    "cadence_quality_correlation": "across relationships of at least min_weeks (13) weeks, the correlation of "
                                   "meetings per month with relationship quality (C6: about 0.25)",
    "sponsorship_promotion_ratio": "sponsored starting employees' share promoted at least once, over the same "
                                   "people's share in the same scenario without the sponsorship overlay "
                                   "(same seed; C7: up to about 1.3)",
}


# ---- the targets file ----------------------------------------------------------------------

class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_silent_coercion(cls, v: Any, info) -> Any:
        return refuse_coercion(cls.model_fields[info.field_name].annotation, v)


class Target(_Frozen):
    """One observed figure: its value, how close the model must come, and where it is from."""

    value: float = Field(description="The observed figure, in the metric's unit (shares as 0..1, e.g. 0.022).")
    tolerance: float = Field(gt=0, le=1, description="How close the simulated mean must come (same unit).")
    evidence: str | None = Field(None, min_length=1, max_length=200,
                                 description="Where the figure comes from: an evidence ID (C1..C7) or your own source.")
    fit: bool = Field(True, description="true: fit it with a free parameter; false: only check it (simulate and "
                                        "report it beside its value).")
    parameter: str | None = Field(None, description="The parameter to fit it with (default: the documented one).")
    search: tuple[float, float] | None = Field(None, description="Search range of that parameter [low, high].")
    scenario: str | None = Field(None, min_length=1, description="Scenario YAML to measure it on, relative to the "
                                                                 "targets file (default: the file's scenario).")
    replications: int | None = Field(None, ge=1, le=200, description="Replications of its scenario per evaluation "
                                                                     "(default: the file's).")
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


class PromotionTarget(Target):
    measure: Literal["ratio", "difference"] = "ratio"
    group: Literal["mentees", "mentors"] = "mentees"
    value: float = Field(ge=-1, le=100, description="ratio: > 0 (C5: 5 for mentees); difference: -1..1.")
    tolerance: float = Field(gt=0, le=50)

    @model_validator(mode="after")
    def _value(self) -> "PromotionTarget":
        if self.measure == "ratio" and not self.value > 0:
            raise ValueError(f"a promotion ratio must be > 0 (got {self.value!r})")
        if self.measure == "difference" and not -1 <= self.value <= 1:
            raise ValueError(f"a promotion difference must be within -1..1 (got {self.value!r})")
        return self


class CorrelationTarget(Target):
    value: float = Field(ge=-1, le=1, description="A correlation, -1..1 (C6: 0.25).")
    tolerance: float = Field(gt=0, le=2)
    min_weeks: int = Field(13, ge=1, le=520, description="Count relationships that lasted at least this many weeks.")


class SponsorshipTarget(Target):
    value: float = Field(gt=0, le=100, description="A ratio of promotion shares, > 0 (C7: up to about 1.3).")
    tolerance: float = Field(gt=0, le=50)


_KIND_MODEL: dict[str, type[Target]] = {
    **{k: RateTarget for k in WORKFORCE_TARGETS},
    "participant_retention_gap": GapTarget,
    "participant_promotion_ratio": PromotionTarget,
    "cadence_quality_correlation": CorrelationTarget,
    "sponsorship_promotion_ratio": SponsorshipTarget,
}


def _target_list(model: type[Target]) -> Any:
    return Field(None, min_length=1, description=f"One figure (a mapping) or several (a list of mappings); "
                                                 f"see {model.__name__}.")


class Targets(_Frozen):
    """The observed figures; give at least one. Each is a mapping, or a list of mappings for several."""

    monthly_quit_rate: list[RateTarget] | None = _target_list(RateTarget)
    first_year_quit_share: list[RateTarget] | None = _target_list(RateTarget)
    early_quit_share: list[RateTarget] | None = _target_list(RateTarget)
    annual_promotion_rate: list[RateTarget] | None = _target_list(RateTarget)
    internal_mobility_rate: list[RateTarget] | None = _target_list(RateTarget)
    participant_retention_gap: list[GapTarget] | None = _target_list(GapTarget)
    participant_promotion_ratio: list[PromotionTarget] | None = _target_list(PromotionTarget)
    cadence_quality_correlation: list[CorrelationTarget] | None = _target_list(CorrelationTarget)
    sponsorship_promotion_ratio: list[SponsorshipTarget] | None = _target_list(SponsorshipTarget)

    @field_validator("*", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    def items(self) -> list[tuple[str, str, Target]]:
        """(label, kind, target) of every figure, in kind order; label is kind, or kind[i] in a list of several."""
        out = []
        for k in TARGET_NAMES:
            ts = getattr(self, k) or []
            out += [(k if len(ts) == 1 else f"{k}[{i}]", k, t) for i, t in enumerate(ts)]
        return out


class TargetsFile(_Frozen):
    """A targets file: a base scenario and the observed figures to calibrate it to."""

    name: str | None = Field(None, min_length=1, max_length=80, description="Name of the calibrated scenario.")
    description: str = Field("", max_length=2000)
    scenario: str | dict[str, Any] = Field(description="Base scenario: a YAML path (relative to the targets "
                                                       "file) or an inline scenario mapping.")
    overrides: dict[str, Any] = Field(default_factory=dict, description="Dotted overrides applied to the base "
                                      "and to every target's own scenario.")
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


def _where(loc: tuple, doc: Any) -> tuple[list[str], str]:
    """Field names along an error's location, and the dotted path to show (``targets.x[1].group`` in a list)."""
    keys, shown, node = [], "", doc
    for k in loc:
        if isinstance(k, int):
            if isinstance(node, list):
                shown += f"[{k}]"
                node = node[k] if k < len(node) else None
            continue  # a single mapping given for a list of targets
        k = str(k)
        # pydantic names the union branch tried (e.g. 'RateTarget', 'str', 'dict[str,any]'); drop it
        if k[:1].isupper() or k in ("str", "dict[str,any]") or "[" in k or k.startswith("function-"):
            continue
        keys.append(k)
        shown += ("." if shown else "") + k
        node = node.get(k) if isinstance(node, dict) else None
    return keys, shown


def _describe(err: dict, doc: Any = None) -> str:
    keys, where = _where(err["loc"], doc)
    where = where or "(top level)"
    kind = keys[1] if keys[:1] == ["targets"] and len(keys) > 1 else None
    if err["type"] == "extra_forbidden":
        model = _model_at(keys[:-1])
        allowed = list(model.model_fields) if model else []
        close = difflib.get_close_matches(keys[-1], allowed, n=1, cutoff=0.5)
        head = where[: len(where) - len(keys[-1])]
        hint = f"; did you mean '{head}{close[0]}'?" if close else (
            f"; allowed: {', '.join(allowed)}" if allowed else "")
        return f"{where}: unknown field{hint}"
    if err["type"] == "missing":
        return f"{where}: required field missing"
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    if keys[-1:] == ["value"] and err["type"] in ("less_than_equal", "greater_than_equal") and \
            kind in WORKFORCE_TARGETS:
        msg = "must be a share between 0 and 1 (e.g. 2.2% a month is 0.022)"
    elif keys == ["scenario"]:
        msg = "expected a scenario YAML path (relative to the targets file) or a scenario mapping"
    elif keys[-1:] == ["value"] and err["type"] in ("less_than_equal", "greater_than_equal") and \
            kind == "cadence_quality_correlation":
        msg = "must be a correlation between -1 and 1"
    elif keys[:1] == ["targets"] and keys[-1:] == ["scenario"]:
        msg = "expected a scenario YAML path (relative to the targets file)"
    elif keys[:1] == ["targets"] and len(keys) <= 2 and err["type"] in (
            "model_type", "dict_type", "model_attributes_type", "list_type"):
        msg = ("expected a mapping of the targets below" if len(keys) == 1 else
               "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}" +
               ("" if isinstance(err["loc"][-1], int) else ", or a list of them"))
    elif keys[:1] == ["targets"] and len(keys) == 2 and err["type"] == "too_short":
        msg = "expected a mapping such as {value: 0.022, tolerance: 0.003, evidence: C1}, or a list of them"
    shown = "" if isinstance(got, (dict, list)) else f" (got {got!r})"
    if err["type"] == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        msg = "allowed: " + ", ".join(allowed) if allowed else msg.replace("Input should be", "allowed:")
        close = difflib.get_close_matches(str(got), allowed, n=1, cutoff=0.5)
        return f"{where}: {msg}{shown}" + (f"; did you mean '{close[0]}'?" if close else "")
    return f"{where}: {msg}{shown}"


@dataclass(frozen=True)
class _Item:
    """One target, resolved: its scenario (an id into _Spec.scenarios) and, if fitted, its free parameter."""

    label: str
    kind: str
    target: Target
    scenario: str
    parameter: str | None = None
    search: tuple[float, float] | None = None


@dataclass(frozen=True)
class _Spec:
    """A validated targets file, resolved: the scenarios and each target's free parameter."""

    source: str
    file: TargetsFile
    base: Scenario
    scenarios: dict[str, Scenario] = field(default_factory=dict)  # "" is the base
    items: list[_Item] = field(default_factory=list)

    @property
    def fits(self) -> list[tuple[str, Target, str, tuple[float, float]]]:
        """(label, target, parameter, search) of the fitted targets."""
        return [(i.label, i.target, i.parameter, i.search) for i in self.items if i.parameter is not None]


def _numeric_params() -> dict[str, tuple[float, float]]:
    from .params import parameter_register

    reg = parameter_register()
    out = {}
    for _, r in reg.iterrows():
        if isinstance(r["default"], float) and not math.isnan(r["min"]) and not math.isnan(r["max"]):
            out[r["name"]] = (float(r["min"]), float(r["max"]))
    return out


def _shared(param: str) -> bool:
    """Parameters outside ``program.`` describe the organisation: set in every scenario of a calibration."""
    return not param.startswith("program.")


def load_targets(targets: str | Path | dict | TargetsFile, base_dir: str | Path | None = None) -> _Spec:
    """Validate a targets file (path, mapping or TargetsFile); errors are one-line ScenarioErrors."""
    doc: Any = None
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
            first = _describe(errs[0], doc)
            others = {_describe(x, doc).split(":")[0] for x in errs[1:]} - {first.split(":")[0]}
            more = f" (and {len(others)} more problem(s))" if others else ""
            raise ScenarioError(f"{source}: {first}{more}") from None
    base_dir = Path(base_dir)

    def resolve(path: str, where: str) -> Path:
        p = Path(path)
        p = p if p.is_absolute() else base_dir / p
        if not p.exists():
            raise ScenarioError(f"{source}: {where}: no such file {str(p)!r} (paths are relative to the targets file)")
        return p

    def with_file_overrides(sc: Scenario) -> Scenario:
        return sc.with_overrides(tf.overrides, source=f"{source}: overrides") if tf.overrides else sc

    if isinstance(tf.scenario, str):
        base = load_scenario(resolve(tf.scenario, "scenario"))
    else:
        base = scenario_from_dict(tf.scenario, f"{source}: scenario")
    base = with_file_overrides(base)
    scenarios: dict[str, Scenario] = {"": base}

    numeric = _numeric_params()
    items, used = [], {}
    for label, kind, t in tf.targets.items():
        where = f"{source}: targets.{label}"
        sid = ""
        if t.scenario is not None:
            p = resolve(t.scenario, f"targets.{label}.scenario")
            sid = str(p.resolve())
            if sid not in scenarios:
                scenarios[sid] = with_file_overrides(load_scenario(p))
        sc = scenarios[sid]
        on = "the base scenario's" if sid == "" else f"{t.scenario}'s"
        if kind in PROGRAM_TARGETS and sc.program.format == "none":
            raise ScenarioError(f"{where}: needs a scenario with a program ({on} program.format is none); use "
                                f"your program's scenario as the base or name it with 'scenario'")
        if kind == "sponsorship_promotion_ratio" and not sc.program.sponsorship:
            raise ScenarioError(f"{where}: needs a scenario with the sponsorship overlay ({on} program.sponsorship "
                                f"is false); name one with 'scenario'")
        if not t.fit:
            for f in ("parameter", "search"):
                if getattr(t, f) is not None:
                    raise ScenarioError(f"{where}.{f}: only a fitted target takes a {f} (this one has fit: false); "
                                        f"drop it or set fit: true")
            items.append(_Item(label, kind, t, sid))
            continue
        param, default_search = FREE_PARAMETERS[kind]
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
        key = param if _shared(param) else (param, sid)
        if key in used:
            raise ScenarioError(f"{where}.parameter: {param} already fits {used[key]}; each fitted target needs its "
                                f"own parameter (set 'parameter' on one of them, or 'fit: false')")
        used[key] = label
        items.append(_Item(label, kind, t, sid, param, (float(search[0]), float(search[1]))))
    return _Spec(source, tf, base, scenarios, items)


def _src(v: Any, missing: str) -> str:
    return missing if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)


def _g(v: float) -> str:
    return f"{v:g}"


# ---- measuring -----------------------------------------------------------------------------

def _groups(P: dict[str, np.ndarray], group: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over the starting workforce: the group's mask, the non-participants' mask and the index of starters."""
    init = np.flatnonzero(P["initial"])
    role = P["role"][init]
    return (role & (1 if group == "mentees" else 2)).astype(bool), role == 0, init


def _gap_per_rep(reps, t: GapTarget) -> np.ndarray:
    out = []
    for r in reps:
        grp, non, init = _groups(r.people, t.group)
        stay = r.people["left_week"][init] < 0
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


def _promotion_per_rep(reps, t: PromotionTarget) -> np.ndarray:
    out = []
    for r in reps:
        grp, non, init = _groups(r.people, t.group)
        prom = r.people["promotions"][init] > 0
        if grp.sum() == 0 or non.sum() == 0:
            out.append(np.nan)
            continue
        p_g, p_n = prom[grp].mean(), prom[non].mean()
        if t.measure == "difference":
            out.append(p_g - p_n)
        else:
            out.append(p_g / p_n if p_n > 0 else np.nan)
    return np.array(out, dtype=float)


def _correlation_per_rep(reps, t: CorrelationTarget) -> np.ndarray:
    out = []
    for r in reps:
        R = r.relationships
        weeks = np.clip(R["end"] - R["start"], 1, None)
        keep = weeks >= t.min_weeks
        per_month = R["held"][keep] / weeks[keep] * (52.0 / 12.0)
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


def _sims_of(spec: _Spec, item: _Item, sc: Scenario) -> list[Scenario]:
    """The scenarios a target's figure is measured on."""
    if item.kind in WORKFORCE_TARGETS:
        return [sc if spec.file.observed_with_program else sc.without_program()]
    if item.kind == "sponsorship_promotion_ratio":
        return [sc, _no_sponsorship(sc)]
    return [sc]


def _evaluate(spec: _Spec, scenarios: dict[str, Scenario], items: list[_Item], reps_of: dict[str, int],
              seed: int, workers: int, have: dict[str, list] | None = None
              ) -> tuple[dict[str, np.ndarray], dict[str, list]]:
    """Per-replication values of ``items`` with the given scenarios; each distinct simulation runs once.

    ``reps_of`` gives each target's replications; a simulation runs the most that any target
    measured on it asks for (over all targets, so that fitted and checked ones agree).
    Returns the values by label and the simulations run (by content), reusing ``have``.
    """
    from .experiment import run_many

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
        sims[k] = done[i: i + n]
        i += n
    out: dict[str, np.ndarray] = {}
    for it in items:
        runs = [sims[k] for k in keys[it.label]]
        t = it.target
        if it.kind in WORKFORCE_TARGETS:
            out[it.label] = np.array([rr.metrics[it.kind] for rr in runs[0]], dtype=float)
        elif it.kind == "participant_retention_gap":
            out[it.label] = _gap_per_rep(runs[0], t)
        elif it.kind == "participant_promotion_ratio":
            out[it.label] = _promotion_per_rep(runs[0], t)
        elif it.kind == "cadence_quality_correlation":
            out[it.label] = _correlation_per_rep(runs[0], t)
        else:
            out[it.label] = _sponsorship_per_rep(runs[0], runs[1])
    return out, sims


def _is_share(kind: str, measure: Any) -> bool:
    return kind in WORKFORCE_TARGETS or measure in ("retention_difference", "difference")


# ---- fitting -------------------------------------------------------------------------------

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
        from .params import _align

        rows = [("target", "evidence", "observed", "tolerance", "simulated", "95% interval", "how", "ok")]
        for _, r in self.table.iterrows():
            pct = _is_share(r.target, r.measure)
            f = (lambda v: "-" if math.isnan(v) else f"{v * 100:.2f}%") if pct else \
                (lambda v: "-" if math.isnan(v) else f"{v:.3f}")
            tol = f"+-{r.tolerance * 100:.2f} pts" if pct else f"+-{r.tolerance:.3f}"
            ci = "-" if math.isnan(r.ci_low) else f"{f(r.ci_low)} to {f(r.ci_high)}"
            rows.append((r.label, _src(r.evidence, "-"), f(r.observed), tol, f(r.simulated), ci,
                         "fitted" if r.fitted else "checked", "yes" if r.within else "NO"))
        prow = [("parameter", "fits", "in", "before", "after", "search range")]
        for _, r in self.parameters.iterrows():
            prow.append((r.parameter, r.target, r.scenario, f"{r.before:.6g}", f"{r.after:.6g}",
                         f"{r.search_low:g} to {r.search_high:g}"))
        params = _align(prow) if len(prow) > 1 else "no parameter fitted (every target has fit: false)"
        verdict = ("all targets within tolerance" if self.within_tolerance
                   else "NOT all targets within tolerance: widen a search range, raise --replications or "
                        "max_evaluations, or check the figures")
        sims = self.table.drop_duplicates("scenario")
        on = "; ".join(f"{r.scenario}: {int(r.people):,} people, {int(r.weeks)} weeks, {int(r.replications)} "
                       f"replications" for _, r in sims.iterrows())
        return (f"Calibrated {self.base.name} to {self.source}: seed {self.seed}, {self.evaluations} evaluations\n"
                f"scenarios: {on}\n\n{_align(rows)}\n\n{params}\n\n{verdict}")

    def to_yaml(self) -> str:
        head = [f"# Calibrated by mentorsim calibrate from {self.source}",
                f"# ({self.replications} replications, seed {self.seed}, {self.evaluations} evaluations).",
                "# target: observed -> simulated mean [95% interval]"]
        for _, r in self.table.iterrows():
            head.append(f"#   {r.label}{'' if r.fitted else ' (checked)'}: {r.observed:.4g} +- "
                        f"{r.tolerance:.3g} ({_src(r.evidence, 'own data')}) -> {r.simulated:.4g} "
                        f"[{r.ci_low:.4g}, {r.ci_high:.4g}]{'' if r.within else '  NOT WITHIN'}")
        head.append("# fitted: " + (", ".join(
            f"{r.parameter} {r.before:.6g} -> {r.after:.6g}" + ("" if r.scenario == "all" else f" (in {r.scenario})")
            for _, r in self.parameters.iterrows()) or "nothing"))
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
    reps_of = {it.label: it.target.replications or R for it in spec.items}

    base = spec.base
    fitted = [it for it in spec.items if it.parameter is not None]
    params = [it.parameter for it in fitted]
    lo = np.array([it.search[0] for it in fitted], dtype=float)
    hi = np.array([it.search[1] for it in fitted], dtype=float)
    before = np.array([float((base if _shared(it.parameter) else spec.scenarios[it.scenario]).get(it.parameter))
                       for it in fitted], dtype=float)
    x0 = np.clip((before - lo) / (hi - lo), 0.0, 1.0)
    values = np.array([it.target.value for it in fitted], dtype=float)
    tols = np.array([it.target.tolerance for it in fitted], dtype=float)

    def scenarios_at(x: np.ndarray) -> dict[str, Scenario]:
        vals = lo + np.clip(x, 0, 1) * (hi - lo)
        shared = {p: float(v) for p, v in zip(params, vals) if _shared(p)}
        out = {}
        for sid, sc in spec.scenarios.items():
            ov = dict(shared)
            ov.update({it.parameter: float(v) for it, v in zip(fitted, vals)
                       if not _shared(it.parameter) and it.scenario == sid})
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
        per, sims = _evaluate(spec, scenarios_at(np.array(key)), fitted, reps_of, S, workers)
        sim = np.array([np.nanmean(per[it.label]) if np.isfinite(per[it.label]).any() else np.nan for it in fitted])
        r = (sim - values) / tols
        r = np.where(np.isfinite(r), r, 1e3)  # no participants / no quits: push away
        cache[key] = r
        cost = float(np.sum(r ** 2))
        if cost < best["cost"]:
            best.update(cost=cost, x=np.array(key), sims=sims)
        if np.all(np.abs(r) <= tolerance_goal):
            raise _Stop
        return r

    if fitted:
        from scipy.optimize import least_squares

        try:
            resid(x0)
            least_squares(resid, x0, bounds=(np.zeros_like(x0), np.ones_like(x0)), method="trf",
                          diff_step=0.02, x_scale=1.0, max_nfev=budget, xtol=1e-4, ftol=1e-6, gtol=1e-8)
        except _Stop:
            pass
    else:
        best.update(x=x0, sims={})

    at = scenarios_at(best["x"])
    per, _ = _evaluate(spec, at, spec.items, reps_of, S, workers, have=best["sims"])
    name = tf.name or (f"{base.name}_calibrated"[:80])
    desc = tf.description or (f"{base.name} calibrated by mentorsim calibrate to {spec.source}: "
                              + ", ".join(f"{it.label} {it.target.value:g}"
                                          + (f" ({it.target.evidence})" if it.target.evidence else "")
                                          for it in fitted) + ".")
    calibrated = at[""].model_copy(update={"name": name, "description": desc[:2000]})
    calibrated = scenario_from_dict(calibrated.model_dump(mode="json"), "calibrated scenario")
    at[""] = calibrated
    sname = {sid: sc.name for sid, sc in at.items()}
    shown = _labels(spec.items, sname)

    rows = []
    for it in spec.items:
        t = it.target
        m, cl, ch = interval(per[it.label])
        sc = at[it.scenario]
        rows.append({"target": it.kind, "label": shown[it.label], "evidence": t.evidence, "observed": t.value,
                     "tolerance": t.tolerance, "simulated": m, "ci_low": cl, "ci_high": ch,
                     "within": bool(np.isfinite(m) and abs(m - t.value) <= t.tolerance),
                     "fitted": it.parameter is not None, "measure": getattr(t, "measure", None),
                     "group": getattr(t, "group", None), "scenario": sname[it.scenario], "parameter": it.parameter,
                     "replications": int(np.isfinite(per[it.label]).sum()) if len(per[it.label]) else 0,
                     "people": sc.workforce.size, "weeks": sc.horizon_weeks, "note": t.note})
    table = pd.DataFrame(rows)
    after = np.array([float(at["" if _shared(it.parameter) else it.scenario].get(it.parameter)) for it in fitted])
    parameters = pd.DataFrame({"parameter": params, "target": [shown[it.label] for it in fitted],
                               "scenario": ["all" if _shared(it.parameter) else sname[it.scenario] for it in fitted],
                               "before": before, "after": after, "search_low": lo, "search_high": hi})
    scenarios = {}
    for sid, sc in at.items():
        scenarios[sc.name if sc.name not in scenarios else sid] = sc
    return Calibration(calibrated, base, table, parameters, max(len(cache), 1), R, S, spec.source, scenarios)


def _labels(items: list[_Item], names: dict[str, str]) -> dict[str, str]:
    """Labels to show: the kind, its group and measure, the scenario if not the base; kind[i] only if needed."""
    out = {}
    for it in items:
        t, bits = it.target, []
        if it.kind in ("participant_retention_gap", "participant_promotion_ratio"):
            bits = [t.group, t.measure]
        elif it.kind == "cadence_quality_correlation" and t.min_weeks != 13:
            bits = [f"{t.min_weeks}+ weeks"]
        out[it.label] = (it.kind + (f" ({', '.join(bits)})" if bits else "")
                         + (f" on {names[it.scenario]}" if it.scenario else ""))
    shown = list(out.values())
    return {k: (v if shown.count(v) == 1 else v.replace(k.split("[")[0], k, 1)) for k, v in out.items()}
