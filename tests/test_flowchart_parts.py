"""A print chart in parts (issue 17) is drawn from the same procedure as the whole chart and the web chart: every step
in exactly one part with the box it has in the whole print chart, every arrow either inside a part or cut into a
connector pair that names both ends, the parts in the order of the procedure."""

from __future__ import annotations

import re

import procedures
import pytest

from generator.core.edition import make_edition
from generator.core.model import Step
from generator.core.validate import load_valid
from generator.outputs.flowchart import dot_source
from generator.outputs.flowchart.parts import most_parts, part_sources, print_chart, ranks

NODE = re.compile(r'^  "(s_[a-z0-9_]+)" \[(label=<.*>)[^\]]*\];$', re.M)
ARROW = re.compile(r'^  "([a-z0-9_]+)" -> "([a-z0-9_]+)"( \[.*\])?;$', re.M)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    root = tmp_path_factory.mktemp("parts") / "powers"
    procedures.catalogue(root)
    return make_edition(load_valid(root), "public")


def _boxes(dot: str) -> dict[str, str]:
    return dict(NODE.findall(dot))


def _arrows(dot: str) -> set[tuple[str, str]]:
    return {(a, b) for a, b, _ in ARROW.findall(dot)}


@pytest.mark.parametrize("variant", ["print", "print-tall"])
def test_parts_hold_every_step_and_arrow_of_the_whole_chart(edition, variant):
    for power in edition.powers():
        whole = dot_source(power, edition.catalogue, variant=variant)
        web = re.sub(r"<BR/>|\s", "", dot_source(power, edition.catalogue))
        chart = print_chart(power, variant)
        steps = {f"s_{step.id}": step for step in chart.steps}
        assert all(f"<B>{n}.{step.name}</B>" in web for n, step in enumerate(chart.steps, 1))  # the web's numbers
        for count in range(2, most_parts(chart) + 1):
            parts = part_sources(chart, count)
            assert len(parts) == count, (power.code, count)
            boxes = [_boxes(dot) for dot in parts]
            assert sorted(b for part in boxes for b in part) == sorted(steps), (power.code, count)
            merged = {name: label for part in boxes for name, label in part.items()}
            assert merged == _boxes(whole), (power.code, count)  # the same boxes, the same numbers
            arrows = [_arrows(dot) for dot in parts]
            for step in chart.steps:
                for branch in step.next:
                    a, b = f"s_{step.id}", f"s_{branch.to}"
                    home = next(n for n, part in enumerate(boxes) if a in part)
                    there = next(n for n, part in enumerate(boxes) if b in part)
                    if home == there:
                        assert (a, b) in arrows[home]
                    else:
                        assert home < there, "a part never sends an arrow back"
                        assert (a, f"to_{step.id}_{branch.to}") in arrows[home]
                        assert (f"from_{step.id}_{branch.to}", b) in arrows[there]
                        out, back = (re.sub(r"<BR/>|\s", "", parts[n]) for n in (home, there))  # labels unwrapped
                        assert f"转至{list(steps).index(b) + 1}.{steps[b].name}" in out
                        assert f"由{list(steps).index(a) + 1}.{steps[a].name}转来" in back


def test_only_the_first_part_starts_and_every_end_is_kept(edition):
    power = next(p for p in edition.powers() if len(p.record.procedure.steps) == 20)
    parts = part_sources(print_chart(power, "print"), 3)
    assert ['"start" ->' in dot for dot in parts] == [True, False, False]
    ends = [step.id for step in power.record.procedure.steps if not step.next]
    assert sorted(e for dot in parts for e in re.findall(r'"end_([a-z0-9_]+)" \[', dot)) == sorted(ends)


def test_ranks_follow_the_longest_route():
    steps = load_steps([("a", ["b", "c"]), ("b", ["d"]), ("c", ["e"]), ("e", ["d"]), ("d", [])])
    assert ranks(steps) == {"a": 0, "b": 1, "c": 1, "e": 2, "d": 3}


def load_steps(shape):
    return [Step.model_validate({"id": i, "name": i, "post": "岗", "next": nxt}) for i, nxt in shape]
