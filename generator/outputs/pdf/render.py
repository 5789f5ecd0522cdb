"""Stage: HTML to PDF with WeasyPrint: sheets many to a document so the per-document cost is paid once, a
booklet's chapters and frame each alone."""

from __future__ import annotations

import gc
import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from generator.outputs.pdf.content import PowerSheet
from generator.outputs.pdf.errors import PdfFailed
from generator.outputs.pdf.html import sheet_title, sheets_html, stylesheet
from generator.outputs.pdf.split import compact, split_pages

# WeasyPrint logs every CSS property it ignores; the sheets are ours, so only errors matter here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
# The garbage collector's thresholds while a job runs (jobs.run_job): WeasyPrint makes millions of small objects
# that live as long as the document, few of them garbage in cycles, so at Python's (2000, 10, 10) the collector
# walks them again and again, a sixth of the CPU time of a sheet. A collection every 100,000 new objects, of the
# oldest ones almost never, keeps what is reclaimed and costs next to nothing.
RENDER_GC_THRESHOLD = (100_000, 50, 1000)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Collect garbage seldom (RENDER_GC_THRESHOLD) within the block (a job's rendering, splitting and joining)."""
    before = gc.get_threshold()
    gc.set_threshold(*RENDER_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def render_pdf(html: str, css: str) -> tuple[bytes, list[set[str]]]:
    """The PDF of one document and, for each page, the ids of the elements on it."""
    from weasyprint import CSS, HTML, URLFetcher  # imported here: only the processes that render pay for it

    fetcher = URLFetcher(allowed_protocols=("data",))  # images are data URIs; nothing is read from elsewhere
    sheet = CSS(string=css, url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher).render(stylesheets=[sheet])
    anchors = [set(page.anchors) for page in document.pages]
    out = io.BytesIO()
    document.write_pdf(out)
    return out.getvalue(), anchors


def page_ranges(anchors: list[set[str]], starts: tuple[str, ...]) -> list[range]:
    """The pages of each sheet: from the page holding its id to the page before the next sheet's."""
    first = {}
    for number, ids in enumerate(anchors):
        for name in ids:
            first.setdefault(name, number)
    missing = [s for s in starts if s not in first]
    if missing:
        raise PdfFailed(f"排版结果中缺少这些事项的页面:{'、'.join(missing)}")
    begins = [first[s] for s in starts]
    ends = [*begins[1:], len(anchors)]
    if any(b >= e for b, e in zip(begins, ends, strict=True)):
        raise PdfFailed("每个事项的页面必须从新的一页开始")
    return [range(b, e) for b, e in zip(begins, ends, strict=True)]


def render_sheets(kind: str, sheets: Sequence[PowerSheet]) -> list[bytes]:
    """A file per sheet (kind "card" or "poster"): one document holding them all, each on pages of its own,
    split afterwards."""
    if not sheets:
        return []
    pdf, anchors = render_pdf(sheets_html(kind, sheets), stylesheet(kind))
    starts = tuple(f"sheet-{s.code}" for s in sheets)
    return split_pages(pdf, page_ranges(anchors, starts), [sheet_title(kind, s) for s in sheets])


def render_chapter(html: str) -> tuple[bytes, list[list[str]]]:
    """A booklet's chapter (chapter_html), and the anchors on each of its pages."""
    pdf, anchors = render_pdf(html, stylesheet("chapter"))
    return compact(pdf), [sorted(names) for names in anchors]


def render_frame(html: str) -> bytes:
    """A booklet's frame (booklet_html): cover, contents and numbered leaves."""
    return compact(render_pdf(html, stylesheet("booklet"))[0])
