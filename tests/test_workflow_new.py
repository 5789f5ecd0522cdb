"""`new`: the next free code, a full commented template from the model, placeholders that check names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import BaseModel
from workflow_fixture import FIXTURE, copy_catalogue, run

from generator.core.fieldnames import inner_model
from generator.core.ledger import LEDGER_FILE
from generator.core.model import Branch, PowerRecord
from generator.core.validate import check_catalogue
from generator.editing.new import render_power

SCHEMA = json.loads((Path(__file__).parents[1] / "schema" / "power.schema.json").read_text(encoding="utf-8"))

# What an editor types over the placeholders ("" values) of an untouched template.
EDITOR_FILLS = {
    "office": "统计科",
    "responsible": "统计科科长",
    "law": "中华人民共和国统计法",
    "scope": "全社会",
    "timing": "长期",
    "statutory": "20",
    "promised": "10",
    "trigger": "依申请",
    "name": "受理并决定",
    "post": "统计科",
    "days": "5",
    "effective": "2024-01-01",
    "date": "2024-01-01",
}


def fill(text: str) -> str:
    """The template with every placeholder filled in, the way an editor does it: value only, comments kept."""
    for key, value in EDITOR_FILLS.items():
        text = re.sub(rf'^(\s*(?:- )?{key}): ""(.*)$', rf"\1: {value}\2", text, flags=re.M)
    return re.sub(r'^(\s*)- ""$', r"\1- 政府网站", text, flags=re.M)


def as_json_data(text: str) -> dict:
    """The file as a YAML 1.2 editor sees it (dates are text), for JSON Schema validation."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def test_new_gets_the_next_free_code_and_says_what_to_fill(tmp_path):
    powers = copy_catalogue(tmp_path)
    result = run("new", "tjj", "--category", "行政许可", "--name", "统计调查项目变更审批", "--powers", powers)
    assert result.exit_code == 0, result.output
    path = powers / "tjj" / "FX01TJ-XK-0002.yaml"
    assert path.is_file()
    assert f"已创建 {path.as_posix()}" in result.output
    assert "「承办科室」不能为空" in result.output and "「生效日期」应为日期" in result.output
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [record["code"], record["name"], record["category"]] == [
        "FX01TJ-XK-0002",
        "统计调查项目变更审批",
        "行政许可",
    ]


@pytest.mark.parametrize("category", ["行政许可", "许可", "XK", "xk", "01", "1"])
def test_category_may_be_written_as_name_short_name_code_or_national_number(tmp_path, category):
    powers = copy_catalogue(tmp_path)
    assert run("new", "tjj", "--category", category, "--name", "某事项", "--powers", powers).exit_code == 0
    assert (powers / "tjj" / "FX01TJ-XK-0002.yaml").is_file()


def test_codes_continue_after_the_highest_number_and_are_never_reused(tmp_path):
    powers = copy_catalogue(tmp_path)
    source = (powers / "tjj" / "FX01TJ-XK-0001.yaml").read_text(encoding="utf-8")
    (powers / "tjj" / "FX01TJ-XK-0005.yaml").write_text(source.replace("XK-0001", "XK-0005"), encoding="utf-8")
    run("new", "tjj", "--category", "许可", "--name", "甲", "--powers", powers)
    run("new", "tjj", "--category", "许可", "--name", "乙", "--powers", powers)
    run("new", "scj", "--category", "许可", "--name", "丙", "--powers", powers)
    names = sorted(p.name for p in powers.rglob("*-XK-*.yaml"))
    assert names == [
        "FX01SC-XK-0001.yaml",
        "FX01TJ-XK-0001.yaml",
        "FX01TJ-XK-0005.yaml",
        "FX01TJ-XK-0006.yaml",
        "FX01TJ-XK-0007.yaml",
    ]


def test_untouched_template_fails_check_on_each_placeholder_and_nothing_else(tmp_path):
    powers = copy_catalogue(tmp_path)
    run("new", "tjj", "--category", "行政处罚", "--name", "对某违法行为的处罚", "--powers", powers)
    _, report = check_catalogue(powers)
    mine = [p for p in report.problems if p.path == "tjj/FX01TJ-CF-0002.yaml"]
    fields = {p.field for p in mine}
    assert {"office", "responsible", "basis[0].law", "disclosure.scope", "effective"} <= fields
    assert {"discretion[0].violation", "discretion[0].tiers[0].penalty"} <= fields  # penalties need discretion
    assert {p.code for p in mine} <= {"E103", "E104", "E106", "E108"}
    assert all(p.line for p in mine)  # every message points at the line to edit
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json_data((powers / "tjj" / "FX01TJ-CF-0002.yaml").read_text("utf-8")), SCHEMA)


def test_filled_template_passes_check_and_the_json_schema(tmp_path):
    powers = copy_catalogue(tmp_path)
    run("new", "tjj", "--category", "行政确认", "--name", "统计资料确认", "--powers", powers)
    path = powers / "tjj" / "FX01TJ-QR-0001.yaml"
    filled = fill(path.read_text(encoding="utf-8"))
    path.write_text(filled, encoding="utf-8")
    _, report = check_catalogue(powers)
    assert [str(p) for p in report.problems] == []
    jsonschema.validate(as_json_data(filled), SCHEMA)
    assert run("fmt", "--check", path).exit_code == 0  # filling in keeps the canonical form
    assert "# 承办科室" in filled and "# 条款:如 第三十七条至第四十一条" in filled


def _fields(model: type[BaseModel]) -> set[tuple[str, str]]:
    found = set()
    for name, info in model.model_fields.items():
        found.add((name, info.title))
        inner = inner_model(info.annotation)
        if inner:
            found |= _fields(inner)
    return found


def test_template_has_every_field_of_the_model_with_its_chinese_title():
    text = render_power({"code": "FX01TJ-CF-0009", "name": "名称", "category": "行政处罚"})
    branch = _fields(Branch)  # `next` is written in its usual form, `next: step2`; its comment names the branch keys
    for name, title in sorted(_fields(PowerRecord) - branch):
        assert re.search(rf"^[\s#-]*{name}:.*# {re.escape(title)}", text, flags=re.M), name
    next_line = re.search(r"^\s*# next: .*$", text, flags=re.M)
    assert next_line and all(name in next_line[0] for name, _ in branch)


def test_template_is_in_canonical_form(tmp_path):
    powers = copy_catalogue(tmp_path)
    run("new", "scj", "--category", "行政检查", "--name", "某检查", "--powers", powers)
    assert run("fmt", "--check", "--powers", powers).exit_code == 0


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["nope", "--category", "许可", "--name", "甲"], 1, "未知部门「nope」"),
        (["tjj", "--category", "公共服务", "--name", "甲"], 2, "无法识别的权力类别「公共服务」"),
        (["tjj", "--category", "许可", "--name", "  "], 2, "项目名称不能为空"),
    ],
)
def test_bad_input_gets_a_clear_message(tmp_path, args, code, message):
    powers = copy_catalogue(tmp_path)
    result = run("new", *args, "--powers", powers)
    assert result.exit_code == code
    assert message in result.output
    assert sorted(p.name for p in (powers / "tjj").iterdir()) == sorted(p.name for p in (FIXTURE / "tjj").iterdir())


def test_missing_catalogue_folder_and_broken_department(tmp_path):
    result = run("new", "tjj", "--category", "许可", "--name", "甲", "--powers", tmp_path / "none")
    assert result.exit_code == 1 and "权力清单目录不存在" in result.output
    powers = copy_catalogue(tmp_path)
    (powers / "tjj" / "_department.yaml").write_text("name: [\n", encoding="utf-8")
    result = run("new", "tjj", "--category", "许可", "--name", "甲", "--powers", powers)
    assert result.exit_code == 1 and "_department.yaml 缺失或有错误" in result.output and "E002" in result.output


def test_new_never_reissues_the_code_of_a_removed_file(tmp_path):
    powers = copy_catalogue(tmp_path)
    assert run("new", "tjj", "--category", "许可", "--name", "甲", "--powers", powers).exit_code == 0
    (powers / "tjj" / "FX01TJ-XK-0002.yaml").unlink()
    assert run("new", "tjj", "--category", "许可", "--name", "乙", "--powers", powers).exit_code == 0
    assert sorted(p.name for p in (powers / "tjj").glob("*-XK-*")) == ["FX01TJ-XK-0001.yaml", "FX01TJ-XK-0003.yaml"]
    issued = yaml.safe_load((powers / LEDGER_FILE).read_text(encoding="utf-8"))["issued"]
    assert {"FX01TJ-XK-0002", "FX01TJ-XK-0003"} <= set(issued)


def test_new_starts_the_ledger_with_every_code_of_the_catalogue(tmp_path):
    powers = copy_catalogue(tmp_path)
    result = run("new", "scj", "--category", "检查", "--name", "某检查", "--powers", powers)
    assert f"已创建编码台账 {(powers / LEDGER_FILE).as_posix()}" in result.output
    issued = yaml.safe_load((powers / LEDGER_FILE).read_text(encoding="utf-8"))["issued"]
    on_disk = sorted(p.stem for p in powers.glob("*/FX01*.yaml"))
    assert issued == on_disk and "FX01SC-JC-0002" in issued
    again = run("new", "scj", "--category", "检查", "--name", "另一检查", "--powers", powers)
    assert "已创建编码台账" not in again.output


def uncomment(text: str) -> str:
    """The template as an editor leaves it after following its header: every commented field uncommented, the
    nested optional fields too, the header itself kept."""
    header, _, body = text.partition("\ncode:")
    while re.search(r"^\s*# ", body, flags=re.M):
        body = re.sub(r"^(\s*)# ", r"\1", body, flags=re.M)
    return f"{header}\ncode:{body}"


def test_template_never_writes_an_empty_list_above_its_examples():
    text = render_power({"code": "FX01TJ-XK-0009", "name": "名称", "category": "行政许可"})
    assert not re.search(r":\s*\[\]", text)
    assert re.search(r'^      # next: ""  # 下一步', text, flags=re.M)  # the usual form, next: step2


@pytest.mark.parametrize("category", ["行政许可", "行政处罚"])
def test_uncommented_examples_are_valid_yaml_of_the_right_types(tmp_path, category):
    powers = copy_catalogue(tmp_path)
    run("new", "tjj", "--category", category, "--name", "某事项", "--powers", powers)
    (path,) = (p for p in (powers / "tjj").glob("*.yaml") if p.stem.endswith("-0002"))
    text = fill(uncomment(path.read_text(encoding="utf-8")))
    for key in ("materials", "fees", "supervision", "complaints", "responsibilities", "conditions", "rights"):
        assert re.search(rf"^{key}:", text, flags=re.M), key
    text = re.sub(r'^(\s*(?:- )?\S+): ""', r"\1: 某内容", text, flags=re.M).replace("next: 某内容", "next: step2")
    path.write_text(text, encoding="utf-8")
    _, report = check_catalogue(powers)
    mine = [(p.code, p.field) for p in report.problems if p.path == f"tjj/{path.name}"]
    assert mine == [("E209", "procedure")]  # only that step2 is still to be written: no YAML or type error
