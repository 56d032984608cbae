"""A resumable sweep store: a directory of Parquet chunks plus a manifest, with one writer at a time.

Layout::

    DIR/manifest.json          spec hash, spec text, base scenario, package version, model fingerprint,
                               the checksum of every chunk, the run log
    DIR/chunks/part-*.parquet  one file per finished chunk of points (all replications of each point)
    DIR/.lock                  the writer's lock (who holds it: pid, host, start time)
    DIR/damaged/               chunks a resume or repair found damaged and moved aside

A chunk is serialised in memory, written to a temporary name beside its final one and
fsynced; its sha256, size and row count go into the manifest (itself replaced
atomically), and only then is it renamed into place. So a reader, or a run killed at
any moment, never sees a chunk the manifest does not know; a temporary file left by a
killed run does not end in ``.parquet`` and is removed on resume.

Reading checks every chunk (its checksum, footer and schema) and keeps one row per
(point, replication) whatever the files say. A damaged or unknown chunk stops a read
with one line naming it; ``--resume`` (or ``--repair``) moves it to ``damaged/`` and
recomputes its points. Resuming is refused for another spec (hash), another mentorsim
version or another model (fingerprint, see ``integrity.model_fingerprint``), and while
another run holds the lock. See docs/reliability.md.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from mentorsim.sweeps.integrity import DAMAGED, StoreError, StoreLock, check_chunk, fsync_dir, sha256

FORMAT = "mentorsim-sweep-store/2"
LEGACY = ("mentorsim-sweep-store/1",)  # no fingerprint, no checksums: readable, never resumed
MANIFEST = "manifest.json"
CHUNKS = "chunks"
_TMP = ".tmp"

__all__ = ["CHUNKS", "FORMAT", "MANIFEST", "Store", "StoreError"]


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


def _short(h: object) -> str:
    return str(h)[:12] if h else "none"


class Store:
    """A directory of Parquet chunks and a manifest (see the module docstring).

    schema: the chunks' expected ``pyarrow.Schema`` (checked when given).
    """

    def __init__(self, path: str | Path, schema: Any = None):
        self.path = Path(path)
        self.chunk_dir = self.path / CHUNKS
        self.manifest_path = self.path / MANIFEST
        self.schema = schema
        self.lock = StoreLock(self.path)
        self.set_aside: list[tuple[str, str]] = []  # chunks the last resume moved to damaged/, and why
        self._m: dict[str, Any] | None = None  # the writer's manifest, while it holds the lock

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
        if not isinstance(m, dict) or m.get("format") not in (FORMAT, *LEGACY):
            raise StoreError(f"{self.manifest_path}: not a mentorsim sweep manifest (format {FORMAT})")
        return m

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps({**manifest, "format": FORMAT}, indent=1, default=str)
        _atomic_write(self.manifest_path, lambda p: p.write_text(text, encoding="utf-8"))

    def open(self, manifest: dict[str, Any], resume: bool) -> set[int]:
        """Take the writer's lock and prepare the store for a run; return the points already finished.

        ``manifest`` must hold ``spec_hash``, ``spec_name``, ``mentorsim_version`` and
        ``model_fingerprint``. Resuming moves damaged and unknown chunks to ``damaged/``
        (listed in ``set_aside``), so their points run again. ``close()`` releases the lock.
        """
        self.lock.acquire()
        try:
            return self._open(manifest, resume)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Release the writer's lock (the kernel releases it too if this process dies)."""
        self._m = None
        self.lock.release()

    def _open(self, manifest: dict[str, Any], resume: bool) -> set[int]:
        if self.exists():
            old = self.manifest()
            if not resume:
                raise StoreError(
                    f"{self.path}: already holds a sweep ({old.get('spec_name')!r}, {self._recorded_points(old)} of "
                    f"{old.get('n_points', '?')} points done); add --resume (resume=True) to finish it, "
                    "or choose another output directory"
                )
            self._refuse_other(old, manifest)
            self._clean_tmp()
            self._m = {**old, "runs": old.get("runs", []), "chunks": dict(old.get("chunks") or {})}
            self._set_aside_damaged()
            self._save()
            return self.done_points()
        if self.path.exists() and any(
            p
            for p in self.path.iterdir()
            if not p.name.startswith(".") and not (p == self.chunk_dir and not self.chunk_files())
        ):
            raise StoreError(
                f"{self.path}: exists, is not empty and is not a sweep store; choose another output directory"
            )
        self.chunk_dir.mkdir(parents=True, exist_ok=True)
        self._m = {**manifest, "chunks": {}, "runs": []}
        self._save()
        return set()

    def _refuse_other(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Refuse to resume a store another spec, version or model wrote."""
        if old.get("spec_hash") != new["spec_hash"]:
            raise StoreError(
                f"{self.path}: holds a sweep of a different spec ({old.get('spec_name')!r} from "
                f"{old.get('spec_source')}, hash {_short(old.get('spec_hash'))}; this spec "
                f"{new['spec_name']!r} has hash {_short(new['spec_hash'])}); refusing to mix them: "
                "use another output directory"
            )
        if old.get("mentorsim_version") != new["mentorsim_version"]:
            raise StoreError(
                f"{self.path}: made by mentorsim {old.get('mentorsim_version')}, this is "
                f"{new['mentorsim_version']}; results would mix engine versions: use another output directory"
            )
        if old.get("format") != FORMAT or not old.get("model_fingerprint"):
            raise StoreError(
                f"{self.path}: made by an older mentorsim that recorded no model fingerprint, so it cannot tell "
                "whether its results came from this model; it can still be read, but not resumed: run the sweep "
                "into another output directory"
            )
        if old["model_fingerprint"] != new["model_fingerprint"]:
            raise StoreError(
                f"{self.path}: made by a different model (fingerprint {_short(old['model_fingerprint'])}, this "
                f"code is {_short(new['model_fingerprint'])}; the engine or programs changed since), so its "
                "results would mix with this model's: run the sweep into another output directory"
            )

    def _save(self) -> None:
        assert self._m is not None
        self.write_manifest(self._m)

    def _writer_manifest(self) -> dict[str, Any]:
        if self._m is None:
            raise StoreError(f"{self.path}: not open for writing (Store.open takes the writer's lock)")
        return self._m

    def log_run(self, info: dict[str, Any]) -> None:
        """Append a run's executor, workers and timings to the manifest (not to the data)."""
        self._writer_manifest().setdefault("runs", []).append(info)
        self._save()

    def _clean_tmp(self) -> None:
        for d in (self.path, self.chunk_dir):
            if d.is_dir():
                for p in d.iterdir():
                    if p.name.endswith(_TMP):
                        p.unlink(missing_ok=True)

    @staticmethod
    def _recorded_points(m: dict[str, Any]) -> str:
        chunks = m.get("chunks")
        return "?" if not isinstance(chunks, dict) else f"{sum(int(e.get('points', 0)) for e in chunks.values()):,}"

    # ---- integrity ------------------------------------------------------------------------
    def scan(self) -> tuple[list[Path], list[tuple[Path, str]]]:
        """The intact chunks, and the damaged or unknown ones with what is wrong with each."""
        files = self.chunk_files()  # listed before the manifest is read: a writer records a chunk before renaming it
        entries = (self._m or self.manifest()).get("chunks")
        good: list[Path] = []
        bad: list[tuple[Path, str]] = []
        for f in files:
            why, _ = self._check(f, entries)
            if why is None:
                good.append(f)
            elif why != "gone":
                bad.append((f, why))
        return good, bad

    def _check(self, f: Path, entries: dict[str, Any] | None) -> tuple[str | None, bytes]:
        if entries is not None and f.name not in entries:
            return "unknown: not in the manifest (copied in, or left by another run)", b""
        try:
            data = f.read_bytes()
        except FileNotFoundError:
            return "gone", b""  # moved aside by a resume meanwhile
        except OSError as e:
            return f"unreadable ({e.strerror})", b""
        why, _ = check_chunk(data, None if entries is None else entries[f.name], self.schema)
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

    def check(self) -> None:
        """Raise a one-line StoreError naming the first damaged or unknown chunk, if any."""
        _, bad = self.scan()
        if bad:
            raise StoreError(self.damage_message(*bad[0], more=len(bad) - 1))

    def _set_aside_damaged(self) -> None:
        """Move damaged and unknown chunks to damaged/ and forget chunks whose file is gone."""
        m = self._writer_manifest()
        good, bad = self.scan()
        for f, why in bad:
            dest_dir = self.path / DAMAGED
            dest_dir.mkdir(exist_ok=True)
            dest = dest_dir / f.name
            if dest.exists():
                dest = dest_dir / f"{f.stem}-{uuid.uuid4().hex[:6]}{f.suffix}"
            os.replace(f, dest)
            m["chunks"].pop(f.name, None)
            self.set_aside.append((f.name, why))
        present = {f.name for f in good}
        for name in [n for n in m["chunks"] if n not in present]:  # deleted, or killed before its rename
            del m["chunks"][name]

    # ---- chunks ---------------------------------------------------------------------------
    def chunk_files(self) -> list[Path]:
        if not self.chunk_dir.is_dir():
            return []
        return sorted(self.chunk_dir.glob("part-*.parquet"))

    def write_chunk(self, df: pd.DataFrame, schema: Any = None) -> Path:
        """Write one chunk: bytes to a temporary file (fsynced), its checksum to the manifest, then the rename.

        Its name starts with its first point so listings sort by point.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        m = self._writer_manifest()
        first = int(df["point"].min()) if len(df) else 0
        path = self.chunk_dir / f"part-{first:09d}-{uuid.uuid4().hex[:8]}.parquet"
        buf = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pandas(df, schema=schema or self.schema, preserve_index=False), buf)
        data = buf.getvalue().to_pybytes()
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{_TMP}")
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            m["chunks"][path.name] = {
                "sha256": sha256(data),
                "bytes": len(data),
                "rows": len(df),
                "points": int(df["point"].nunique()),
            }
            self._save()
            os.replace(tmp, path)
            fsync_dir(self.chunk_dir)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path

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
