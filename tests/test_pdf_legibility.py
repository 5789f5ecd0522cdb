"""Printed charts that stay legible for long procedures (issue 17): the smallest text actually drawn on every card and
poster, measured from the PDFs with pdfplumber, whose size of a character takes in the transformation of the chart
it is drawn in. For the sample's sheets and for generated procedures of 5, 10, 15 and 20 steps with branches, long
step and post names, and a step that branches six ways: chart text at least 8 pt on the A4 card and 12 pt on the
A3 poster, all other text at least 10.5 pt (五号), and the seven elements still on each sheet."""

from __future__ import annotations

import dataclasses
import io
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pdfplumber
import procedures
import pytest

from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.outputs.pdf import write_pdfs
from generator.outputs.pdf.guide import FeeRow
from generator.outputs.pdf.jobs import with_charts
from generator.outputs.pdf.render import render_sheets
from generator.outputs.pdf.writer import guide_sources, sheet_sources

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).resolve().parents[1] / "powers"
CHART_PT = {"card": 8.0, "poster": 12.0}  # A4, A3
BODY_PT = 10.5
PAGE_SCALE = 0.75  # WeasyPrint draws the page's own text at this scale (CSS pixels to points); a chart's is scaled too
POSTER_ELEMENTS = ("①", "②③ 办理步骤和承办岗位", "④ 办理时限", "⑤ 监督制约", "⑥ 相对人权利", "⑦ 投诉举报")
CARD_FACTS = ("权力依据", "办理时限", "承办机构", "相对人权利", "监督制约", "投诉举报")


def drawn_sizes(pdf: bytes) -> tuple[list[float], list[float]]:
    """The size on paper (pt) of every visible character: those drawn inside a chart, and all the others."""
    chart, body = [], []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for char in page.chars:
                if char["text"].isspace():
                    continue
                scale = abs(char["matrix"][0])
                (body if abs(scale - PAGE_SCALE) < 1e-6 else chart).append(char["size"])
    return chart, body


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, without the spaces and line breaks that wrapping puts in."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [re.sub(r"\s+", "", page.extract_text() or "") for page in document.pages]


def assert_legible(kind: str, pdf: bytes, name: str) -> None:
    chart, body = drawn_sizes(pdf)
    assert chart, f"{name}: no chart text found"
    assert min(chart) >= CHART_PT[kind] - 0.01, f"{name}: chart text at {min(chart):.2f} pt"
    assert min(body) >= BODY_PT - 0.01, f"{name}: text at {min(body):.2f} pt"
    if kind == "poster":
        assert min(body) >= CHART_PT[kind], f"{name}: poster text at {min(body):.2f} pt"


@pytest.fixture(scope="module")
def shapes(tmp_path_factory) -> tuple[dict[str, str], Path]:
    root = tmp_path_factory.mktemp("legible")
    codes = procedures.catalogue(root / "powers")
    write_pdfs(make_edition(load_valid(root / "powers"), "public"), root / "site", root / "cache")
    return codes, root / "site" / "pdf"


def sheet_file(shapes, shape: str, kind: str) -> bytes:
    codes, folder = shapes
    return (folder / f"{codes[shape]}{'' if kind == 'card' else '-a3'}.pdf").read_bytes()


@pytest.mark.parametrize("kind", ["card", "poster"])
@pytest.mark.parametrize("shape", list(procedures.SHAPES))
def test_long_procedures_print_at_least_the_minimum_sizes(shapes, shape, kind):
    steps, branches, long, fan = procedures.SHAPES[shape]
    record = procedures.procedure(steps, branches, long=long, fan_out=fan)
    assert len(record) == steps and procedures.branch_points(record) == branches  # the shape as named
    assert_legible(kind, sheet_file(shapes, shape, kind), f"{shape} {kind}")


def test_the_sample_sheets_print_at_least_the_minimum_sizes(tmp_path):
    edition = make_edition(load_valid(SAMPLE), "public")
    for kind in ("card", "poster"):
        sheets = with_charts(kind, sheet_sources(edition, kind), tmp_path / "charts")
        for sheet, pdf in zip(sheets, render_sheets(kind, sheets), strict=True):
            assert_legible(kind, pdf, f"{sheet.code} {kind}")


def test_the_sample_guides_print_at_least_the_card_s_minimum_sizes(tmp_path):
    """The 办事指南 (A4, issue 15) runs its chart over its own pages: its text is held to the card's minimums."""
    edition = make_edition(load_valid(SAMPLE), "public")
    sheets = with_charts("guide", guide_sources(edition), tmp_path / "charts")
    assert sheets
    for sheet, pdf in zip(sheets, render_sheets("guide", sheets), strict=True):
        assert_legible("card", pdf, f"{sheet.code} guide")


def test_the_worst_shape_is_as_bad_as_it_says(shapes):
    """Long texts and a six-way branch: the generated record has them, and its chart is cut into parts."""
    record = procedures.procedure(20, 6, long=True, fan_out=True)
    assert max(len(step.get("next", [])) if isinstance(step.get("next"), list) else 1 for step in record) == 6
    assert all(step["post"] == procedures.LONG_POST for step in record)
    for kind in ("card", "poster"):
        assert any("第1段,共" in text for text in page_texts(sheet_file(shapes, "20-steps-fan", kind)))


@pytest.mark.parametrize("shape", ["15-steps", "20-steps"])
def test_a_long_card_points_to_its_chart_on_the_back_and_keeps_its_facts(shapes, shape):
    pages = page_texts(sheet_file(shapes, shape, "card"))
    assert len(pages) == 2
    front, back = pages
    assert "权力运行流程图(办理步骤、承办岗位和时限)见背面" in front
    assert all(fact in front for fact in CARD_FACTS)
    assert "第1段,共" in back and "转至" in back and "转来" in back  # the parts and their connectors
    assert back.count("转交另一岗位办理") == 1  # the legend, once
    assert "办结" in back


@pytest.mark.parametrize("shape", ["15-steps", "20-steps", "20-steps-long", "20-steps-fan"])
def test_a_long_poster_gives_its_chart_the_page_and_the_seven_elements_the_next(shapes, shape):
    pdf = sheet_file(shapes, shape, "poster")
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert "第1段,共" in pages[0] and "转至" in "".join(pages[:-1])
    assert all(element.replace(" ", "") in pages[-1] for element in POSTER_ELEMENTS)
    assert "(续)" in pages[-1]
    assert "".join(pages).count("转交另一岗位办理") == 1
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        last = document.pages[-1].chars
    assert all(abs(abs(c["matrix"][0]) - PAGE_SCALE) < 1e-6 for c in last)  # no chart on the elements' page


@pytest.mark.parametrize("shape", ["5-steps", "10-steps"])
def test_a_short_procedure_keeps_its_one_page_sheets(shapes, shape):
    for kind in ("card", "poster"):
        pages = page_texts(sheet_file(shapes, shape, kind))
        assert len(pages) == 1, kind
        assert "段,共" not in pages[0]


UNBROKEN = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789" * 2  # no break opportunity: only overflow-wrap can break it
GUIDE_MARGIN_PT = 12 * 72 / 25.4  # guide.css: the page's side margins


def test_long_text_wraps_inside_the_guide_s_fixed_columns(tmp_path):
    """The guide's tables have fixed column widths (guide.css): a long word wraps inside its cell, drawn over
    no other text and printed whole, and nothing runs into the page's margins."""
    source = guide_sources(make_edition(load_valid(SAMPLE), "public"))[0]
    guide = source.sheet
    step = dataclasses.replace(guide.steps[0], name=f"受理{UNBROKEN}", post=UNBROKEN, days=UNBROKEN, next=[UNBROKEN])
    material = dataclasses.replace(guide.materials[0], name=UNBROKEN, form=UNBROKEN, copies=UNBROKEN, where=UNBROKEN)
    fee = FeeRow(UNBROKEN, UNBROKEN, UNBROKEN)
    long = dataclasses.replace(guide, steps=[step, *guide.steps[1:]], materials=[material], fees=[fee])
    pdf = render_sheets("guide", with_charts("guide", [dataclasses.replace(source, sheet=long)], tmp_path))[0]
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        chars = [
            (page.page_number, c)
            for page in document.pages
            for c in page.chars
            if not c["text"].isspace() and abs(abs(c["matrix"][0]) - PAGE_SCALE) < 1e-6  # the page's, not the chart's
        ]
        width = document.pages[0].width
    assert all(c["x0"] >= GUIDE_MARGIN_PT - 0.5 and c["x1"] <= width - GUIDE_MARGIN_PT + 0.5 for _, c in chars)
    lines: dict[tuple[int, int], list[dict]] = {}
    for page, c in chars:
        lines.setdefault((page, round(c["top"])), []).append(c)
    for line in lines.values():
        line.sort(key=lambda c: c["x0"])
        assert all(b["x0"] >= a["x1"] - 0.5 for a, b in pairwise(line)), "text drawn over text"
    printed = Counter(c["text"] for _, c in chars)
    assert all(printed[ch] >= 11 * UNBROKEN.count(ch) for ch in set(UNBROKEN))  # the 11 long texts, whole
