"""Stage: sheets and booklets to HTML with Jinja2 (autoescape on: record text prints as written)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader
from markupsafe import Markup

from generator.outputs import templating
from generator.outputs.bidi import visible_controls
from generator.outputs.pdf.content import Booklet, Chapter, PowerSheet
from generator.outputs.pdf.layout import LEGEND, card_layout, poster_layout
from generator.outputs.pdf.pages import chart_parts
from generator.outputs.pdf.qr import qr_uri


def svg_uri(svg: str) -> str:
    """An SVG as a data URI: drawn as an image, it cannot touch the page's markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def printable(value: object) -> object:
    """Record text as printed: bidi controls as visible markers, as on the site, so that no record can reorder
    what a reader sees; markup the templates made is left as it is."""
    return visible_controls(value) if isinstance(value, str) and not isinstance(value, Markup) else value


@cache
def environment() -> Environment:
    env = templating.environment(PackageLoader("generator.outputs.pdf", "templates"), printable)
    env.filters.update(
        svg_uri=svg_uri,
        qr_uri=qr_uri,
        card_layout=card_layout,
        poster_layout=poster_layout,
        chart_parts=lambda sheet, kind: chart_parts(kind, sheet),
    )
    env.globals["legend_keys"] = LEGEND
    return env


@cache
def stylesheet(kind: str) -> str:
    """The CSS of a kind of document: common.css, then its own (a chapter's: the booklet's, then chapter.css)."""
    folder = resources.files("generator.outputs.pdf") / "styles"
    names = ("common.css", "booklet.css", "chapter.css") if kind == "chapter" else ("common.css", f"{kind}.css")
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in names)


SHEET_TITLES = {"card": "办事明白卡", "poster": "权力运行流程图", "guide": "办事指南"}


def sheets_html(kind: str, sheets: Sequence[PowerSheet]) -> str:
    """One HTML document holding many cards (kind "card") or posters (kind "poster"), one per page."""
    return environment().get_template("sheets.html").render(kind=kind, title=SHEET_TITLES[kind], sheets=sheets)


def sheet_title(kind: str, sheet: PowerSheet) -> str:
    """A sheet's file title (its PDF metadata), with bidi controls made visible as in the printed text."""
    return visible_controls(f"{sheet.name} {SHEET_TITLES[kind]}")


def chapter_html(chapter: Chapter) -> str:
    """One department's chapter of a booklet, alone: its pages are drawn over a booklet's leaves (join.py)."""
    return environment().get_template("chapter.html").render(kind="booklet", title=chapter.name, c=chapter)


def booklet_html(booklet: Booklet, leaves: Mapping[str, Sequence[Sequence[str]]]) -> str:
    """A booklet's frame: cover, contents and, for each chapter (by anchor), a leaf per page with its anchors."""
    title = f"{booklet.title} 行政职权目录"
    return environment().get_template("booklet.html").render(kind="booklet", title=title, b=booklet, leaves=leaves)
