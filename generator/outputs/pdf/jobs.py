"""The work of the PDF stage in pieces a worker process does alone: sheets with their print charts, a booklet's
chapter, a booklet put together from its frame and chapters. Each returns the bytes to cache."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from generator.outputs.flowchart import render_svgs
from generator.outputs.flowchart.dot import ChartVariant
from generator.outputs.flowchart.parts import PrintChart, most_parts, part_sources
from generator.outputs.pdf.content import Chapter, PowerSheet
from generator.outputs.pdf.guide import GuideSheet
from generator.outputs.pdf.html import chapter_html
from generator.outputs.pdf.join import join
from generator.outputs.pdf.pages import LEAST_PT, chart_parts, pages, whole_fits
from generator.outputs.pdf.render import rare_collections, render_chapter, render_frame, render_sheets

# How a chart too long to print whole is cut, tried in this order: the poster's rows left to right, then columns
# top to bottom; the card's columns, then rows. Each in 2, 3 ... parts, at most MOST_PARTS.
PARTS: dict[str, tuple[ChartVariant, ...]] = {"card": ("print-tall", "print"), "poster": ("print", "print-tall")}
MOST_PARTS = 8
COMFORTABLE_PT = {"card": 10.5, "poster": 14.0}  # chart text as large as the card's, the poster's legend
UNFIT = 1000  # the pages of parts too large for a page at the least text size: any other way is better


class Job(Protocol):
    def run(self) -> list[bytes]: ...


@dataclass(frozen=True)
class SheetSource:
    """A card or poster as planned: the sheet without its chart, the DOT source of the chart it prints, and what
    that chart is drawn from, to draw it in parts if it is too long to print whole."""

    sheet: PowerSheet | GuideSheet
    dot: str
    chart: PrintChart


def with_charts(kind: str, sources: Sequence[SheetSource], chart_cache: Path) -> list[PowerSheet | GuideSheet]:
    """The sheets with their charts drawn (one `dot` run for those not in chart_cache): card or poster charts."""
    charts = render_svgs(
        {s.sheet.code: s.dot for s in sources}, chart_cache, {s.sheet.code: s.sheet.chart_label for s in sources}
    )
    sheets = [dataclasses.replace(s.sheet, **{f"{kind}_svg": charts[s.sheet.code]}) for s in sources]
    long = [s for s in sheets if kind in LEAST_PT and not whole_fits(kind, s)]  # the guide's chart runs on pages
    parted = in_parts(kind, long, {s.sheet.code: s.chart for s in sources}, chart_cache) if long else {}
    return [parted.get(s.code, s) for s in sheets]


def in_parts(
    kind: str, sheets: Sequence[PowerSheet], charts: dict[str, PrintChart], chart_cache: Path
) -> dict[str, PowerSheet]:
    """These sheets with their charts in parts (pages.py): of the ways of cutting (PARTS), the one that takes the
    fewest pages and, of those, draws the largest text; the first that fits one page with its text at
    COMFORTABLE_PT ends the search. One `dot` run for all the sheets at a time."""
    todo = {s.code: iter(_cuts(kind, charts[s.code])) for s in sheets}
    by_code = {s.code: s for s in sheets}
    current = {code: first for code, cuts in todo.items() if (first := next(cuts, None)) is not None}
    best: dict[str, tuple[tuple[int, float], PowerSheet]] = {}  # the fewest pages, then the largest text, yet
    while current:
        dots = {(code, n): dot for code, chart in current.items() for n, dot in enumerate(part_sources(*chart))}
        labels = {f"{code}#{n}": f"{by_code[code].chart_label}(第 {n + 1} 段)" for code, n in dots}
        svgs = render_svgs({f"{code}#{n}": dot for (code, n), dot in dots.items()}, chart_cache, labels)
        for code, (chart, count) in list(current.items()):
            parts = tuple(svgs[f"{code}#{n}"] for n in range(count) if f"{code}#{n}" in svgs)
            sheet = dataclasses.replace(by_code[code], parts=parts, parts_across=chart.variant == "print-tall")
            drawn = chart_parts(kind, sheet)
            taken = (pages(kind, sheet) or UNFIT) + drawn.overleaf
            rank = (taken, -drawn.text_pt)
            if code not in best or rank < best[code][0]:
                best[code] = (rank, sheet)
            following = next(todo[code], None)
            if (taken == 1 and -rank[1] >= COMFORTABLE_PT[kind]) or following is None:
                del current[code]
            else:
                current[code] = following
    return {code: sheet for code, (_, sheet) in best.items()}


def _cuts(kind: str, chart: PrintChart) -> Iterator[tuple[PrintChart, int]]:
    """The ways to cut a sheet's chart, in the order they are tried: its variants, then more and more parts."""
    for variant in PARTS[kind]:
        drawn = dataclasses.replace(chart, variant=variant)
        yield from ((drawn, count) for count in range(2, min(most_parts(drawn), MOST_PARTS) + 1))


@dataclass(frozen=True)
class SheetsJob:
    """The cards and posters of a few powers: a document of cards and one of posters, split into a file each."""

    cards: tuple[SheetSource, ...]
    posters: tuple[SheetSource, ...]
    chart_cache: Path
    guides: tuple[SheetSource, ...] = ()  # the 办事指南 of those started on application

    def run(self) -> list[bytes]:
        """A file per card, then per poster, then per guide, in the job's order."""
        cards = render_sheets("card", with_charts("card", self.cards, self.chart_cache))
        posters = render_sheets("poster", with_charts("poster", self.posters, self.chart_cache))
        return cards + posters + render_sheets("guide", with_charts("guide", self.guides, self.chart_cache))


@dataclass(frozen=True)
class ChapterJob:
    """A department's chapter of the booklets."""

    chapter: Chapter

    def run(self) -> list[bytes]:
        """The chapter's PDF, and the anchors on each of its pages as JSON."""
        pdf, anchors = render_chapter(chapter_html(self.chapter))
        return [pdf, json.dumps(anchors).encode("utf-8")]


@dataclass(frozen=True)
class BookletJob:
    """A booklet from its frame (taken from frame_file when cached, else rendered from frame_html) and chapters."""

    frame_html: str
    frame_file: Path
    chapters: tuple[Path, ...]

    def run(self) -> list[bytes]:
        """The booklet, and the frame when it was rendered here (else b"")."""
        made = b"" if self.frame_file.is_file() else render_frame(self.frame_html)
        frame = made or self.frame_file.read_bytes()
        return [join(frame, [path.read_bytes() for path in self.chapters]), made]


def run_job(job: Job) -> list[bytes]:
    with rare_collections():
        return job.run()


class Workers:
    """Runs jobs in as many processes as there are cores (spawned: a fresh interpreter, no state shared with the
    caller), started on the first batch when more than one job is expected in all; else here."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.expected = 0
        self.pool: ProcessPoolExecutor | None = None

    def expect(self, count: int) -> None:
        """How many jobs the batches to come hold in all."""
        self.expected = count

    def map(self, jobs: Sequence[Job]) -> Iterator[list[bytes]]:
        """Each job's files, in the jobs' order, as they are done."""
        cores = os.cpu_count() or 1
        if self.pool is None and self.expected > 1 and cores > 1 and jobs:
            context = multiprocessing.get_context("spawn")
            self.pool = self.stack.enter_context(ProcessPoolExecutor(max_workers=cores, mp_context=context))
        return self.pool.map(run_job, jobs) if self.pool is not None else map(run_job, jobs)
