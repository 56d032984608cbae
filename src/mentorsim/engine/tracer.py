"""The event log of traced people: structured rows (week, site, person, event, other, value).

An event's sentence (``details``) is rendered once, here, from its template in
``tables.EVENTS``; nobody parses it back (``stories`` reads ``other`` and ``value``).
When nobody is traced the engine holds no tracer and logging costs one ``is None`` test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mentorsim.schema.tables import EVENTS
from mentorsim.schema.workforce import reslot

Field = None | int | np.ndarray | Callable[[np.ndarray], np.ndarray]


class Tracer:
    """Event log for traced people.

    ``everyone`` traces every slot (hires included); ``ids`` traces those person ids in every
    site, whenever they are hired; otherwise ``mask`` was set once (starting people)."""

    def __init__(
        self, cap: int, everyone: bool = False, ids: np.ndarray | None = None, context: dict[str, str] | None = None
    ):
        self.mask = np.zeros(cap, dtype=bool)
        self.everyone, self.ids = everyone, ids
        self.context = context or {}
        self.rows: list[tuple[int, int, int, str, str, int, int]] = []  # week, site, id, event, details, other, value

    def lay(self, sites: int, site_cap: int) -> None:
        """Mark the traced slots of every site, for blocks of ``site_cap`` slots."""
        if self.everyone:
            self.mask[:] = True
        elif self.ids is not None:
            ids = self.ids[self.ids < site_cap]
            for s in range(sites):
                self.mask[s * site_cap + ids] = True

    def reslot(self, sites: int, old: int, new: int) -> None:
        self.mask = reslot(self.mask, sites, old, new, False)
        self.lay(sites, new)

    def log(
        self, week: int, who: np.ndarray, event: str, site_cap: int, other: Field = None, value: Field = None
    ) -> None:
        """Log ``event`` for the traced slots among ``who``. ``other`` (slots of the other person)
        and ``value`` are None, a number, an array aligned with ``who`` or a function of the slots."""
        who = np.asarray(who)
        if who.size == 0:
            return
        keep = self.mask[who]
        hit = who[keep]
        if hit.size == 0:
            return
        o = _field(other, hit, keep)
        v = _field(value, hit, keep)
        o = np.where(o >= 0, o % site_cap, -1)
        template = EVENTS[event]
        for p, oi, vi in zip(hit.tolist(), o.tolist(), v.tolist()):
            details = template.format(other=oi, value=vi, **self.context)
            self.rows.append((week, p // site_cap, p % site_cap, event, details, oi, vi))

    def events_of(self, sites: int) -> list[dict[str, list[Any]]]:
        """Each site's events as columns (the replication's own person ids)."""
        by_site: list[list] = [[] for _ in range(sites)]
        for row in self.rows:
            by_site[row[1]].append(row)
        return [
            {
                "week": [r[0] for r in mine],
                "person_id": [r[2] for r in mine],
                "event": [r[3] for r in mine],
                "details": [r[4] for r in mine],
                "other": [r[5] for r in mine],
                "value": [r[6] for r in mine],
            }
            for mine in by_site
        ]


def _field(f: Field, hit: np.ndarray, keep: np.ndarray) -> np.ndarray:
    if f is None:
        return np.full(len(hit), -1, dtype=np.int64)
    if callable(f):
        return np.asarray(f(hit), dtype=np.int64)
    a = np.asarray(f)
    if a.ndim == 0:
        return np.full(len(hit), int(a), dtype=np.int64)
    return a[keep].astype(np.int64)


def make_tracer(trace: Any, people: Any, sites: int, start_size: int, context: dict[str, str]) -> Tracer | None:
    """The tracer a ``trace`` argument asks for: None/False (nobody), 'all', True or a number
    (the first k starting people of each persona) or a list of person ids."""
    if trace is None or trace is False:
        return None
    C = people.C
    if isinstance(trace, str):
        if trace != "all":
            raise ValueError(f"trace: {trace!r} is not 'all', True, a number per persona or a list of person ids")
        t = Tracer(people.cap, everyone=True, context=context)
    elif trace is True or isinstance(trace, (int, np.integer)):
        t = Tracer(people.cap, context=context)
        k = 1 if trace is True else int(trace)
        for s in range(sites):
            lo = s * C
            for code in range(4):  # the first k starting people of each persona
                t.mask[lo + np.flatnonzero(people.persona[lo : lo + start_size] == code)[:k]] = True
    else:
        ids = np.unique(np.asarray(list(trace), dtype=np.int64))
        t = Tracer(people.cap, ids=ids[ids >= 0], context=context)
    t.lay(sites, C)
    return t
