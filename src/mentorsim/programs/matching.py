"""Matching mentees to mentors within capacity: random, or goal fit.

Goal fit is an optimal assignment (scipy's linear_sum_assignment) on a fit
score: in one piece when at most ``BLOCK`` mentees wait, otherwise in blocks of at
most ``BLOCK`` mentees of the same level and goal against the ``2 x BLOCK``
best-placed free mentor slots, so it scales to large workforces. Fit combines the mentor's lead in the mentee's goal skill (a mentor
"who has navigated the goal") and working-style compatibility (Allen, Eby & Lentz
2006: perceived input into matching goes with better relationships).
Unmatched mentees wait for the next matching window.
"""

from __future__ import annotations

import numpy as np

from mentorsim.programs.base import Rows
from mentorsim.schema.traits import N_LEVELS

BLOCK = 128
INFEASIBLE = -1e6
_LSA = None


def assignment_solver():
    """scipy's linear_sum_assignment (the compiled solver), loaded without importing all of
    scipy.optimize: that takes ~0.35 s, which every worker process would pay before its first
    run. Falls back to the ordinary import if the compiled module cannot be loaded directly."""
    global _LSA
    if _LSA is None:
        try:
            import glob
            import importlib.util
            import os

            import scipy

            here = os.path.join(os.path.dirname(scipy.__file__), "optimize")
            path = sorted(glob.glob(os.path.join(here, "_lsap.*")))[0]
            spec = importlib.util.spec_from_file_location("scipy.optimize._lsap", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            _LSA = module.linear_sum_assignment
        except Exception:  # pragma: no cover - another scipy layout
            from scipy.optimize import linear_sum_assignment as _LSA
    return _LSA


def fit_score(
    skills: np.ndarray, style: np.ndarray, mentee: np.ndarray, mentor: np.ndarray, dims: np.ndarray
) -> np.ndarray:
    """Fit in 0..1 of (mentee, mentor) pairs on skill dimension ``dims`` (broadcasts)."""
    lead = np.clip(skills[mentor, dims] - skills[mentee, dims] + 0.5, 0.0, 1.0)
    return 0.5 * lead + 0.5 * (1.0 - np.abs(style[mentor] - style[mentee]))


def _strongest(skills: np.ndarray, dims: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k rows of ``skills`` strongest on average over ``dims`` (one entry per
    mentee of a block), strongest first, ties in position order: ``argsort(-strength)[:k]``
    (stable) in linear time."""
    strength = skills @ (np.bincount(dims, minlength=skills.shape[1]) / len(dims))
    if len(strength) <= k:
        return np.argsort(-strength, kind="stable")
    kth = strength[np.argpartition(-strength, k - 1)[k - 1]]
    above = np.flatnonzero(strength > kth)
    sel = np.concatenate([above, np.flatnonzero(strength == kth)[: k - len(above)]])
    return sel[np.lexsort((sel, -strength[sel]))]


def _rows(mentee, mentor, dims, fit) -> Rows:
    g = -np.ones(len(mentee), dtype=np.int64)
    return Rows(
        np.asarray(mentee, dtype=np.int64),
        np.asarray(mentor, dtype=np.int64),
        g,
        np.zeros_like(g),
        np.asarray(dims, dtype=np.int64),
        np.asarray(fit, dtype=float),
    )


def match_one_to_one(
    ctx,
    waiting: np.ndarray,
    mentors: np.ndarray,
    free: np.ndarray,
    dims: np.ndarray,
    rule,
    exclude: list[Rows] | None = None,
) -> Rows:
    """Assign each waiting mentee at most one mentor slot, respecting ``rule`` and capacity."""
    linear_sum_assignment = assignment_solver()

    slots = np.repeat(mentors, np.maximum(free, 0))
    if len(slots) == 0 or len(waiting) == 0:
        return Rows.empty()
    level, skills, style = ctx.level, ctx.skills, ctx.style
    prev = ctx.prev_mentor  # nobody is rematched with the mentor they just had
    # keep only mentees some free slot may serve and slots that may serve some mentee (by level);
    # a waiting list that no free slot can serve then costs nothing
    lv = np.arange(N_LEVELS + 1)
    allowed = rule(lv[:, None], lv[None, :])  # allowed[mentee level, mentor level]
    has_slot = np.zeros(N_LEVELS + 1, dtype=bool)
    has_slot[level[slots]] = True
    has_mentee = np.zeros(N_LEVELS + 1, dtype=bool)
    has_mentee[level[waiting]] = True
    keep_e = (allowed & has_slot[None, :]).any(axis=1)[level[waiting]]
    keep_s = (allowed & has_mentee[:, None]).any(axis=0)[level[slots]]
    if not keep_e.any() or not keep_s.any():
        return Rows.empty()
    waiting, dims, slots = waiting[keep_e], dims[keep_e], slots[keep_s]
    if ctx.program.matching != "random" and not exclude and (len(slots) == 1 or len(waiting) == 1):
        # one free slot or one waiting mentee: the optimal assignment is the single best pair
        score = fit_score(skills, style, waiting[:, None], slots[None, :], dims[:, None])
        score[~rule(level[waiting][:, None], level[slots][None, :]) | (slots[None, :] == prev[waiting][:, None])] = (
            INFEASIBLE
        )
        r, c = np.unravel_index(int(np.argmax(score)), score.shape)
        if score[r, c] <= INFEASIBLE / 2:
            return Rows.empty()
        return _rows(waiting[r : r + 1], slots[c : c + 1], dims[r : r + 1], score[r : r + 1, c])
    banned = _banned(waiting, exclude)
    taken = np.zeros(len(slots), dtype=bool)
    out_e, out_m, out_d = [], [], []
    order = np.lexsort((waiting, dims, level[waiting]))
    if ctx.program.matching == "random":
        key_m = ctx.draw("match_mentor", slots) + np.arange(len(slots)) * 1e-12
        key_e = ctx.draw("match_mentee", waiting)
        order = np.lexsort((key_e, level[waiting]))
    if ctx.program.matching != "random" and len(waiting) <= BLOCK and len(slots) <= 4 * BLOCK:
        # small problem: one optimal assignment over all waiting mentees and free slots
        score = fit_score(skills, style, waiting[:, None], slots[None, :], dims[:, None])
        score[~rule(level[waiting][:, None], level[slots][None, :]) | (slots[None, :] == prev[waiting][:, None])] = (
            INFEASIBLE
        )
        if banned is not None:
            k = len(slots)
            score[
                _is_banned(banned, np.repeat(np.arange(len(waiting)), k), np.tile(slots, len(waiting))).reshape(
                    score.shape
                )
            ] = INFEASIBLE
        r, c = linear_sum_assignment(score, maximize=True)
        good = score[r, c] > INFEASIBLE / 2
        r, c = r[good], c[good]
        order = np.argsort(waiting[r], kind="stable")
        r, c = r[order], c[order]
        return _rows(waiting[r], slots[c], dims[r], score[r, c])
    for lvl in np.unique(level[waiting]):
        grp = order[level[waiting[order]] == lvl]
        ok = ~taken & rule(np.int64(lvl), level[slots])
        if not ok.any():
            continue
        if ctx.program.matching == "random":
            cand = np.flatnonzero(ok)
            cand = cand[np.argsort(key_m[cand], kind="stable")]
            # one slot per mentor per mentee: the shuffled slot list may repeat a mentor; fine for one row each
            k = min(len(grp), len(cand))
            e, s = waiting[grp[:k]], cand[:k]
            good = ~_is_banned(banned, grp[:k], slots[s]) & (slots[s] != prev[e])
            taken[s[good]] = True
            out_e.append(e[good])
            out_m.append(slots[s[good]])
            out_d.append(dims[grp[:k]][good])
            continue
        for start in range(0, len(grp), BLOCK):
            blk = grp[start : start + BLOCK]
            ok = ~taken & rule(np.int64(lvl), level[slots])
            cand = np.flatnonzero(ok)
            if len(cand) == 0:
                break
            d = dims[blk]
            if len(cand) > 2 * BLOCK:
                cand = cand[_strongest(skills[slots[cand]], d, 2 * BLOCK)]
            e = waiting[blk]
            score = fit_score(skills, style, e[:, None], slots[cand][None, :], d[:, None])
            score[slots[cand][None, :] == prev[e][:, None]] = INFEASIBLE
            if banned is not None:
                score[
                    _is_banned(banned, np.repeat(blk, len(cand)), np.tile(slots[cand], len(blk))).reshape(score.shape)
                ] = INFEASIBLE
            r, c = linear_sum_assignment(score, maximize=True)
            good = score[r, c] > INFEASIBLE / 2
            r, c = r[good], c[good]
            taken[cand[c]] = True
            out_e.append(e[r])
            out_m.append(slots[cand[c]])
            out_d.append(d[r])
    if not out_e:
        return Rows.empty()
    mentee, mentor, d = np.concatenate(out_e), np.concatenate(out_m), np.concatenate(out_d)
    return _rows(mentee, mentor, d, fit_score(skills, style, mentee, mentor, d))


def _banned(waiting: np.ndarray, exclude: list[Rows] | None):
    if not exclude:
        return None
    pos = {int(w): i for i, w in enumerate(waiting)}
    ban = -np.ones((len(waiting), len(exclude)), dtype=np.int64)
    for j, rows in enumerate(exclude):
        for e, m in zip(rows.mentee.tolist(), rows.mentor.tolist()):
            if e in pos:
                ban[pos[e], j] = m
    return ban


def _is_banned(banned, waiting_pos: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    if banned is None:
        return np.zeros(len(mentor), dtype=bool)
    return (banned[waiting_pos] == mentor[:, None]).any(axis=1)


def pair_peers(ctx, waiting: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair waiting mentees of the same level: by goal and style (goal_fit) or at random."""
    if len(waiting) < 2:
        e = np.empty(0, dtype=np.int64)
        return e, e
    level = ctx.level[waiting]
    if ctx.program.matching == "random":
        key = ctx.draw("match_mentee", waiting)
        order = np.lexsort((key, level))
    else:
        order = np.lexsort((ctx.style[waiting], ctx.goal_dim[waiting], level))
    a, b = [], []
    w, lv = waiting[order], level[order]
    prev = ctx.prev_mentor
    for lvl in np.unique(lv):
        g = w[lv == lvl]
        k = len(g) // 2 * 2
        x, y = g[0:k:2].copy(), g[1:k:2].copy()
        # nobody is paired again with the peer they just had: swap partners with a neighbouring
        # pair, or leave the two waiting for someone new
        keep = np.ones(len(x), dtype=bool)
        for i in np.flatnonzero((prev[x] == y) | (prev[y] == x)).tolist():
            if prev[x[i]] != y[i] and prev[y[i]] != x[i]:
                continue  # already fixed by an earlier swap
            for j in (i + 1, i - 1):
                if (
                    0 <= j < len(x)
                    and keep[j]
                    and prev[x[i]] != y[j]
                    and prev[y[j]] != x[i]
                    and prev[x[j]] != y[i]
                    and prev[y[i]] != x[j]
                ):
                    y[i], y[j] = y[j], y[i]
                    break
            else:
                keep[i] = False
        a.append(x[keep])
        b.append(y[keep])
    return np.concatenate(a), np.concatenate(b)


def form_circles(ctx, waiting: np.ndarray, mentors: np.ndarray, free: np.ndarray, size: int) -> Rows:
    """Group waiting mentees into circles of ``size`` (at least 4) and give each a facilitator."""
    linear_sum_assignment = assignment_solver()
    slots = np.repeat(mentors, np.maximum(free, 0))
    if len(slots) == 0 or len(waiting) < 4:
        return Rows.empty()
    if ctx.program.matching == "random":
        key = ctx.draw("match_mentee", waiting)
        order = np.argsort(key, kind="stable")
        key_m = ctx.draw("match_mentor", slots)
        slots = slots[np.argsort(key_m, kind="stable")]
    else:
        order = np.lexsort((ctx.style[waiting], ctx.level[waiting], ctx.goal_dim[waiting]))
    w = waiting[order]
    n_groups = min(len(w) // size + (1 if len(w) % size >= 4 else 0), len(slots))
    if n_groups == 0:
        return Rows.empty()
    members = w[: min(len(w), n_groups * size)]
    gidx = np.arange(len(members)) // size
    seat = np.arange(len(members)) % size
    gdim = ctx.goal_dim[members[seat == 0]]
    if ctx.program.matching == "random":
        fac = slots[:n_groups]
    else:  # best facilitator for each circle's goal, in blocks
        fac = np.empty(n_groups, dtype=np.int64)
        taken = np.zeros(len(slots), dtype=bool)
        for start in range(0, n_groups, BLOCK):
            g = np.arange(start, min(start + BLOCK, n_groups))
            cand = np.flatnonzero(~taken)
            if len(cand) > 2 * BLOCK:
                cand = cand[_strongest(ctx.skills[slots[cand]], gdim[g], 2 * BLOCK)]
            score = ctx.skills[slots[cand][None, :], gdim[g][:, None]] - 0.5 * np.abs(
                ctx.style[slots[cand]][None, :] - ctx.style[members[g * size]][:, None]
            )
            r, c = linear_sum_assignment(score, maximize=True)
            fac[g[r]] = slots[cand[c]]
            taken[cand[c]] = True
    mentor = fac[gidx]
    ok = mentor != members  # a facilitator never sits in their own circle
    members, mentor, gidx, seat = members[ok], mentor[ok], gidx[ok], seat[ok]
    dims = ctx.goal_dim[members]
    group = ctx.new_groups(n_groups)[gidx]
    fit = fit_score(ctx.skills, ctx.style, members, mentor, dims)
    return Rows(members, mentor, group, seat, dims, fit)
