"""Named random streams: common random numbers across scenarios.

Every random decision draws from its own stream, keyed by (seed, replication,
stream name). Draws for a week come from a PCG64 generator whose state and
stream increment are a hash of (key, week, sub-draw), so the n-th number of a week's draw always
belongs to person slot n whatever else happened: drawing 500 or 5,000 numbers
gives the same first 500. Two scenarios with the same seed therefore give each
person the same draws, and differ only through mechanisms.

Never use the ``random`` module or numpy's global functions in mentorsim.
"""

from __future__ import annotations

import hashlib

import numpy as np


def _key(seed: int, replication: int, name: str) -> bytes:
    return hashlib.blake2b(f"{int(seed)}|{int(replication)}|{name}".encode(), digest_size=16).digest()


class Stream:
    """One named stream; ``at(week, sub)`` returns its generator positioned for that draw."""

    __slots__ = ("_bg", "_gen", "_key", "_state", "name")

    def __init__(self, seed: int, replication: int, name: str):
        self.name = name
        self._key = _key(seed, replication, name)
        self._bg = np.random.PCG64(0)
        self._gen = np.random.Generator(self._bg)
        self._state = self._bg.state

    def at(self, week: int, sub: int = 0) -> np.random.Generator:
        h = hashlib.blake2b(
            self._key + int(week).to_bytes(8, "little", signed=True) + int(sub).to_bytes(4, "little"), digest_size=32
        ).digest()
        st = self._state
        st["state"] = {"state": int.from_bytes(h[:16], "little"), "inc": int.from_bytes(h[16:], "little") | 1}
        st["has_uint32"] = 0
        self._bg.state = st
        return self._gen

    def uniform(self, week: int, n: int, sub: int = 0) -> np.ndarray:
        """n uniforms in [0, 1) for person (or item) slots 0..n-1 at this week."""
        return self.at(week, sub).random(n)


class Streams:
    """All named streams of one replication."""

    def __init__(self, seed: int, replication: int):
        self.seed, self.replication = int(seed), int(replication)
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        s = self._streams.get(name)
        if s is None:
            s = self._streams[name] = Stream(self.seed, self.replication, name)
        return s


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_FNV, _SHIFT, _UNIT = np.uint64(0x100000001B3), np.uint64(11), 1.0 / 9007199254740992.0


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, on uint64 arrays (wrapping arithmetic)."""
    z = z + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


def counter_key(seed: int, replication: int, name: str) -> int:
    """A 64-bit key for :func:`counter_uniform`, from (seed, replication, stream name)."""
    return int.from_bytes(_key(seed, replication, name)[:8], "little")


def counter_uniform(keys: np.ndarray, ids: np.ndarray, counters: np.ndarray) -> np.ndarray:
    """One uniform in [0, 1) per item, a pure function of (key, id, counter): the n-th draw of person
    ``id`` is the same whatever else happened (and costs nothing for anyone else). (uint64 array arithmetic
    wraps without a warning.)"""
    z = _mix64(ids.astype(np.uint64) * _FNV ^ counters.astype(np.uint64))
    z = _mix64(z ^ keys)
    return (z >> _SHIFT).astype(np.float64) * _UNIT
