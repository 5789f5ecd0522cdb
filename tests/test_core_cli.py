"""The check and schema commands, through click's runner."""

from __future__ import annotations

import json

from click.testing import CliRunner
from factory import department, power, write_catalogue

from generator.cli import main
from generator.model import PowerRecord


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_clean_catalogue_exits_0_with_summary(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power()])})
    result = run("check", str(root))
    assert (result.exit_code, result.output) == (0, "1 个事项, 0 个错误, 0 个警告\n")


def test_powers_option_is_accepted_too(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power()])})
    assert run("check", "--powers", str(root)).exit_code == 0


def test_errors_exit_1_one_line_each(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power(status="作废")])})
    result = run("check", str(root))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "tjj/FX01TJ-XK-0001.yaml:47:1: E104 「状态」的值「作废」无效,可选值:有效、暂停、取消",
        "1 个事项, 1 个错误, 0 个警告",
    ]


def test_warnings_exit_0_unless_strict(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power(time_limit={"statutory": 20, "promised": 18})])})
    assert run("check", str(root)).exit_code == 0
    assert run("check", "--strict", str(root)).exit_code == 1


def test_json_format_for_bots(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power(status="作废")])})
    result = CliRunner().invoke(main, ["check", "--format", "json", str(root)])
    [item] = json.loads(result.stdout)
    assert item["code"] == "E104" and item["path"] == "tjj/FX01TJ-XK-0001.yaml" and item["field"] == "status"
    assert "1 个错误" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert run("check", "--no-such-option").exit_code == 2
    assert run("check", "--format", "xml", str(tmp_path)).exit_code == 2


def test_missing_folder_is_reported_not_raised(tmp_path):
    result = run("check", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "E017" in result.output and result.exception.__class__ is SystemExit


def test_schema_is_generated_from_the_model_with_chinese_titles():
    schema = json.loads(run("schema").output)
    assert schema["title"] == "权力事项"
    assert set(schema["required"]) == {name for name, f in PowerRecord.model_fields.items() if f.is_required()}
    assert schema["properties"]["time_limit"]["title"] == "办理时限"
    step = schema["$defs"]["Step"]["properties"]
    assert step["post"]["title"] == "承办岗位"
    assert {"type": "string", "pattern": "^[a-z0-9_]+$", "description": "下一步骤的编号"} in step["next"]["anyOf"]


def test_schema_other_kinds():
    assert json.loads(run("schema", "--kind", "department").output)["title"] == "部门信息"
    assert json.loads(run("schema", "--kind", "catalogue").output)["properties"]["division"]["title"] == "行政区划代码"
