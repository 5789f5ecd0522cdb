"""The changes the browser is told of: each update has a number and the pages it changed; a page waits on the
reload address with the number it was served at, and reloads when an update changed it."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import quote

KEPT = 200  # updates remembered; a page that missed more reloads whatever it shows


class Updates:
    """A numbered log of updates, waited on by the pages' long polls."""

    def __init__(self) -> None:
        self.version = 0
        self._log: list[tuple[int, frozenset[str] | None]] = []
        self._changed = threading.Condition()
        self._closed = False

    def publish(self, pages: Iterable[str] | None) -> int:
        """Record an update of these pages (addresses such as /powers/X/; None: every page); its number."""
        with self._changed:
            self.version += 1
            self._log = [*self._log[-KEPT + 1 :], (self.version, None if pages is None else frozenset(pages))]
            self._changed.notify_all()
            return self.version

    def wait(self, since: int, timeout: float) -> tuple[int, list[str] | None]:
        """After an update later than since (or timeout): the latest number and the pages changed since."""
        with self._changed:
            self._changed.wait_for(lambda: self.version > since or self._closed, timeout)
            return self.version, self._pages_since(since)

    def close(self) -> None:
        """Answer every waiting page now (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _pages_since(self, since: int) -> list[str] | None:
        later = [pages for number, pages in self._log if number > since]
        if since < self.version - len(self._log) or any(pages is None for pages in later):
            return None
        return sorted(set().union(*later)) if later else []


def page_address(path: str) -> str:
    """The address a built file is served at: powers/X/index.html is /powers/X/ (percent-encoded)."""
    posix = PurePosixPath(path)
    shown = f"{posix.parent.as_posix()}/" if posix.name == "index.html" else posix.as_posix()
    return "/" + quote(shown.removeprefix("./").lstrip("/"))
