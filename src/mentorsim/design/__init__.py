"""Decisions from the model: the best designs for a budget (``optimize``) and where a design fails (``discover``).

    import mentorsim as ms
    res = ms.optimize(base, levers={"program.format": ["one_on_one", "peer", "circle"],
                                    "program.participation_target": (0.05, 0.5)},
                      objectives={"retention_36m": "max", "program_cost": "min"},
                      budget={"program_cost": 400_000}, trials=200, replications=10, seed=1,
                      storage="sqlite:///search.db")
    res.front(); res.plot_front(); res.write_scenario("best.yaml")
    box = ms.discover(cmp, condition="roi < 0"); box.limits; box.sentence()

Optuna and the EMA Workbench are imported on first use, never by ``import mentorsim``.
"""

from mentorsim.design.discover import Box, discover
from mentorsim.design.front import OptimizeResult
from mentorsim.design.search import optimize

__all__ = ["Box", "OptimizeResult", "discover", "optimize"]
