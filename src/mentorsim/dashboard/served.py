"""The page ``mentorsim dashboard`` serves: a Dashboard after its first run, or one plain sentence if it failed."""

from __future__ import annotations

import os
import sys
from typing import Any

from mentorsim.dashboard.widgets import Dashboard
from mentorsim.schema.scenario import Scenario

FAULT_ENV = "MENTORSIM_DASHBOARD_FAULT"  # test hook: "start" fails inside page(), "uncaught" fails past it


PAGE_FAILED = (
    "The dashboard could not start on this page. The reason is in the terminal where "
    "`mentorsim dashboard` runs; reload the page to try again."
)


def page(scenario: Scenario | str | None = None, **options: Any) -> Any:
    """What a served page shows: a :class:`Dashboard` after its first run, or a plain message if it failed.

    Runs in the page's kernel. A failure is told in one plain sentence on the page, never as a traceback
    (which would show source paths); the traceback goes to the terminal that serves the dashboard.
    The dashboard's worker processes are stopped when the kernel ends (culled, or the server stopped).
    """
    from IPython.display import HTML

    fault = os.environ.get(FAULT_ENV, "")
    if fault == "uncaught":
        raise RuntimeError(f"injected dashboard fault ({__file__})")
    dash = None
    try:
        if fault == "start":
            raise RuntimeError(f"injected dashboard fault ({__file__})")
        dash = Dashboard(scenario, **options)
        try:
            dash.wait(300)
        except TimeoutError:  # still working: the page updates when the first run is done
            pass
        return dash
    except Exception:
        import traceback

        traceback.print_exc(file=sys.__stderr__)  # the server's terminal, not the page
        if dash is not None:
            dash.close()
        return HTML(f"<p style='font: 20px sans-serif; margin: 2em'>{PAGE_FAILED}</p>")
