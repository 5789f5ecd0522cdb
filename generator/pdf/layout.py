"""The flowchart on paper: scaled to fit its place on the sheet, keeping its proportions."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .content import PowerSheet

MM = 72 / 25.4  # points per millimetre
GAP_MM = 5.0
GROW = 1.3  # a small chart may be drawn this much larger than Graphviz's natural size, no more
# The card (A4 portrait, see card.css): the chart floats right, under the header, as tall as the page allows.
CARD_CONTENT_MM = 269.0  # 297 mm less the top and bottom margins
CARD_CHART_WIDTH_MM = 95.0
CARD_TITLE_CHARS = 23  # 18 pt characters on a line of the title, beside the QR code
CARD_META_CHARS = 37  # 11 pt characters on a line under it
# The poster (A3 landscape, see poster.css): the chart on the left, the seven elements beside it.
POSTER_CONTENT_MM = 267.0
POSTER_CHART_WIDTH_MM = 200.0
POSTER_TITLE_CHARS = 32  # 30 pt characters on a line of the title
POSTER_META_CHARS = 60  # 16 pt characters on a line under it

_VIEWBOX = re.compile(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_SIZE_ATTR = re.compile(r'\s(?:width|height|style)="[^"]*"')


@dataclass(frozen=True)
class ChartImage:
    """A flowchart sized for paper: its SVG (with an intrinsic size in points) and the size to draw it."""

    svg: str
    width_pt: float
    height_pt: float


def natural_size(svg: str) -> tuple[float, float]:
    """The chart's size in points, from Graphviz's viewBox (whose unit is the point)."""
    found = _VIEWBOX.search(svg)
    if not found:
        return 400.0, 300.0
    return float(found.group(1)), float(found.group(2))


def fit(svg: str, box_w_mm: float, box_h_mm: float) -> ChartImage:
    """The chart scaled to fit the box, keeping its proportions; its <svg> gets an intrinsic size."""
    width, height = natural_size(svg)
    scale = min(box_w_mm * MM / width, box_h_mm * MM / height, GROW)
    tag = _SVG_TAG.search(svg)
    if tag is not None:
        opening = _SIZE_ATTR.sub("", tag.group(0))
        opening = opening[:-1] + f' width="{width:.2f}pt" height="{height:.2f}pt">'
        svg = svg[: tag.start()] + opening + svg[tag.end() :]
    return ChartImage(svg, round(width * scale, 2), round(height * scale, 2))


def text_width(text: str) -> float:
    """Width in CJK characters: a Latin letter, digit or space is about half of one."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def lines(text: str, chars: int) -> int:
    return max(1, math.ceil(text_width(text) / chars))


def card_header_mm(sheet: PowerSheet) -> float:
    """The height of the card's header: kicker, title, code, department and URL lines, rule and gaps."""
    title = 7.9 * lines(sheet.name, CARD_TITLE_CHARS) + 3.0
    meta = 5.6 * (1 + lines(f"实施机关:{sheet.department} {sheet.office}", CARD_META_CHARS))
    url = 5.4 * lines(f"扫码查看最新版本:{sheet.url}", CARD_META_CHARS + 4)
    return max(30.0, 5.4 + title + meta + url) + 6.0


def poster_header_mm(sheet: PowerSheet) -> float:
    """The height of the poster's header: kicker, title, code and department line, rule and gaps."""
    meta = f"权力编码:{sheet.code} 实施机关:{sheet.department} {sheet.office}(负责人:{sheet.responsible})"
    title = 12.7 * lines(sheet.name, POSTER_TITLE_CHARS) + 2.0
    return max(32.0, 7.6 + title + 7.6 * lines(meta, POSTER_META_CHARS)) + 7.0


def card_chart(sheet: PowerSheet) -> ChartImage:
    """The chart as tall as the card leaves under its header and the chart's caption."""
    return fit(sheet.chart, CARD_CHART_WIDTH_MM, CARD_CONTENT_MM - card_header_mm(sheet) - 10.0)


def side_margin(image: ChartImage) -> float:
    """The margin (mm) that keeps a text column clear of the chart floated beside it. The column itself
    stays in the normal flow, so a long card still breaks onto a second page cleanly."""
    return round(image.width_pt / MM + GAP_MM, 1)


def poster_height_mm(sheet: PowerSheet) -> float:
    """The height the poster leaves under its header for the chart and the seven elements."""
    return round(POSTER_CONTENT_MM - poster_header_mm(sheet) - 4.0, 1)


def poster_chart(sheet: PowerSheet) -> ChartImage:
    return fit(sheet.chart, POSTER_CHART_WIDTH_MM, poster_height_mm(sheet))
