"""Reading a sweep store: its manifest checked before it is trusted, every chunk checked against it, each row once.

``StoreReader`` is what ``ms.load_sweep`` and ``mentorsim sensitivity`` use, and what the writer
(``store.Store``) builds on. Files are opened without following links and must be regular files
(``integrity.open_regular``), so a FIFO never blocks a read and nothing outside the store is read
through a planted link. A chunk is *damaged* (its bytes differ from the checksum recorded when it
was written, it is not Parquet, or has other columns, or is a link, a pipe, a folder), *unknown*
(the manifest never recorded it) or *missing* (recorded, but its file is gone): each stops a read
with one line naming it and what to do.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from mentorsim.sweeps.integrity import (
    DAMAGED,
    NotRegular,
    StoreError,
    TooLarge,
    check_chunk,
    check_folder,
    read_regular,
)
from mentorsim.sweeps.manifest import parse_manifest

MANIFEST = "manifest.json"
CHUNKS = "chunks"
SUMMARY = "summary.csv"  # written by `mentorsim sweep` beside the manifest
MAX_MANIFEST_BYTES = 1 << 30
MAX_CHUNK_BYTES = 1 << 36  # a chunk of a legacy store, which recorded no size
TMP = ".tmp"


class StoreReader:
    """A sweep store directory, read and checked (see the module docstring).

    schema: the chunks' expected ``pyarrow.Schema`` (checked when given).
    """

    def __init__(self, path: str | Path, schema: Any = None):
        self.path = Path(path)
        self.chunk_dir = self.path / CHUNKS
        self.manifest_path = self.path / MANIFEST
        self.schema = schema
        self._m: dict[str, Any] | None = None  # the writer's manifest, while it holds the lock

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"

    # ---- manifest -----------------------------------------------------------------------
    def exists(self) -> bool:
        return os.path.lexists(self.manifest_path)

    def manifest(self) -> dict[str, Any]:
        """The manifest, checked (``manifest.parse_manifest``): one line naming what is wrong otherwise."""
        if not os.path.lexists(self.manifest_path):
            raise StoreError(f"{self.path}: not a sweep store (no {MANIFEST})")
        try:
            data = read_regular(self.manifest_path, MAX_MANIFEST_BYTES, "manifest")
        except OSError as e:
            raise StoreError(f"{self.manifest_path}: cannot read the manifest ({e.strerror or e})") from None
        return parse_manifest(self.manifest_path, data)

    def check_layout(self) -> None:
        """Refuse a store whose folders or files are not what they claim (a symbolic link, a file for a folder)."""
        check_folder(self.chunk_dir, CHUNKS)
        check_folder(self.path / DAMAGED, DAMAGED)
        for name in (MANIFEST, SUMMARY):
            p = self.path / name
            if p.is_symlink() or (p.exists() and not p.is_file()):
                read_regular(p, 0, name)  # raises, naming what it is

    # ---- integrity ------------------------------------------------------------------------
    def scan(self) -> tuple[list[Path], list[tuple[Path, str]]]:
        """The intact chunks, and the damaged or unknown ones with what is wrong with each."""
        files = self.chunk_files()  # listed before the manifest is read: a writer records a chunk before renaming it
        entries = (self._m or self.manifest()).get("chunks")
        return self._scan(files, entries)

    def _scan(self, files: list[Path], entries: dict[str, Any] | None) -> tuple[list[Path], list[tuple[Path, str]]]:
        good: list[Path] = []
        bad: list[tuple[Path, str]] = []
        for f in files:
            why, _ = self._check(f, entries)
            if why is None:
                good.append(f)
            elif why != "gone":
                bad.append((f, why))
        return good, bad

    def missing(self, files: list[Path], entries: dict[str, Any] | None) -> list[str]:
        """Chunks the manifest records whose file is not in ``files`` and is not on its way.

        A writer records a chunk before it renames the chunk into place, so a recorded chunk whose
        temporary file is still there is on its way (or its run was killed before the rename, and its
        points are simply not done); looked for before the chunk itself, so a rename in between is seen.
        """
        if not entries:
            return []
        listed = {f.name for f in files}
        gone = [n for n in entries if n not in listed]
        if not gone:
            return []
        pending = {p.name[1:].rsplit(".", 2)[0] for p in self.chunk_dir.glob(f".part-*{TMP}")}
        return [n for n in gone if n not in pending and not os.path.lexists(self.chunk_dir / n)]

    def _check(self, f: Path, entries: dict[str, Any] | None) -> tuple[str | None, bytes]:
        if entries is not None and f.name not in entries:
            return "unknown: not in the manifest (copied in, or left by another run)", b""
        entry = None if entries is None else entries[f.name]
        limit = int(entry["bytes"]) if entry is not None else MAX_CHUNK_BYTES
        try:
            data = read_regular(f, limit, "chunk")
        except FileNotFoundError:
            return "gone", b""  # moved aside by a resume meanwhile
        except NotRegular as e:  # a link, a pipe, a folder: never followed, never read
            return f"{e.got}, not a chunk file", b""
        except TooLarge as e:
            return f"{e.size:,} bytes where {limit:,} were written", b""
        except OSError as e:
            return f"unreadable ({e.strerror})", b""
        why, _ = check_chunk(data, entry, self.schema)
        return why, data

    def damage_message(self, f: Path, why: str, more: int = 0) -> str:
        kind = "unknown" if why.startswith("unknown") else "damaged"
        why = why.removeprefix("unknown: ")
        return (
            f"{self.path}: {kind} chunk {CHUNKS}/{f.name} ({why})"
            + (f", and {more} more damaged or unknown chunk{'s' if more > 1 else ''}" if more else "")
            + f"; run 'mentorsim sweep SPEC --out {self.path} --resume' (or --repair) to move it to "
            f"{DAMAGED}/ and recompute the points it held"
        )

    def missing_message(self, names: list[str], entries: dict[str, Any]) -> str:
        points = sum(int(entries[n].get("points", 0)) for n in names)
        more = len(names) - 1
        return (
            f"{self.path}: chunk {CHUNKS}/{names[0]} is recorded in the manifest but its file is missing"
            + (f", and {more} more" if more else "")
            + f" (deleted or moved away), so {points:,} points would be silently left out; put the file back, or "
            f"run 'mentorsim sweep SPEC --out {self.path} --resume' to recompute them"
        )

    def check(self) -> None:
        """Raise a one-line StoreError naming the first damaged, unknown or missing chunk, if any."""
        files = self.chunk_files()
        entries = self.manifest().get("chunks")
        _, bad = self._scan(files, entries)
        if bad:
            raise StoreError(self.damage_message(*bad[0], more=len(bad) - 1))
        gone = self.missing(files, entries)
        if gone:
            assert entries is not None
            raise StoreError(self.missing_message(gone, entries))

    # ---- chunks ---------------------------------------------------------------------------
    def chunk_files(self) -> list[Path]:
        check_folder(self.chunk_dir, CHUNKS)
        if not self.chunk_dir.is_dir():
            return []
        return sorted(self.chunk_dir.glob("part-*.parquet"))

    def done_points(self) -> set[int]:
        done: set[int] = set()
        for df in self.iter_chunks(["point"]):
            done.update(df["point"].tolist())
        return done

    def iter_chunks(self, columns: Iterable[str] | None = None) -> Iterator[pd.DataFrame]:
        """Yield each intact chunk as a DataFrame (for sweeps too large to read at once).

        Each (point, replication) is kept once, from the first chunk that holds it, so a
        duplicated chunk never counts twice. A damaged or unknown chunk raises a one-line
        StoreError naming it.
        """
        cols = list(columns) if columns is not None else None
        need = None if cols is None else cols + [k for k in ("point", "replication") if k not in cols]
        files = self.chunk_files()
        entries = (self._m or self.manifest()).get("chunks")
        gone = [] if self._m is not None else self.missing(files, entries)
        if gone:
            assert entries is not None
            raise StoreError(self.missing_message(gone, entries))
        seen: set[tuple[int, int]] = set()
        for f in files:
            why, data = self._check(f, entries)
            if why == "gone":
                continue
            if why is not None:
                raise StoreError(self.damage_message(f, why))
            df = pd.read_parquet(io.BytesIO(data), columns=need)
            keep = []
            for k in zip(df["point"].tolist(), df["replication"].tolist(), strict=True):
                keep.append(k not in seen)
                seen.add(k)
            if not all(keep):
                df = df[keep].reset_index(drop=True)
            if cols is not None:
                df = df[cols]
            if len(df):
                yield df

    def read(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """All chunks as one frame, sorted by point and replication."""
        parts = list(self.iter_chunks(columns))
        if not parts:
            return pd.DataFrame()
        df = pd.concat(parts, ignore_index=True)
        keys = [c for c in ("point", "replication") if c in df.columns]
        return df.sort_values(keys, kind="stable").reset_index(drop=True) if keys else df
