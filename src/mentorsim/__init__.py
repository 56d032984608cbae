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

from .errors import MentorsimError, ScenarioError
from .experiment import compare, simulate
from .results import METRICS, Comparison, Results
from .scenario import Scenario, load_scenario, scenario_from_dict

from .calibrate import calibrate
from .params import parameter_register
from .report import report
from .sensitivity import sensitivity
from .stories import stories
from .sweep import Sweep, SweepResult, load_sweep, load_sweep_spec, sweep

# Parts that need matplotlib or ipywidgets load on first use, so `import mentorsim` and the command
# line stay quick: name -> (module, attribute or None for the module itself).
_LAZY = {
    "plots": ("plots", None),
    "sweep_plots": ("sweep_plots", None),
    "Dashboard": ("widgets", "Dashboard"),
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


__all__ = ["METRICS", "Comparison", "Dashboard", "MentorsimError", "Results", "Scenario", "ScenarioError", "Sweep",
           "SweepResult", "__version__", "calibrate", "compare", "load_scenario", "load_sweep", "load_sweep_spec",
           "parameter_register", "plots", "report", "scenario_from_dict", "sensitivity", "simulate", "stories",
           "sweep", "sweep_plots"]
