"""Stage: HTML to PDF with WeasyPrint, many sheets per document so the per-document cost is paid once."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from generator.outputs.pdf.split import compact, split_pages

# WeasyPrint logs every CSS property it ignores; the sheets are ours, so only errors matter here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Job:
    """One WeasyPrint document: its HTML and CSS, and the element ids that start each output file.

    With no ids the document is one file (a booklet); otherwise it holds many sheets, each starting on a
    new page at its id, and is split into one file per id (cards, posters)."""

    html: str
    css: str
    starts: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # the title of each file split off


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
        raise ValueError(f"sheets missing from the rendered document: {missing}")
    begins = [first[s] for s in starts]
    ends = [*begins[1:], len(anchors)]
    if any(b >= e for b, e in zip(begins, ends, strict=True)):
        raise ValueError("every sheet must start on a page of its own")
    return [range(b, e) for b, e in zip(begins, ends, strict=True)]


def run_job(job: Job) -> list[bytes]:
    """The job's PDF files: one per start id, or the whole document."""
    pdf, anchors = render_pdf(job.html, job.css)
    if not job.starts:
        return [compact(pdf)]
    return split_pages(pdf, page_ranges(anchors, job.starts), list(job.titles))
