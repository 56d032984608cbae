"""``mentorsim params``: print the parameter register generated from the scenario schema."""

from __future__ import annotations

import argparse

EXAMPLE = """\
Every scenario parameter with its default, unit, allowed range, source (an
evidence ID C1-C7 of the calibration targets, a topic of the evidence defaults
table, or "assumption") and, where the evidence gives one, the range to use in
sensitivity analysis.

examples:
  mentorsim params                       the register as a text table
  mentorsim params --assumptions         only the assumptions, with the range to vary each over
  mentorsim params --markdown > docs/parameters.md
"""


def _cmd(a) -> int:
    from mentorsim.schema import register_text as params

    if a.markdown and a.assumptions:
        md = params.register_markdown()
        start = md.index("## Assumptions")
        print(md[start:].rstrip())
    elif a.markdown:
        print(params.register_markdown().rstrip())
    elif a.assumptions:
        print(params.assumptions_text())
    else:
        print(params.register_text(width=a.width))
    return 0


def register(sub) -> None:
    """Add ``mentorsim params`` to the command line."""
    from mentorsim.commands.cli import _positive

    p = sub.add_parser(
        "params",
        help="print the parameter register (defaults, units, ranges, sources)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Print the parameter register generated from the scenario schema.",
        epilog=EXAMPLE,
    )
    p.add_argument("--markdown", action="store_true", help="print Markdown (the content of docs/parameters.md)")
    p.add_argument(
        "--assumptions",
        action="store_true",
        help="only the parameters with no evidence behind them, with their sensitivity ranges",
    )
    p.add_argument(
        "--width", type=_positive("width", 10), default=60, help="cut descriptions to this many characters (default 60)"
    )
    p.set_defaults(func=_cmd)
