"""Saves in the catalogue folder, through the operating system's file events (inotify on Linux): each write,
creation, removal or rename wakes the preview, which then looks at the folder itself to see what changed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

WRITES = {EVENT_TYPE_CLOSED, EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED}
QUIET = 0.05  # seconds without a further event before a save counts as done (an editor writes, then renames)


class Saves(FileSystemEventHandler):
    """Collects the file events of a folder: when the first one of a burst came, and whether any is pending."""

    def __init__(self) -> None:
        self.pending = threading.Event()
        self.first = 0.0  # time.time() of the first event not yet taken
        self.last = 0.0  # time.monotonic() of the latest event
        self.working = False  # a burst was taken and its changes are being looked at (until done())
        self._lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WRITES:  # opening and reading a file (as the loader does) is no save
            return
        with self._lock:
            if not self.pending.is_set():
                self.first = time.time()
            self.last = time.monotonic()
            self.pending.set()

    def take(self, stop: threading.Event) -> float | None:
        """Wait for a burst of events to end; the time of its first event (None when stop is set first)."""
        while not self.pending.wait(0.5):
            if stop.is_set():
                return None
        while (quiet := time.monotonic() - self.last) < QUIET:
            time.sleep(QUIET - quiet)
        with self._lock:
            self.pending.clear()
            self.working = True
            return self.first

    def done(self) -> None:
        self.working = False

    @property
    def busy(self) -> bool:
        return self.pending.is_set() or self.working


def watch(root: Path, saves: Saves) -> BaseObserver:
    """Start watching root and everything under it."""
    observer = Observer()
    observer.schedule(saves, str(root), recursive=True)
    observer.daemon = True
    observer.start()
    return observer
