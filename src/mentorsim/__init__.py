"""mentorsim: design mentorship programs on a simulated workforce before running them on people.

import mentorsim as ms
sc = ms.load_scenario("scenarios/one_on_one.yaml")
res = ms.simulate(sc, replications=20, seed=7)
res.summary()
cmp = ms.compare([ms.load_scenario("scenarios/baseline.yaml"), sc], replications=20, seed=7)
cmp.table()
"""

__version__ = "0.1.0"

from importlib import import_module

from mentorsim.errors import MentorsimError, ScenarioError
from mentorsim.schema.metrics import METRICS
from mentorsim.schema.scenario import Scenario, load_scenario, scenario_from_dict

# Everything that needs pandas, matplotlib, ipywidgets, dask or SALib loads on first use, so
# `import mentorsim`, the command line and worker processes start quickly:
# name -> (module, attribute, or None for the module itself).
_LAZY = {
    "simulate": ("run.experiment", "simulate"),
    "compare": ("run.experiment", "compare"),
    "Results": ("outputs.results", "Results"),
    "Comparison": ("outputs.comparison", "Comparison"),
    "calibrate": ("calibration", "calibrate"),
    "parameter_register": ("schema.params", "parameter_register"),
    "report": ("reports", "report"),
    "sensitivity": ("outputs.sensitivity", "sensitivity"),
    "stories": ("reports.stories", "stories"),
    "sweep": ("sweeps", "sweep"),
    "Sweep": ("sweeps", "Sweep"),
    "SweepResult": ("sweeps", "SweepResult"),
    "load_sweep": ("sweeps", "load_sweep"),
    "load_sweep_spec": ("sweeps", "load_sweep_spec"),
    "plots": ("viz.plots", None),
    "decision": ("outputs.decision", None),
    "sweep_plots": ("viz.sweep", None),
    "Dashboard": ("dashboard.widgets", "Dashboard"),
    "optimize": ("design", "optimize"),
    "discover": ("design", "discover"),
    "OptimizeResult": ("design", "OptimizeResult"),
    "Box": ("design", "Box"),
}


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


__all__ = [
    "METRICS",
    "Box",
    "Comparison",
    "Dashboard",
    "decision",
    "MentorsimError",
    "OptimizeResult",
    "Results",
    "Scenario",
    "ScenarioError",
    "Sweep",
    "SweepResult",
    "__version__",
    "calibrate",
    "compare",
    "discover",
    "load_scenario",
    "load_sweep",
    "load_sweep_spec",
    "optimize",
    "parameter_register",
    "plots",
    "report",
    "scenario_from_dict",
    "sensitivity",
    "simulate",
    "stories",
    "sweep",
    "sweep_plots",
]
