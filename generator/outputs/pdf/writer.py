"""The PDF stage as a whole: every sheet and booklet of the public edition, rendered in few documents,
split per file, cached by content, written under <out>/pdf/ at the site's paths (generator.outputs.wording)."""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from generator.core.edition import Edition
from generator.core.progress import Progress, Silent
from generator.outputs.bidi import visible_controls
from generator.outputs.flowchart import chart_label, dot_source, render_svgs
from generator.outputs.pdf.content import Booklet, PowerSheet, booklet, power_sheet
from generator.outputs.pdf.html import booklet_html, sheets_html, stylesheet
from generator.outputs.pdf.render import Job, run_job
from generator.outputs.wording import CATALOGUE_PDF, PDF_FOLDER, card_pdf, department_pdf, poster_pdf

FORMAT_VERSION = "pdf-1"  # bump when a change to this package changes the files for the same HTML
SHEETS_PER_DOCUMENT = 50  # enough to spread WeasyPrint's per-document cost, small enough to share out
CHART_VARIANTS = {"card": "print-tall", "poster": "print"}  # the flowchart each kind of sheet prints


@dataclass(frozen=True)
class Output:
    """One file to write: its path in the site (pdf/…), what it holds, and the key of its content in the cache."""

    path: str
    kind: str  # card | poster | booklet
    html: str  # the file's own HTML, alone: what its bytes depend on
    sheet: PowerSheet | None = None
    title: str = ""

    @property
    def key(self) -> str:
        parts = [FORMAT_VERSION, _versions(), stylesheet(self.kind), self.title, self.html]
        return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _versions() -> str:
    return " ".join(f"{name}={metadata.version(name)}" for name in ("weasyprint", "pypdf", "uharfbuzz"))


def write_pdfs(edition: Edition, out_dir: Path, cache_dir: Path, progress: Progress | None = None) -> list[Path]:
    """Write every PDF of the edition under out_dir/pdf/ and remove any other PDF there; the paths written.

    Meant for the public edition: cards and posters for the powers it shows in full, booklets with its
    涉密不宜公开 list. Files come from cache_dir/pdf when their content is unchanged."""
    outputs = plan(edition, cache_dir / "charts")
    pdf_dir = out_dir / PDF_FOLDER
    store = cache_dir / "pdf"
    store.mkdir(parents=True, exist_ok=True)
    missing = [o for o in outputs if not (store / f"{o.key}.pdf").is_file()]
    with (progress or Silent()).stage("打印材料(PDF)", "个文件", total=len(outputs)) as stage:
        stage.advance(len(outputs) - len(missing))
        for output, data in zip(missing, render_all(missing, stage.advance), strict=True):
            _write_atomic(store / f"{output.key}.pdf", data)
    written = []
    for output in outputs:
        target = out_dir / output.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(store / f"{output.key}.pdf", target)
        written.append(target)
    _remove_stale(pdf_dir, set(written))
    return sorted(written)


def plan(edition: Edition, chart_cache: Path) -> list[Output]:
    """Every file of the edition, in a fixed order: cards, posters, department booklets, the catalogue's."""
    sheets = power_sheets(edition, chart_cache)
    outputs = [Output(card_pdf(s.code), "card", sheets_html("card", [s]), s, _title(s, "办事明白卡")) for s in sheets]
    outputs += [
        Output(poster_pdf(s.code), "poster", sheets_html("poster", [s]), s, _title(s, "权力运行流程图")) for s in sheets
    ]
    for dept in edition.departments:
        book = booklet(edition, [dept], dept.record.name)
        outputs.append(_booklet_output(department_pdf(dept.slug), book))
    whole = booklet(edition, edition.departments, edition.catalogue.name)
    outputs.append(_booklet_output(CATALOGUE_PDF, whole))
    return outputs


def _title(sheet: PowerSheet, kind: str) -> str:
    """A sheet's file title (its PDF metadata), with bidi controls made visible as in the printed text."""
    return visible_controls(f"{sheet.name} {kind}")


def _booklet_output(path: str, book: Booklet) -> Output:
    return Output(path, "booklet", booklet_html(book))


def power_sheets(edition: Edition, chart_cache: Path) -> list[PowerSheet]:
    """A sheet for every power the edition shows in full, with its two print flowcharts (rendered together,
    in one batched call): top to bottom for the card, left to right for the poster."""
    powers = edition.powers()
    sources, labels = {}, {}
    for p in powers:
        for kind, variant in CHART_VARIANTS.items():
            sources[f"{kind}-{p.code}"] = dot_source(p, edition.catalogue, variant=variant)
            labels[f"{kind}-{p.code}"] = chart_label(p)
    charts = render_svgs(sources, chart_cache, labels)
    return [
        dataclasses.replace(
            power_sheet(p, edition.catalogue),
            card_svg=charts[f"card-{p.code}"],
            poster_svg=charts[f"poster-{p.code}"],
            chart_label=chart_label(p),
        )
        for p in powers
    ]


def jobs(outputs: Sequence[Output]) -> list[tuple[Job, list[int]]]:
    """WeasyPrint documents for the outputs, each with the indexes of the outputs it yields: a booklet is
    a document of its own; cards and posters go SHEETS_PER_DOCUMENT to a document, split afterwards."""
    found: list[tuple[Job, list[int]]] = []
    for n, output in enumerate(outputs):
        if output.kind == "booklet":
            found.append((Job(output.html, stylesheet("booklet")), [n]))
    for kind in ("card", "poster"):
        indexes = [n for n, o in enumerate(outputs) if o.kind == kind]
        for chunk in _chunks(indexes, SHEETS_PER_DOCUMENT):
            sheets = [outputs[n].sheet for n in chunk]
            html = sheets_html(kind, [s for s in sheets if s is not None])
            starts = tuple(f"sheet-{s.code}" for s in sheets if s is not None)
            titles = tuple(outputs[n].title for n in chunk)
            found.append((Job(html, stylesheet(kind), starts, titles), chunk))
    return found


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def render_all(outputs: Sequence[Output], advance: Callable[[int], None] = lambda _: None) -> list[bytes]:
    """The bytes of every output, rendered in as many processes as there are cores; advance(n) as n are done."""
    planned = jobs(outputs)
    results: list[bytes] = [b""] * len(outputs)
    workers = min(os.cpu_count() or 1, len(planned))
    with ExitStack() as stack:
        if workers <= 1:
            done: Iterable[list[bytes]] = map(run_job, [job for job, _ in planned])
        else:
            context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state shared with the caller
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=context))
            done = pool.map(run_job, [job for job, _ in planned])
        for (_job, indexes), files in zip(planned, done, strict=True):
            for n, data in zip(indexes, files, strict=True):
                results[n] = data
            advance(len(indexes))
    return results


def _write_atomic(path: Path, data: bytes) -> None:
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def _remove_stale(pdf_dir: Path, keep: set[Path]) -> None:
    """Remove PDFs a previous build left that this edition no longer has (a power made confidential)."""
    if not pdf_dir.is_dir():
        return
    for path in sorted(pdf_dir.rglob("*.pdf")):
        if path not in keep:
            path.unlink()
