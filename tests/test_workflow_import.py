"""`import FILE --dept SLUG`: real spreadsheet shapes (title row, merged headers, blank rows, numbers
for codes and categories), CSV in GBK, rows refused with row numbers, a report of one line per file,
existing records kept, merged (--update) or replaced (--replace) with a backup, an export read back
unchanged, and a department created from --dept-name."""

from __future__ import annotations

import difflib
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import yaml
from realdata_convert import REALDATA
from workflow_fixture import copy_catalogue, run

from generator.core.ledger import read_ledger, record_issued
from generator.core.validate import check_catalogue, load_valid
from generator.editing.import_rows import Row, convert_row
from generator.editing.sheets import Header, cell_value, parse_basis, parse_days, parse_fees, parse_steps
from generator.outputs.spreadsheet import cell_texts

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


def test_after_import_one_line_per_file_with_what_is_left_to_fill(tmp_path, powers):
    result = run("import", build_workbook(tmp_path / "目录.xlsx"), "--dept", "jyj", "--powers", powers)
    _, report = check_catalogue(powers)
    mine = [p for p in report.errors if p.path.startswith("jyj/")]
    assert mine and {p.code for p in mine} <= PLACEHOLDER_CODES
    todo = Counter(p.path for p in mine)
    lines = result.output.splitlines()
    written = [line for line in lines if line.startswith("  新增 ")]
    assert len(written) == 6  # one line per file, not one per problem
    second = f"  新增 {powers.as_posix()}/jyj/FX01JY-QR-0004.yaml  学历证明补办(工作表「职权目录」第 5 行)"
    assert f"{second};待填写或改正 {todo['jyj/FX01JY-QR-0004.yaml']} 处" in lines
    assert "每一处待填写或改正的内容,请运行 python -m generator check 查看(有行号和说明)" in lines
    assert not any(" E1" in line for line in lines)
    assert lines[0] == "从 目录.xlsx 导入到部门 jyj:新增 6 个,4 行未导入"
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
    assert result.output.startswith("从 统计局.csv 导入到部门 jyj:新增 4 个\n")
    check = load(powers, "FX01JY-QT-0001")
    assert check["basis"] == [{"law": "中华人民共和国统计法"}, {"law": "河北省统计条例"}]
    assert check["disclosure"] == {"scope": "全社会", "forms": ["网络公开"], "timing": "长期"}
    penalty = load(powers, "FX01JY-CF-0001")
    assert penalty["basis"][0] == {"law": "中华人民共和国统计法", "articles": "第26条至第31条"}
    spending = load(powers, "FX01JY-NB-0001")
    assert spending["disclosure"] == {"scope": "部门内部", "forms": ["公开栏", "会议"], "timing": "随时"}
    assert spending["fees"] == []
    assert load(powers, "FX01JY-NB-0002")["disclosure"]["forms"] == ["公开栏", "文件", "会议"]


KEEP = "本部门已有这些事项,未修改(如需用表格内容更新,请加 --update:只改表格中填写了的字段,其余内容保留)"


def test_existing_records_are_kept_unless_asked(tmp_path, powers):
    source = tmp_path / "list.csv"
    source.write_text(SEED_CSV, encoding="utf-8-sig")
    run("import", source, "--dept", "jyj", "--powers", powers)
    path = powers / "jyj" / "FX01JY-CF-0001.yaml"
    edited = path.read_text(encoding="utf-8").replace('responsible: ""', "responsible: 局长")
    path.write_text(edited, encoding="utf-8")
    again = run("import", source, "--dept", "jyj", "--powers", powers)
    assert again.exit_code == 1
    assert f"  第 2–5 行:{KEEP}" in again.output.splitlines()  # the rows of existing records on one line
    assert path.read_text(encoding="utf-8") == edited


def test_update_sets_only_the_cells_filled_in(tmp_path, powers):
    source = tmp_path / "list.csv"
    source.write_text(SEED_CSV, encoding="utf-8-sig")
    run("import", source, "--dept", "jyj", "--powers", powers)
    path = powers / "jyj" / "FX01JY-CF-0001.yaml"
    edited = path.read_text(encoding="utf-8").replace('responsible: ""', "responsible: 局长  # 已核对")
    path.write_text(edited, encoding="utf-8")
    changed = SEED_CSV.replace("统计局,网络公开,全社会,长期,无收费", "执法检查科,网络公开,全社会,长期,无收费")
    source.write_text(changed, encoding="utf-8-sig")
    result = run("import", source, "--dept", "jyj", "--powers", powers, "--update")
    rel = f"{powers.as_posix()}/jyj/FX01JY-CF-0001.yaml"
    assert f"  更新 {rel}  统计行政处罚(第 3 行):承办科室;" in result.output
    assert "从 list.csv 导入到部门 jyj:更新 1 个,未改变 3 个" in result.output
    assert path.read_text(encoding="utf-8") == edited.replace("office: 统计局", "office: 执法检查科")  # comment kept
    assert len(list((powers / "jyj").glob("FX01*.yaml"))) == 4  # no new codes
    assert run("import", source, "--dept", "jyj", "--powers", powers, "--force").output.startswith(
        "从 list.csv 导入到部门 jyj:未改变 4 个"  # --force is the old name of --update
    )


def test_replace_rebuilds_the_record_and_keeps_the_old_file(tmp_path, powers):
    source = tmp_path / "list.csv"
    source.write_text(SEED_CSV, encoding="utf-8-sig")
    run("import", source, "--dept", "jyj", "--powers", powers)
    path = powers / "jyj" / "FX01JY-CF-0001.yaml"
    edited = path.read_text(encoding="utf-8").replace('responsible: ""', "responsible: 局长")
    path.write_text(edited, encoding="utf-8")
    result = run("import", source, "--dept", "jyj", "--powers", powers, "--replace")
    assert load(powers, "FX01JY-CF-0001")["responsible"] == ""
    backups = list((powers / ".import-backup").glob("*/jyj/FX01JY-CF-0001.yaml"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited
    assert f";原文件备份为 {backups[0].as_posix()}" in result.output
    assert f"修改前的文件已备份到 {backups[0].parents[1].as_posix()}/" in result.output
    assert (powers / ".import-backup" / ".gitignore").read_text(encoding="utf-8").endswith("\n*\n")
    _, report = check_catalogue(powers)
    assert not [p for p in report.problems if "import-backup" in p.path]  # check does not read the backups
    both = run("import", source, "--dept", "jyj", "--powers", powers, "--replace", "--update")
    assert both.exit_code == 2 and "--update 和 --replace 只能选一个" in both.output


def test_a_code_in_use_is_not_overwritten(tmp_path, powers):
    source = tmp_path / "codes.csv"
    source.write_text("事项名称,事项类型,权力编码\n统计调查审批,01,FX01TJ-XK-0001\n", encoding="utf-8")
    result = run("import", source, "--dept", "tjj", "--powers", powers)
    assert f"第 2 行:{KEEP}" in result.output
    assert "统计调查项目审批" in (powers / "tjj" / "FX01TJ-XK-0001.yaml").read_text(encoding="utf-8")
    renamed = run("import", source, "--dept", "tjj", "--powers", powers, "--update")
    assert renamed.output.splitlines()[1].endswith("统计调查审批(第 2 行):项目名称")  # matched by code: renamed
    clash = tmp_path / "clash.csv"
    clash.write_text("事项名称,事项类型,权力编码\n各项费用支出,01,FX01TJ-XK-0001\n", encoding="utf-8")
    refused = run("import", clash, "--dept", "tjj", "--powers", powers, "--update")
    assert "编码 FX01TJ-XK-0001 与项目名称不符:名称「各项费用支出」是已有事项 FX01TJ-NB-0001,请核对" in refused.output


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
    refused = [line for line in result.output.splitlines() if "无法识别的权力类别「20」" in line]
    assert len(refused) == 1  # the rows with the same reason on one line, by row number
    rows = [number + 1 for number, (_, _, t) in enumerate(items, start=1) if t == 20]
    assert refused[0].startswith(f"  第 {rows[0]}") and str(rows[-1]) in refused[0]
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


def test_missing_file(tmp_path, powers):
    result = run("import", tmp_path / "none.xlsx", "--dept", "jyj", "--powers", powers)
    assert result.exit_code == 1 and "找不到文件" in result.output


def test_a_missing_department_is_explained(tmp_path, powers):
    source = tmp_path / "x.csv"
    source.write_text(SEED_CSV, encoding="utf-8")
    result = run("import", source, "--dept", "wsj", "--powers", powers)
    assert result.exit_code == 1
    root = powers.as_posix()
    assert result.output.splitlines() == [
        f"部门「wsj」还不存在:没有 {root}/wsj/_department.yaml。已有部门:jyj、scj、tjj",
        "如果部门目录名写错了,请改用上面列出的已有部门。要新建这个部门,可以让 import 一起创建,",
        "写上部门全称和单位业务代码(2 至 4 位大写字母或数字,是本部门权力编码的一部分,不能与其他部门重复),例如:",
        f"  python -m generator import {source.as_posix()} --dept wsj --powers {root}"
        " --dept-name 复兴区教育局 --dept-code JY",
        f"也可以先手工新建文件 {root}/wsj/_department.yaml,内容例如下面两行,然后再运行导入命令:",
        "  name: 复兴区教育局",
        "  code: JY",
    ]
    assert not (powers / "wsj").exists()


def test_a_department_is_created_from_dept_name(tmp_path, powers):
    source = tmp_path / "x.csv"
    source.write_text(SEED_CSV, encoding="utf-8")
    args = ["import", source, "--dept", "wsj", "--powers", powers, "--dept-name", "测试区卫生健康局"]
    result = run(*args, "--dept-code", "ws")
    info = powers / "wsj" / "_department.yaml"
    assert f"已新建部门 {info.as_posix()}:测试区卫生健康局,单位业务代码 WS" in result.output
    assert yaml.safe_load(info.read_text(encoding="utf-8")) == {"name": "测试区卫生健康局", "code": "WS"}
    assert sorted(p.name for p in (powers / "wsj").glob("FX01*.yaml"))[0] == "FX01WS-CF-0001.yaml"
    _, report = check_catalogue(powers)
    assert not [p for p in report.problems if p.path == "wsj/_department.yaml"]
    assert run("fmt", "--check", info).exit_code == 0
    again = run(*args, "--dept-code", "WS", "--update")
    assert again.output.startswith("部门 wsj 已存在,未使用 --dept-name 和 --dept-code\n")


@pytest.mark.parametrize(
    ("slug", "extra", "message"),
    [
        ("wsj", [], "用 --dept-name 新建部门时,还需要 --dept-code 单位业务代码"),
        ("wsj", ["--dept-code", "卫健"], "「单位业务代码」格式不正确:2 至 4 位大写字母或数字,如 TJ"),
        ("wsj", ["--dept-code", "TJ"], "单位业务代码「TJ」已由部门 tjj 使用,请换一个 --dept-code"),
        ("卫健委", ["--dept-code", "WJ"], "部门目录名「卫健委」只能用小写字母、数字、- 和 _,如 jyj"),
    ],
)
def test_a_department_that_cannot_be_created(tmp_path, powers, slug, extra, message):
    source = tmp_path / "x.csv"
    source.write_text(SEED_CSV, encoding="utf-8")
    result = run("import", source, "--dept", slug, "--powers", powers, "--dept-name", "测试区卫生健康局", *extra)
    assert result.exit_code == 1 and message in result.output
    assert not (powers / slug).exists()


def test_new_codes_go_into_the_ledger_and_an_issued_code_is_not_reused(tmp_path, powers):
    record_issued(powers, ["FX01JY-XK-0009"])  # issued once, its file since removed
    source = tmp_path / "codes.csv"
    source.write_text("事项名称,事项类型,权力编码\n民办学校设立审批,XK,FX01JY-XK-0009\n", encoding="utf-8")
    result = run("import", source, "--dept", "jyj", "--powers", powers)
    assert "表格中的编码 FX01JY-XK-0009 曾经发出过(见编码台账),不再使用,已重新编码" in result.output
    assert (powers / "jyj" / "FX01JY-XK-0010.yaml").is_file()
    assert "FX01JY-XK-0010" in read_ledger(powers).issued()


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


@pytest.mark.parametrize(
    ("cell", "basis", "expected"),
    [
        ("不收费", "", []),
        (
            "证书工本费:每本10元(依据:发改价格〔2015〕100号)",
            "",
            [{"item": "证书工本费", "standard": "每本10元", "basis": "发改价格〔2015〕100号"}],
        ),
        ("每份10元", "财政文件", [{"standard": "每份10元", "basis": "财政文件"}]),
        (
            "甲:1元(依据:A)\n乙:2元(含邮寄)(依据:B)",
            "",
            [
                {"item": "甲", "standard": "1元", "basis": "A"},
                {"item": "乙", "standard": "2元(含邮寄)", "basis": "B"},
            ],
        ),
    ],
)
def test_fees_as_written(cell, basis, expected):
    assert parse_fees(cell, basis) == expected


def test_basis_and_steps_as_written():
    assert parse_basis(["《行政许可法》第三十条、第三十一条"]) == [
        {"law": "行政许可法", "articles": "第三十条、第三十一条"}
    ]
    assert parse_basis(["根据省有关文件规定"]) == [{"law": "根据省有关文件规定"}]
    steps = parse_steps("(1)受理;(2)审查;(3)决定", None)
    assert [s["name"] for s in steps] == ["受理", "审查", "决定"] and "post" not in steps[0]


# --- re-importing an export: the sample catalogue's rich records --------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "powers"


@pytest.fixture
def sample(tmp_path):
    """A writable copy of the sample catalogue: records with excerpts, branches, discretion, a code ledger."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "powers", ignore=shutil.ignore_patterns(".*")))


def export_dept(powers: Path, out: Path, dept: str = "tjj", *extra: str) -> openpyxl.Workbook:
    result = run("export", "--xlsx", out, "--powers", powers, "--dept", dept, *extra)
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(out)


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added; every other line is the same, in the same order."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


@pytest.mark.parametrize("edition", ["public", "internal"])
def test_reimporting_an_export_changes_nothing(tmp_path, sample, edition):
    before = files(sample / "tjj")
    export_dept(sample, tmp_path / "tjj.xlsx", "tjj", "--edition", edition)
    result = run("import", tmp_path / "tjj.xlsx", "--dept", "tjj", "--powers", sample, "--update")
    shown = 4 if edition == "public" else 6  # internal: the 部门内部 powers too; a 涉密 one is on both sheets
    assert (result.exit_code, result.output) == (0, f"从 tjj.xlsx 导入到部门 tjj:未改变 {shown} 个\n")
    assert files(sample / "tjj") == before
    assert not (sample / ".import-backup").exists()


def test_update_changes_only_the_edited_cells_of_a_rich_record(tmp_path, sample):
    path = sample / "tjj" / "FX01TJ-CF-0001.yaml"
    before = path.read_text(encoding="utf-8").replace("  statutory: 90\n", "  statutory: 90  # 立案之日起\n")
    path.write_text(before, encoding="utf-8")
    others = {name: data for name, data in files(sample / "tjj").items() if name != path.name}
    book = export_dept(sample, tmp_path / "tjj.xlsx")
    row = next(r for r in book["行政职权目录"].iter_rows(min_row=2) if r[1].value == "FX01TJ-CF-0001")
    row[3].value += "\n《中华人民共和国统计法实施条例》第五十条"
    row[4].value = "政府网站、办事指南"
    row[7].value = "案卷复印费:每页0.5元(依据:复兴价〔2020〕1号)"
    row[9].value = "80个自然日"
    book.save(tmp_path / "edited.xlsx")
    result = run("import", tmp_path / "edited.xlsx", "--dept", "tjj", "--powers", sample, "--update")
    label = f"工作表「行政职权目录」第 {row[0].row} 行"
    assert f"  更新 {path.as_posix()}  统计行政处罚({label}):权力依据、公开形式、收费、法定时限" in result.output
    assert "从 edited.xlsx 导入到部门 tjj:更新 1 个,未改变 3 个" in result.output
    assert result.exit_code == 0
    removed, added = changed_lines(before, path.read_text(encoding="utf-8"))
    assert removed == ["  forms: [政府网站, 政务公开栏, 办事指南]", "fees: []", "  statutory: 90  # 立案之日起"]
    assert added == [
        "  - law: 中华人民共和国统计法实施条例",
        "    articles: 第五十条",
        "  forms: [政府网站, 办事指南]",
        "fees:",
        "  - item: 案卷复印费",
        "    standard: 每页0.5元",
        "    basis: 复兴价〔2020〕1号",
        "  statutory: 80  # 立案之日起",
    ]
    assert {name: data for name, data in files(sample / "tjj").items() if name != path.name} == others
    backup = next((sample / ".import-backup").glob("*/tjj/FX01TJ-CF-0001.yaml"))
    assert backup.read_text(encoding="utf-8") == before
    assert run("fmt", "--check", path).exit_code == 0


def test_time_limits_keep_their_unit(tmp_path, sample):
    book = export_dept(sample, tmp_path / "tjj.xlsx")
    row = next(r for r in book["行政职权目录"].iter_rows(min_row=2) if r[1].value == "FX01TJ-CF-0001")
    assert (row[9].value, row[10].value) == ("90个自然日", "60个自然日")
    row[10].value = "40个工作日"  # one limit in 工作日, the other still in 自然日
    book.save(tmp_path / "mixed.xlsx")
    mixed = run("import", tmp_path / "mixed.xlsx", "--dept", "tjj", "--powers", sample, "--update")
    assert f"第 {row[0].row} 行:法定时限和承诺时限的单位不同(工作日和自然日),请统一后再导入" in mixed.output
    row[9].value, row[10].value = "90个工作日", "60个工作日"  # the same days, counted in 工作日
    book.save(tmp_path / "both.xlsx")
    both = run("import", tmp_path / "both.xlsx", "--dept", "tjj", "--powers", sample, "--update")
    assert both.output.splitlines()[1].endswith("):时限单位")
    limit = yaml.safe_load((sample / "tjj" / "FX01TJ-CF-0001.yaml").read_text(encoding="utf-8"))["time_limit"]
    assert limit == {"unit": "工作日", "statutory": 90, "promised": 60}


@pytest.mark.parametrize("dept", ["hbj", "zrzyj"])
def test_an_export_imported_as_new_records_keeps_fees_and_time_limits(tmp_path, sample, dept):
    book = export_dept(sample, tmp_path / "out.xlsx", dept)
    for row in book["行政职权目录"].iter_rows(min_row=2):
        row[1].value = None  # new records get new codes in the new department
    book.save(tmp_path / "out.xlsx")
    args = ["--dept-name", "测试局", "--dept-code", "CS"]
    run("import", tmp_path / "out.xlsx", "--dept", "csj", "--powers", sample, *args)
    originals = {r["name"]: r for r in map(_read, (sample / dept).glob("FX01*.yaml"))}
    imported = list(map(_read, (sample / "csj").glob("FX01*.yaml")))
    assert imported
    for record in imported:
        original = originals[record["name"]]
        assert record["fees"] == original["fees"]
        assert record.get("time_limit") == original.get("time_limit")
        assert record["office"] == original["office"] and record["responsible"] == original["responsible"]
        assert record["disclosure"] == original["disclosure"]
        assert record["basis"] == [{k: v for k, v in b.items() if k != "excerpt"} for b in original["basis"]]


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_rows_of_other_departments_are_refused_on_one_line(tmp_path, sample):
    before = files(sample / "tjj")
    run("export", "--xlsx", tmp_path / "all.xlsx", "--powers", sample)
    result = run("import", tmp_path / "all.xlsx", "--dept", "tjj", "--powers", sample, "--update")
    refused = [line for line in result.output.splitlines() if "编码属于其他部门" in line]
    assert len(refused) == 1 and refused[0].startswith("  工作表「行政职权目录」第 2–")
    assert refused[0].endswith("请改用 export --dept tjj 只导出本部门;确属本部门的新事项,请删去该行的编码)")
    assert "未改变 4 个" in result.output.splitlines()[0]
    assert files(sample / "tjj") == before


def test_update_merges_list_entries_and_steps_by_name(tmp_path, sample):
    source = tmp_path / "zr.csv"
    source.write_text(
        "事项名称,权力类别,申请材料,办理流程\n"
        "国有建设用地使用权及房屋所有权首次登记,行政确认,"
        '"1.不动产登记申请书\n2.申请人身份证明\n3.授权委托书",受理→审核→登簿\n',
        encoding="utf-8",
    )
    path = sample / "zrzyj" / "FX01ZR-QR-0001.yaml"
    old = _read(path)
    result = run("import", source, "--dept", "zrzyj", "--powers", sample, "--update")
    assert result.output.splitlines()[1].endswith("(第 2 行):申请材料、办理步骤")
    new = _read(path)
    assert new["materials"] == [*old["materials"][:2], {"name": "授权委托书"}]  # copies and form kept
    old_steps = {s["name"]: s for s in old["procedure"]["steps"]}
    steps = new["procedure"]["steps"]
    assert [s["name"] for s in steps] == ["受理", "审核", "登簿"]
    for step in steps:
        if step["name"] in old_steps:  # the same step: its id, post, days and text kept
            assert {k: v for k, v in step.items() if k != "next"} == {
                k: v for k, v in old_steps[step["name"]].items() if k != "next"
            }
    assert [s.get("next") for s in steps] == [steps[1]["id"], steps[2]["id"], None]
    assert {k: v for k, v in new.items() if k not in ("materials", "procedure")} == {
        k: v for k, v in old.items() if k not in ("materials", "procedure")
    }


def test_every_exported_cell_reads_back_as_the_record_holds_it():
    catalogue = load_valid(SAMPLE)
    header = Header(1, {name: [i] for i, name in enumerate(cell_texts(next(catalogue.powers())[1].record))})
    for _, power in catalogue.powers():
        record = power.record
        row = Row(None, 2, {name: [cell_value(text)] for name, text in cell_texts(record).items()})
        values = convert_row(row, record.category, header)
        limit = record.time_limit.model_dump(exclude_none=True) if record.time_limit else None
        said = values["time_limit"] and {k: v for k, v in values["time_limit"].items() if v is not None}
        assert said == limit, record.code  # a limit the sheet says there is none of (None) is left out
        assert values["fees"] == [fee.model_dump() for fee in record.fees], record.code
        assert values["basis"] == [b.model_dump(exclude={"excerpt"}, exclude_none=True) for b in record.basis]
        assert values["disclosure"] == record.disclosure.model_dump()
        assert (values["office"], values["responsible"]) == (record.office, record.responsible)
        assert values.get("confidential") == (record.confidential.model_dump() if record.confidential else None)
