"""The evidence behind the parameters, once: EVIDENCE.md's calibration targets and defaults table.

Each calibration target (C1..C7) and each topic of the "Defaults and ranges" table,
with its figure and source as the parameter register states them (docs/parameters.md)
and what it says in plain words (the report's evidence section). A parameter's
``source`` is one of these IDs or topics (or an alias of a topic), or "assumption".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One item of EVIDENCE.md: its figure and source as the register states them, and in plain words."""

    figure: str
    says: str
    source: str = ""
    confidence: str = ""


#: Calibration targets of EVIDENCE.md, by ID.
EVIDENCE: dict[str, Evidence] = {
    "C1": Evidence(
        "monthly voluntary quit rate 2.2% (BLS JOLTS; 1.5-3.0% for sensitivity)",
        "Monthly quit rate of 2.2% with no program (1.5-3.0% sensitivity)",
        "US BLS JOLTS",
        "H",
    ),
    "C2": Evidence(
        "33-40% of new hires quit within a year, about half of them within 13 weeks (Work Institute)",
        "33-40% of new hires quit in year one, about half of them in the first 13 weeks",
        "Work Institute retention reports",
        "M",
    ),
    "C3": Evidence(
        "about 6% of employees promoted a year, 6-10% range (SHRM)",
        "About 6% of employees promoted a year with no program",
        "SHRM benchmarking",
        "M",
    ),
    "C4": Evidence(
        "mentee and mentor quit hazard ratios 0.46 and 0.52 vs non-participants (Sun Microsystems, relative)",
        "Mentees and mentors retained more often than non-participants (relative; mixes who volunteers with what "
        "the program does)",
        "Sun Microsystems study (Gartner / Capital Analytics)",
        "H",
    ),
    "C5": Evidence(
        "mentees and mentors promoted ~5x and ~5.6x as often as non-participants (Sun, relative)",
        "Mentees and mentors promoted ~5x as often as non-participants (relative; same caveat)",
        "Sun Microsystems study",
        "M",
    ),
    "C6": Evidence(
        "meeting frequency vs psychosocial support correlation ~0.25 (Eby et al. 2013)",
        "Meeting frequency goes with relationship quality (r ~ 0.25)",
        "Eby et al. 2013 meta-analysis",
        "H",
    ),
    "C7": Evidence(
        "sponsored employees up to ~30% better promotion odds (Center for Talent Innovation)",
        "Sponsored employees get up to ~30% better odds of promotion",
        "Center for Talent Innovation",
        "L-M",
    ),
}

#: Topics of EVIDENCE.md's "Defaults and ranges" table.
DEFAULTS: dict[str, Evidence] = {
    "replacement cost of a leaver": Evidence(
        "median 21% of salary; ~40% frontline, 80% technical, 200% leaders (CAP 2012; Gallup)",
        "Replacing a leaver costs ~40% of salary (frontline), 80% (technical), 200% (leaders)",
    ),
    "mentor time": Evidence(
        "2-4 hours a month; sessions 45-60 minutes; formal terms 6-12 months (practice; Sun SEED)",
        "Mentors give 2-4 hours a month; sessions 45-60 minutes; terms 6-12 months",
    ),
    "real-world meeting rhythm": Evidence(
        "~4 hours a month of talk; in-person meetings less than monthly (Olivet 2019)",
        "Relationships average ~4 hours of talk a month; meetings often slip",
    ),
    "matching speed": Evidence(
        "81% of mentees matched within 3 weeks (Sun SEED 2007)", "81% of mentees matched within 3 weeks"
    ),
    "who has a mentor": Evidence(
        "37% of workers; 57% junior, 35% mid, 8% senior (Olivet 2019)",
        "37% of workers have a mentor: 57% of junior, 35% of mid-level, 8% of senior",
    ),
    "recognition in practice": Evidence(
        "46% recognise mentoring, 25% count it in promotions, 47% struggle to find mentors (ATD ~2023)",
        "46% of organisations recognise mentoring; 47% struggle to find mentors",
    ),
    "program formats in practice": Evidence(
        "78% of programs are one-on-one (ATD ~2023)", "78% of programs are traditional one-on-one"
    ),
    "early endings": Evidence(
        "relationships of a year or more helped most; very early endings harmed (Grossman & Rhodes 2002)",
        "Very early endings leave mentees worse off (youth-mentoring trials)",
    ),
    "relationship phases": Evidence(
        "initiation 6-12 months, cultivation 2-5 years (Kram 1983)",
        "Relationships move through initiation, cultivation, separation (Kram 1983)",
    ),
    "mentor-side effects": Evidence(
        "mentors more satisfied and committed; turnover intent not clearly lower (Ghosh & Reio 2013)",
        "Mentors report more satisfaction; turnover intent not clearly lower",
    ),
    "matching input": Evidence(
        "input into matching and training go with better relationships (Allen, Eby & Lentz 2006)",
        "Input into matching and training go with better relationships",
    ),
}

#: Short aliases a parameter may use for a defaults-table topic.
TOPIC_ALIASES: dict[str, str] = {"replacement cost": "replacement cost of a leaver"}


def basis(sc: Any) -> tuple[str, str]:
    """What a scenario's program results rest on: ("evidence" | "assumptions", why, in words).

    A format without workplace evidence (peer, circle, reverse, micro-board: EVIDENCE.md gaps) or a
    recognition policy (its effect sizes are assumptions) or assigned enrolment (EVIDENCE.md: no figure on
    how assigned participants engage) makes a result rest mainly on assumptions; one-on-one mentoring is
    calibrated to C4-C6 and sponsorship to C7. Whether a format rests on evidence is its ``evidenced``
    (``mentorsim.programs.FORMATS``)."""
    from mentorsim.programs import FORMATS, POLICIES  # programs import the schema: read when asked

    prog = sc.program
    why = []
    fmt = FORMATS[prog.format]
    if not fmt.evidenced:
        why.append(
            f"no workplace evidence on {fmt.words}: {'their' if fmt.plural else 'its'} effect sizes are assumptions"
        )
    if fmt.holds_sessions and POLICIES[prog.recognition].has_cycle():
        why.append(f"the effects of {POLICIES[prog.recognition].words} are assumptions")
    if fmt.holds_sessions and prog.enrolment == "assigned":
        why.append(
            "no evidence compares assigned with volunteer participants: how assigned mentees engage "
            "(mechanics.volunteering.assigned_preparation) is an assumption"
        )
    if why:
        return "assumptions", "; ".join(why)
    if not fmt.holds_sessions:
        return "evidence", "no program" + (" but sponsorship (C7)" if prog.sponsorship else "")
    return "evidence", f"{fmt.words}, calibrated to C4-C6" + (" and sponsorship to C7" if prog.sponsorship else "")
