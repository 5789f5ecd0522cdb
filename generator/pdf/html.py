"""Stage: sheets and booklets to HTML with Jinja2 (autoescape on: record text prints as written)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined

from .content import Booklet, PowerSheet
from .layout import card_chart, poster_chart, side_margin
from .qr import qr_uri

DENSE_CHARS = 700  # a poster with more text than this in its side column prints it smaller


def svg_uri(svg: str) -> str:
    """An SVG as a data URI: drawn as an image, it cannot touch the page's markup."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def dense(sheet: PowerSheet) -> bool:
    """True when a poster's seven elements need the smaller type to fit the page."""
    texts = [*sheet.conditions, *sheet.steps, *sheet.rights]
    texts += [c.label + c.detail for c in (*sheet.supervision, *sheet.complaints)]
    return sum(len(t) for t in texts) > DENSE_CHARS


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator.pdf", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        svg_uri=svg_uri,
        qr_uri=qr_uri,
        dense=dense,
        card_chart=card_chart,
        poster_chart=poster_chart,
        side_margin_mm=side_margin,
    )
    return env


@cache
def stylesheet(kind: str) -> str:
    """The CSS of a kind of document: common.css, then <kind>.css."""
    folder = resources.files("generator.pdf") / "styles"
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in ("common.css", f"{kind}.css"))


def sheets_html(kind: str, sheets: Sequence[PowerSheet]) -> str:
    """One HTML document holding many cards (kind "card") or posters (kind "poster"), one per page."""
    title = "办事明白卡" if kind == "card" else "权力运行流程图"
    return environment().get_template("sheets.html").render(kind=kind, title=title, sheets=sheets)


def booklet_html(booklet: Booklet) -> str:
    title = f"{booklet.title} 行政职权目录"
    return environment().get_template("booklet.html").render(kind="booklet", title=title, b=booklet)
