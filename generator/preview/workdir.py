"""The preview's own folder, one per running server (beside the shared caches), and the janitor that removes what
the preview no longer serves, on a thread of its own: removing a site of many thousand pages takes long enough
(tens of seconds on a busy disk) that nothing should wait for it. A folder the janitor had no time for before the
server stopped, or that a killed server left, is removed by the next server's janitor."""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
from pathlib import Path

from generator.core.folders import running

TRASH = "trash-"  # a folder put aside for removal
STOP_WAIT = 3.0  # seconds a stopping server gives the janitor to finish


def make_workdir(parent: Path) -> Path:
    """A fresh folder parent/<pid>-<random>."""
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=parent))


def leftovers(parent: Path) -> list[Path]:
    """The folders of parent that servers no longer running left behind, and those put aside for removal."""
    found = []
    for folder in sorted(parent.iterdir()):
        pid = folder.name.partition("-")[0]
        if folder.name.startswith(TRASH) or (pid.isdigit() and not running(int(pid))):
            found.append(folder)
    return found


class Janitor:
    """Removes folders, one after the other, on its own thread."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, daemon=True, name="qlqd-janitor")
        self._thread.start()

    def remove(self, folder: Path) -> None:
        self._queue.put(folder)

    def finish(self, work: Path) -> None:
        """Put the server's folder aside and remove it, waiting STOP_WAIT seconds at most."""
        trash = work.with_name(TRASH + work.name)
        try:
            work.rename(trash)
        except OSError:
            trash = work
        self._queue.put(trash)
        self._queue.put(None)
        self._thread.join(timeout=STOP_WAIT)

    def _work(self) -> None:
        while (folder := self._queue.get()) is not None:
            shutil.rmtree(folder, ignore_errors=True)
