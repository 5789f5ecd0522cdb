"""The flowchart on paper: scaled to fit its place on the sheet, keeping its proportions, as large as the
sheet's other text leaves room for."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from generator.outputs.pdf.content import Contact, PowerSheet
from generator.outputs.wording import ARROWS, PRINTED_BOX

MM = 72 / 25.4  # points per millimetre
GAP_MM = 5.0
GROW = 1.3  # a small chart may be drawn this much larger than Graphviz's natural size, no more
DEFAULT_TEXT_PT = 11.0  # a chart's text size where its <text> elements leave it to the <svg> (flowchart_render)
LINE_HEIGHT = 1.35  # the poster's line height (poster.css)
# The chart's legend (parts.html): what a box holds and what each kind of line means, each key's symbol drawn
# in CSS (its class, then the text beside it).
LEGEND = (("box", f"方框:{PRINTED_BOX}"), *((f"arrow {arrow.style}".rstrip(), arrow.meaning) for arrow in ARROWS))
LEGEND_SYMBOL_EM = {"box": 1.4, "arrow": 2.2}  # common.css, each with 0.3 em after it and 0.8 em after its text
LEGEND_SPACE_EM = 0.6  # the space between two keys, and a little to spare
# The card (A4 portrait, see card.css): the chart floats right, under the header, beside the facts.
CARD_CONTENT_MM = 269.0  # 297 mm less the top and bottom margins
CARD_WIDTH_MM = 186.0  # 210 mm less the side margins
CARD_FACT_HEAD_MM = 22.0  # a fact's name, beside its text
CARD_CHART_WIDTHS_MM = (95.0, 85.0, 75.0, 65.0, 55.0)  # the chart's column, the widest the facts leave room for
CARD_CHART_TEXT_PT = 12.0  # a short chart grows no further than this: a little above the card's 10.5 pt text
CARD_CAPTION_MM = 10.0  # the caption above the chart, with its rule
CARD_FIGURE_SLACK_MM = 4.0  # kept free under the chart and its legend: a float taller than the page loses its end
CARD_LINE_MM = 10.5 * 1.45 / MM  # a line of the card's 10.5 pt text
CARD_FACT_GAP_MM = 2.7  # a fact's padding and rule
CARD_LEGEND_MIN_MM = 60.0  # the chart's column is at least this wide, for the legend under it
CARD_TITLE_CHARS = 23  # 18 pt characters on a line of the title, beside the QR code
CARD_META_CHARS = 37  # 11 pt characters on a line under it
# The poster (A3 landscape, see poster.css): the chart across the top, the seven elements in columns under it.
POSTER_CONTENT_MM = 267.0  # 297 mm less the top and bottom margins
POSTER_WIDTH_MM = 388.0  # 420 mm less the side margins
POSTER_GROW = 2.0  # a short procedure may be drawn larger on a poster
POSTER_LEGEND_MM = 14.0  # the legend under the chart (one line of 14 pt) and the gaps and rule around it
POSTER_GIVE = 0.1  # the share of its size the chart gives up to keep the seven elements in the larger type
POSTER_CHART_TEXT_PT = 14.0  # chart text this large is enough: the elements' larger type comes first
POSTER_MIN_CHART_MM = 70.0  # the chart keeps at least this height, even if the elements go on overleaf
POSTER_COLUMNS = 4
POSTER_COLUMN_GAP_MM = 8.0
POSTER_TITLE_CHARS = 32  # 30 pt characters on a line of the title
POSTER_META_CHARS = 60  # 16 pt characters on a line under it

_VIEWBOX = re.compile(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"')
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_TEXT_SIZE = re.compile(r'<text\b[^>]*\sfont-size="([\d.]+)"')
_SIZE_ATTR = re.compile(r'\s(?:width|height|style)="[^"]*"')


@dataclass(frozen=True)
class ChartImage:
    """A flowchart sized for paper: its SVG (with an intrinsic size in points) and the size to draw it."""

    svg: str
    width_pt: float
    height_pt: float


def text_size(svg: str) -> float:
    """The chart's smallest font size in points at its natural size (Graphviz's, on each <text>)."""
    sizes = [float(size) for size in _TEXT_SIZE.findall(svg)]
    return min(sizes, default=DEFAULT_TEXT_PT)


def natural_size(svg: str) -> tuple[float, float]:
    """The chart's size in points, from Graphviz's viewBox (whose unit is the point)."""
    found = _VIEWBOX.search(svg)
    if not found:
        return 400.0, 300.0
    return float(found.group(1)), float(found.group(2))


def scale_to_fit(svg: str, box_w_mm: float, box_h_mm: float, grow: float = GROW) -> float:
    """The factor that fits the chart in the box, keeping its proportions, at most grow."""
    width, height = natural_size(svg)
    return min(box_w_mm * MM / width, box_h_mm * MM / height, grow)


def fit(svg: str, box_w_mm: float, box_h_mm: float, grow: float = GROW) -> ChartImage:
    """The chart scaled to fit the box, keeping its proportions; its <svg> gets an intrinsic size."""
    return scaled(svg, scale_to_fit(svg, box_w_mm, box_h_mm, grow))


def scaled(svg: str, scale: float) -> ChartImage:
    """The chart drawn at scale times its natural size; its <svg> gets an intrinsic size."""
    width, height = natural_size(svg)
    tag = _SVG_TAG.search(svg)
    if tag is not None:
        opening = _SIZE_ATTR.sub("", tag.group(0))
        opening = opening[:-1] + f' width="{width:.2f}pt" height="{height:.2f}pt">'
        svg = svg[: tag.start()] + opening + svg[tag.end() :]
    return ChartImage(svg, round(width * scale, 2), round(height * scale, 2))


def drawn_text_pt(svg: str, image: ChartImage) -> float:
    """The size of the chart's smallest text as drawn on paper."""
    return text_size(svg) * image.width_pt / natural_size(svg)[0]


def text_width(text: str) -> float:
    """Width in CJK characters: a Latin letter, digit or space is about half of one."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def lines(text: str, chars: float) -> int:
    return max(1, math.ceil(text_width(text) / chars))


def legend_lines(width_mm: float, size_pt: float = 10.5) -> int:
    """The lines the legend takes in a column of that width: its keys, each kept whole, filled line by line
    (a key taken a little wider than it is, so that the estimate errs on the side of one line more)."""
    room = width_mm * MM / size_pt
    count, used = 1, 0.0
    for symbol, text in LEGEND:
        key = LEGEND_SYMBOL_EM[symbol.split()[0]] + 0.3 + text_width(text) + 0.8 + LEGEND_SPACE_EM
        if used and used + key > room:
            count, used = count + 1, 0.0
        used += key
    return count


@dataclass(frozen=True)
class CardLayout:
    """The card's chart and the width (mm) of its column, with the caption and legend."""

    chart: ChartImage
    width_mm: float

    @property
    def margin_mm(self) -> float:
        """The margin that keeps the facts clear of the chart's column floated beside them. The facts stay
        in the normal flow, so a long card still breaks onto a second page cleanly."""
        return round(self.width_mm + GAP_MM, 1)


def card_header_mm(sheet: PowerSheet) -> float:
    """The height of the card's header: kicker, title, code, department and URL lines, rule and gaps."""
    title = 7.9 * lines(sheet.name, CARD_TITLE_CHARS) + 3.0
    meta = 5.6 * (1 + lines(f"实施机关:{sheet.department} {sheet.office}", CARD_META_CHARS))
    url = 5.4 * lines(f"扫码查看最新版本:{sheet.url}", CARD_META_CHARS + 4)
    return max(30.0, 5.4 + title + meta + url) + 6.0


def card_layout(sheet: PowerSheet) -> CardLayout:
    """The chart in the widest column that leaves the facts beside it room to fit the page, as tall as the
    card leaves under its header, the chart's caption and its legend. A card whose facts fit no column
    gets the widest: it takes a second page in any case."""
    room = CARD_CONTENT_MM - card_header_mm(sheet)
    options = [_card_column(sheet, width, room) for width in CARD_CHART_WIDTHS_MM]
    text_room = room - CARD_LINE_MM  # a line to spare: a line more than estimated must not take a second page
    fitting = (o for o in options if facts_mm(sheet, CARD_WIDTH_MM - o.margin_mm - CARD_FACT_HEAD_MM) <= text_room)
    return next(fitting, options[0])


def _card_column(sheet: PowerSheet, width_mm: float, room_mm: float) -> CardLayout:
    """The chart fitted in a column up to width_mm wide, the column narrowed to the chart (or its legend)."""
    grow = min(GROW, CARD_CHART_TEXT_PT / text_size(sheet.card_svg))
    room_mm -= CARD_CAPTION_MM + CARD_FIGURE_SLACK_MM
    chart = fit(sheet.card_svg, width_mm, room_mm - legend_lines(width_mm) * CARD_LINE_MM, grow)
    column = max(chart.width_pt / MM, min(width_mm, CARD_LEGEND_MIN_MM))
    chart = fit(sheet.card_svg, column, room_mm - legend_lines(column) * CARD_LINE_MM, grow)
    return CardLayout(chart, round(column, 1))


def facts_mm(sheet: PowerSheet, text_mm: float) -> float:
    """An estimate of the height of the card's facts with their text text_mm wide: on the sample's cards it
    came out 3 mm above the height of their text as WeasyPrint set it, never less (card_layout keeps a
    line to spare as well)."""
    chars = text_mm * MM / 10.5 - 1.5  # less a list item's bullet
    return sum(CARD_FACT_GAP_MM + CARD_LINE_MM * sum(lines(t, chars) for t in texts) for texts in card_facts(sheet))


def card_facts(sheet: PowerSheet) -> list[list[str]]:
    """The paragraphs of each of the card's facts, as card.html prints them."""
    office = [f"{sheet.department} {sheet.office}", f"负责人:{sheet.responsible}"]
    details = (("服务窗口", sheet.window), ("联系电话", sheet.phone), ("办公地址", sheet.address))
    office += [f"{name}:{value}" for name, value in details if value]
    return [
        sheet.basis or ["无"],
        _conditions(sheet),
        [*(sheet.materials or ["无"]), *([sheet.forms] if sheet.forms else [])],
        sheet.fees,
        _limits(sheet),
        office,
        ["、".join(sheet.rights) or "无"],
        _contacts(sheet.supervision) or ["无"],
        _complaints(sheet),
    ]


@dataclass(frozen=True)
class TypeSize:
    """The poster's body and heading sizes in points (poster.css: .poster and .poster.dense)."""

    body: float
    heading: float


POSTER_TYPE = TypeSize(16.0, 18.0)
POSTER_DENSE_TYPE = TypeSize(13.0, 14.0)
SECTION_GAP_MM = 3.5  # a section's bottom margin and its heading's
ELEMENTS_MARGIN_MM = 4.0


@dataclass(frozen=True)
class PosterLayout:
    """The poster's chart, and whether its seven elements are set in the smaller type to leave it room."""

    chart: ChartImage
    dense: bool


def poster_header_mm(sheet: PowerSheet) -> float:
    """The height of the poster's header: kicker, title, code and department line, rule and gaps."""
    meta = f"权力编码:{sheet.code} 实施机关:{sheet.department} {sheet.office}(负责人:{sheet.responsible})"
    title = 12.7 * lines(sheet.name, POSTER_TITLE_CHARS) + 2.0
    return max(32.0, 7.6 + title + 7.6 * lines(meta, POSTER_META_CHARS)) + 7.0


def poster_height_mm(sheet: PowerSheet) -> float:
    """The height the poster leaves under its header for the chart, its legend and the seven elements."""
    return round(POSTER_CONTENT_MM - poster_header_mm(sheet) - 4.0, 1)


def poster_layout(sheet: PowerSheet) -> PosterLayout:
    """The chart across the poster's width, and as tall as the seven elements under it leave room for.

    They are set in the smaller type only when the larger would leave the chart less than it needs: its
    size at full width less POSTER_GIVE, and never more than makes its text POSTER_CHART_TEXT_PT. If even
    the smaller type leaves too little room, the chart keeps POSTER_MIN_CHART_MM and they go on overleaf."""
    room = poster_height_mm(sheet) - POSTER_LEGEND_MM
    width, height = natural_size(sheet.poster_svg)
    full_width = min(POSTER_WIDTH_MM * MM / width, POSTER_GROW)
    needs_mm = height * min(full_width * (1 - POSTER_GIVE), POSTER_CHART_TEXT_PT / text_size(sheet.poster_svg)) / MM
    dense = room - elements_mm(sheet, POSTER_TYPE) < needs_mm
    box = max(room - elements_mm(sheet, POSTER_DENSE_TYPE if dense else POSTER_TYPE), POSTER_MIN_CHART_MM)
    return PosterLayout(fit(sheet.poster_svg, POSTER_WIDTH_MM, box, POSTER_GROW), dense)


def elements_mm(sheet: PowerSheet, size: TypeSize) -> float:
    """An estimate of the height of the poster's seven elements in balanced columns, on the safe side: their
    lines shared out, plus half the tallest block that cannot be split (a heading with an item) and a
    margin. Measured on the sample's posters, the columns came out 10 to 50 % of that block taller than
    the lines shared out, and the estimate always at least 4 mm above the height WeasyPrint set."""
    column_mm = (POSTER_WIDTH_MM - (POSTER_COLUMNS - 1) * POSTER_COLUMN_GAP_MM) / POSTER_COLUMNS
    chars = column_mm * MM / size.body - 2  # less the bullet and its indent
    line = size.body * LINE_HEIGHT / MM
    heading = size.heading * LINE_HEIGHT / MM + SECTION_GAP_MM
    sections = [[lines(text, chars) for text in texts] for texts in poster_elements(sheet)]
    total = sum(heading + line * sum(counts) for counts in sections)
    tallest = max(heading + line * max(counts) for counts in sections)
    return total / POSTER_COLUMNS + tallest / 2 + ELEMENTS_MARGIN_MM


def poster_elements(sheet: PowerSheet) -> list[list[str]]:
    """The paragraphs of each of the seven elements, as poster.html prints them."""
    return [
        _conditions(sheet),
        sheet.steps or ["无"],
        _limits(sheet),
        _contacts(sheet.supervision) or ["无"],
        ["、".join(sheet.rights) or "无"],
        _complaints(sheet),
    ]


def _conditions(sheet: PowerSheet) -> list[str]:
    return [*([sheet.trigger] if sheet.trigger else []), *sheet.conditions] or ["无"]


def _limits(sheet: PowerSheet) -> list[str]:
    return [f"法定时限:{sheet.statutory}", f"承诺时限:{sheet.promised}"]


def _contacts(items: list[Contact]) -> list[str]:
    return [f"{c.label}:{c.detail}" if c.detail else c.label for c in items]


def _complaints(sheet: PowerSheet) -> list[str]:
    hotline = [f"政务服务热线:{sheet.hotline}"] if sheet.hotline else []
    return [*_contacts(sheet.complaints), *hotline] or ["无"]
