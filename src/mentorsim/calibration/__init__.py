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

from mentorsim.calibration.fit import Calibration, calibrate
from mentorsim.calibration.spec import load_targets
from mentorsim.calibration.targets import (
    FREE_PARAMETERS,
    PROGRAM_TARGETS,
    TARGET_DESCRIPTIONS,
    TARGET_NAMES,
    WORKFORCE_TARGETS,
    CorrelationTarget,
    GapTarget,
    PromotionTarget,
    RateTarget,
    SponsorshipTarget,
    Target,
    Targets,
    TargetsFile,
)

__all__ = [
    "FREE_PARAMETERS",
    "PROGRAM_TARGETS",
    "TARGET_DESCRIPTIONS",
    "TARGET_NAMES",
    "WORKFORCE_TARGETS",
    "Calibration",
    "CorrelationTarget",
    "GapTarget",
    "PromotionTarget",
    "RateTarget",
    "SponsorshipTarget",
    "Target",
    "Targets",
    "TargetsFile",
    "calibrate",
    "load_targets",
]
