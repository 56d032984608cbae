"""The Pareto front, once: which designs no other design beats on every objective.

Used by sweeps (``SweepResult.pareto``: gain against cost) and design search (``OptimizeResult.front``).
"""

from __future__ import annotations

import numpy as np


def non_dominated(values: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Per row of ``values`` (rows: designs, columns: objectives): True when no other row is at least as good on
    every objective and better on one. ``signs`` is +1 per objective to maximise, -1 to minimise. A row with a
    missing value (NaN) is not on the front and beats no other row."""
    v = np.asarray(values, dtype=float) * np.asarray(signs, dtype=float)
    ok = ~np.isnan(v).any(axis=1)
    out = np.zeros(len(v), dtype=bool)
    for i in np.flatnonzero(ok):
        beats = ok & (v >= v[i]).all(axis=1) & (v > v[i]).any(axis=1)
        out[i] = not beats.any()
    return out
