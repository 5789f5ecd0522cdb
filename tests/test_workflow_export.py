"""`export --xlsx`: the 职权目录 columns in the seed's order then the time limits with their unit, the
confidential list on its own sheet, no internal-scope powers, no formulas, the same bytes every time,
one department with --dept."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from workflow_fixture import FIXTURE, copy_catalogue, run

from generator.outputs.workbook import put

SEED_COLUMNS = ["项目名称", "权力编码", "权力类别", "权力依据", "公开形式", "公开范围", "公开时间", "收费及依据标准"]
SEED_COLUMNS.append("承办科室和负责人")
COLUMNS = [*SEED_COLUMNS, "法定时限", "承诺时限"]


def export(powers: Path, out: Path, *extra: str) -> openpyxl.Workbook:
    result = run("export", "--xlsx", out, "--powers", powers, *extra)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def rows(book: openpyxl.Workbook, sheet: str) -> list[tuple]:
    return list(book[sheet].iter_rows(values_only=True))


def test_public_edition_in_the_seed_column_order(tmp_path):
    book = export(FIXTURE, tmp_path / "out.xlsx")
    assert book.sheetnames == ["行政职权目录", "涉密不宜公开目录"]
    main = rows(book, "行政职权目录")
    assert list(main[0]) == COLUMNS
    assert [r[1] for r in main[1:]] == ["FX01SC-JC-0001", "FX01TJ-XK-0001", "FX01TJ-CF-0001"]  # department, category
    permit = dict(zip(COLUMNS, main[2], strict=True))
    assert permit == {
        "项目名称": "统计调查项目审批",
        "权力编码": "FX01TJ-XK-0001",
        "权力类别": "行政许可",
        "权力依据": "《中华人民共和国统计法》第十二条",
        "公开形式": "政府网站、政务公开栏",
        "公开范围": "全社会",
        "公开时间": "长期",
        "收费及依据标准": "证书工本费:每本10元(依据:发改价格〔2015〕100号)",
        "承办科室和负责人": "统计科(负责人:统计科科长)",
        "法定时限": "20个工作日",  # with the unit, so that import reads it back
        "承诺时限": "10个工作日",
    }
    assert main[3][3] == "《中华人民共和国统计法》第三十七条至第四十一条\n《河北省统计条例》第三十四条"


def test_confidential_powers_only_by_code_name_category_and_reason(tmp_path):
    book = export(FIXTURE, tmp_path / "out.xlsx")
    assert rows(book, "涉密不宜公开目录") == [
        ("项目名称", "权力编码", "权力类别", "不公开理由"),
        ("涉密统计资料管理", "FX01TJ-QT-0001", "其他行政权力", "涉及国家秘密"),
    ]
    everything = "\n".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row)
    for hidden in ("综合科", "中华人民共和国保守国家秘密法", "各项费用支出", "FX01TJ-NB-0001", "财务科"):
        assert hidden not in everything  # confidential details and internal-scope powers


def test_internal_edition_includes_internal_powers(tmp_path):
    book = export(FIXTURE, tmp_path / "out.xlsx", "--edition", "internal")
    codes = [r[1] for r in rows(book, "行政职权目录")[1:]]
    assert "FX01TJ-NB-0001" in codes and "FX01TJ-QT-0001" not in codes  # confidential: reduced in every edition
    assert [r[1] for r in rows(book, "涉密不宜公开目录")[1:]] == ["FX01TJ-QT-0001"]


DANGEROUS = ['=HYPERLINK("http://evil.example","点击")', "+1+2", "-3+4", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def test_put_stores_every_dangerous_start_as_quoted_text(tmp_path):
    book = openpyxl.Workbook()
    for row, text in enumerate([*DANGEROUS, "统计科", "=1"], start=1):
        put(book.active, row, 1, text)
    book.save(tmp_path / "cells.xlsx")
    cells = [r[0] for r in openpyxl.load_workbook(tmp_path / "cells.xlsx").active.iter_rows()]
    assert [c.value for c in cells] == [*DANGEROUS[:-1], "\n=1+1", "统计科", "=1"]  # CR is a line break
    assert all(c.data_type == "s" for c in cells)
    assert [bool(c.quotePrefix) for c in cells] == [True] * len(DANGEROUS) + [False, True]


def test_cells_that_look_like_formulas_stay_text(tmp_path):
    powers = copy_catalogue(tmp_path)
    path = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("name: 统计调查项目审批", 'name: "=HYPERLINK(\\"http://evil.example\\",\\"点击\\")"')
    text = text.replace("office: 统计科", 'office: "+1+2"').replace("responsible: 统计科科长", 'responsible: "-3+4"')
    text = text.replace("forms: [政府网站, 政务公开栏]", 'forms: ["@SUM(A1)", "=1+1"]')
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.xlsx"
    book = export(powers, out)
    row = next(r for r in book["行政职权目录"].iter_rows() if r[1].value == "FX01TJ-XK-0001")
    assert row[0].value == DANGEROUS[0] and row[0].data_type == "s"
    assert row[8].value == "+1+2(负责人:-3+4)"
    assert row[4].value == "@SUM(A1)、=1+1"
    assert all(cell.data_type == "s" for cell in row)
    assert row[0].quotePrefix and row[4].quotePrefix and not row[1].quotePrefix
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert all(b"<f>" not in xml and b"<f " not in xml for xml in sheets)  # no formula anywhere


def test_same_catalogue_same_bytes_and_source_date_epoch(tmp_path, monkeypatch):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    export(FIXTURE, first)
    export(FIXTURE, second)
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(first)
    assert book.properties.created == book.properties.modified == dt.datetime(2024, 3, 1)  # newest revision
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    export(FIXTURE, second)
    assert openpyxl.load_workbook(second).properties.modified == dt.datetime(2023, 11, 14, 22, 13, 20)
    with zipfile.ZipFile(second) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.parametrize("broken", ["code: [\n", "code: FX01TJ-XK-0001\n"])
def test_invalid_catalogue_exports_nothing(tmp_path, broken):
    powers = copy_catalogue(tmp_path)
    (powers / "tjj" / "FX01TJ-XK-0001.yaml").write_text(broken, encoding="utf-8")
    result = run("export", "--xlsx", tmp_path / "out.xlsx", "--powers", powers)
    assert result.exit_code == 1 and "请先修正" in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_unwritable_target(tmp_path):
    result = run("export", "--xlsx", tmp_path / "no" / "such" / "out.xlsx", "--powers", FIXTURE)
    assert result.exit_code == 1 and "无法写入" in result.output


def test_one_department(tmp_path):
    book = export(FIXTURE, tmp_path / "tjj.xlsx", "--dept", "tjj")
    assert [r[1] for r in rows(book, "行政职权目录")[1:]] == ["FX01TJ-XK-0001", "FX01TJ-CF-0001"]
    assert [r[1] for r in rows(book, "涉密不宜公开目录")[1:]] == ["FX01TJ-QT-0001"]
    result = run("export", "--xlsx", tmp_path / "scj.xlsx", "--powers", FIXTURE, "--dept", "scj")
    assert result.output == f"已导出 {(tmp_path / 'scj.xlsx').as_posix()}(部门 scj):1 个事项,涉密不宜公开目录 0 项\n"


def test_unknown_department(tmp_path):
    result = run("export", "--xlsx", tmp_path / "out.xlsx", "--powers", FIXTURE, "--dept", "jyj")
    assert (result.exit_code, result.output) == (2, "未知部门「jyj」。已有部门:scj、tjj\n")
    assert not (tmp_path / "out.xlsx").exists()


def test_time_limits_that_are_not_set(tmp_path):
    powers = copy_catalogue(tmp_path)
    path = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    text = path.read_text(encoding="utf-8").replace("  statutory: 20\n", "")
    path.write_text(text.replace("  unit: 工作日\n", "  unit: 自然日\n"), encoding="utf-8")
    main = rows(export(powers, tmp_path / "out.xlsx"), "行政职权目录")
    assert main[1][1] == "FX01SC-JC-0001" and "time_limit" not in (powers / "scj" / "FX01SC-JC-0001.yaml").read_text()
    assert [r[9:] for r in main[1:3]] == [("无明确规定", "无明确规定"), ("无明确规定", "10个自然日")]


def test_fees_one_a_line_with_item_standard_and_basis(tmp_path):
    powers = copy_catalogue(tmp_path)
    path = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    second = "  - item: 加急费\n    standard: 每本5元\n    basis: 复兴价〔2020〕1号\ntime_limit:"
    path.write_text(path.read_text(encoding="utf-8").replace("time_limit:", second, 1), encoding="utf-8")
    cell = rows(export(powers, tmp_path / "out.xlsx"), "行政职权目录")[2][7]
    assert cell == "证书工本费:每本10元(依据:发改价格〔2015〕100号)\n加急费:每本5元(依据:复兴价〔2020〕1号)"
