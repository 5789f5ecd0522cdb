"""The flowchart of a long procedure on pages of its own, never with its text under the least size a sheet allows.

A card or poster first tries its usual layout (layout.py): the chart beside the card's facts, across the top of the
poster. Where that would draw the chart's text smaller than LEAST_PT of its kind, the chart leaves the facts and
takes pages of its own, cut into parts (flowchart/parts.py): the card's parts run top to bottom side by side as
columns on its back, the poster's left to right one under another as rows (or the other way round), the poster's
seven elements under them if they fit there at the least size, else on the page after. Each part is named
第 n 段,共 m 段, and its arrows that leave it end at connectors naming the step they lead to; a chart that does
not fit one page at the least size runs on over the pages that follow. Which cut a sheet gets is chosen in jobs.py
by rendering the candidates and counting the pages each takes here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from generator.outputs.pdf.content import PowerSheet
from generator.outputs.pdf.layout import (
    CARD_CONTENT_MM,
    CARD_LINE_MM,
    CARD_WIDTH_MM,
    MM,
    POSTER_CONTENT_MM,
    POSTER_LEGEND_MM,
    POSTER_TYPE,
    POSTER_WIDTH_MM,
    ChartImage,
    card_layout,
    drawn_text_pt,
    elements_mm,
    legend_lines,
    natural_size,
    poster_height_mm,
    poster_layout,
    scaled,
    text_size,
)

LEAST_PT = {"card": 8.0, "poster": 12.0}  # the chart's text on paper: A4 at least 8 pt, A3 at least 12 pt
MOST_PT = {"card": 12.0, "poster": 18.0}  # and no larger than this
CARD_TITLE_MM = 12.0  # the chart page's title (14 pt) and its rule
CAPTION_MM = {"card": CARD_LINE_MM, "poster": 14 * 1.35 / MM}  # a part's caption: 第 1 段,共 2 段
GAP_MM = {True: 4.0, False: 2.0}  # between two parts side by side, one under another (common.css)
SLACK_MM = 6.0  # kept free on a page: an estimate a little short must not push a part onto the next


@dataclass(frozen=True)
class Frame:
    """Where a sheet's parts go: the width, the height on the chart's first page and on a following one (mm), and
    whether they stand side by side (the card's columns) or one under another (the poster's rows)."""

    width_mm: float
    first_mm: float
    page_mm: float
    across: bool
    kind: str


def frame(kind: str, sheet: PowerSheet) -> Frame:
    if kind == "card":
        height = CARD_CONTENT_MM - CARD_TITLE_MM - legend_lines(CARD_WIDTH_MM) * CARD_LINE_MM - SLACK_MM
        return Frame(CARD_WIDTH_MM, height, height, sheet.parts_across, kind)
    first = poster_height_mm(sheet) - POSTER_LEGEND_MM - SLACK_MM
    return Frame(POSTER_WIDTH_MM, first, POSTER_CONTENT_MM - POSTER_LEGEND_MM - SLACK_MM, sheet.parts_across, kind)


def whole_fits(kind: str, sheet: PowerSheet) -> bool:
    """Whether the sheet's usual layout draws its chart's text at least LEAST_PT."""
    if kind == "card":
        return drawn_text_pt(sheet.card_svg, card_layout(sheet).chart) >= LEAST_PT[kind] - 0.01
    return drawn_text_pt(sheet.poster_svg, poster_layout(sheet).chart) >= LEAST_PT[kind] - 0.01


def pages(kind: str, sheet: PowerSheet) -> int:
    """The pages the sheet's parts take, drawn as chart_parts draws them: side by side as many as fit a line, the
    lines (or parts one under another) filling a page before the next; 0 if a part is too large for a page."""
    drawn = chart_parts(kind, sheet)
    place = frame(kind, sheet)
    if drawn.text_pt < LEAST_PT[kind] - 0.01:
        return 0
    gap, caption = GAP_MM[place.across], CAPTION_MM[kind]
    lines: list[float] = []  # the height of each line of parts (mm)
    used = place.width_mm + gap
    for image in drawn.parts:
        width, height = image.width_pt / MM, image.height_pt / MM + caption
        if place.across and used + gap + width <= place.width_mm:
            used, lines[-1] = used + gap + width, max(lines[-1], height)
        else:
            used = width
            lines.append(height + (0 if place.across else gap))
    count, room = 1, place.first_mm
    for height in lines:
        if height > room:
            count, room = count + 1, place.page_mm
        room -= height
    return count


@dataclass(frozen=True)
class ChartParts:
    """A chart in parts, each drawn at the same scale."""

    parts: tuple[ChartImage, ...]
    text_pt: float
    one_page: bool
    across: bool
    overleaf: bool  # the poster's seven elements on a page after the chart's


def chart_parts(kind: str, sheet: PowerSheet) -> ChartParts:
    """The sheet's parts at the largest scale that keeps them on one page, or else each on a page; their text
    under the least size only if a part is too large for a page even so."""
    parts, place = sheet.parts, frame(kind, sheet)
    least, most = _scale(parts, LEAST_PT[kind]), _scale(parts, MOST_PT[kind])
    one = _one_page_scale(parts, place)
    scale = min(most, one if one >= least else _each_page_scale(parts, place))
    together = 0.0  # the scale that leaves the poster's seven elements room under the chart, in the larger type
    if kind == "poster":
        together = _one_page_scale(parts, replace(place, first_mm=place.first_mm - elements_mm(sheet, POSTER_TYPE)))
    if together >= least:
        scale = min(most, together)
    text_pt = round(min(text_size(svg) for svg in parts) * scale, 2)
    images = tuple(scaled(svg, scale) for svg in parts)
    return ChartParts(images, text_pt, one >= least, place.across, kind == "poster" and together < least)


def _scale(parts: Sequence[str], size_pt: float) -> float:
    """The scale that draws the parts' smallest text at size_pt."""
    return size_pt / min(text_size(svg) for svg in parts)


def _one_page_scale(parts: Sequence[str], place: Frame) -> float:
    """The largest scale that puts every part on the chart's first page."""
    sizes = [natural_size(svg) for svg in parts]
    caption, gap = CAPTION_MM[place.kind], GAP_MM[place.across]
    if place.across:
        width = (place.width_mm - gap * (len(parts) - 1)) * MM / sum(w for w, _ in sizes)
        return min(width, (place.first_mm - caption) * MM / max(h for _, h in sizes))
    height = (place.first_mm - len(parts) * (caption + gap)) * MM / sum(h for _, h in sizes)
    return min(place.width_mm * MM / max(w for w, _ in sizes), height)


def _each_page_scale(parts: Sequence[str], place: Frame) -> float:
    """The largest scale that fits each part on a page of its own."""
    sizes = [natural_size(svg) for svg in parts]
    height = (min(place.first_mm, place.page_mm) - CAPTION_MM[place.kind]) * MM
    return min(place.width_mm * MM / max(w for w, _ in sizes), height / max(h for _, h in sizes))
