"""What the server shows: the last good site, the search index, the problems on the page, and the record pages
a quick update put into the site before the whole build caught up with them."""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.problems import Problem, Report


@dataclass
class Served:
    """The folders served and the problems shown; changed by the preview's threads, read by the server's."""

    site: Path | None = None
    search: Path | None = None  # holds pagefind/
    problems: tuple[Problem, ...] = ()
    failure: str = ""  # why the last build failed, "" when it did not
    lock: threading.Lock = field(default_factory=threading.Lock)
    _quick: dict[str, tuple[int, bytes | None]] = field(default_factory=dict)  # site path -> generation, bytes

    def set_problems(self, report: Report) -> bool:
        """Show these problems; True when they are not the ones shown before."""
        found = tuple(report.sorted())
        changed, self.problems = found != self.problems, found
        return changed

    def set_failure(self, message: str) -> bool:
        changed, self.failure = message != self.failure, message
        return changed

    def install(self, generation: int, pages: dict[str, bytes | None]) -> None:
        """Write pages into the site served (None removes a page), and keep them for the next build's site."""
        with self.lock:
            for path, data in pages.items():
                self._quick[path] = (generation, data)
                if self.site is not None:
                    _put(self.site, path, data)

    def swap(self, site: Path, generation: int) -> Path | None:
        """Serve site, built from generation, with the quick pages of later generations put in; the old site."""
        with self.lock:
            self._quick = {path: entry for path, entry in self._quick.items() if entry[0] > generation}
            for path, (_, data) in self._quick.items():
                _put(site, path, data)
            old, self.site = self.site, site
            return old


def _put(site: Path, path: str, data: bytes | None) -> None:
    """Replace one file of a site at once (a reader sees the old file or the new one), or remove its page."""
    target = site / path
    if data is None:
        shutil.rmtree(target.parent, ignore_errors=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(data)
    os.replace(partial, target)
