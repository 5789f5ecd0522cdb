"""The DOT text of a flowchart: golden files (web and print variants), the seven required elements, what the
print variants keep and leave out, and text made safe."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.core.edition import Edition, EditionPower
from generator.core.model import Step
from generator.outputs.flowchart import chart_label, dot_source
from generator.outputs.flowchart.dot import VARIANTS
from generator.outputs.flowchart.layout import plan
from generator.outputs.flowchart.text import clean, escape, width_of, wrap

FIXTURE = Path(__file__).parent / "fixtures" / "flowchart" / "powers"
GOLDEN = Path(__file__).parent / "golden" / "dot"  # the web variant; the print variants in sub-folders
CODES = ["FX01TJ-CF-0001", "FX01SJ-XK-0001", "FX01TJ-QT-0001"]
PRINT_VARIANTS = ["print", "print-tall"]
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def power_of(edition: Edition, code: str) -> EditionPower:
    return next(p for p in edition.powers() if p.code == code)


@pytest.mark.parametrize("variant", ["web", *PRINT_VARIANTS])
@pytest.mark.parametrize("code", CODES)
def test_dot_matches_golden_file(edition: Edition, code: str, variant: str) -> None:
    source = dot_source(power_of(edition, code), edition.catalogue, variant=variant)
    golden = (GOLDEN if variant == "web" else GOLDEN / variant) / f"{code}.dot"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(source, encoding="utf-8")
    assert source == golden.read_text(encoding="utf-8"), f"重新生成:UPDATE_GOLDEN=1 pytest {__file__}"


def test_every_power_of_the_fixture_has_a_golden_file(edition: Edition) -> None:
    assert sorted(p.code for p in edition.powers()) == sorted(CODES)
    for folder in [GOLDEN, *(GOLDEN / v for v in PRINT_VARIANTS)]:
        assert sorted(CODES) == sorted(f.stem for f in folder.glob("*.dot")), folder


def test_web_is_the_default_variant(edition: Edition) -> None:
    power = power_of(edition, "FX01TJ-CF-0001")
    assert dot_source(power, edition.catalogue) == dot_source(power, edition.catalogue, variant="web")
    assert set(VARIANTS) == {"web", *PRINT_VARIANTS}


@pytest.mark.parametrize("variant", PRINT_VARIANTS)
def test_print_chart_keeps_steps_posts_limits_notes_and_branches(edition: Edition, variant: str) -> None:
    power = power_of(edition, "FX01TJ-CF-0001")
    text = label_text(dot_source(power, edition.catalogue, variant=variant))
    steps = power.record.procedure.steps
    expected = [
        "依职权",
        *(f"{n}.{step.name}" for n, step in enumerate(steps, 1)),
        *(step.post for step in steps),
        "2个工作日",
        "1个工作日",
        "公开：出示执法证件",
        "公开：处罚决定在政府网站公开",
        "权利：陈述、申辩、听证",
        "拟作出处罚",
        "违法事实不成立",
        "办结",
    ]
    assert [item for item in expected if squeeze(item) not in text] == []


@pytest.mark.parametrize("variant", PRINT_VARIANTS)
def test_print_chart_leaves_what_the_sheet_prints_to_the_sheet(edition: Edition, variant: str) -> None:
    power = power_of(edition, "FX01TJ-CF-0001")
    source = dot_source(power, edition.catalogue, variant=variant)
    text = label_text(source)
    left_out = [
        power.record.name,  # the title: the sheet's header
        *power.record.conditions,  # the start's conditions: the sheet's 办理条件
        *(step.does for step in power.record.procedure.steps if step.does),  # the sheet lists the procedure
        "法定：20个工作日",  # the panel: limits, supervision, complaints, legend
        *(s.name for s in power.supervision),
        *(c.contact for c in power.complaints),
        "图例",
    ]
    assert [item for item in left_out if squeeze(item) in text] == []
    assert '"panel"' not in source and "rank=sink" not in source


def test_print_chart_runs_left_to_right_without_stacked_branches(edition: Edition) -> None:
    spec = {"a": ["no", "b"], "b": ["small", "c", "refuse"], "c": ["d"], "d": [], "no": [], "small": [], "refuse": []}
    power = power_of(edition, "FX01SJ-XK-0001")
    procedure = power.record.procedure.model_copy(update={"steps": steps_of(spec)})
    branching = dataclasses.replace(power, record=power.record.model_copy(update={"procedure": procedure}))
    stacked = '"end_small" -> "s_refuse" [style=invis weight=10];'
    wide = dot_source(branching, edition.catalogue, variant="print")
    assert "rankdir=LR" in wide and "style=invis" not in wide  # stacking would lengthen the row
    for variant in ("web", "print-tall"):
        tall = dot_source(branching, edition.catalogue, variant=variant)
        assert "rankdir=TB" in tall and stacked in tall


def test_penalty_chart_holds_the_seven_elements(edition: Edition) -> None:
    power = power_of(edition, "FX01TJ-CF-0001")
    text = label_text(dot_source(power, edition.catalogue))
    rec = power.record
    expected = [
        "依职权",  # (1) how it starts, and its conditions
        *rec.conditions,
        *(step.post for step in rec.procedure.steps),  # (2) the post at every step
        *(step.name for step in rec.procedure.steps),  # (3) steps and branch conditions
        "拟作出处罚",
        "违法事实不成立",
        "2个工作日",  # (4) step limits and the power's limits
        "法定：20个工作日",
        "承诺：12个工作日",
        *(s.name for s in power.supervision),  # (5) supervision with contacts
        *(s.phone for s in power.supervision),
        *rec.rights,  # (6) the party's rights, also per step
        "陈述、申辩、听证",
        *(c.contact for c in power.complaints),  # (7) complaint channels
        "出示执法证件",  # disclosure notes
        "处罚决定在政府网站公开",
    ]
    missing = [item for item in expected if squeeze(item) not in text]
    assert not missing


def test_branches_are_dashed_and_hand_offs_bold(edition: Edition) -> None:
    source = dot_source(power_of(edition, "FX01TJ-CF-0001"), edition.catalogue)
    assert re.search(
        r'"s_investigate" -> "s_close" \[style="dashed,bold" label=<<TABLE[^\n]*>违法事实不<BR/>成立<', source
    )
    assert re.search(r'"s_decide" -> "s_serve" \[style="bold"\]', source)  # 局长办公会 hands over
    assert '"s_serve" -> "end_serve";' in source and '"s_close" -> "end_close";' in source


def test_minimal_power_says_what_is_not_set(edition: Edition) -> None:
    text = label_text(dot_source(power_of(edition, "FX01TJ-QT-0001"), edition.catalogue))
    for item in ["时限未设", "法定：无明确规定", "承诺：无明确规定", "相对人权利未列明", "条件未列明"]:
        assert squeeze(item) in text


def test_hotline_joins_the_complaint_channels_once(edition: Edition) -> None:
    licence = power_of(edition, "FX01SJ-XK-0001")
    text = label_text(dot_source(licence, edition.catalogue))
    assert "电话：12315" in text and "电话：12345" in text and "政务服务热线" not in text
    no_hotline = edition.catalogue.model_copy(update={"hotline": "96345"})
    assert "政务服务热线：96345" in label_text(dot_source(licence, no_hotline))


def test_chart_label_names_the_power(edition: Edition) -> None:
    assert chart_label(power_of(edition, "FX01TJ-CF-0001")) == "对统计违法行为的行政处罚 权力运行流程图"


def test_wrap_keeps_lines_within_the_width() -> None:
    text = "材料齐全、符合法定形式的当场受理;不齐全的一次性告知需补正的全部内容"
    lines = wrap(text, 20)
    assert "".join(lines) == text
    assert all(width_of(line) <= 20 for line in lines[:-1])


def test_wrap_breaks_long_urls_after_a_separator_on_their_own_line() -> None:
    assert wrap("网站：https://qlqd.example.gov.cn/complaints/", 28) == (
        "网站：",
        "https://qlqd.example.gov.cn/",
        "complaints/",
    )


def test_wrap_leaves_no_single_character_last_line_and_no_line_starting_with_a_comma() -> None:
    assert wrap("许可结果在政府网站公示", 20) == ("许可结果在政府网站", "公示")
    assert not any(line.startswith("，") for line in wrap("甲乙丙丁戊己庚辛壬癸，子丑", 20))


def test_clean_removes_controls_and_bidi_and_keeps_line_breaks() -> None:
    assert clean("a\u202eb\u2066c\u200fd\x00e\x1bf\tg\r\nh\u2028i") == "abcdef g\nh\ni"


@given(st.text())
def test_wrapped_text_is_the_cleaned_text_without_controls(text: str) -> None:
    lines = wrap(text, 20)
    assert squeeze("".join(lines)) == squeeze(clean(text))
    assert not any(ch in line for line in lines for ch in BIDI + "\n\r\x00")


@given(st.text())
def test_escaped_text_has_no_markup_or_lone_backslash(text: str) -> None:
    escaped = escape(clean(text))
    assert not set("<>\"']") & set(escaped)
    assert re.fullmatch(r"(?:[^\\&]|\\\\|&(?:amp|lt|gt|quot|#x27|#93);)*", escaped)


def label_text(source: str) -> str:
    """The visible text of every HTML-like label in a DOT source, without markup, entities or spaces."""
    text = re.sub(r"</?(?:TABLE|TR|TD|B|BR|HR|FONT)\b[^<>]*>", "", source)
    return squeeze(text.replace("&#160;", "").replace("&#93;", "]").replace("&amp;", "&"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def steps_of(spec: dict[str, list[str]]) -> list[Step]:
    """Steps from {id: [next ids]}, in the order given; all at one post."""
    return [
        Step(id=i, name=i, post="科", next=[{"to": t, "when": f"到{t}"} for t in targets])
        for i, targets in spec.items()
    ]


def test_main_line_is_the_longest_route_and_side_branches_stack_beside_it() -> None:
    steps = steps_of(
        {"a": ["no", "b"], "b": ["small", "c", "refuse"], "c": ["d"], "d": [], "no": [], "small": [], "refuse": []}
    )
    layout = plan(steps)
    assert layout.main == {"a", "b", "c", "d"}
    assert layout.stacked == [("small", "refuse")]  # refuse's box goes below small's end, not beside it
    assert layout.ordered == {"a", "b"}  # side branches to the right of the main line
    assert [branch.to for branch in layout.first_on_main_line(steps[1])] == ["c", "small", "refuse"]


def test_branches_that_rejoin_the_main_line_are_not_stacked_or_reordered() -> None:
    steps = steps_of({"a": ["fix", "b"], "fix": ["b"], "b": ["c", "d"], "c": ["d"], "d": []})
    layout = plan(steps)
    assert layout.main == {"a", "fix", "b", "c", "d"}
    assert layout.stacked == [] and layout.ordered == set()  # d is reached from b and from c


def test_stacked_side_branches_appear_as_invisible_arrows(edition: Edition) -> None:
    licence = power_of(edition, "FX01SJ-XK-0001")
    source = dot_source(licence, edition.catalogue)
    assert '"s_accept" [label=<' in source and "ordering=out" in source
    assert source.count("group=main") == len(plan(licence.record.procedure.steps).main) + 2  # with start and end
