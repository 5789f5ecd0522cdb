"""`import FILE --dept SLUG`: real spreadsheet shapes (title row, merged headers, blank rows, numbers
for codes and categories), CSV in GBK, rows refused with row numbers, --force, and the check that follows."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import yaml
from realdata_convert import REALDATA
from workflow_fixture import copy_catalogue, run

from generator.importer import parse_basis, parse_days, parse_steps
from generator.validate import check_catalogue

PLACEHOLDER_CODES = {"E103", "E104", "E106", "E108"}  # what check says about a "" left for the editor


@pytest.fixture
def powers(tmp_path):
    """The fixture catalogue with an empty department jyj (code JY) to import into."""
    root = copy_catalogue(tmp_path)
    (root / "jyj").mkdir()
    (root / "jyj" / "_department.yaml").write_text("name: 测试区教育局\ncode: JY\n", encoding="utf-8")
    return root


def load(root: Path, code: str) -> dict:
    return yaml.safe_load((root / "jyj" / f"{code}.yaml").read_text(encoding="utf-8"))


def build_workbook(path: Path) -> Path:
    """A department's sheet as offices really make them."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "职权目录"
    ws["A1"] = "测试区教育局行政职权目录(2024年版)"
    ws.merge_cells("A1:J1")
    header = [
        "序号",
        "职权名称",
        "权力编码",
        "职权类别",
        "办理时限",
        None,
        "实施依据",
        "承办机构",
        "收费标准",
        "办理流程",
    ]
    for column, text in enumerate(header, start=1):
        ws.cell(2, column, text)
    for column in "ABCDGHIJ":
        ws.merge_cells(f"{column}2:{column}3")  # one-row headers span both header rows
    ws.merge_cells("E2:F2")  # 办理时限 over its two sub-headers
    ws["E3"], ws["F3"] = "法定", "承诺时限\n(工作日)"
    rows = {
        4: [
            1,
            "普通高中学历认定",
            3,
            7,
            20,
            10,
            "《教育法》第二十二条;《高中学籍管理办法》第5条",
            "基础教育科",
            "不收费",
            "受理→审核→认定→送达",
        ],
        5: [
            2,
            "学历证明补办",
            None,
            None,
            "二十个工作日",
            "即办",
            "《教育法》",
            "基础教育科",
            "每份10元",
            "1.申请 2.审核",
        ],
        8: [3, "对违规办学的处罚", None, "02", 30.0, 15, "《民办教育促进法》第六十二条", "法规科", None, None],
        9: [4, None, None, "02", None, None, None, None, None, None],
        10: [5, "教师资格咨询", None, "公共服务", None, None, None, None, None, None],
        11: [6, "校车使用许可", None, "许可", "三个月", None, None, None, None, None],
        12: [7, "普通高中学历认定", None, 7, None, None, None, None, None, None],
        13: [8, "民办学校设立审批", "FX01JY-XK-0009", "XK", None, None, None, None, None, None],
        14: [9, "教育统计调查", "511A0138000000", "06", None, None, None, None, None, None],
    }
    for row, values in rows.items():
        for column, value in enumerate(values, start=1):
            ws.cell(row, column, value)
    ws.merge_cells("D4:D5")  # the category written once for two rows
    book.create_sheet("填表说明")["A1"] = "本表由各科室填写,报局法制科汇总。"
    secret = book.create_sheet("涉密")
    for column, text in enumerate(["项目名称", "权力类别", "不公开理由"], start=1):
        secret.cell(1, column, text)
    for column, text in enumerate(["考试试题保密管理", "其他", "涉及国家秘密"], start=1):
        secret.cell(2, column, text)
    book.save(path)
    return path


def test_xlsx_with_title_row_merged_headers_blank_rows_and_numbers(tmp_path, powers):
    result = run("import", build_workbook(tmp_path / "目录.xlsx"), "--dept", "jyj", "--powers", powers)
    assert result.exit_code == 1  # some rows were refused
    written = sorted(p.name for p in (powers / "jyj").glob("FX01*.yaml"))
    assert written == [
        "FX01JY-CF-0001.yaml",
        "FX01JY-JC-0001.yaml",
        "FX01JY-QR-0003.yaml",  # code 3 given as a number
        "FX01JY-QR-0004.yaml",  # category from the merged cell above, the next code after 3
        "FX01JY-QT-0001.yaml",  # from the second sheet with a header
        "FX01JY-XK-0009.yaml",  # a full code given
    ]
    refused = {
        "工作表「职权目录」第 9 行:缺少项目名称",
        "工作表「职权目录」第 10 行:无法识别的权力类别「公共服务」",
        "工作表「职权目录」第 11 行:无法识别的时限「三个月」",
        "工作表「职权目录」第 12 行:项目名称与工作表「职权目录」第 4 行重复",
    }
    for line in refused:
        assert line in result.output
    assert "工作表「职权目录」第 14 行:表格中的编码「511A0138000000」不符合本部门的编码规则,已重新编码" in result.output
    assert "填表说明" not in result.output


def test_xlsx_cells_become_fields(tmp_path, powers):
    run("import", build_workbook(tmp_path / "目录.xlsx"), "--dept", "jyj", "--powers", powers)
    first = load(powers, "FX01JY-QR-0003")
    assert first["category"] == "行政确认" and first["office"] == "基础教育科"
    assert first["basis"] == [
        {"law": "教育法", "articles": "第二十二条"},
        {"law": "高中学籍管理办法", "articles": "第5条"},
    ]
    assert first["time_limit"] == {"unit": "工作日", "statutory": 20, "promised": 10}
    assert first["fees"] == []
    steps = first["procedure"]["steps"]
    assert [s["name"] for s in steps] == ["受理", "审核", "认定", "送达"]
    assert [s.get("next") for s in steps] == ["step2", "step3", "step4", None]
    assert {s["post"] for s in steps} == {"基础教育科"}
    second = load(powers, "FX01JY-QR-0004")
    assert second["time_limit"] == {"unit": "工作日", "statutory": 20, "promised": 0}
    assert second["fees"] == [{"item": "", "standard": "每份10元", "basis": ""}]
    assert [s["name"] for s in second["procedure"]["steps"]] == ["申请", "审核"]
    penalty = load(powers, "FX01JY-CF-0001")
    assert penalty["time_limit"]["statutory"] == 30 and penalty["discretion"][0]["violation"] == ""
    assert load(powers, "FX01JY-QT-0001")["confidential"] == {"reason": "涉及国家秘密"}


def test_after_import_check_names_only_what_editors_must_fill(tmp_path, powers):
    result = run("import", build_workbook(tmp_path / "目录.xlsx"), "--dept", "jyj", "--powers", powers)
    assert "还需要填写或改正" in result.output
    assert re.search(r"jyj/FX01JY-QR-0004\.yaml:\d+:\d+: E106 「收费依据」不能为空", result.output)
    _, report = check_catalogue(powers)
    mine = [p for p in report.errors if p.path.startswith("jyj/")]
    assert mine and {p.code for p in mine} <= PLACEHOLDER_CODES
    assert run("fmt", "--check", powers / "jyj").exit_code == 0


SEED_CSV = """\
职权名称,职权类别,实施依据,承办科室,公开形式,公开范围,公开时间,收费标准
统计执法检查,其他行政权力,《中华人民共和国统计法》、《河北省统计条例》,统计局,网络公开,全社会,长期,不收费
统计行政处罚,行政处罚权力,《中华人民共和国统计法》第26条至第31条;《河北省统计条例》第34条至第39条,统计局,网络公开,全社会,长期,无收费
各项费用支出,部门内部管理权,根据省、市、区有关文件规定,财务科,公开栏或会议,部门内部,随时公开,不收费好范文版权所有
机关各项规章制度的制定,部门内部管理权,根据省、市、区有关文件规定,办公室,"公开栏或文件、会议",部门内部,随时公开,不收费
"""


def test_csv_in_gbk_from_the_seed_list(tmp_path, powers):
    source = tmp_path / "统计局.csv"
    source.write_bytes(SEED_CSV.encode("gbk"))  # what Excel saves on a Chinese Windows
    result = run("import", source, "--dept", "jyj", "--powers", powers)
    assert "导入 4 个事项" in result.output
    check = load(powers, "FX01JY-QT-0001")
    assert check["basis"] == [{"law": "中华人民共和国统计法"}, {"law": "河北省统计条例"}]
    assert check["disclosure"] == {"scope": "全社会", "forms": ["网络公开"], "timing": "长期"}
    penalty = load(powers, "FX01JY-CF-0001")
    assert penalty["basis"][0] == {"law": "中华人民共和国统计法", "articles": "第26条至第31条"}
    spending = load(powers, "FX01JY-NB-0001")
    assert spending["disclosure"] == {"scope": "部门内部", "forms": ["公开栏", "会议"], "timing": "随时"}
    assert spending["fees"] == []
    assert load(powers, "FX01JY-NB-0002")["disclosure"]["forms"] == ["公开栏", "文件", "会议"]


def test_existing_records_are_kept_unless_forced(tmp_path, powers):
    source = tmp_path / "list.csv"
    source.write_text(SEED_CSV, encoding="utf-8-sig")
    run("import", source, "--dept", "jyj", "--powers", powers)
    path = powers / "jyj" / "FX01JY-CF-0001.yaml"
    edited = path.read_text(encoding="utf-8").replace('responsible: ""', "responsible: 局长")
    path.write_text(edited, encoding="utf-8")
    again = run("import", source, "--dept", "jyj", "--powers", powers)
    assert again.exit_code == 1
    assert "第 3 行:本部门已有同名事项 jyj/FX01JY-CF-0001.yaml,未覆盖(如需用表格内容替换,请加 --force)" in again.output
    assert path.read_text(encoding="utf-8") == edited
    forced = run("import", source, "--dept", "jyj", "--powers", powers, "--force")
    assert "导入 4 个事项" in forced.output
    assert len(list((powers / "jyj").glob("FX01*.yaml"))) == 4  # replaced in place, no new codes
    assert load(powers, "FX01JY-CF-0001")["responsible"] == ""


def test_a_code_in_use_is_not_overwritten(tmp_path, powers):
    source = tmp_path / "codes.csv"
    source.write_text("事项名称,事项类型,权力编码\n统计调查审批,01,FX01TJ-XK-0001\n", encoding="utf-8")
    result = run("import", source, "--dept", "tjj", "--powers", powers)
    assert "第 2 行:编码 FX01TJ-XK-0001 已被使用,未覆盖" in result.output
    assert "统计调查项目审批" in (powers / "tjj" / "FX01TJ-XK-0001.yaml").read_text(encoding="utf-8")


def test_real_item_list_with_national_type_numbers(tmp_path, powers):
    if not REALDATA.is_dir():
        pytest.skip("shared/realdata/ is not beside this checkout")
    data = json.loads((REALDATA / "sichuan_guangan_item_list.json").read_text(encoding="utf-8"))
    items = [
        (dept["department"], sub["name"], int(re.search(r"taskType=(\d+)", sub["link"])[1]))
        for dept in data["records"]
        for item in dept["items"]
        for sub in item["sub_items"]
    ]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["序号", "实施部门", "事项名称", "事项类型"])
    for number, (dept, name, task) in enumerate(items, start=1):
        ws.append([number, dept, name, task])
    book.save(tmp_path / "广安区.xlsx")
    result = run("import", tmp_path / "广安区.xlsx", "--dept", "jyj", "--powers", powers)
    national = {1: "XK", 5: "GF", 7: "QR", 8: "JL", 9: "CJ", 10: "QT"}  # 20 (公共服务) is not a power category
    expected = Counter(national[t] for _, _, t in items if t in national)
    written = Counter(p.name.split("-")[1] for p in (powers / "jyj").glob("FX01*.yaml"))
    assert written == expected
    assert result.output.count("无法识别的权力类别「20」") == sum(t == 20 for _, _, t in items)
    names = {yaml.safe_load(p.read_text(encoding="utf-8"))["name"] for p in (powers / "jyj").glob("FX01*.yaml")}
    assert names == {name for _, name, t in items if t in national}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "无法读取电子表格 broken.xlsx"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 .xls 文件"),
        ("list.pdf", b"%PDF-1.4", "不支持的文件类型「.pdf」"),
        ("noheader.csv", "甲,乙\n1,2\n".encode(), "找不到表头"),
        ("binary.csv", b"\x00\x01\x02abc", "不是文本格式的 CSV 文件"),
        ("latin.csv", b"\xff\xfe\xff", "无法识别 latin.csv 的文字编码"),
    ],
)
def test_unreadable_files_get_a_clear_message(tmp_path, powers, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = run("import", path, "--dept", "jyj", "--powers", powers)
    assert result.exit_code == 1 and message in result.output


def test_missing_file_and_unknown_department(tmp_path, powers):
    result = run("import", tmp_path / "none.xlsx", "--dept", "jyj", "--powers", powers)
    assert result.exit_code == 1 and "找不到文件" in result.output
    source = tmp_path / "x.csv"
    source.write_text(SEED_CSV, encoding="utf-8")
    result = run("import", source, "--dept", "nope", "--powers", powers)
    assert result.exit_code == 1 and "未知部门「nope」" in result.output


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        (20, None, (20, None)),
        ("20个工作日", None, (20, "工作日")),
        ("三十日", "工作日", (30, "工作日")),
        ("15天", None, (15, "自然日")),
        ("一百二十个自然日内", None, (120, "自然日")),
        ("即办", "工作日", (0, "工作日")),
        ("无", None, (None, None)),
    ],
)
def test_time_limits_as_written(cell, unit, expected):
    assert parse_days(cell, unit) == expected


def test_basis_and_steps_as_written():
    assert parse_basis(["《行政许可法》第三十条、第三十一条"]) == [
        {"law": "行政许可法", "articles": "第三十条、第三十一条"}
    ]
    assert parse_basis(["根据省有关文件规定"]) == [{"law": "根据省有关文件规定"}]
    steps = parse_steps("(1)受理;(2)审查;(3)决定", None)
    assert [s["name"] for s in steps] == ["受理", "审查", "决定"] and "post" not in steps[0]
