"""The design search's store: an Optuna storage checked before it is trusted, written by one search at a time.

A storage (``sqlite:///DIR/search.db``, or a file path) holds one study, ``mentorsim-optimize``,
whose user attributes record the spec's hash (without the trial count, so a finished search can be
extended with more trials), the model fingerprint (``sweeps.integrity.model_fingerprint``) and the
mentorsim version; every trial records a sha256 of what the search reads back from it (its levers,
values, state, metrics, constraint and error). So:

- **One writer.** A search holds ``DIR/.search.db.lock`` (``integrity.StoreLock``, the sweep
  store's lock) from opening the storage to its end; a second search is refused naming the holder.
- **The same model.** Resuming or re-reporting a storage made by another model (another
  fingerprint), or by a mentorsim that recorded none, is refused.
- **Checked before it is touched.** An SQLite file is opened without following links and read
  first with SQLite itself: a file that is not an SQLite database, one that fails SQLite's integrity
  check, one of another application (its tables are not Optuna's) or an Optuna storage of other
  studies is refused, and nothing is written into it. A trial whose record no longer matches its
  checksum names the damage.
- **Failures in one line.** Optuna's and SQLAlchemy's exceptions (``StorageInternalError`` and
  friends) are caught here and said in one line naming the file and what to do: a full disk says
  where the finished trials are and that the same command resumes.

Other storage URLs (a database server) get the checks of the study and its trials, not the lock or
the file checks. See docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mentorsim.errors import MentorsimError
from mentorsim.sweeps.integrity import StoreError, StoreLock, model_fingerprint, open_regular

STUDY = "mentorsim-optimize"
FORMAT = "mentorsim-design-search/1"
OPTUNA_TABLES = {"studies", "trials", "version_info"}


def sqlite_path(storage: str) -> Path | None:
    """The database file of a storage (None for an in-memory database or a server)."""
    if "://" not in storage:
        return Path(storage)
    if storage.startswith("sqlite:///") and storage[len("sqlite:///") :] not in ("", ":memory:"):
        return Path(storage[len("sqlite:///") :].split("?")[0])
    return None


def search_lock(db: Path) -> StoreLock:
    """The writer's lock of the design search stored in ``db`` (``DIR/.search.db.lock``)."""
    return StoreLock(db.parent, f".{db.name}.lock", subject=db, what="design search", by="search")


def trial_checksum(params: dict[str, Any], values: list[float] | None, state: str, attrs: dict[str, Any]) -> str:
    """sha256 of what the search reads back from a trial (``attrs``: its user attributes but the checksum)."""
    doc = {"params": params, "values": values, "state": state, "attrs": {k: attrs[k] for k in sorted(attrs)}}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _kept(n: int, what: str) -> str:
    return f"the {n:,} {what}s are kept" if n != 1 else f"the 1 {what} is kept"


def _attrs_checksum(attrs: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(attrs, sort_keys=True, default=str).encode()).hexdigest()


def _root(e: BaseException) -> BaseException:
    """The innermost cause of an exception (Optuna wraps SQLAlchemy, which wraps sqlite3)."""
    seen = {id(e)}
    while True:
        nxt = e.__cause__ or e.__context__ or getattr(e, "orig", None)
        if nxt is None or id(nxt) in seen:
            return e
        seen.add(id(nxt))
        e = nxt


def _words(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return (text[:160] + "...") if len(text) > 160 else (text or type(e).__name__)


def _full(e: BaseException) -> bool:
    root = _root(e)
    if isinstance(root, OSError) and root.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return True
    return any(w in str(x).lower() for x in (e, root) for w in ("disk is full", "no space left"))


class SearchStore:
    """The storage of one design search, opened (``open``) and closed (``close``) around the search."""

    def __init__(self, storage: str):
        self.storage = storage
        self.url = storage if "://" in storage else f"sqlite:///{Path(storage).resolve()}"
        self.path = sqlite_path(storage)
        self.name = str(self.path) if self.path is not None else repr(storage)
        self.lock = search_lock(self.path) if self.path is not None else None
        self.study: Any = None
        self._stored_count = 0  # trials in the storage when it was opened
        self.written = 0  # trials written by this search since

    # ---- failures, in one line ----
    def failed(self, e: BaseException, doing: str) -> MentorsimError:
        """One line for an exception of Optuna, SQLAlchemy, sqlite3 or the OS while ``doing``."""
        if isinstance(e, MentorsimError):
            return e
        root = _root(e)
        if _full(e):
            return StoreError(
                f"{self.name}: the disk is full while {doing}; {_kept(self.finished(), 'finished trial')} in "
                f"{self.name}: free some space, then run the same search again (same spec, same storage) to "
                "resume: only the missing trials run"
            )
        low = _words(root).lower()
        if any(w in low for w in ("malformed", "not a database", "corrupt", "disk i/o error")):
            return self.damaged(_words(root))
        # anything but the database refusing an operation (locked, read-only, cannot open) or the OS: what
        # Optuna read back made no sense (bad JSON, an unknown state, a missing row), so the file is damaged
        if self.path is not None and self.path.exists() and not isinstance(root, (sqlite3.OperationalError, OSError)):
            return self.damaged(f"{type(root).__name__}: {_words(root)}")
        return StoreError(
            f"{self.name}: the design-search storage failed while {doing} ({type(root).__name__}: {_words(root)}); "
            "check the file and the disk, or give another output directory"
        )

    def damaged(self, why: str) -> StoreError:
        aside = f"{self.path}.damaged" if self.path is not None else "another name"
        return StoreError(
            f"{self.name}: the design-search database is damaged ({why}); move it aside (e.g. to {aside}) and run "
            "the same search again: it starts over and gives the same trials"
        )

    def finished(self) -> int:
        """Trials in the storage (best effort: the count when it was opened plus those written since)."""
        return self._stored_count + self.written

    @contextlib.contextmanager
    def boundary(self, doing: str) -> Iterator[None]:
        """Turn any storage exception inside into one line (``failed``)."""
        try:
            yield
        except MentorsimError:
            raise
        except Exception as e:  # Optuna, SQLAlchemy, sqlite3 and the OS raise many types
            raise self.failed(e, doing) from None

    # ---- opening ----
    def open(self, directions: list[Any], digest: str) -> SearchStore:
        """Take the lock, check the file, open (or make) the study (``study``) and check what made it.

        Used as a context manager afterwards, the store releases its lock on leaving (``close``).
        """
        if self.lock is not None:
            self.lock.acquire()
        try:
            self._precheck()
            with self.boundary("opening the storage"):
                self.study = self._study(directions, digest)
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> SearchStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _precheck(self) -> None:
        """Check an existing SQLite file with SQLite itself before Optuna (which would add its tables) opens it."""
        p = self.path
        if p is None or not os.path.lexists(p):
            return
        os.close(open_regular(p, os.O_RDONLY, "design-search database"))  # a link, a pipe, a folder: refused
        if p.stat().st_size == 0:
            return
        try:
            con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=rw", uri=True, timeout=10)
        except sqlite3.Error as e:
            raise StoreError(f"{p}: cannot open the design-search database ({e})") from None
        try:
            bad = [" ".join(str(r[0]).split()) for r in con.execute("PRAGMA integrity_check(3)").fetchall()]
            if bad != ["ok"]:
                raise self.damaged(f"SQLite's integrity check: {'; '.join(bad)[:160]}")
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return
            if not OPTUNA_TABLES <= tables:
                shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
                raise StoreError(
                    f"{p}: an SQLite database of another application (tables {shown}), not a mentorsim design "
                    "search; nothing was written into it: give another output directory (or move that file away)"
                )
            names = [r[0] for r in con.execute("SELECT study_name FROM studies")]
            if names and STUDY not in names:
                raise StoreError(
                    f"{p}: an Optuna storage of other studies ({', '.join(names[:3])}), not a mentorsim design "
                    "search; nothing was written into it: give another output directory (or move that file away)"
                )
        except sqlite3.DatabaseError as e:
            raise self.damaged(f"not a readable SQLite database: {e}") from None
        finally:
            con.close()

    def _study(self, directions: list[Any], digest: str) -> Any:
        import optuna

        st = optuna.storages.RDBStorage(self.url)
        study = optuna.create_study(storage=st, study_name=STUDY, directions=directions, load_if_exists=True)
        attrs = study.user_attrs
        self._stored_count = len(study.get_trials(deepcopy=False))
        mine = {"format": FORMAT, "model_fingerprint": model_fingerprint(), "spec_hash": digest}
        if self._stored_count == 0:
            from mentorsim import __version__

            mine["mentorsim_version"] = __version__
            for k, v in {**mine, "sha256": _attrs_checksum(mine)}.items():
                if attrs.get(k) != v:
                    study.set_user_attr(k, v)
            return study
        if attrs.get("format") == FORMAT and attrs.get("sha256") != _attrs_checksum(
            {k: v for k, v in attrs.items() if k != "sha256"}
        ):
            raise self.damaged("the search's own record (its spec hash and model) does not match its checksum")
        if attrs.get("format") != FORMAT or not attrs.get("model_fingerprint"):
            raise StoreError(
                f"{self.name}: made by an older mentorsim that recorded no model fingerprint, so it cannot tell "
                "whether its trials came from this model; it cannot be resumed or reported: run the search into "
                "another output directory"
            )
        if attrs["model_fingerprint"] != mine["model_fingerprint"]:
            raise StoreError(
                f"{self.name}: made by a different model (fingerprint {str(attrs['model_fingerprint'])[:12]}, this "
                f"code is {mine['model_fingerprint'][:12]}; the engine or programs changed since), so its trials "
                "would mix with this model's: run the search into another output directory"
            )
        if attrs.get("spec_hash") != digest:
            raise StoreError(
                f"{self.name}: holds a search with another spec (levers, objectives, budget, replications, batch or "
                "seed; only the trial count may grow); give a new storage to start this one"
            )
        return study

    # ---- trials ----
    def stored(self) -> dict[int, Any]:
        """The finished trials by number, each checked against its checksum."""
        from optuna.trial import TrialState

        out: dict[int, Any] = {}
        with self.boundary("reading the stored trials"):
            trials = self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.FAIL))
            for t in trials:
                attrs = dict(t.user_attrs)
                got = attrs.pop("sha256", None)
                want = trial_checksum(t.params, t.values, t.state.name, attrs)
                n = attrs.get("n")
                if got != want or isinstance(n, bool) or not isinstance(n, int) or n < 0:
                    raise self.damaged(
                        f"trial {t.number}'s record does not match its checksum, so its figures changed after "
                        "they were written"
                    )
                out.setdefault(n, t)
        return out

    def add(self, n: int, trial: Any) -> None:
        """Write a finished trial (made by ``optuna.trial.create_trial``; its checksum is added here)."""
        attrs = dict(trial.user_attrs)
        trial.set_user_attr("sha256", trial_checksum(trial.params, trial.values, trial.state.name, attrs))
        with self.boundary(f"writing trial {n}"):
            self.study.add_trial(trial)
        self.written += 1
