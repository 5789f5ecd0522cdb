"""Progress on the terminal: a bar per stage on a terminal, one plain line per stage in CI logs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from generator.core.progress import Stage


@dataclass
class Finished:
    title: str
    unit: str
    count: int
    seconds: float


@dataclass
class StageDisplay:
    """Shows each stage as it runs and keeps its count and time for the summary."""

    bars: bool = field(default_factory=lambda: sys.stderr.isatty())
    finished: list[Finished] = field(default_factory=list)

    @contextmanager
    def stage(self, title: str, unit: str, total: int | None = None) -> Iterator[Stage]:
        started = time.perf_counter()
        stage = Stage(title, unit, total)
        if self.bars:
            with _bar() as bar:
                task = bar.add_task(title, total=total)
                stage.moved = lambda: bar.update(task, completed=stage.done)  # type: ignore[method-assign]
                yield stage
        else:
            yield stage
        done = Finished(title, unit, stage.done, time.perf_counter() - started)
        self.finished.append(done)
        if not self.bars:
            click.echo(f"{done.title}:{done.count} {done.unit},{done.seconds:.1f} 秒", err=True)

    def summary(self) -> str:
        """Every stage with its count and time, and the total: printed at the end of a build."""
        lines = [f"  {f.title}:{f.count} {f.unit},{f.seconds:.1f} 秒" for f in self.finished]
        total = sum(f.seconds for f in self.finished)
        return "\n".join(["各阶段用时:", *lines, f"  合计 {total:.1f} 秒"])


def _bar() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, transient=True, console=None)
