"""How long stages report their progress, without knowing who shows it (a terminal bar, a CI log, nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol


@dataclass
class Stage:
    """One stage under way: what it is called, how much it has done, of how much (when known)."""

    title: str
    unit: str
    total: int | None = None
    done: int = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        self.moved()

    def moved(self) -> None:
        """Called after every advance; a display overrides it."""


class Progress(Protocol):
    def stage(self, title: str, unit: str, total: int | None = None) -> Iterator[Stage]: ...


class Silent:
    """Progress that shows nothing: for tests, the MkDocs adapter and library callers."""

    @contextmanager
    def stage(self, title: str, unit: str, total: int | None = None) -> Iterator[Stage]:
        yield Stage(title, unit, total)
