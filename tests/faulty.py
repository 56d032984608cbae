"""A format whose worker processes die: the attacks of tests/test_executor_faults.py.

It is one-on-one in every way, but every batch it starts in a process other than the one that made it
kills that process (SIGKILL, as the OOM killer or ``kill -9`` would), ``kills`` times in all, counted by
marker files in ``marks`` (created atomically, so two workers never count one death twice). The process
that made it never dies, so a serial run gives the reference results. Workers import it by name: it lives
in a module of its own (``tests/`` is on their path).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from mentorsim.programs.one_on_one import OneOnOne

NAME = "dying_one_on_one"
ALWAYS = 10_000


class DyingOneOnOne(OneOnOne):
    name = NAME

    def __init__(self, marks: str | Path, kills: int):
        self.marks, self.kills, self.parent = str(marks), kills, os.getpid()
        Path(marks).mkdir(parents=True, exist_ok=True)

    def deaths(self) -> int:
        return len(list(Path(self.marks).glob("death-*")))

    def effects(self, sc: Any) -> Any:
        if os.getpid() != self.parent:
            for k in range(self.kills):
                try:
                    fd = os.open(os.path.join(self.marks, f"death-{k}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                except FileExistsError:
                    continue
                os.close(fd)
                os.kill(os.getpid(), signal.SIGKILL)
        return super().effects(sc)
