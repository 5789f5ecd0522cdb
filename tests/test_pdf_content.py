"""The PDF stage without rendering: what the sheets say, escaping, chart sizing, version ids, the pieces of
the splitter that rewrite fonts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf.generic import ArrayObject, FloatObject, NumberObject

from generator.commands import main
from generator.core.edition import make_edition
from generator.core.fingerprint import record_version
from generator.core.validate import load_valid
from generator.outputs.pdf import content, layout, split
from generator.outputs.pdf.html import booklet_html, chapter_html, sheets_html
from generator.outputs.pdf.jobs import with_charts
from generator.outputs.pdf.writer import plan, sheet_sources
from generator.outputs.site.pages import limits_of

FIXTURE = Path(__file__).parent / "fixtures" / "pdf" / "powers"
INJECTED = "食品经营备案确认<script>alert(1)</script>{{ 7*191 }}"


def _power(edition, code):
    return next(p for p in edition.powers() if p.code == code)


def test_limits_print_as_the_site_shows_them(edition):
    for power in edition.powers():
        sheet = content.power_sheet(power, edition.catalogue)
        web = limits_of(power.record)
        assert (sheet.statutory, sheet.promised) == (web.statutory, web.promised), power.code
    step = _power(edition, "FX01SJ-QR-0001").record.procedure.steps[0]
    assert content.step_text(step, "工作日") == "受理并确认(登记窗口,即时)"  # a step of 0 days, as on the site


def test_sheet_holds_every_element_of_a_card(edition):
    sheet = content.power_sheet(_power(edition, "FX01TJ-XK-0001"), edition.catalogue)
    assert sheet.basis == ["《中华人民共和国统计法》第二十三条", "《涉外调查管理办法》"]
    assert sheet.fees == ["资格证书工本费:每本10至20元(依据:冀价行费〔2015〕12号)"]
    assert sheet.materials[0] == "涉外调查机构资格申请表(原件2份)"
    assert (sheet.statutory, sheet.promised) == ("20 个工作日", "10 个工作日")
    assert sheet.steps[0] == "受理(区政务服务中心3号窗口,1 个工作日)"
    assert sheet.url == "https://qlqd.example.gov.cn/powers/FX01TJ-XK-0001/"
    assert sheet.revised == "2023年3月1日"
    assert sheet.version == record_version(_power(edition, "FX01TJ-XK-0001").record)
    assert [c.label for c in sheet.supervision] == ["区纪委监委", "区统计局机关纪委"]
    assert sheet.hotline == "12345"


def test_no_fee_and_no_limit_are_said_in_words(edition):
    sheet = content.power_sheet(_power(edition, "FX01SJ-QR-0001"), edition.catalogue)
    assert sheet.fees == ["不收费"]
    assert (sheet.statutory, sheet.promised) == ("无明确规定", "无明确规定")
    assert sheet.basis == ["《食品安全法》第三十五条"]  # the title marks are not doubled


def test_revision_date_is_the_newest_revision(edition):
    sheet = content.power_sheet(_power(edition, "FX01TJ-CF-0001"), edition.catalogue)
    assert sheet.revised == "2024年6月15日"


def test_version_changes_with_the_record_and_only_then(edition):
    record = _power(edition, "FX01TJ-CF-0001").record
    version = record_version(record)
    assert re.fullmatch(r"[0-9a-f]{8}", version)
    assert record_version(record.model_copy()) == version
    assert record_version(type(record).model_validate(record.model_dump())) == version
    changed = record.model_copy(update={"fees": [], "office": "执法检查二科"})
    assert record_version(changed) != version
    assert record_version(record.model_copy(update={"effective": dt.date(2024, 1, 2)})) != version


def test_record_text_is_escaped_in_the_html(edition):
    sheet = content.power_sheet(_power(edition, "FX01SJ-QR-0001"), edition.catalogue)
    html = sheets_html("card", [sheet]) + sheets_html("poster", [sheet])
    assert "<script>" not in html and "<b>加粗</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*191 }}" in html
    assert "1337" not in html


def whole_html(book: content.Booklet) -> str:
    """The HTML of a booklet's frame (with no leaves) and of its chapters."""
    frame = booklet_html(book, {c.anchor: [] for c in book.chapters})
    return frame + "".join(chapter_html(c) for c in book.chapters)


def test_booklet_shows_a_confidential_power_by_its_four_fields_only(edition):
    whole = content.booklet(edition, edition.departments, edition.catalogue.name)
    html = whole_html(whole)
    for text in ("FX01TJ-JC-0001", "重大国情国力调查数据核查", "行政检查", "涉及国家秘密"):
        assert text in html
    for text in ("保密核查科", "密级核查专用条款甲", "秘密启动条件乙", "秘密核查步骤丙", "保密核查岗丁"):
        assert text not in html
    assert whole.withheld == 1 and whole.shown == 3


def test_internal_powers_are_nowhere(edition):
    whole = whole_html(content.booklet(edition, edition.departments, edition.catalogue.name))
    for text in ("FX01TJ-NB-0001", "机关内部经费支出审批", "财务科内部岗戊", "内部审批步骤庚"):
        assert text not in whole


def test_plan_has_a_card_and_a_poster_per_public_power_a_guide_per_application_and_the_booklets(edition):
    paths = [o.path for o in plan(edition)]
    assert paths == [
        "pdf/FX01SJ-QR-0001.pdf",
        "pdf/FX01TJ-CF-0001.pdf",
        "pdf/FX01TJ-XK-0001.pdf",
        "pdf/FX01SJ-QR-0001-a3.pdf",
        "pdf/FX01TJ-CF-0001-a3.pdf",
        "pdf/FX01TJ-XK-0001-a3.pdf",
        "pdf/FX01SJ-QR-0001-guide.pdf",
        "pdf/FX01TJ-XK-0001-guide.pdf",
        "pdf/dept/scj.pdf",
        "pdf/dept/tjj.pdf",
        "pdf/catalogue.pdf",
    ]


def test_keys_change_with_what_a_file_is_made_of_and_only_then(edition):
    """Keys come from the records, without rendering: an edit changes the keys of the record's card and poster
    and of the booklets that list it, and of nothing else; the same edition gives the same keys."""
    power = _power(edition, "FX01TJ-CF-0001")
    changed = dataclasses.replace(power, record=power.record.model_copy(update={"office": "执法检查二科"}))
    edited = dataclasses.replace(edition, departments=[_with(d, changed) for d in edition.departments])
    before, again, after = ({o.path: o.key for o in plan(e)} for e in (edition, edition, edited))
    assert before == again
    assert sorted(p for p in before if before[p] != after[p]) == [
        "pdf/FX01TJ-CF-0001-a3.pdf",
        "pdf/FX01TJ-CF-0001.pdf",
        "pdf/catalogue.pdf",
        "pdf/dept/tjj.pdf",
    ]
    assert len(set(before.values())) == len(before)


def _with(dept, power):
    return dataclasses.replace(dept, powers=[power if p.code == power.code else p for p in dept.powers])


def test_frame_has_a_leaf_for_every_chapter_page_with_the_anchors_on_it(edition):
    whole = content.booklet(edition, edition.departments, edition.catalogue.name)
    leaves = {"dept-scj": [["dept-scj", "dept-scj-list"], []], "dept-tjj": [["dept-tjj", "dept-tjj-process"]]}
    html = booklet_html(whole, leaves)
    assert html.count('<section class="leaf">') == 3
    assert '<section class="leaf"><span id="dept-scj"></span><span id="dept-scj-list"></span></section>' in html
    assert 'href="#dept-tjj-process"' in html and "职权目录" in html
    assert "FX01TJ-CF-0001" not in html  # the rows are the chapters'


def test_chart_keeps_its_proportions_and_fits_the_box():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0.00 0.00 300.00 900.00" width="100%" style="x"><g/></svg>'
    image = layout.fit(svg, 95, 218)
    assert image.height_pt == pytest.approx(218 * layout.MM, abs=0.01)
    assert image.width_pt / image.height_pt == pytest.approx(300 / 900, rel=1e-3)
    assert 'width="300.00pt" height="900.00pt"' in image.svg and "100%" not in image.svg
    small = layout.fit(svg.replace("300.00 900.00", "30.00 90.00"), 95, 218)
    assert small.width_pt == pytest.approx(30 * layout.GROW)


def _svg(width: float, height: float, size: float = 12.0) -> str:
    """A stand-in for a Graphviz chart of that natural size (points), its text at size."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0.00 0.00 {width:.2f} {height:.2f}" width="100%">'
        f'<text x="1" y="1" font-size="{size:.2f}">步骤</text></svg>'
    )


def _sheet(edition, code, **changes):
    sheet = content.power_sheet(_power(edition, code), edition.catalogue)
    return dataclasses.replace(sheet, **changes)


def test_chart_text_size_is_read_from_its_text_elements():
    assert layout.text_size(_svg(100, 100, 12)) == 12.0
    assert layout.text_size(_svg(100, 100, 12) + '<text font-size="10.00">x</text>') == 10.0
    assert layout.text_size("<svg></svg>") == layout.DEFAULT_TEXT_PT


def test_poster_chart_spans_the_width_and_its_text_is_large(edition):
    wide = _svg(900, 220)  # a typical 8-step procedure left to right
    poster = layout.poster_layout(_sheet(edition, "FX01TJ-CF-0001", poster_svg=wide))
    assert poster.chart.width_pt == pytest.approx(layout.POSTER_WIDTH_MM * layout.MM, abs=0.01)
    assert 12 * poster.chart.width_pt / 900 >= 14  # the chart's 12 pt text, scaled
    assert not poster.dense
    short = layout.poster_layout(_sheet(edition, "FX01TJ-CF-0001", poster_svg=_svg(300, 80)))
    assert short.chart.width_pt == pytest.approx(300 * layout.POSTER_GROW)  # a short one grows, within bounds


def test_poster_sets_long_elements_smaller_rather_than_shrink_the_chart(edition):
    long = ["依职权:" + "统计执法检查中发现统计违法行为" * 3] * 12
    sheet = _sheet(edition, "FX01TJ-CF-0001", poster_svg=_svg(900, 220), conditions=long)
    assert layout.elements_mm(sheet, layout.POSTER_TYPE) > layout.elements_mm(sheet, layout.POSTER_DENSE_TYPE)
    poster = layout.poster_layout(sheet)
    assert poster.dense
    header_and_legend = layout.POSTER_CONTENT_MM - layout.poster_height_mm(sheet) + layout.POSTER_LEGEND_MM
    assert poster.chart.height_pt / layout.MM + header_and_legend <= layout.POSTER_CONTENT_MM  # never cut


def test_poster_chart_keeps_a_least_height_when_the_elements_go_overleaf(edition):
    sheet = _sheet(edition, "FX01TJ-CF-0001", poster_svg=_svg(900, 220), conditions=["很长的条件" * 40] * 30)
    poster = layout.poster_layout(sheet)
    assert poster.dense
    assert poster.chart.height_pt == pytest.approx(layout.POSTER_MIN_CHART_MM * layout.MM, abs=0.01)


def test_card_chart_column_narrows_only_as_far_as_the_facts_need(edition):
    tall = _svg(260, 800)  # a top-to-bottom chart: as tall as the card allows, narrower than its column
    short = layout.card_layout(_sheet(edition, "FX01SJ-QR-0001", card_svg=_svg(400, 400)))
    assert short.width_mm == layout.CARD_CHART_WIDTHS_MM[0]
    card = layout.card_layout(_sheet(edition, "FX01SJ-QR-0001", card_svg=tall))
    assert card.chart.width_pt / layout.MM <= card.width_mm < layout.CARD_CHART_WIDTHS_MM[0] - 20
    assert card.margin_mm == pytest.approx(card.width_mm + layout.GAP_MM)
    wordy = _sheet(edition, "FX01SJ-QR-0001", card_svg=_svg(400, 400), materials=["食品经营许可申请书原件" * 3] * 8)
    narrow = layout.card_layout(wordy)
    assert narrow.width_mm < short.width_mm
    text_mm = layout.CARD_WIDTH_MM - narrow.margin_mm - layout.CARD_FACT_HEAD_MM
    assert layout.facts_mm(wordy, text_mm) <= layout.CARD_CONTENT_MM - layout.card_header_mm(wordy)


def test_legend_lines_grow_as_the_column_narrows():
    assert layout.legend_lines(layout.POSTER_WIDTH_MM, 14) == 1
    assert layout.legend_lines(95) == 2
    assert layout.legend_lines(layout.CARD_LEGEND_MIN_MM) >= 3


def test_sheet_html_holds_the_legend_and_both_charts(edition, tmp_path):
    sheet = _drawn(edition, "FX01TJ-CF-0001", tmp_path / "charts")
    assert "rankdir" not in sheet.card_svg and "<svg" in sheet.card_svg and "<svg" in sheet.poster_svg
    assert layout.natural_size(sheet.poster_svg)[0] > layout.natural_size(sheet.poster_svg)[1]  # left to right
    assert layout.natural_size(sheet.card_svg)[0] < layout.natural_size(sheet.card_svg)[1]  # top to bottom
    for kind in ("card", "poster"):
        html = sheets_html(kind, [sheet])
        assert all(text in html for _, text in layout.LEGEND), kind


def _drawn(edition, code, charts):
    """The power's sheet with both its print charts."""
    card, poster = (
        next(s for s in with_charts(kind, sheet_sources(edition, kind), charts) if s.code == code)
        for kind in ("card", "poster")
    )
    return dataclasses.replace(card, poster_svg=poster.poster_svg)


def test_width_array_round_trips():
    widths = {1: NumberObject(250), 2: NumberObject(400), 7: FloatObject(500.5), 9: NumberObject(1000)}
    array = split._width_array(widths)
    assert [int(x) if not isinstance(x, ArrayObject) else list(x) for x in array] == [
        1,
        [250, 400],
        7,
        [500.5],
        9,
        [1000],
    ]
    assert split._widths(array) == widths
    assert split._widths(ArrayObject([NumberObject(3), NumberObject(5), NumberObject(600)])) == dict.fromkeys(
        (3, 4, 5), 600
    )


def test_to_unicode_map_holds_the_entries_in_blocks_of_100():
    entries = {gid: b"%04x" % (0x4E00 + gid) for gid in range(1, 251)}
    cmap = split._to_unicode(entries)
    assert cmap.count(b"beginbfchar") == 3 and b"100 beginbfchar" in cmap and b"50 beginbfchar" in cmap
    assert split._bfchar_entries(cmap) == entries


def test_shown_codes_are_read_from_hex_strings():
    assert split._codes(b"[<0001002a> -20 <ffff>]") == [1, 42, 0xFFFF]
    assert split._codes(b"(ab)") is None
    table = {1: 1, 42: 2, 0xFFFF: 3}
    assert split._rewrite_strings(b"[<0001002a> -20 <ffff>]", table) == b"[<00010002> -20 <0003>]"


def test_cli_refuses_a_bad_catalogue_without_a_traceback(tmp_path):
    root = tmp_path / "powers"
    shutil.copytree(FIXTURE, root)
    (root / "tjj" / "FX01TJ-XK-0001.yaml").write_text("code: [", encoding="utf-8")
    result = CliRunner().invoke(main, ["pdf", "--powers", str(root), "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "错误" in result.output
    assert not (tmp_path / "site").exists()


def test_the_internal_edition_marks_its_internal_powers_on_their_sheets(edition):
    internal = make_edition(load_valid(FIXTURE), "internal")
    marked = content.power_sheet(_power(internal, "FX01TJ-NB-0001"), internal.catalogue)
    public = content.power_sheet(_power(internal, "FX01SJ-QR-0001"), internal.catalogue)
    for kind in ("card", "poster"):
        assert '<b class="status">内部公开</b>' in sheets_html(kind, [marked])
        assert "内部公开" not in sheets_html(kind, [public])
