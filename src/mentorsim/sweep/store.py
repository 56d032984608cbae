"""A resumable sweep store: a directory of Parquet chunks plus a manifest.

Layout::

    DIR/manifest.json          spec hash, spec text, base scenario, package version, run log
    DIR/chunks/part-*.parquet  one file per finished chunk of points (all replications of each point)

Every file is written to a temporary name in the same directory, flushed to disk
and then moved into place with ``os.replace``, so a reader (or a sweep killed at
any moment, even by SIGKILL) only ever sees complete chunks. A temporary file left
behind by a killed run does not end in ``.parquet`` and is removed on resume.

Resuming reads the ``point`` column of the finished chunks and runs only the
points that are missing; a store made by a different spec (another hash) or by
another mentorsim version is refused.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import MentorsimError

FORMAT = "mentorsim-sweep-store/1"
MANIFEST = "manifest.json"
CHUNKS = "chunks"
_TMP = ".tmp"


class StoreError(MentorsimError):
    """A store cannot be created, resumed or read."""


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write via ``write(tmp_path)`` to a temporary file beside ``path``, fsync, then os.replace."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{_TMP}")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Store:
    """A directory of Parquet chunks and a manifest (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.chunk_dir = self.path / CHUNKS
        self.manifest_path = self.path / MANIFEST

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    # ---- manifest -----------------------------------------------------------------------
    def exists(self) -> bool:
        return self.manifest_path.exists()

    def manifest(self) -> dict[str, Any]:
        if not self.manifest_path.exists():
            raise StoreError(f"{self.path}: not a sweep store (no {MANIFEST})")
        try:
            m = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise StoreError(f"{self.manifest_path}: unreadable manifest: {e}") from None
        if not isinstance(m, dict) or m.get("format") != FORMAT:
            raise StoreError(f"{self.manifest_path}: not a mentorsim sweep manifest (format {FORMAT})")
        return m

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps({"format": FORMAT, **manifest}, indent=2, default=str)
        _atomic_write(self.manifest_path, lambda p: p.write_text(text, encoding="utf-8"))

    def open(self, manifest: dict[str, Any], resume: bool) -> set[int]:
        """Prepare the store for a run; return the points already finished (empty unless resuming).

        ``manifest`` must hold ``spec_hash``, ``spec_name`` and ``mentorsim_version``.
        """
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: exists and is not a directory")
        if self.exists():
            old = self.manifest()
            done = self.done_points()
            if not resume:
                raise StoreError(
                    f"{self.path}: already holds a sweep ({old.get('spec_name')!r}, {len(done)} of "
                    f"{old.get('n_points', '?')} points done); add --resume (resume=True) to finish it, "
                    "or choose another output directory")
            if old.get("spec_hash") != manifest["spec_hash"]:
                raise StoreError(
                    f"{self.path}: holds a sweep of a different spec ({old.get('spec_name')!r} from "
                    f"{old.get('spec_source')}, hash {str(old.get('spec_hash'))[:12]}; this spec "
                    f"{manifest['spec_name']!r} has hash {manifest['spec_hash'][:12]}); refusing to mix them: "
                    "use another output directory")
            if old.get("mentorsim_version") != manifest["mentorsim_version"]:
                raise StoreError(
                    f"{self.path}: made by mentorsim {old.get('mentorsim_version')}, this is "
                    f"{manifest['mentorsim_version']}; results would mix engine versions: use another output directory")
            self._clean_tmp()
            manifest = {**old, "runs": old.get("runs", [])}
            self.write_manifest({k: v for k, v in manifest.items() if k != "format"})
            return done
        if self.path.exists() and any(p for p in self.path.iterdir() if not p.name.startswith(".")
                                      and not (p == self.chunk_dir and not self.chunk_files())):
            raise StoreError(f"{self.path}: exists, is not empty and is not a sweep store; "
                             "choose another output directory")
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        self.write_manifest({**manifest, "runs": []})
        return set()

    def log_run(self, info: dict[str, Any]) -> None:
        """Append a run's executor, workers and timings to the manifest (not to the data)."""
        m = self.manifest()
        m.setdefault("runs", []).append(info)
        self.write_manifest({k: v for k, v in m.items() if k != "format"})

    def _clean_tmp(self) -> None:
        for d in (self.path, self.chunk_dir):
            if d.is_dir():
                for p in d.iterdir():
                    if p.name.endswith(_TMP):
                        p.unlink(missing_ok=True)

    # ---- chunks ---------------------------------------------------------------------------
    def chunk_files(self) -> list[Path]:
        if not self.chunk_dir.is_dir():
            return []
        return sorted(self.chunk_dir.glob("part-*.parquet"))

    def write_chunk(self, df: pd.DataFrame, schema: Any = None) -> Path:
        """Write one chunk atomically; its name starts with its first point so listings sort by point."""
        first = int(df["point"].min()) if len(df) else 0
        path = self.chunk_dir / f"part-{first:09d}-{uuid.uuid4().hex[:8]}.parquet"

        def write(p: Path) -> None:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
            pq.write_table(table, p)

        _atomic_write(path, write)
        return path

    def done_points(self) -> set[int]:
        import pyarrow.parquet as pq

        done: set[int] = set()
        for f in self.chunk_files():
            done.update(pq.read_table(f, columns=["point"]).column("point").to_pylist())
        return done

    def iter_chunks(self, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
        """Yield each chunk as a DataFrame (for sweeps too large to read at once)."""
        cols = list(columns) if columns is not None else None
        for f in self.chunk_files():
            yield pd.read_parquet(f, columns=cols)

    def read(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """All chunks as one frame, sorted by point and replication."""
        parts = list(self.iter_chunks(columns))
        if not parts:
            return pd.DataFrame()
        df = pd.concat(parts, ignore_index=True)
        keys = [c for c in ("point", "replication") if c in df.columns]
        return df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df
