"""mentorsim: design mentorship programs on a simulated workforce before running them on people.

    import mentorsim as ms
    sc = ms.load_scenario("scenarios/one_on_one.yaml")
    res = ms.simulate(sc, replications=20, seed=7)
    res.summary()
    cmp = ms.compare([ms.load_scenario("scenarios/baseline.yaml"), sc], replications=20, seed=7)
    cmp.table()
"""

__version__ = "0.1.0"

from .errors import MentorsimError, ScenarioError
from .experiment import compare, simulate
from .results import METRICS, Comparison, Results
from .scenario import Scenario, load_scenario, scenario_from_dict
from .report import report
from .stories import stories
from .params import parameter_register
from .calibrate import calibrate

__all__ = ["METRICS", "Comparison", "MentorsimError", "Results", "Scenario", "ScenarioError", "__version__",
           "compare", "load_scenario", "scenario_from_dict", "simulate"]
from . import plots
from .widgets import Dashboard
from .sweep import Sweep, SweepResult, load_sweep, load_sweep_spec, sweep
from .sensitivity import sensitivity
from . import sweep_plots
