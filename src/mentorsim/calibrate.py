"""The old name of :mod:`mentorsim.calibration`, kept so that ``import mentorsim.calibrate`` goes on working.

Everything lives in the package ``mentorsim.calibration`` (targets, measures, fit);
``ms.calibrate`` is its :func:`~mentorsim.calibration.calibrate`.
"""

from __future__ import annotations

from .calibration import *  # noqa: F403 (the public names, re-exported)
from .calibration import __all__  # noqa: F401
