"""The PDF stage as a whole: every sheet and booklet of the public edition, written under <out>/pdf/ at the
site's paths (generator.outputs.wording), each rendered only when what it is made of changed (keys.py).

Cards and posters are rendered many to a document and split. A booklet is put together from parts kept in the
cache: a chapter per department (shared by the department's booklet and the whole catalogue's) and a frame
(cover, contents, numbered leaves), so that an edit renders again only the chapter of the record's department.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition
from generator.core.progress import Progress, Silent
from generator.outputs.flowchart import chart_label, dot_source
from generator.outputs.flowchart.parts import print_chart
from generator.outputs.flowchart.render import chart_digest, prune_cache
from generator.outputs.pdf.content import Booklet, booklet, power_sheet
from generator.outputs.pdf.guide import guide_powers, guide_sheet
from generator.outputs.pdf.html import booklet_html
from generator.outputs.pdf.jobs import BookletJob, ChapterJob, SheetsJob, SheetSource, Workers
from generator.outputs.pdf.keys import data_key, text_key
from generator.outputs.wording import CATALOGUE_PDF, PDF_FOLDER, card_pdf, department_pdf, guide_pdf, poster_pdf

SHEETS_PER_DOCUMENT = 25  # powers per job (a document of cards, one of posters): jobs of a few seconds
CHART_VARIANTS = {"card": "print-tall", "poster": "print", "guide": "print-tall"}  # the flowchart each prints


@dataclass(frozen=True)
class Output:
    """One file to write: its path in the site (pdf/…), its kind, its key in the cache and what it is made of."""

    path: str
    kind: str  # card | poster | guide | booklet
    key: str
    source: SheetSource | None = None  # a card's or poster's
    booklet: Booklet | None = None


@dataclass(frozen=True)
class Store:
    """The PDF cache: <key>.pdf for every file, sheet, chapter and frame, <key>.json for a chapter's anchors."""

    folder: Path

    def file(self, key: str, suffix: str = ".pdf") -> Path:
        return self.folder / f"{key}{suffix}"

    def put(self, key: str, data: bytes, suffix: str = ".pdf") -> None:
        """Write atomically: a killed run leaves a .part file, which prune removes."""
        partial = self.folder / f"{key}{suffix}.{os.getpid()}.part"
        partial.write_bytes(data)
        os.replace(partial, self.file(key, suffix))

    def prune(self, used: set[str]) -> None:
        """Remove every file whose key no output uses any more, and what a killed run left."""
        for path in self.folder.iterdir():
            if path.stem not in used or path.suffix not in (".pdf", ".json"):
                path.unlink(missing_ok=True)


def write_pdfs(edition: Edition, out_dir: Path, cache_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Write every PDF of the edition under out_dir/pdf/ and remove any other PDF there; the paths written.

    Meant for the public edition: cards and posters for the powers it shows in full, booklets with its
    涉密不宜公开 list. Files come from cache_dir/pdf when what they are made of is unchanged."""
    outputs = plan(edition)
    store = Store(cache_dir / "pdf")
    store.folder.mkdir(parents=True, exist_ok=True)
    charts = cache_dir / "pdf-charts"  # the print charts, kept apart from the site's (pruned by the site)
    missing = [o for o in outputs if not store.file(o.key).is_file()]
    with (progress or Silent()).stage("打印材料(PDF)", "个文件", total=len(outputs)) as stage, ExitStack() as stack:
        stage.advance(len(outputs) - len(missing))
        render_missing(missing, store, charts, Workers(stack), stage.advance)
    written = [_place(store.file(o.key), out_dir / o.path) for o in outputs]
    _remove_stale(out_dir / PDF_FOLDER, set(written))
    store.prune(used_keys(outputs, store))
    if charts.is_dir():
        prune_cache(charts, {chart_digest(o.source.dot) for o in outputs if o.source is not None})
    return sorted(written)


def plan(edition: Edition) -> list[Output]:
    """Every file of the edition, in a fixed order: cards, posters, department booklets, the catalogue's."""
    outputs = []
    for kind, path in (("card", card_pdf), ("poster", poster_pdf)):
        sources = sheet_sources(edition, kind)
        outputs += [Output(path(s.sheet.code), kind, data_key(kind, s), source=s) for s in sources]
    outputs += [
        Output(guide_pdf(s.sheet.code), "guide", data_key("guide", s), source=s) for s in guide_sources(edition)
    ]
    books = [(department_pdf(d.slug), booklet(edition, [d], d.record.name)) for d in edition.departments]
    books.append((CATALOGUE_PDF, booklet(edition, edition.departments, edition.catalogue.name)))
    return outputs + [Output(path, "booklet", data_key("booklet", book), booklet=book) for path, book in books]


def sheet_sources(edition: Edition, kind: str) -> list[SheetSource]:
    """A card or poster (kind) for every power the edition shows in full, with the DOT source of its print chart:
    top to bottom for the card, left to right for the poster."""
    return [
        SheetSource(
            dataclasses.replace(power_sheet(power, edition.catalogue), chart_label=chart_label(power)),
            dot_source(power, edition.catalogue, variant=CHART_VARIANTS[kind]),
            print_chart(power, CHART_VARIANTS[kind]),
        )
        for power in edition.powers()
    ]


def guide_sources(edition: Edition) -> list[SheetSource]:
    """A 办事指南 for every power the edition shows in full that starts on application, with its chart's source."""
    return [
        SheetSource(
            dataclasses.replace(guide_sheet(power, edition.catalogue), chart_label=chart_label(power)),
            dot_source(power, edition.catalogue, variant=CHART_VARIANTS["guide"]),
            print_chart(power, CHART_VARIANTS["guide"]),
        )
        for power in guide_powers(edition)
    ]


def render_missing(
    missing: Sequence[Output], store: Store, charts: Path, workers: Workers, advance: Callable[[int], None]
) -> None:
    """Render the missing files into the store: first the chapters the missing booklets lack (short jobs), then
    the booklets, each put together from its frame (rendered unless cached) and its chapters, and the sheets."""
    books = sorted(((o, o.booklet) for o in missing if o.booklet is not None), key=lambda b: -len(b[1].chapters))
    chapters = {data_key("chapter", c): c for _, book in books for c in book.chapters}
    lacking = [key for key in chapters if not _has_chapter(store, key)]
    sheet_jobs = list(_sheet_jobs([o for o in missing if o.source is not None], charts))
    workers.expect(len(lacking) + len(books) + len(sheet_jobs))
    for key, (pdf, anchors) in zip(lacking, workers.map([ChapterJob(chapters[key]) for key in lacking]), strict=True):
        store.put(key, pdf)
        store.put(key, anchors, ".json")
    frames = [frame(book, store) for _, book in books]
    parts = [tuple(store.file(data_key("chapter", c)) for c in book.chapters) for _, book in books]
    jobs = [BookletJob(html, store.file(key), files) for (html, key), files in zip(frames, parts, strict=True)]
    done = workers.map([*jobs, *(job for job, _ in sheet_jobs)])  # the longest first: the catalogue's booklet
    for (output, _), (_, key) in zip(books, frames, strict=True):
        pdf, made = next(done)
        store.put(output.key, pdf)
        if made:
            store.put(key, made)
        advance(1)
    for (_, outputs), files in zip(sheet_jobs, done, strict=True):
        for output, data in zip(outputs, files, strict=True):
            store.put(output.key, data)
        advance(len(outputs))


def _sheet_jobs(outputs: Sequence[Output], charts: Path) -> Iterator[tuple[SheetsJob, list[Output]]]:
    """The cards and posters to render, SHEETS_PER_DOCUMENT powers to a job, with the outputs each yields."""
    codes = list(dict.fromkeys(_code(o) for o in outputs))
    for start in range(0, len(codes), SHEETS_PER_DOCUMENT):
        chunk = set(codes[start : start + SHEETS_PER_DOCUMENT])
        cards = [o for o in outputs if o.kind == "card" and _code(o) in chunk]
        posters = [o for o in outputs if o.kind == "poster" and _code(o) in chunk]
        guides = [o for o in outputs if o.kind == "guide" and _code(o) in chunk]
        yield SheetsJob(_sources(cards), _sources(posters), charts, _sources(guides)), cards + posters + guides


def _code(output: Output) -> str:
    return output.source.sheet.code if output.source is not None else ""


def _sources(outputs: list[Output]) -> tuple[SheetSource, ...]:
    return tuple(o.source for o in outputs if o.source is not None)


def frame(book: Booklet, store: Store) -> tuple[str, str]:
    """A booklet's frame, from the anchors of its chapters' pages (which must be in the store): HTML and key."""
    leaves = {c.anchor: json.loads(store.file(data_key("chapter", c), ".json").read_bytes()) for c in book.chapters}
    html = booklet_html(book, leaves)
    return html, text_key("frame", html)


def used_keys(outputs: Sequence[Output], store: Store) -> set[str]:
    """The keys the cache keeps: the files', their chapters', and their frames' (when their chapters are there)."""
    books = [o.booklet for o in outputs if o.booklet is not None]
    chapters = {data_key("chapter", c) for book in books for c in book.chapters}
    used = {o.key for o in outputs} | chapters
    for book in books:
        if all(_has_chapter(store, data_key("chapter", c)) for c in book.chapters):
            used.add(frame(book, store)[1])
    return used


def _has_chapter(store: Store, key: str) -> bool:
    return store.file(key).is_file() and store.file(key, ".json").is_file()


def _place(cached: Path, target: Path) -> Path:
    """Put the cached file at target: a hard link where the file system allows it, else a copy. Whatever was
    at target is removed first, so that nothing is ever written through a link into the cache."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target)
    except OSError:
        target.write_bytes(cached.read_bytes())
    return target


def _remove_stale(pdf_dir: Path, keep: set[Path]) -> None:
    """Remove PDFs a previous build left that this edition no longer has (a power made confidential)."""
    if not pdf_dir.is_dir():
        return
    for path in sorted(pdf_dir.rglob("*.pdf")):
        if path not in keep:
            path.unlink()
