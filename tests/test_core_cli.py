"""The check and schema commands, through click's runner; the one path form every command prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from factory import department, power, write_catalogue

from generator.commands import main
from generator.core.model import PowerRecord

E025 = (
    "E025 不属于任何权力清单:所在目录及其上级目录中都没有发布机关文件 _catalogue.yaml。"
    "请检查权力清单目录(如 python -m generator check powers),或其中的部门目录、记录文件"
)
E104 = "E104 「状态」的值「作废」无效,可选值:有效、暂停、取消"
STATUS_LINE = 47  # the line of `status:` in the factory's record


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def work(tmp_path, monkeypatch):
    """An empty folder to run the commands in, as an editors' repository's root."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def two_departments(work: Path, tjj: list[dict], scj: list[dict]) -> Path:
    return write_catalogue(
        work / "powers", {"tjj": (department(), tjj), "scj": (department("SC", "测试区市场监管局"), scj)}
    )


def test_clean_catalogue_exits_0_with_summary(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power()])})
    result = run("check", "powers")
    assert (result.exit_code, result.output) == (0, "1 个事项, 0 个错误, 0 个警告\n")


def test_powers_option_is_accepted_too(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power()])})
    assert run("check", "--powers", "powers").exit_code == 0
    assert run("check").exit_code == 0  # powers/ is the default


def test_errors_exit_1_one_line_each_with_the_path_from_where_check_ran(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power(status="作废")])})
    result = run("check", "powers")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"powers/tjj/FX01TJ-XK-0001.yaml:{STATUS_LINE}:1: {E104}",
        "1 个事项, 1 个错误, 0 个警告",
    ]
    assert run("check", "./powers/").output == result.output  # one spelling, normalised


def test_paths_are_printed_as_given_from_inside_the_catalogue_and_as_absolute_paths(work, monkeypatch):
    root = write_catalogue(work / "powers", {"tjj": (department(), [power(status="作废")])})
    monkeypatch.chdir(root)
    assert run("check", ".").output.splitlines()[0] == f"tjj/FX01TJ-XK-0001.yaml:{STATUS_LINE}:1: {E104}"
    assert run("check", str(root)).output.splitlines()[0] == f"{root.as_posix()}/tjj/FX01TJ-XK-0001.yaml:47:1: {E104}"


def test_warnings_exit_0_unless_strict(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power(time_limit={"statutory": 20, "promised": 18})])})
    assert run("check", "powers").exit_code == 0
    assert run("check", "--strict", "powers").exit_code == 1


def test_json_format_for_bots_has_the_same_path_as_the_text(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power(status="作废")])})
    result = CliRunner().invoke(main, ["check", "--format", "json", "powers"])
    assert json.loads(result.stdout) == [
        {
            "path": "powers/tjj/FX01TJ-XK-0001.yaml",
            "line": STATUS_LINE,
            "column": 1,
            "code": "E104",
            "message": E104.removeprefix("E104 "),
            "field": "status",
        }
    ]
    assert result.stderr == "1 个事项, 1 个错误, 0 个警告\n"


def test_usage_errors_exit_2(work):
    assert run("check", "--no-such-option").exit_code == 2
    assert run("check", "--format", "xml", "powers").exit_code == 2


def test_missing_folder_is_reported_not_raised(work):
    result = run("check", "nowhere")
    assert (result.exit_code, result.output) == (
        1,
        "nowhere: E017 权力清单目录不存在:nowhere\n0 个事项, 1 个错误, 0 个警告\n",
    )
    assert result.exception.__class__ is SystemExit


# --- checking part of a catalogue -------------------------------------------------------------


def test_a_file_is_checked_in_its_catalogue_and_only_its_problems_are_listed(work):
    two_departments(work, [power(), power("FX01TJ-XK-0002", status="作废")], [power("FX01SC-XK-0001", status="作废")])
    result = CliRunner().invoke(main, ["check", "powers/tjj/FX01TJ-XK-0002.yaml"])
    assert (result.exit_code, result.stdout) == (
        1,
        f"powers/tjj/FX01TJ-XK-0002.yaml:{STATUS_LINE}:1: {E104}\n1 个事项, 1 个错误, 0 个警告\n",
    )
    assert result.stderr == "另外,清单中其他文件还有 1 个错误(未列出),检查整个清单:python -m generator check powers\n"
    clean = CliRunner().invoke(main, ["check", "powers/tjj/FX01TJ-XK-0001.yaml"])
    assert (clean.exit_code, clean.stdout) == (0, "1 个事项, 0 个错误, 0 个警告\n")


def test_a_department_folder_gets_no_false_errors(work):
    two_departments(work, [power(), power("FX01TJ-XK-0002")], [power("FX01SC-XK-0001", status="作废")])
    result = CliRunner().invoke(main, ["check", "powers/tjj"])
    assert (result.exit_code, result.stdout) == (0, "2 个事项, 0 个错误, 0 个警告\n")
    assert run("check", "powers/scj/").output.splitlines() == [
        f"powers/scj/FX01SC-XK-0001.yaml:{STATUS_LINE}:1: {E104}",
        "1 个事项, 1 个错误, 0 个警告",
    ]


def test_rules_across_records_see_the_whole_catalogue(work):
    two_departments(work, [power()], [power("FX01SC-XK-0001")])
    twin = work / "powers" / "scj" / "FX01TJ-XK-0001.yaml"
    twin.write_text((work / "powers" / "tjj" / "FX01TJ-XK-0001.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "powers/tjj/FX01TJ-XK-0001.yaml"])
    assert result.stdout.splitlines() == [
        "powers/tjj/FX01TJ-XK-0001.yaml:1:1: E202 权力编码「FX01TJ-XK-0001」重复,另见 scj/FX01TJ-XK-0001.yaml",
        "1 个事项, 1 个错误, 0 个警告",
    ]
    assert "还有 2 个错误" in result.stderr  # the twin's E202 and E204


def test_several_paths_at_once_as_pre_commit_passes_them(work):
    two_departments(work, [power(status="作废"), power("FX01TJ-XK-0002")], [power("FX01SC-XK-0001", status="作废")])
    result = run("check", "powers/scj/FX01SC-XK-0001.yaml", "powers/tjj/FX01TJ-XK-0002.yaml", "powers/scj")
    assert result.stdout.splitlines() == [
        f"powers/scj/FX01SC-XK-0001.yaml:{STATUS_LINE}:1: {E104}",  # once, though named twice
        "2 个事项, 1 个错误, 0 个警告",
    ]
    assert result.stderr == "另外,清单中其他文件还有 1 个错误(未列出),检查整个清单:python -m generator check powers\n"
    assert run("check", "powers", "./powers/").stdout == run("check", "powers").stdout  # one catalogue, read once


def test_department_and_catalogue_files_stand_for_what_they_describe(work):
    two_departments(work, [power(status="作废")], [power("FX01SC-XK-0001", status="作废")])
    department_file = run("check", "powers/scj/_department.yaml").stdout.splitlines()
    assert department_file == [
        f"powers/scj/FX01SC-XK-0001.yaml:{STATUS_LINE}:1: {E104}",
        "1 个事项, 1 个错误, 0 个警告",
    ]
    assert run("check", "powers/_catalogue.yaml").output == run("check", "powers").output


def test_from_inside_a_department_paths_open_from_there(work, monkeypatch):
    two_departments(work, [power()], [power("FX01SC-XK-0001", status="作废")])
    monkeypatch.chdir(work / "powers" / "tjj")
    assert run("check", "FX01TJ-XK-0001.yaml").stdout == "1 个事项, 0 个错误, 0 个警告\n"
    assert run("check", "../scj").stdout.splitlines()[0] == f"../scj/FX01SC-XK-0001.yaml:{STATUS_LINE}:1: {E104}"


def test_the_powers_option_takes_a_file_too(work):
    two_departments(work, [power(status="作废")], [power("FX01SC-XK-0001")])
    result = run("check", "--powers", "powers/scj/FX01SC-XK-0001.yaml")
    assert (result.exit_code, result.stdout) == (0, "1 个事项, 0 个错误, 0 个警告\n")


def test_part_check_in_json_lists_the_same_problems(work):
    two_departments(work, [power(status="作废")], [power("FX01SC-XK-0001", status="作废")])
    result = CliRunner().invoke(main, ["check", "--format", "json", "powers/scj"])
    assert [(p["path"], p["code"]) for p in json.loads(result.stdout)] == [("powers/scj/FX01SC-XK-0001.yaml", "E104")]
    assert result.stderr.splitlines()[0] == "1 个事项, 1 个错误, 0 个警告"


def test_a_file_outside_any_catalogue_is_a_usage_error(work):
    (work / "notes").mkdir()
    (work / "notes" / "FX01TJ-XK-0001.yaml").write_text("code: FX01TJ-XK-0001\n", encoding="utf-8")
    result = run("check", "notes/FX01TJ-XK-0001.yaml")
    assert (result.exit_code, result.output) == (
        2,
        f"notes/FX01TJ-XK-0001.yaml: {E025}\n0 个事项, 1 个错误, 0 个警告\n",
    )
    assert run("check", "notes").output.splitlines()[0] == f"notes/: {E025}"


def test_a_department_of_a_catalogue_without_its_catalogue_file_is_a_usage_error(work):
    root = two_departments(work, [power()], [])
    (root / "_catalogue.yaml").unlink()
    assert run("check", "powers/tjj").output.splitlines()[0] == f"powers/tjj/: {E025}"
    whole = run("check", "powers")  # the catalogue folder itself: the missing file is the problem
    assert (whole.exit_code, whole.output.splitlines()[0]) == (
        1,
        "powers/_catalogue.yaml: E011 缺少发布机关文件 _catalogue.yaml",
    )


def test_a_file_that_is_not_a_record_is_a_usage_error(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power()])})
    (work / "powers" / "tjj" / "说明.docx").write_bytes(b"PK")
    result = run("check", "powers/tjj/说明.docx")
    assert (result.exit_code, result.output.splitlines()[0]) == (
        2,
        "powers/tjj/说明.docx: E026 不是记录文件:check 只能检查权力清单目录、部门目录或 .yaml 记录文件",
    )


def test_a_missing_file_is_named(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power()])})
    result = run("check", "powers/tjj/FX01TJ-XK-0009.yaml", "powers/tjj/FX01TJ-XK-0001.yaml")
    assert (result.exit_code, result.output.splitlines()) == (
        1,
        [
            "powers/tjj/FX01TJ-XK-0009.yaml: E027 文件不存在:请检查文件名,以及路径是否从当前目录写起"
            "(如 powers/tjj/FX01TJ-XK-0001.yaml)",
            "1 个事项, 1 个错误, 0 个警告",
        ],
    )


# --- one path form in every command -----------------------------------------------------------


def test_commands_that_refuse_a_broken_catalogue_print_the_same_path_as_check(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power(status="作废")])})
    line = f"powers/tjj/FX01TJ-XK-0001.yaml:{STATUS_LINE}:1: {E104}"
    assert run("check", "powers").output.splitlines()[0] == line
    for command in (["pdf", "--out", "site"], ["build", "--out", "site"], ["export", "--xlsx", "x.xlsx"]):
        result = CliRunner().invoke(main, [*command, "--powers", "./powers"])
        assert result.exit_code == 1, command
        assert result.stderr.splitlines()[:2] == ["权力清单 powers 有 1 个错误,请先修正(可运行 check 查看):", line]


def test_fmt_prints_the_same_path_form(work):
    write_catalogue(work / "powers", {"tjj": (department(), [power()])})
    result = run("fmt", "--check", "./powers/")
    assert result.output.splitlines()[0] == "需要格式化:powers/_catalogue.yaml"
    assert all(line.startswith("需要格式化:powers/") for line in result.output.splitlines()[:-1])


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
