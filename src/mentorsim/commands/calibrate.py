"""``mentorsim calibrate TARGETS.yaml``: fit a scenario's free parameters to observed figures."""

from __future__ import annotations

import argparse

EXAMPLE = """\
A targets file names a base scenario and the figures you observed, each with a
tolerance (same unit) and optionally its source:

  scenario: ../scenarios/baseline.yaml      # relative to the targets file
  targets:
    monthly_quit_rate:     {value: 0.018, tolerance: 0.002, evidence: HRIS 2024}
    first_year_quit_share: {value: 0.30,  tolerance: 0.04}
    annual_promotion_rate: {value: 0.08,  tolerance: 0.01}

Targets and the parameter each one fits by default:
  monthly_quit_rate            workforce.base_weekly_quit_hazard
  first_year_quit_share        workforce.first_year_hazard_multiplier
  early_quit_share             workforce.first_year_hazard_decay_weeks
  annual_promotion_rate        workforce.promotion_base_logit
  internal_mobility_rate       workforce.self_goal_progress_per_week
  participant_retention_gap    program.selection_strength      (on a program)
  participant_promotion_ratio  workforce.promotion_ambition_slope  (on a program)
  cadence_quality_correlation  program.momentum_weeks          (on a program)
  sponsorship_promotion_ratio  program.sponsor_odds_ratio      (with sponsorship)

A target may name its own scenario ('scenario:', relative to the targets file),
be checked only ('fit: false': simulated and reported, not fitted), and take
its own 'replications'. Several figures of one kind go in a list (e.g. mentees
and mentors). calibration/evidence.yaml writes down C1-C7 this way.

The search starts from the scenario's values and stops when every fitted target
is within a quarter of its tolerance. It prints each target beside the simulated
mean and its 95% interval, and exits 1 if a target (fitted or checked) stays
outside its tolerance.

examples:
  mentorsim calibrate calibration/evidence.yaml
  mentorsim calibrate my_org.yaml --out scenarios/my_org.yaml --replications 12 --seed 3

See docs/calibration.md.
"""


def _cmd(a) -> int:
    from mentorsim.calibration import calibrate
    from mentorsim.commands.cli import _warned
    from mentorsim.run.paths import YAML, output_file, write_or_fallback

    if a.out:
        output_file(a.out, "--out", YAML)
    cal = calibrate(
        a.targets, replications=a.replications, seed=a.seed, max_evaluations=a.max_evaluations, workers=a.workers
    )
    print(cal.to_text())
    if a.out:
        p, warning = write_or_fallback(lambda p: p.write_text(cal.to_yaml(), encoding="utf-8"), a.out, "--out")
        print(f"\nwrote {p} (load it with ms.load_scenario or 'mentorsim run {p}')")
        if warning:
            return _warned(warning)
    return 0 if cal.within_tolerance else 1


def register(sub) -> None:
    """Add the ``calibrate`` command."""
    from mentorsim.commands.cli import _positive, replications_type, workers_type

    p = sub.add_parser(
        "calibrate",
        help="fit a scenario to observed figures (quit and promotion rates, program gaps) and check others",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Fit a scenario's free parameters to the figures in a targets file and write "
        "the calibrated scenario.",
        epilog=EXAMPLE,
    )
    p.add_argument("targets", help="targets YAML file")
    p.add_argument("--out", "-o", help="write the calibrated scenario YAML here")
    p.add_argument(
        "--replications",
        "-r",
        type=replications_type(),
        default=None,
        help="replications per evaluation of targets without their own (default: the file's, else 8)",
    )
    p.add_argument(
        "--seed",
        "-s",
        type=_positive("seed"),
        default=None,
        help="random seed, the same for every evaluation (default: the file's, else 0)",
    )
    p.add_argument(
        "--max-evaluations",
        type=_positive("max-evaluations"),
        default=None,
        help="most scenario evaluations to spend (default: the file's, else 40)",
    )
    p.add_argument("--workers", "-w", type=workers_type(), default=1, help="local processes per evaluation (default 1)")
    p.set_defaults(func=_cmd)
