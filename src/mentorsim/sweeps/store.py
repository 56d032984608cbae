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

Reading (``reading.StoreReader``) checks the manifest and every chunk (its checksum, footer
and schema) and keeps one row per (point, replication) whatever the files say. A damaged,
unknown or missing chunk stops a read with one line naming it; ``--resume`` (or ``--repair``)
moves it to ``damaged/`` and recomputes its points. Resuming is refused for another spec
(hash), another mentorsim version or another model (fingerprint, see
``integrity.model_fingerprint``), a manifest that is not what this code writes, a lock or a
folder that is not what it claims (a link, a pipe), and while another run holds the lock. A
write that fails (a full disk) stops the run with one line: the finished chunks are kept
and ``--resume`` finishes it. See docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from mentorsim.sweeps.integrity import DAMAGED, StoreError, StoreLock, check_folder, fsync_dir, sha256, write_failed
from mentorsim.sweeps.manifest import FORMAT, check_recorded
from mentorsim.sweeps.reading import CHUNKS, MANIFEST, TMP, StoreReader

__all__ = ["CHUNKS", "FORMAT", "MANIFEST", "Store", "StoreError", "StoreReader"]


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write via ``write(tmp_path)`` to a temporary file beside ``path``, fsync, then os.replace."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TMP}")
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


class Store(StoreReader):
    """A directory of Parquet chunks and a manifest, written by one run at a time (see the module docstring).

    schema: the chunks' expected ``pyarrow.Schema`` (checked when given). Reading: ``StoreReader``.
    """

    def __init__(self, path: str | Path, schema: Any = None):
        super().__init__(path, schema)
        self.lock = StoreLock(self.path)
        self.set_aside: list[tuple[str, str]] = []  # chunks the last resume moved to damaged/, and why

    # ---- writing ------------------------------------------------------------------------
    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps({**manifest, "format": FORMAT}, indent=1, default=str)
        _atomic_write(self.manifest_path, lambda p: p.write_text(text, encoding="utf-8"))

    def _write_failed(self, e: OSError, what: str) -> StoreError:
        """A failed write (a full disk, mostly) in one line: what is kept and how to go on."""
        chunks = (self._m or {}).get("chunks") or {}
        points = sum(int(c.get("points", 0)) for c in chunks.values())
        return StoreError(
            f"{self.path}: {write_failed(e)} while writing {what}; the {len(chunks):,} finished "
            f"chunk{'s' if len(chunks) != 1 else ''} ({points:,} point{'s' if points != 1 else ''}) "
            f"{'are' if len(chunks) != 1 else 'is'} kept: free some space, then run 'mentorsim sweep SPEC --out "
            f"{self.path} --resume' to finish the sweep"
        )

    def open(self, manifest: dict[str, Any], resume: bool) -> set[int]:
        """Take the writer's lock and prepare the store for a run; return the points already finished.

        ``manifest`` must hold ``spec_hash``, ``spec_name``, ``mentorsim_version`` and
        ``model_fingerprint``. Resuming moves damaged and unknown chunks to ``damaged/``
        (listed in ``set_aside``), so their points run again. ``close()`` releases the lock.
        """
        self.lock.acquire()
        try:
            self.check_layout()
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
            check_recorded(self.manifest_path, old)  # the spec it records is the one its hash names
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
        self._m = {**manifest, "chunks": {}, "runs": []}
        try:
            self.chunk_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise self._write_failed(e, f"{CHUNKS}/") from None
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
        try:
            self.write_manifest(self._m)
        except OSError as e:
            raise self._write_failed(e, MANIFEST) from None

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
                    if p.name.endswith(TMP):
                        p.unlink(missing_ok=True)

    @staticmethod
    def _recorded_points(m: dict[str, Any]) -> str:
        chunks = m.get("chunks")
        return "?" if not isinstance(chunks, dict) else f"{sum(int(e.get('points', 0)) for e in chunks.values()):,}"

    def _set_aside_damaged(self) -> None:
        """Move damaged and unknown chunks to damaged/ and forget chunks whose file is gone."""
        m = self._writer_manifest()
        good, bad = self.scan()
        for f, why in bad:
            dest_dir = self.path / DAMAGED
            check_folder(dest_dir, DAMAGED)
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
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TMP}")
        try:
            with open(tmp, "xb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            m["chunks"][path.name] = {
                "sha256": sha256(data),
                "bytes": len(data),
                "rows": len(df),
                "points": int(df["point"].nunique()),
            }
            try:
                self.write_manifest(m)
            except BaseException as e:
                del m["chunks"][path.name]  # not recorded: the run stops, and its points run again on resume
                if isinstance(e, OSError):
                    tmp.unlink(missing_ok=True)
                    raise self._write_failed(e, MANIFEST) from None
                raise
            os.replace(tmp, path)
            fsync_dir(self.chunk_dir)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            m["chunks"].pop(path.name, None)
            raise self._write_failed(e, f"{CHUNKS}/{path.name}") from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return path
