"""Levers apart from unknowns, and parameter uncertainty drawn over replications.

Each parameter of the register has a *role*:

- ``lever``: a program choice (format, cadence, recognition, targets, matching, term, ...);
- ``input``: a fact of your organisation or a price (size, pyramid, salaries);
- ``uncertain``: how the world works or how strongly sessions act, with a *distribution*:
  uniform on its sensitivity range when it rests on an assumption, triangular with its mode at
  the default when evidence (C1..C7 or a defaults-table row) backs the default;
- ``fixed``: an uncertain quantity with no range declared (kept at its default).

With ``uncertainty="parameters"``, :func:`draws` gives each replication one value of every
uncertain parameter (a Latin hypercube over the replications, from the seed), the same for every
scenario of that replication, so comparisons stay paired; a parameter a scenario sets itself (its
file or an override gives the key, whatever the value, see ``Scenario.explicit``) is never drawn.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

import numpy as np
import pandas as pd

KINDS = ("noise", "parameters")


def uncertain_parameters(register: pd.DataFrame | None = None) -> pd.DataFrame:
    """The uncertain parameters: name, default, low, high, mode (NaN: uniform), integer, source."""
    from mentorsim.schema.params import parameter_register

    reg = parameter_register() if register is None else register
    rows = []
    for _, r in reg.iterrows():
        if r["role"] != "uncertain":
            continue
        lo, hi, d = float(r["sensitivity_low"]), float(r["sensitivity_high"]), r["default"]
        tri = r["distribution"].startswith("triangular")
        rows.append(
            {
                "name": r["name"],
                "default": d,
                "low": lo,
                "high": hi,
                "mode": float(d) if tri else math.nan,
                "integer": isinstance(d, int),
                "source": r["source"],
            }
        )
    return pd.DataFrame(rows, columns=["name", "default", "low", "high", "mode", "integer", "source"])


def _rng(seed: int, batch: int) -> np.random.Generator:
    h = hashlib.blake2b(f"{int(seed)}|parameters|{int(batch)}".encode(), digest_size=16).digest()
    return np.random.default_rng(int.from_bytes(h, "little"))


def draws(
    replications: list[int] | int, seed: int, batch: int = 0, register: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per replication, one column per uncertain parameter: a Latin hypercube over the
    replications (each parameter's range cut into as many equal-probability strata as there are
    replications, one value in each, shuffled independently), from ``seed`` (and ``batch``, for
    replications added later), transformed to each parameter's distribution."""
    from scipy.stats import triang

    reps = list(range(replications)) if isinstance(replications, int) else [int(r) for r in replications]
    par = uncertain_parameters(register)
    n, k = len(reps), len(par)
    rng = _rng(seed, batch)
    u = (np.argsort(rng.random((k, n)), axis=1) + rng.random((k, n))) / max(n, 1)  # k x n, one per stratum
    out: dict[str, Any] = {"replication": reps}
    for i, p in enumerate(par.itertuples()):
        lo, hi = p.low, p.high
        if math.isnan(p.mode):
            x = lo + u[i] * (hi - lo)
        else:
            c = (p.mode - lo) / (hi - lo) if hi > lo else 0.5
            x = triang.ppf(u[i], c, loc=lo, scale=hi - lo)
        out[p.name] = np.rint(x).astype(int) if p.integer else x
    return pd.DataFrame(out)


def explicit(sc: Any, name: str, default: Any) -> bool:
    """Whether the scenario sets ``name`` itself: its document or an override gave the key (whatever the
    value, the default included), or its value differs from the register default."""
    if sc.sets(name):
        return True
    v = sc.get(name)
    if isinstance(v, float) or isinstance(default, float):
        return not math.isclose(float(v), float(default), rel_tol=1e-12, abs_tol=1e-15)
    return bool(v != default)


def apply(sc: Any, draw: pd.Series, defaults: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The scenario with one replication's draw, except the parameters it sets itself; and the values
    used (drawn or its own), by parameter."""
    over, used = {}, {}
    for name, value in draw.items():
        if name == "replication":
            continue
        if explicit(sc, name, defaults[name]):
            used[name] = sc.get(name)
        else:
            v = value.item() if hasattr(value, "item") else value
            over[name] = v
            used[name] = v
    return (sc.with_overrides(over, source="parameter draw") if over else sc), used


def check_kind(uncertainty: str) -> str:
    """The uncertainty kind, or a one-line error naming the allowed ones."""
    from mentorsim.errors import MentorsimError

    if uncertainty not in KINDS:
        raise MentorsimError(
            f"uncertainty: {uncertainty!r} is not allowed; use 'noise' (luck only, the default) "
            "or 'parameters' (luck and what we don't know)"
        )
    return uncertainty


def __getattr__(name: str) -> Any:
    """``LEVERS``: the program's choices (declared ``param(role="lever")`` in the schema), read when asked."""
    if name == "LEVERS":
        from mentorsim.schema.params import declared

        return declared("lever")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
