"""mentorsim: design mentorship programs on a simulated workforce before running them on people.

    import mentorsim as ms
    sc = ms.load_scenario("scenarios/one_on_one.yaml")
    res = ms.simulate(sc, replications=20, seed=7)
    res.summary()
    cmp = ms.compare([ms.load_scenario("scenarios/baseline.yaml"), sc], replications=20, seed=7)
    cmp.table()
"""

__version__ = "0.1.0"

import sys
import types
from importlib import import_module

from .errors import MentorsimError, ScenarioError
from .metrics import METRICS
from .scenario import Scenario, load_scenario, scenario_from_dict

# Everything that needs pandas, matplotlib, ipywidgets, dask or SALib loads on first use, so
# `import mentorsim`, the command line and worker processes start quickly:
# name -> (module, attribute, or None for the module itself).
_LAZY = {
    "simulate": ("experiment", "simulate"),
    "compare": ("experiment", "compare"),
    "Results": ("results", "Results"),
    "Comparison": ("results", "Comparison"),
    "calibrate": ("calibrate", "calibrate"),
    "parameter_register": ("params", "parameter_register"),
    "report": ("report", "report"),
    "sensitivity": ("sensitivity", "sensitivity"),
    "stories": ("stories", "stories"),
    "sweep": ("sweep", "sweep"),
    "Sweep": ("sweep", "Sweep"),
    "SweepResult": ("sweep", "SweepResult"),
    "load_sweep": ("sweep", "load_sweep"),
    "load_sweep_spec": ("sweep", "load_sweep_spec"),
    "plots": ("plots", None),
    "sweep_plots": ("sweep_plots", None),
    "Dashboard": ("widgets", "Dashboard"),
    "optimize": ("design", "optimize"),
    "discover": ("design", "discover"),
    "OptimizeResult": ("design", "OptimizeResult"),
    "Box": ("design", "Box"),
}
# functions named like the module that holds them: `import mentorsim.report` must not replace ms.report
_SHADOWED = {k: v[1] for k, v in _LAZY.items() if v[0] == k and v[1] == k}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'mentorsim' has no attribute {name!r}")
    module, attr = _LAZY[name]
    mod = import_module(f".{module}", __name__)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        if name in _SHADOWED and isinstance(value, types.ModuleType):
            value = getattr(value, _SHADOWED[name])  # keep the function, not its module
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = ["METRICS", "Box", "Comparison", "Dashboard", "MentorsimError", "OptimizeResult", "Results", "Scenario",
           "ScenarioError", "Sweep", "SweepResult", "__version__", "calibrate", "compare", "discover", "load_scenario",
           "load_sweep", "load_sweep_spec", "optimize", "parameter_register", "plots", "report", "scenario_from_dict",
           "sensitivity", "simulate", "stories", "sweep", "sweep_plots"]
