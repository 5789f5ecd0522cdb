"""A print chart in parts, for a procedure too long to print in one piece with its text large enough: the steps
cut into consecutive stretches of the procedure (by their rank, the longest route from the first step), each
stretch drawn as a chart of its own. Where an arrow leaves a part, it ends at a connector naming the step it leads
to (转至 7. 集体讨论); where it arrives in a later part, it starts from one naming the step it comes from
(由 5. 听证 转来). The steps keep the numbers they have in the whole chart and on the website."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from generator.core.edition import EditionPower
from generator.core.model import Step, TimeLimit
from generator.outputs.flowchart.dot import (
    START,
    VARIANTS,
    ChartVariant,
    arrow,
    defaults,
    print_start,
    step_id,
    step_nodes,
)
from generator.outputs.flowchart.layout import Layout, plan
from generator.outputs.flowchart.text import dot_id, escape, wrap

CONNECTOR = 'shape=box style="rounded,dashed"'
CONNECTOR_WIDTH = 16  # a connector's text, in half-width units, at least


@dataclass(frozen=True)
class PrintChart:
    """What a sheet's chart is drawn from: the power's code, how its procedure starts, its steps and time unit,
    and the print variant (print: left to right; print-tall: top to bottom)."""

    code: str
    trigger: str
    unit: str
    steps: tuple[Step, ...]
    variant: ChartVariant


def print_chart(power: EditionPower, variant: ChartVariant) -> PrintChart:
    rec = power.record
    steps = tuple(rec.procedure.steps) if rec.procedure else ()
    trigger = rec.procedure.trigger if rec.procedure else ""
    return PrintChart(rec.code, trigger, (rec.time_limit or TimeLimit()).unit, steps, variant)


def ranks(steps: Sequence[Step]) -> dict[str, int]:
    """Each step's rank: the arrows on the longest route to it from the first step (a step no arrow reaches: 0)."""
    before: dict[str, list[str]] = {step.id: [] for step in steps}
    for step in steps:
        for branch in step.next:
            if branch.to in before:
                before[branch.to].append(step.id)
    found: dict[str, int] = {}

    def rank(step_id: str) -> int:
        if step_id not in found:
            found[step_id] = 0  # a step on the current path counts as a start: no unchecked cycle recurses forever
            found[step_id] = max((rank(p) + 1 for p in before[step_id]), default=0)
        return found[step_id]

    return {step.id: rank(step.id) for step in steps}


def most_parts(chart: PrintChart) -> int:
    """The most parts the chart can be cut into: one per rank."""
    return max(ranks(chart.steps).values(), default=0) + 1


def part_sources(chart: PrintChart, count: int) -> list[str]:
    """The DOT text of each of the chart's parts, cut into count stretches of about as many ranks each."""
    rank = ranks(chart.steps)
    total = max(rank.values(), default=0) + 1
    count = max(1, min(count, total))
    part_of = {step_id: r * count // total for step_id, r in rank.items()}
    return [_part(chart, number, count, part_of) for number in range(count)]


def _part(chart: PrintChart, number: int, count: int, part_of: dict[str, int]) -> str:
    style = VARIANTS[chart.variant]
    by_id = {step.id: step for step in chart.steps}
    mine = [step for step in chart.steps if part_of[step.id] == number]
    inside = {step.id for step in mine}
    layout = plan([step.model_copy(update={"next": [b for b in step.next if b.to in inside]}) for step in mine])
    layout = dataclasses.replace(
        layout,
        stacked=[(a, b) for a, b in layout.stacked if not by_id[a].next] if style.rankdir == "TB" else [],
    )
    lines = [f"digraph {dot_id(f'{chart.code}_{number + 1}_{count}')} {{", *defaults(style)]
    if number == 0 and mine:
        lines.append(f'  {START} [style="rounded,bold" group=main label=<{print_start(chart.trigger, style)}>];')
        lines.append(f"  {START} -> {step_id(mine[0])};")
    numbers = {step.id: n for n, step in enumerate(chart.steps, 1)}
    for step in mine:
        lines.extend(step_nodes(numbers[step.id], step, chart.unit, layout, style))
    lines.extend(_arrows(chart, part_of, number, layout))
    lines.extend(f"  {dot_id('end_' + a)} -> {dot_id('s_' + b)} [style=invis weight=10];" for a, b in layout.stacked)
    return "\n".join([*lines, "}"]) + "\n"


def _arrows(chart: PrintChart, part_of: dict[str, int], number: int, layout: Layout) -> Iterator[str]:
    """The part's arrows: from a connector where one arrives from an earlier part, between its steps (the one on
    its main line first, as in the whole chart), to a connector where one leaves the part."""
    style = VARIANTS[chart.variant]
    width = max(style.field_width, CONNECTOR_WIDTH)
    numbers = {step.id: n for n, step in enumerate(chart.steps, 1)}
    by_id = {step.id: step for step in chart.steps}
    for source in (step for step in chart.steps if part_of[step.id] != number):
        for branch in source.next:
            target = by_id.get(branch.to)
            if target is not None and part_of[target.id] == number:
                node, label = dot_id(f"from_{source.id}_{target.id}"), f"由 {numbers[source.id]}. {source.name} 转来"
                yield f"  {node} [{CONNECTOR} label=<{_connector(label, width)}>];"
                yield f"  {node} -> {step_id(target)}{arrow(source, branch, target, style, labelled=False)};"
    for step in (step for step in chart.steps if part_of[step.id] == number):
        if not step.next:
            yield f"  {step_id(step)} -> {dot_id('end_' + step.id)};"
        for branch in layout.first_on_main_line(step):
            target = by_id.get(branch.to)
            if target is None or part_of[target.id] == number:
                yield f"  {step_id(step)} -> {dot_id('s_' + branch.to)}{arrow(step, branch, target, style)};"
                continue
            node, label = dot_id(f"to_{step.id}_{target.id}"), f"转至 {numbers[target.id]}. {target.name}"
            yield f"  {node} [{CONNECTOR} label=<{_connector(label, width)}>];"
            yield f"  {step_id(step)} -> {node}{arrow(step, branch, target, style)};"


def _connector(text: str, width: int) -> str:
    return "<BR/>".join(escape(line) for line in wrap(text, width)) or "&#160;"
