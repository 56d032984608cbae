"""Scenario discovery: the box of inputs (assumptions and levers) where a condition holds, by PRIM.

PRIM is the EMA Workbench's (``ema_workbench.analysis.prim``), not written here; it is imported
on first use (it takes a few seconds and pulls in statsmodels). ``discover(result, condition)``
takes a sweep (a ``SweepResult`` or its directory: inputs are the varied parameters, outcomes the
metrics, and ``roi`` against each point's no-program twin), a ``Comparison`` run with
``uncertainty="parameters"`` (inputs are the parameters drawn per replication, outcomes the paired
gains of one design over the baseline and its ``roi``), or a DataFrame of inputs and outcomes.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mentorsim.errors import MentorsimError
from mentorsim.schema.metrics import OUTCOMES, PAIRED
from mentorsim.schema.validation import nearest

#: columns of a sweep or a comparison that are neither inputs nor outcomes
BOOKKEEPING = ("point", "replication", "seed", "status", "error", "elapsed_seconds", "worker", "scenario", "trial")


@contextlib.contextmanager
def _quiet() -> Any:
    """The EMA Workbench warns on import (optional back ends) and logs as it peels: keep it quiet."""
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = logging.getLogger("EMA")
        old = log.level
        log.setLevel(logging.WARNING)
        try:
            yield
        finally:
            log.setLevel(old)


class Box:
    """A box of inputs where the condition holds: ``limits``, ``coverage``, ``density``, ``sentence()``.

    limits: one row per restricted input: ``input, kind (numeric/categorical), low, high, values,
    min, max`` (``min``/``max``: the input's range in the data). ``trajectory``: PRIM's peeling
    trade-off (coverage, density, mass, res_dim per box); ``chosen``: the index of this box on it.
    """

    def __init__(
        self,
        condition: str,
        limits: pd.DataFrame,
        coverage: float,
        density: float,
        mass: float,
        trajectory: pd.DataFrame,
        chosen: int,
        n: int,
        share: float,
    ):
        self.condition, self.limits = condition, limits
        self.coverage, self.density, self.mass = coverage, density, mass
        self.trajectory, self.chosen, self.n, self.share = trajectory, chosen, n, share

    def __repr__(self) -> str:
        return (
            f"<Box {self.condition!r}: {len(self.limits)} inputs restricted, coverage {self.coverage:.0%}, "
            f"density {self.density:.0%}>"
        )

    def __str__(self) -> str:
        return f"{self!r}\n{self.limits.to_string(index=False)}"

    def sentence(self) -> str:
        """The box in plain words."""
        if self.limits.empty and self.share == 1:
            return f"{self.condition} holds in all {self.n:,} cases, whatever the inputs: there is no box to find"
        if self.limits.empty:
            return (
                f"{self.condition} holds in {self.share:.0%} of the {self.n:,} cases, and no range of the inputs "
                "singles out where it holds"
            )
        parts = []
        for r in self.limits.itertuples():
            if r.kind != "numeric":
                parts.append(f"{r.input} is {' or '.join(str(v) for v in r.values)}")
            elif r.low > r.min and r.high < r.max:
                parts.append(f"{r.input} is between {r.low:.3g} and {r.high:.3g}")
            elif r.high < r.max:
                parts.append(f"{r.input} is below {r.high:.3g}")
            else:
                parts.append(f"{r.input} is above {r.low:.3g}")
        where = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        return (
            f"{self.condition} holds in {self.density:.0%} of the cases where {where} "
            f"({self.coverage:.0%} of all the cases where it holds; {self.share:.0%} of all {self.n:,} cases)"
        )

    def plot_tradeoff(self, ax: Any = None) -> Any:
        """The peeling trajectory: coverage against density of every box, the chosen one circled."""
        from mentorsim.design.plots import tradeoff_figure

        return tradeoff_figure(self, ax)

    def plot_box(self, ax: Any = None) -> Any:
        """Each restricted input's range in the box against its range in the data."""
        from mentorsim.design.plots import box_figure

        return box_figure(self, ax)


def _names(condition: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", condition)))


def _sweep_frame(res: Any, condition: str) -> tuple[pd.DataFrame, list[str]]:
    f = res.ok_frame().copy()
    if "roi" in _names(condition) and "roi" not in f.columns:
        if not {"program_cost", "turnover_cost"} <= set(f.columns):
            raise MentorsimError("condition: roi needs program_cost and turnover_cost, which this sweep did not keep")
        twins = res.baselines()
        keys = res.world_parameters
        b = np.array(
            [
                twins[tuple(row[k] for k in keys)].metrics["turnover_cost"].loc[row["replication"]]
                for _, row in f.iterrows()
            ],
            dtype=float,
        )
        prog = f["program_cost"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            f["roi"] = np.where(prog > 0, (b - f["turnover_cost"].to_numpy(dtype=float) - prog) / prog, np.nan)
    return f, list(res.parameters)


def _comparison_frame(cmp: Any, scenario: str | None) -> tuple[pd.DataFrame, list[str]]:
    if cmp.uncertainty != "parameters":
        raise MentorsimError(
            "discover: this comparison drew no parameters (uncertainty='noise'); run "
            "ms.compare(..., uncertainty='parameters') so each replication is a world to explore"
        )
    names = cmp.names[1:]
    name = scenario if scenario is not None else names[0]
    if name not in names:
        raise MentorsimError(f"scenario: {name!r} is not a design of this comparison{nearest(name, names)}")
    r = cmp[name]
    draws = r.parameter_draws.set_index("replication")
    d = cmp.diffs(r)
    for m in PAIRED:
        d[m] = cmp.paired(r, m)
    d.index = draws.index[: len(d)] if len(d) == len(draws) else d.index
    f = draws.join(d, how="inner").reset_index()  # parameter names and metric names differ
    inputs = [c for c in draws.columns if f[c].nunique() > 1 and reads(r.scenario, c)]
    return f, inputs


def reads(sc: Any, key: str) -> bool:
    """Whether a design can read a drawn parameter: not the effects of another format, of another
    recognition policy, or of sponsors when it has none (drawn for every design, used by some)."""
    from mentorsim.programs import FORMATS as formats

    parts = key.split(".")
    if parts[0] == "effects" and len(parts) > 2:
        if parts[1] == "recognition":
            return parts[2] == sc.program.recognition
        if parts[1] in formats:
            return parts[1] == sc.program.format
    if (key.startswith("mechanics.sponsors.") or key == "program.sponsor_odds_ratio") and not sc.program.sponsorship:
        return False
    return True


def frame_of(
    result: Any, condition: str, scenario: str | None = None, inputs: list[str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """The cases (one row each) and the input columns of what ``discover`` was given."""
    from mentorsim.outputs.comparison import Comparison
    from mentorsim.sweeps.results import SweepResult

    if isinstance(result, (str, Path)):
        from mentorsim.sweeps import load_sweep

        if not Path(result).is_dir():
            raise MentorsimError(f"discover: {str(result)!r} is not a sweep directory")
        result = load_sweep(result)
    if isinstance(result, SweepResult):
        f, ins = _sweep_frame(result, condition)
    elif isinstance(result, Comparison):
        f, ins = _comparison_frame(result, scenario)
    elif isinstance(result, pd.DataFrame):
        dup = list(dict.fromkeys(str(c) for c in result.columns[result.columns.duplicated()]))
        if dup:
            raise MentorsimError(
                f"discover: the DataFrame has more than one column named {', '.join(repr(c) for c in dup)}; "
                "give each column its own name"
            )
        f = result
        used = set(_names(condition))
        ins = [c for c in f.columns if c not in used and c not in OUTCOMES and c not in BOOKKEEPING]
    else:
        raise MentorsimError(
            f"discover: give a sweep (or its directory), a Comparison with parameter draws or a "
            f"DataFrame (got {type(result).__name__})"
        )
    if inputs is not None:
        for c in inputs:
            if c not in f.columns:
                raise MentorsimError(f"inputs: no column {c!r}{nearest(c, list(f.columns))}")
        ins = list(inputs)
    if not ins:
        raise MentorsimError("discover: no input columns to explain the condition with")
    return f, ins


def _holds(f: pd.DataFrame, condition: str) -> np.ndarray:
    for n in _names(condition):
        if n not in f.columns and n not in ("and", "or", "not", "True", "False"):
            raise MentorsimError(
                f"condition: {condition!r} names {n!r}, which is not a column"
                f"{nearest(n, [str(c) for c in f.columns])}; columns are "
                f"{', '.join(str(c) for c in f.columns)}"
            )
    try:
        # dotted column names (program.format) cannot be named in eval: rename them, not the numbers (0.5)
        dotted = re.sub(r"[A-Za-z_][A-Za-z0-9_.]*", lambda m: m.group(0).replace(".", "__"), condition)
        y = (
            f.eval(condition)
            if dotted == condition
            else f.rename(columns=lambda c: str(c).replace(".", "__")).eval(dotted)
        )
    except Exception as e:
        raise MentorsimError(f"condition: cannot evaluate {condition!r}: {e}".splitlines()[0]) from None
    y = np.asarray(y)
    if y.dtype != bool:
        raise MentorsimError(f"condition: {condition!r} is not a comparison (e.g. 'roi < 0')")
    return y


def discover(
    result: Any,
    condition: str = "roi < 0",
    scenario: str | None = None,
    inputs: list[str] | None = None,
    threshold: float | None = None,
    mass_min: float = 0.05,
    peel_alpha: float = 0.05,
    max_inputs: int | None = 3,
) -> Box:
    """The box of inputs where ``condition`` holds, found by PRIM (EMA Workbench); returns a ``Box``.

    condition: a comparison on an outcome column, e.g. ``"roi < 0"`` or ``"retention_36m < 0"``
    (for a Comparison the outcomes are gains over the baseline). scenario: which design of a Comparison
    (default its first; only the parameters it can read are inputs, see ``reads``). inputs: the
    columns to explain with (default: every input). The box chosen
    on the peeling trajectory balances coverage and density best (the highest harmonic mean of the
    two); with ``threshold``, it is the one with the most coverage among those with density at least
    ``threshold`` (the densest when none reaches it). Only boxes that restrict at most ``max_inputs``
    inputs are chosen from (None: any), so the box stays readable and does not chase noise when there
    are many inputs and few cases; ``box.trajectory`` has every box PRIM found.

    >>> import numpy as np, pandas as pd, mentorsim as ms
    >>> x = pd.DataFrame({"a": np.linspace(0, 1, 400), "b": np.tile([0.2, 0.8], 200)})
    >>> x["roi"] = np.where(x.a < 0.5, -1.0, 1.0)
    >>> box = ms.discover(x, "roi < 0")
    >>> list(box.limits.input)
    ['a']
    """
    f, ins = frame_of(result, condition, scenario, inputs)
    y = _holds(f, condition)
    keep = ~f[ins].isna().any(axis=1).to_numpy()
    x, y = f.loc[keep, ins].reset_index(drop=True), y[keep]
    if len(x) < 10:
        raise MentorsimError(f"discover: {len(x)} cases is too few for PRIM (give at least 10)")
    if not y.any():
        raise MentorsimError(f"discover: {condition!r} holds in none of the {len(x):,} cases")
    if y.all():  # PRIM needs cases where it fails too (it asserts so): the box is everything
        return _everywhere(condition, x)
    for c in x.columns:
        if not pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c]):
            x[c] = x[c].astype(str).astype(object)  # PRIM reads object columns as categories
        elif pd.api.types.is_integer_dtype(x[c]):
            x[c] = x[c].astype(np.int64)
        else:
            x[c] = x[c].astype(np.float64)
    with _quiet():
        from ema_workbench.analysis import prim

        # PRIM counts y >= threshold as a case of interest and keeps its box only when the box mean reaches
        # it (else an empty "dump box"): a tiny threshold does both for 0/1 cases; the box is chosen here
        try:
            p = prim.Prim(x, y.astype(int), threshold=1e-6, peel_alpha=peel_alpha, mass_min=mass_min)
            pbox = p.find_box()
        except Exception as e:  # the EMA Workbench asserts and raises its own errors: one line, not its traceback
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise MentorsimError(
                f"discover: PRIM found no box for {condition!r} in these {len(x):,} cases ({why})"
            ) from None
    traj = pbox.peeling_trajectory[["coverage", "density", "mass", "res_dim"]].reset_index(drop=True)
    pick = traj if max_inputs is None else traj[traj.res_dim <= max_inputs]
    if threshold is None:
        i = int((2 * pick.coverage * pick.density / (pick.coverage + pick.density)).idxmax())
    else:
        ok = pick[pick.density >= threshold]
        i = int(ok.coverage.idxmax()) if len(ok) else int(pick.density.idxmax())
    with _quiet():
        pbox.select(i)
    return Box(
        condition,
        _limits(pbox.box_lims[i], p.box_init, x),
        float(traj.coverage[i]),
        float(traj.density[i]),
        float(traj.mass[i]),
        traj,
        i,
        len(x),
        float(y.mean()),
    )


def _everywhere(condition: str, x: pd.DataFrame) -> Box:
    """The box of a condition that holds in every case: no input restricted, coverage and density 100%."""
    traj = pd.DataFrame({"coverage": [1.0], "density": [1.0], "mass": [1.0], "res_dim": [0]})
    limits = pd.DataFrame(columns=["input", "kind", "low", "high", "values", "min", "max"])
    return Box(condition, limits, 1.0, 1.0, 1.0, traj, 0, len(x), 1.0)


def _limits(lim: pd.DataFrame, init: pd.DataFrame, x: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for c in lim.columns:
        lo, hi = lim[c].iloc[0], lim[c].iloc[1]
        if isinstance(lo, set):  # a categorical input: the categories kept
            if lo != init[c].iloc[0]:
                vals = tuple(sorted(lo, key=str))
                rows.append((c, "categorical", np.nan, np.nan, vals, np.nan, np.nan))
        elif lo != init[c].iloc[0] or hi != init[c].iloc[1]:
            rows.append((c, "numeric", float(lo), float(hi), (), float(x[c].min()), float(x[c].max())))
    return pd.DataFrame(rows, columns=["input", "kind", "low", "high", "values", "min", "max"])
