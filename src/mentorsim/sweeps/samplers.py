"""Samplers: where a sweep's points lie (grid, random, Latin hypercube, Sobol, Morris), by name.

``SAMPLERS`` maps the name a sweep file gives (``sampler: sobol``) to a ``Sampler``.
A sampler says how many points a spec has, builds its design (the points x parameters
matrix in sampling space, see ``space.Param.bounds``) and checks the spec's
``samples`` and parameters. Adding a sampler is one class here::

    @register
    class Halton(DesignSampler):
        name, label = "halton", "halton (a low-discrepancy sequence)"
        samples, samples_needed = "points", "the number of points"

        def unit(self, n, d, seed):
            from scipy.stats import qmc
            return qmc.Halton(d=d, seed=np.random.default_rng(seed)).random(n)

The spec's schema, its field descriptions and its error messages list the registered
samplers, in the order they were registered.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from mentorsim.errors import ScenarioError
from mentorsim.sweeps.space import Param, Range, problem

if TYPE_CHECKING:
    from mentorsim.sweeps.spec import SweepSpec

Point = dict[str, Any]


def or_list(words: Sequence[str]) -> str:
    """``a, b or c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


class Sampler:
    """How many points a sweep has and where they lie; subclasses set the class fields."""

    name: ClassVar[str]
    label: ClassVar[str]  # the sampler in the spec's description of its ``sampler`` field
    samples: ClassVar[str] = ""  # what ``samples`` counts, for the field's description ("": not used)
    samples_needed: ClassVar[str] = ""  # the same, in "samples: required by the ... sampler (...)"
    min_parameters: ClassVar[int] = 1

    def check(self, spec: SweepSpec, n_params: int, source: str) -> None:
        """Raise a ScenarioError when ``samples`` or the number of parameters does not suit this sampler."""
        self.check_samples(spec.samples, source)
        if n_params < self.min_parameters:
            raise ScenarioError(
                f"{source}: parameters: {self.name} sensitivity needs at least "
                f"{self.min_parameters} parameters (got {n_params})"
            )

    def check_samples(self, samples: int | None, source: str) -> None:
        if samples is None:
            raise ScenarioError(f"{source}: samples: required by the {self.name} sampler ({self.samples_needed})")

    def check_range(self, r: Range, where: str) -> None:
        """Raise a ScenarioError when a range parameter lacks what this sampler needs."""

    def per_sample(self, d: int) -> int:
        """Points for each of ``samples`` (d: the number of parameters)."""
        return 1

    @staticmethod
    def count(spec: SweepSpec) -> int:
        """The spec's ``samples`` (present: ``check`` made sure)."""
        assert spec.samples is not None, "samples is checked by Sampler.check"
        return spec.samples

    def n_points(self, spec: SweepSpec, params: Sequence[Param]) -> int:
        return self.count(spec) * self.per_sample(len(params))

    def design(self, spec: SweepSpec, params: Sequence[Param]) -> np.ndarray | None:
        """The sample matrix in sampling space (points x parameters); None when the points need none."""
        raise NotImplementedError

    def point(self, params: Sequence[Param], design: np.ndarray | None, i: int) -> Point:
        """The overrides of point i (0-based, in range)."""
        assert design is not None
        return {p.key: p.from_unit(float(x)) for p, x in zip(params, design[i], strict=True)}

    def points(self, params: Sequence[Param], design: np.ndarray | None, n: int) -> Iterator[tuple[int, Point]]:
        for i in range(n):
            yield i, self.point(params, design, i)


SAMPLERS: dict[str, Sampler] = {}


def register(cls: type[Sampler]) -> type[Sampler]:
    """Class decorator: add a sampler to ``SAMPLERS`` under its name."""
    SAMPLERS[cls.name] = cls()
    return cls


@register
class Grid(Sampler):
    """Every combination of the parameters' values (a range gives ``levels`` values)."""

    name, label = "grid", "grid (every combination)"

    def check_samples(self, samples: int | None, source: str) -> None:
        if samples is not None:
            others = or_list([n for n in SAMPLERS if n != self.name])
            raise ScenarioError(
                f"{source}: samples: not used by the grid sampler (it runs every combination); "
                f"remove it or choose {others}"
            )

    def check_range(self, r: Range, where: str) -> None:
        if r.levels is None:
            raise ScenarioError(
                f"{where}: a range in a grid needs levels (e.g. {{low: {r.low:g}, high: {r.high:g}, levels: 5}})"
            )

    def n_points(self, spec: SweepSpec, params: Sequence[Param]) -> int:
        return math.prod(len(p.grid()) for p in params)

    def design(self, spec: SweepSpec, params: Sequence[Param]) -> None:
        return None

    def point(self, params: Sequence[Param], design: np.ndarray | None, i: int) -> Point:
        levels = [p.grid() for p in params]
        idx = []
        for lv in reversed(levels):
            i, j = divmod(i, len(lv))
            idx.append(j)
        return {p.key: lv[j] for p, lv, j in zip(params, levels, reversed(idx), strict=True)}

    def points(self, params: Sequence[Param], design: np.ndarray | None, n: int) -> Iterator[tuple[int, Point]]:
        keys = [p.key for p in params]
        for i, combo in enumerate(itertools.product(*(p.grid() for p in params))):
            yield i, dict(zip(keys, combo, strict=True))


class DesignSampler(Sampler):
    """``samples`` points drawn in the unit cube (``unit``), then scaled to sampling space."""

    samples, samples_needed = "points", "the number of points"

    def unit(self, n: int, d: int, seed: int) -> np.ndarray:
        """n points in the d-dimensional unit cube, drawn from ``seed``."""
        raise NotImplementedError

    def design(self, spec: SweepSpec, params: Sequence[Param]) -> np.ndarray:
        b = np.array([p.bounds() for p in params])
        return b[:, 0] + self.unit(self.count(spec), len(params), spec.seed) * (b[:, 1] - b[:, 0])


@register
class Random(DesignSampler):
    """Independent uniform points."""

    name = label = "random"

    def unit(self, n: int, d: int, seed: int) -> np.ndarray:
        return np.random.default_rng(seed).random((n, d))


@register
class LatinHypercube(DesignSampler):
    """A Latin hypercube: each parameter's range cut in ``samples`` strata, one point in each."""

    name = label = "latin_hypercube"

    def unit(self, n: int, d: int, seed: int) -> np.ndarray:
        from scipy.stats import qmc

        return qmc.LatinHypercube(d=d, seed=np.random.default_rng(seed)).random(n)


@register
class Sobol(Sampler):
    """SALib's Saltelli design for first- and total-order Sobol indices."""

    name, label = "sobol", "sobol (Saltelli design for Sobol indices)"
    samples = "base sample N (a power of 2; points = N x (parameters + 2))"
    samples_needed = "the base sample N, a power of 2"
    min_parameters = 2

    def check_samples(self, samples: int | None, source: str) -> None:
        super().check_samples(samples, source)
        assert samples is not None
        if samples & (samples - 1):
            raise ScenarioError(
                f"{source}: samples: the sobol sampler needs a power of 2 (got {samples}; "
                f"nearest {2 ** round(math.log2(samples))})"
            )

    def per_sample(self, d: int) -> int:
        return d + 2

    def design(self, spec: SweepSpec, params: Sequence[Param]) -> np.ndarray:
        from SALib.sample import sobol

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.asarray(sobol.sample(problem(params), self.count(spec), calc_second_order=False, seed=spec.seed))


@register
class Morris(Sampler):
    """SALib's Morris trajectories on a grid of ``morris_levels`` levels, for elementary effects."""

    name, label = "morris", "morris (elementary-effect trajectories)"
    samples = "trajectories (points = trajectories x (parameters + 1))"
    samples_needed = "the number of trajectories"
    min_parameters = 2

    def per_sample(self, d: int) -> int:
        return d + 1

    def design(self, spec: SweepSpec, params: Sequence[Param]) -> np.ndarray:
        from SALib.sample import morris

        return np.asarray(
            morris.sample(problem(params), self.count(spec), num_levels=spec.morris_levels, seed=spec.seed)
        )


def sampler_description() -> str:
    """The ``sampler`` field's description: every registered sampler."""
    return or_list([s.label for s in SAMPLERS.values()]) + "."


def samples_description() -> str:
    """The ``samples`` field's description: what it counts for each sampler."""
    groups = [
        (text, [s.name for s in group]) for text, group in itertools.groupby(SAMPLERS.values(), key=lambda s: s.samples)
    ]
    used = "; ".join(f"{'/'.join(names)}: {text}" for text, names in groups if text)
    unused = [s.name for s in SAMPLERS.values() if not s.samples]
    return used + (f". Not used by {or_list(unused)}." if unused else ".")
