"""Rendering flowcharts with Graphviz: batched processes, the content-hash cache, inline-ready accessible SVG,
and record text that stays inert text however hostile it is."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.core.edition import Edition, EditionPower
from generator.core.model import Complaint, Supervisor
from generator.outputs.flowchart import ChartError, chart_label, dot_source, render_svgs
from generator.outputs.flowchart import render as flowchart_render
from generator.outputs.flowchart.text import clean

FIXTURE = Path(__file__).parent / "fixtures" / "flowchart" / "powers"
SVG_NS = "{http://www.w3.org/2000/svg}"
DRAWING_TAGS = {"svg", "title", "g", "polygon", "path", "text", "polyline", "ellipse"}
NASTY = [
    "quote \" and ' apostrophe \\ backslash \\N \\G \\L \\E \\n {braces} [brackets]; semicolon",
    '"]; injected [label="x"]; start -> injected; //',
    "> label=<<B>bold</B>> <TABLE><TR><TD>cell</TD></TR></TABLE>",
    "<script>alert(1)</script> <!-- comment --> <![CDATA[ x ]]> <?xml version='1.0'?>",
    "&amp; &lt;tag&gt; &#60;entity&#62; &#x27; & lone ampersand",
    "first line\nsecond line\r\nthird\u2028fourth\u2029fifth",
    "\u202eRTL override\u202c \u2066isolate\u2069 \u200emarks\u200f \u202aembed\u202c",
    "controls \x00\x07\x1b[31m and zero\u200bwidth \ufeffbom",
    "emoji 😀 ext-B 𠀀 and a very long unbroken ASCII run " + "x" * 90,
]


@pytest.fixture
def dot_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every command line the renderer starts that renders (not `dot -V`)."""
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args, *rest, **kwargs):
        if "-Tsvg" in args:
            calls.append(list(args))
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(flowchart_render.subprocess, "run", counting_run)
    return calls


def sources_of(edition: Edition) -> dict[str, str]:
    return {p.code: dot_source(p, edition.catalogue) for p in edition.powers()}


def variants(power: EditionPower, count: int) -> list[EditionPower]:
    """count distinct charts made from one power (codes and names numbered)."""
    prefix = power.code[:-4]
    return [
        dataclasses.replace(
            power,
            record=power.record.model_copy(update={"code": f"{prefix}{n:04d}", "name": f"{power.record.name}{n}"}),
        )
        for n in range(1, count + 1)
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def visible_text(svg: str) -> str:
    """The chart's text in drawing order, whitespace removed (wrapped lines join up again)."""
    root = parse(svg)
    return re.sub(r"\s+", "", "".join(t.text or "" for t in root.iter(f"{SVG_NS}text")))


def test_svg_holds_the_seven_elements(edition: Edition, tmp_path: Path) -> None:
    power = next(p for p in edition.powers() if p.code == "FX01TJ-CF-0001")
    svg = render_svgs({power.code: dot_source(power, edition.catalogue)}, tmp_path)[power.code]
    text = visible_text(svg)
    rec = power.record
    expected = [
        "启动",
        "依职权",
        *rec.conditions,
        *(f"岗位{step.post}" for step in rec.procedure.steps),
        *(f"{n}.{step.name}" for n, step in enumerate(rec.procedure.steps, 1)),
        "拟作出处罚",
        "违法事实不成立",
        "时限5个工作日",
        "法定：20个工作日",
        "承诺：12个工作日",
        *(f"{s.name}电话{s.phone}" for s in power.supervision),
        "、".join(rec.rights),
        "权利陈述、申辩、听证",
        *(f"{c.channel}：{c.contact}" for c in power.complaints),
        "公开出示执法证件",
        "办结",
    ]
    missing = [item for item in expected if re.sub(r"\s+", "", item) not in text]
    assert not missing


def test_svg_is_ready_to_inline_accessibly(edition: Edition, tmp_path: Path) -> None:
    labels = {p.code: chart_label(p) for p in edition.powers()}
    svgs = render_svgs(sources_of(edition), tmp_path, labels)
    assert list(svgs) == list(sources_of(edition))
    ids: list[str] = []
    for code, svg in svgs.items():
        assert svg.startswith("<svg ") and "<?xml" not in svg and "<!DOCTYPE" not in svg and "<!--" not in svg
        root = parse(svg)
        assert root.get("role") == "img" and root.get("aria-label") == labels[code]
        assert root.find(f"{SVG_NS}title").text == labels[code]
        assert root.get("width") == "100%" and "height" not in root.attrib and root.get("viewBox")
        assert re.fullmatch(r"max-width:\d+px;height:auto;color:#000;fill:#000", root.get("style"))
        assert [t.text for t in root.iter(f"{SVG_NS}title")] == [labels[code]]  # no node-name tooltips
        ids += [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), "ids must not collide when charts share a page"
    assert all(i.startswith("fc-FX01") for i in ids)


def test_second_render_uses_the_cache_and_runs_no_dot(edition: Edition, tmp_path: Path, dot_calls: list) -> None:
    sources = sources_of(edition)
    first = render_svgs(sources, tmp_path)
    assert len(dot_calls) == 1 and len(list(tmp_path.glob("*.svg"))) == len(sources)
    second = render_svgs(sources, tmp_path)
    assert len(dot_calls) == 1 and second == first
    changed = dict(sources, **{"FX01TJ-QT-0001": sources["FX01TJ-QT-0001"].replace("综合科", "办公室")})
    third = render_svgs(changed, tmp_path)
    assert len(dot_calls) == 2 and dot_calls[1][-1:] == ["000000.dot"]  # only the changed chart
    assert "办公室" in third["FX01TJ-QT-0001"] and third["FX01TJ-CF-0001"] == first["FX01TJ-CF-0001"]
    assert not list(tmp_path.glob(".render-*")), "no temporary files left in the cache"


def test_cache_key_covers_the_graphviz_version(edition: Edition, tmp_path: Path, monkeypatch, dot_calls) -> None:
    sources = sources_of(edition)
    render_svgs(sources, tmp_path)
    monkeypatch.setattr(flowchart_render, "dot_version", lambda dot: "dot - graphviz version 99.0")
    render_svgs(sources, tmp_path)
    assert len(dot_calls) == 2 and len(list(tmp_path.glob("*.svg"))) == 2 * len(sources)


def test_many_charts_render_in_fewer_processes_than_charts(edition: Edition, tmp_path: Path, dot_calls) -> None:
    powers = variants(edition.powers()[0], 60)
    svgs = render_svgs({p.code: dot_source(p, edition.catalogue) for p in powers}, tmp_path)
    assert len(svgs) == 60 and len({visible_text(s) for s in svgs.values()}) == 60
    assert 1 <= len(dot_calls) <= 2  # at most one per core: never one per chart
    assert sum(len(call) - 3 for call in dot_calls) == 60


def test_a_chart_renders_the_same_alone_and_in_a_batch(edition: Edition, tmp_path: Path) -> None:
    sources = sources_of(edition)
    together = render_svgs(sources, tmp_path / "batch")
    for key, source in sources.items():
        assert render_svgs({key: source}, tmp_path / key)[key] == together[key]


def test_hostile_text_stays_text(edition: Edition, tmp_path: Path) -> None:
    power = hostile_power(edition, NASTY)
    labels = {power.code: NASTY[2] + NASTY[6]}
    svg = render_svgs({power.code: dot_source(power, edition.catalogue)}, tmp_path, labels)[power.code]
    root = parse(svg)  # well-formed: every text escaped
    assert {el.tag.removeprefix(SVG_NS) for el in root.iter()} <= DRAWING_TAGS
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u200b\ufeff\x00-\x08\x1b]", svg)
    text = visible_text(svg)
    for nasty in NASTY:
        assert re.sub(r"\s+", "", clean(nasty)) in text, nasty
    assert "\\N" in text and "\\G" in text  # not expanded to the node or graph name
    assert root.get("aria-label") == " ".join(clean(labels[power.code]).split())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=1), min_size=4, max_size=4))
@example(["0", "0", "0", "]"])  # a cell ending in "]" last in a label broke Graphviz's parser
def test_any_text_renders(edition: Edition, tmp_path: Path, texts: list[str]) -> None:
    power = hostile_power(edition, texts)
    svg = render_svgs({power.code: dot_source(power, edition.catalogue)}, tmp_path)[power.code]
    text = visible_text(svg)
    assert all(re.sub(r"\s+", "", clean(t)) in text for t in texts)


def test_dot_failure_names_the_power(edition: Edition, tmp_path: Path) -> None:
    sources = sources_of(edition)
    sources["FX01TJ-CF-0099"] = "digraph broken { a [label=<<B></B>>]; }\n"
    with pytest.raises(ChartError, match="FX01TJ-CF-0099"):
        render_svgs(sources, tmp_path)
    assert not list(tmp_path.glob(".render-*"))


def test_missing_graphviz_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flowchart_render.shutil, "which", lambda name: None)
    with pytest.raises(ChartError, match="graphviz"):
        render_svgs({"FX01TJ-CF-0001": "digraph g {}"}, tmp_path)


def test_batches_stay_within_the_argument_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flowchart_render, "_arg_max", lambda: 2000)
    names = [f"{n:06d}.dot" for n in range(900)]
    batches = flowchart_render._batches(names)
    assert [n for b in batches for n in b] == names
    assert all(sum(len(n) + 1 for n in b) <= 1000 for b in batches)


def hostile_power(edition: Edition, texts: list[str]) -> EditionPower:
    """The penalty fixture with every text it shows replaced by the given texts (cycled; all of them are
    conditions), unvalidated."""
    base = next(p for p in edition.powers() if p.code == "FX01TJ-CF-0001")
    t = (texts * 8)[:8]
    steps = []
    for n, step in enumerate(base.record.procedure.steps):
        branches = [b.model_copy(update={"when": b.when and t[(n + 5) % 8]}) for b in step.next]
        texts_of_step = {"name": t[n % 8], "post": t[(n + 1) % 8], "does": t[(n + 2) % 8], "disclose": t[(n + 3) % 8]}
        steps.append(step.model_copy(update=texts_of_step | {"rights": [t[(n + 4) % 8]], "next": branches}))
    procedure = base.record.procedure.model_copy(update={"steps": steps})
    update = {"name": t[0], "office": t[1], "conditions": list(texts), "rights": [t[4], t[5]], "procedure": procedure}
    return dataclasses.replace(
        base,
        record=base.record.model_copy(update=update),
        department=base.department.model_copy(update={"name": t[6]}),
        supervision=[Supervisor.model_construct(name=t[7], phone=t[0], address=t[1])],
        complaints=[Complaint.model_construct(channel=t[2], contact=t[3])],
    )
