"""One power's 权力运行流程图 as DOT text: the start, every step with its post and limit, branches and
hand-offs, the end, and a panel with time limits, supervision, rights, complaint channels and the legend.

Every record text goes through flowchart_text (cleaned, wrapped, escaped) into an HTML-like label, so no
record can change the graph. The web variant runs top to bottom, narrow enough for a phone. The print
variants leave out the title, the start's conditions, what each step does and the panel (a sheet prints
those itself, in large type, with the legend) and keep each box compact, so that the chart's text comes
out large on paper: "print" runs left to right across a landscape poster, "print-tall" top to bottom
beside a card's text. All stay legible in black and white: branches are dashed, hand-offs to another
post are bold, the ends are rounded and bold.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from generator.core.edition import EditionPower
from generator.core.model import Branch, CatalogueRecord, PowerRecord, Step, TimeLimit
from generator.outputs.flowchart.layout import Layout, plan
from generator.outputs.flowchart.text import clean, dot_id, escape, width_of, wrap
from generator.outputs.wording import ARROWS, limit_texts, step_days_text

FONT = "Noto Sans CJK SC"
# Widths in half-width units (a Chinese character is 2): a field in a box, a branch condition, the panel text.
FIELD_WIDTH = 18
EDGE_WIDTH = 10
PANEL_WIDTH = 28
TITLE_WIDTH = 30
START, PANEL = '"start"', '"panel"'
END_NODE = 'style="rounded,bold" label=<<B>办结</B>>'
TRIGGER_HINTS = {"依申请": "由申请人申请启动", "依职权": "由行政机关主动启动"}
LEGEND = [f"{arrow.name}：{arrow.meaning}" for arrow in ARROWS]
UNSTATED = "未列明"


ChartVariant = Literal["web", "print", "print-tall"]


@dataclass(frozen=True)
class Variant:
    """How a chart is drawn for one medium."""

    rankdir: str
    field_width: int  # a step box's text, in half-width units
    edge_width: int  # a branch condition
    sizes: tuple[int, int]  # the font size of boxes and of branch conditions
    spacing: str  # nodesep, ranksep and pad
    full: bool  # the title, the start's conditions, each step's 内容 and the panel (the web page's chart)


VARIANTS: dict[ChartVariant, Variant] = {
    "web": Variant("TB", FIELD_WIDTH, EDGE_WIDTH, (11, 10), "nodesep=0.2 ranksep=0.3 pad=0.15", full=True),
    "print": Variant("LR", 10, 8, (12, 12), "nodesep=0.18 ranksep=0.22 pad=0.05", full=False),
    "print-tall": Variant("TB", 18, 10, (12, 12), "nodesep=0.18 ranksep=0.22 pad=0.05", full=False),
}


def chart_label(power: EditionPower) -> str:
    """The chart's accessible name, e.g. 对统计违法行为的行政处罚 权力运行流程图."""
    return f"{' '.join(clean(power.record.name).split())} 权力运行流程图"


def dot_source(power: EditionPower, catalogue: CatalogueRecord, *, variant: ChartVariant = "web") -> str:
    """Deterministic DOT text of one power's 权力运行流程图, drawn for the site or for paper (see VARIANTS)."""
    rec = power.record
    style = VARIANTS[variant]
    steps = rec.procedure.steps if rec.procedure else []
    unit = (rec.time_limit or TimeLimit()).unit
    layout = plan(steps)
    if style.rankdir != "TB":  # side branches stacked one below another would lengthen a row, not save width
        layout = dataclasses.replace(layout, stacked=[])
    panel = [f"  {PANEL} [shape=plain label=<{_panel_label(power, catalogue)}>];"] if style.full else []
    lines = [
        f"digraph {dot_id(rec.code)} {{",
        *_defaults(power, style),
        *_nodes(rec, steps, unit, layout, style),
        *panel,
        *_edges(steps, layout, style),
        *([f"  {{ rank=sink; {PANEL} }}"] if panel else []),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _nodes(rec: PowerRecord, steps: list[Step], unit: str, layout: Layout, style: Variant) -> Iterator[str]:
    """The start, the steps and an end after each last step; the main line (the longest route) is kept
    straight by one group, so that side branches share the rows or columns beside it."""
    yield f'  {START} [style="rounded,bold" group=main label=<{_start_label(rec, style)}>];'
    for number, step in enumerate(steps, 1):
        yield from step_nodes(number, step, unit, layout, style)
    if not steps:
        yield f'  "end" [{END_NODE} group=main];'


def step_nodes(number: int, step: Step, unit: str, layout: Layout, style: Variant) -> Iterator[str]:
    """A step's box, and its end when no arrow leaves it."""
    group = " group=main" if step.id in layout.main else ""
    order = " ordering=out" if step.id in layout.ordered else ""
    yield f"  {step_id(step)} [label=<{_step_label(number, step, unit, style)}>{group}{order}];"
    if not step.next:
        yield f"  {_end_id(step)} [{END_NODE}{group}];"


def _defaults(power: EditionPower, style: Variant) -> list[str]:
    return defaults(style, _title_label(power) if style.full else "")


def defaults(style: Variant, title: str = "") -> list[str]:
    """The graph's, boxes' and arrows' attributes: direction, font, sizes, spacing (and the web chart's title)."""
    font = f'fontname="{FONT}"'
    look = f"{style.spacing} bgcolor=white"
    look = f"labelloc=t {look} label=<{title}>" if title else look
    return [
        f'  graph [charset="UTF-8" rankdir={style.rankdir} {font} fontsize=11 {look}];',
        f'  node [{font} fontsize={style.sizes[0]} shape=box margin="0.08,0.04"];',
        f"  edge [{font} fontsize={style.sizes[1]} arrowsize=0.7];",
    ]


def _title_label(power: EditionPower) -> str:
    rec = power.record
    name = _lines(wrap(rec.name, TITLE_WIDTH))
    where = _together_if_fits([power.department.name, rec.office], TITLE_WIDTH)
    details = [
        "权力运行流程图",
        *wrap(f"{rec.code} · {rec.category}", TITLE_WIDTH),
        *(line for text in where for line in wrap(text, TITLE_WIDTH)),
    ]
    return f'<FONT POINT-SIZE="13"><B>{name}</B></FONT><BR/>{_lines(details)}'


def _start_label(rec: PowerRecord, style: Variant) -> str:
    """How the procedure starts; on the web also the conditions (a sheet prints them beside the chart)."""
    trigger = rec.procedure.trigger if rec.procedure else None
    if not style.full:
        return print_start(trigger, style)
    fields = [("方式", trigger), ("", TRIGGER_HINTS[trigger])] if trigger else [("方式", UNSTATED)]
    fields += [("条件" if n == 0 else "", f"· {text}") for n, text in enumerate(rec.conditions)] or [("条件", UNSTATED)]
    return _form("启动", fields)


def print_start(trigger: str | None, style: Variant) -> str:
    """The start's box on paper: how the procedure starts."""
    return _column("启动", [escape(trigger or UNSTATED)], style.field_width)


def _step_label(number: int, step: Step, unit: str, style: Variant) -> str:
    """A step's box; what it does only on the web (a sheet lists the procedure in its text)."""
    if not style.full:
        return _compact_step(number, step, unit, style.field_width)
    fields = [("岗位", step.post), ("时限", "未设" if step.days is None else step_days_text(step.days, unit))]
    if step.does:
        fields.append(("内容", step.does))
    if step.disclose:
        fields.append(("公开", step.disclose))
    if step.rights:
        fields.append(("权利", "、".join(step.rights)))
    return _form(f"{number}. {step.name}", fields, style.field_width)


def _compact_step(number: int, step: Step, unit: str, width: int) -> str:
    """A print step box, one column wide: the title, then the post and the limit (the sheet's legend names
    them), then the notes on what is made public and the party's rights, each after its bold name."""
    days = "时限未设" if step.days is None else step_days_text(step.days, unit, compact=True)
    rows = [_lines(wrap(step.post, width)), _lines(wrap(days, width))]
    if step.disclose:
        rows.append(_labelled("公开", step.disclose, width))
    if step.rights:
        rows.append(_labelled("权利", "、".join(step.rights), width))
    return _column(f"{number}. {step.name}", rows, width)


def _column(title: str, rows: list[str], width: int) -> str:
    """A print node label: a bold title (a little wider than the text under it) over rows of markup."""
    head, *cells = (
        f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{cell}</TD></TR>'
        for cell in [f"<B>{_lines(wrap(title, width + 2))}</B>", *rows]
    )
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{head}<HR/>{"".join(cells)}</TABLE>'


def _labelled(name: str, text: str, width: int) -> str:
    """Text wrapped after its bold name, which starts the first line."""
    first, *rest = wrap(f"{name}：{text}", width)
    head = len(name) + 1
    return f"<B>{escape(first[:head])}</B>" + "<BR/>".join([escape(first[head:]), *map(escape, rest)])


def _panel_label(power: EditionPower, catalogue: CatalogueRecord) -> str:
    rec = power.record
    statutory, promised = limit_texts(rec.time_limit)
    sections = [
        ("办理时限", [f"法定：{statutory}", f"承诺：{promised}"]),
        ("监督制约", [t for s in power.supervision for t in _supervisor(s.name, s.phone, s.address)] or [UNSTATED]),
        ("相对人权利", ["、".join(rec.rights) if rec.rights else UNSTATED]),
        ("投诉举报", _complaint_lines(power, catalogue) or [UNSTATED]),
        ("图例", LEGEND),
    ]
    rows = [f"<TR>{_head(head)}{_cell(texts, PANEL_WIDTH)}</TR>" for head, texts in sections]
    return f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">{"".join(rows)}</TABLE>'


def _supervisor(name: str, phone: str | None, address: str | None) -> list[str]:
    """A supervising body's paragraphs: name and phone on one line where they fit, then the address."""
    lines = _together_if_fits([name, *([f"电话 {phone}"] if phone else [])], PANEL_WIDTH)
    return [*lines, f"地址 {address}"] if address else lines


def _together_if_fits(parts: list[str], width: int) -> list[str]:
    """The parts as one paragraph if it fits on a line, else one paragraph each."""
    joined = " ".join(parts)
    return [joined] if width_of(clean(joined)) <= width else parts


def _complaint_lines(power: EditionPower, catalogue: CatalogueRecord) -> list[str]:
    lines = [f"{c.channel}：{c.contact}" for c in power.complaints]
    if catalogue.hotline and all(c.contact != catalogue.hotline for c in power.complaints):
        lines.append(f"政务服务热线：{catalogue.hotline}")
    return lines


def _edges(steps: list[Step], layout: Layout, style: Variant) -> Iterator[str]:
    """Every arrow; of a step's branches the one on the main line first, side branches stacked."""
    if not steps:
        yield f'  {START} -> "end";'
        return
    by_id = {step.id: step for step in steps}
    yield f"  {START} -> {step_id(steps[0])};"
    for step in steps:
        if not step.next:
            yield f"  {step_id(step)} -> {_end_id(step)};"
        for branch in layout.first_on_main_line(step):
            yield f"  {step_id(step)} -> {dot_id('s_' + branch.to)}{arrow(step, branch, by_id.get(branch.to), style)};"
    for above, below in layout.stacked:
        yield f"  {dot_id('end_' + above)} -> {dot_id('s_' + below)} [style=invis weight=10];"


def arrow(step: Step, branch: Branch, target: Step | None, style: Variant, labelled: bool = True) -> str:
    """An arrow's attributes: dashed for a branch, bold for a hand-off to another post, the branch's condition."""
    branching = len(step.next) > 1
    styles = ["dashed"] if branching or branch.when else []
    if target is not None and target.post != step.post:
        styles.append("bold")
    attrs = [f'style="{",".join(styles)}"'] if styles else []
    if labelled and (branch.when or branching):
        attrs.append(f"label=<{_edge_label(branch.when or '其他情形', style.edge_width)}>")
    return f" [{' '.join(attrs)}]" if attrs else ""


def _edge_label(text: str, width: int) -> str:
    """A branch condition, padded so that the text keeps clear of the arrow beside it."""
    return f'<TABLE BORDER="0" CELLPADDING="3" CELLSPACING="0"><TR><TD>{_lines(wrap(text, width))}</TD></TR></TABLE>'


def step_id(step: Step) -> str:
    return dot_id(f"s_{step.id}")


def _end_id(step: Step) -> str:
    return dot_id(f"end_{step.id}")


def _form(title: str, fields: list[tuple[str, str]], width: int = FIELD_WIDTH) -> str:
    """A node label: a bold title over rows of a short field name beside its text wrapped to width."""
    rows = [f'<TR><TD COLSPAN="2" ALIGN="LEFT" BALIGN="LEFT"><B>{_lines(wrap(title, width + 6))}</B></TD></TR><HR/>']
    rows += [f"<TR>{_head(name)}{_cell([text], width)}</TR>" for name, text in fields]
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>'


def _head(name: str) -> str:
    """A field name cell; blank under the first of several rows of one field."""
    return f'<TD ALIGN="LEFT" VALIGN="TOP"><B>{escape(name)}</B></TD>' if name else "<TD></TD>"


def _cell(texts: list[str], width: int) -> str:
    """A left-aligned cell: each text a paragraph, wrapped to width."""
    lines = [line for text in texts for line in wrap(text, width)]
    return f'<TD ALIGN="LEFT" BALIGN="LEFT">{_lines(lines)}</TD>'


def _lines(lines: Sequence[str]) -> str:
    """Escaped lines joined by breaks; never empty, as Graphviz rejects an empty <B></B>."""
    return "<BR/>".join(escape(line) for line in lines) or "&#160;"
