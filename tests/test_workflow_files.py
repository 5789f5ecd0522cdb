"""Files an editors' repository uses as they are: committed JSON Schemas, the pre-commit configuration,
the CI workflow, the VS Code settings and the guide. Every command they name must exist and parse."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml
from workflow_fixture import FIXTURE, copy_catalogue, run

from generator.__main__ import advice
from generator.commands import main

ROOT = Path(__file__).parents[1]
EXAMPLES = ROOT / "examples"
GUIDE = ROOT / "content" / "editing.md"


@pytest.mark.parametrize("kind", ["power", "department", "catalogue"])
def test_committed_schemas_are_what_the_schema_command_prints(kind):
    path = ROOT / "schema" / f"{kind}.schema.json"
    printed = run("schema", "--kind", kind).stdout
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(printed, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == printed, (
        f"schema/{kind}.schema.json is stale: UPDATE_GOLDEN=1 pytest tests/test_workflow_files.py"
    )


def generator_commands(text: str) -> list[list[str]]:
    """The arguments of every `python -m generator …` command line in a text (shell continuations joined)."""
    found = []
    for line in text.replace("\\\n", " ").splitlines():
        for match in re.finditer(r"python -m generator ([^|&;#`\n]*)", line):
            args = shlex.split(match[1].split(" >")[0])
            found.append([a for a in args if a != ">"])
    return found


def assert_parses(args: list[str]) -> None:
    """The command exists and accepts these options and arguments."""
    with click.Context(main) as ctx:
        command = main.get_command(ctx, args[0])
        assert command is not None, args
        command.make_context(args[0], args[1:])


def test_pre_commit_hooks_run_check_and_fmt(tmp_path, monkeypatch):
    config = yaml.safe_load((EXAMPLES / "pre-commit" / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {h["language"] for h in hooks.values()} == {"system"}
    assert [h["entry"].split()[3] for h in hooks.values()] == ["fmt", "check"]
    copy_catalogue(tmp_path)
    monkeypatch.chdir(tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())

    def hook(hook_id: str):
        entry = hooks[hook_id]["entry"].split()[3:]
        chosen = [f for f in files if re.search(hooks[hook_id]["files"], f)]
        return run(*entry, *(chosen if hooks[hook_id].get("pass_filenames", True) else []))

    assert hook("qlqd-fmt").exit_code == 0 and hook("qlqd-check").exit_code == 0
    assert "--strict" in hooks["qlqd-check"]["entry"].split()  # a warning fails here as it fails the request
    messy = tmp_path / "powers" / "tjj" / "FX01TJ-XK-0001.yaml"
    messy.write_text(messy.read_text(encoding="utf-8").replace("code: FX01TJ-XK-0001\n", "") + "code: FX01TJ-XK-0001\n")
    assert hook("qlqd-fmt").exit_code == 1
    messy.write_text("code: [\n", encoding="utf-8")
    assert hook("qlqd-check").exit_code == 1


def test_ci_workflow_checks_and_posts_the_report():
    text = (EXAMPLES / "ci" / "check-pull-request.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert "pull_request" in workflow[True] and "pull_request_target" not in workflow[True]  # YAML 1.1: on -> True
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = "\n".join(s.get("run", "") for s in steps)
    commands = generator_commands(runs)
    assert [c[0] for c in commands] == ["diff", "fmt", "check"]
    for args in commands:
        assert_parses(args)
    assert "gh pr comment" in runs and "--body-file diff-report.md" in runs
    assert "${{" not in runs  # values reach the shell through env:, never pasted into the script
    assert "--strict" in commands[2]


def test_ci_check_fails_a_request_with_a_misordered_revision(tmp_path, monkeypatch):
    steps = yaml.safe_load((EXAMPLES / "ci" / "check-pull-request.yml").read_text(encoding="utf-8"))["jobs"]["check"]
    (check,) = [c for c in generator_commands("\n".join(s.get("run", "") for s in steps["steps"])) if c[0] == "check"]
    powers = copy_catalogue(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert run(*check).exit_code == 0
    record = powers / "tjj" / "FX01TJ-XK-0001.yaml"
    entries = "  - date: 2024-06-01\n    note: 缩短时限\n  - date: 2024-03-01\n    note: 补记\n"
    record.write_text(record.read_text(encoding="utf-8") + entries, encoding="utf-8")
    assert run(*[a for a in check if a != "--strict"]).exit_code == 0  # a warning only: it is --strict that fails it
    result = run(*check)
    assert result.exit_code == 1 and "W204 修订记录应按日期从旧到新排列" in result.output


def test_vscode_settings_point_each_kind_of_file_at_its_schema():
    settings = json.loads((EXAMPLES / "vscode" / "settings.json").read_text(encoding="utf-8"))
    files = [f"powers/{p.relative_to(FIXTURE).as_posix()}" for p in FIXTURE.rglob("*.yaml")]
    for schema, pattern in settings["yaml.schemas"].items():
        assert (ROOT / schema).is_file()
        kind = Path(schema).name.split(".")[0]
        matched = {f for f in files if fnmatch.fnmatchcase(f, pattern) and f.count("/") == pattern.count("/")}
        expected = {f for f in files if {"catalogue": "_catalogue", "department": "_department"}.get(kind, "FX") in f}
        assert matched == expected, kind


def test_guide_begins_with_installing_and_the_git_routine():
    text = GUIDE.read_text(encoding="utf-8")
    sections = re.findall(r"^## (.+)$", text, re.M)
    assert sections[:2] == ["安装生成器", "每次修改的步骤"]
    install = text.split("## 安装生成器\n")[1].split("\n## ")[0]
    assert "### Windows" in install and "### Linux" in install and "Python 3.11" in install
    workflow = yaml.safe_load((EXAMPLES / "ci" / "check-pull-request.yml").read_text(encoding="utf-8"))
    (ci_install,) = [s["run"] for s in workflow["jobs"]["check"]["steps"] if s.get("name") == "安装生成器"]
    expected = ci_install.replace("--quiet ", "").replace("${GENERATOR}", workflow["env"]["GENERATOR"])
    assert install.count(expected) == 2  # the guide installs what CI installs, on each system
    for windows in (False, True):  # what the generator says outside the environment is what the guide shows
        activate = advice("", windows).splitlines()[2].strip()
        assert f"`{activate}`" in install or f"{activate} " in install, activate
    routine = text.split("## 每次修改的步骤\n")[1].split("\n## ")[0]
    steps = ["git pull", "git switch -c", "fmt", "check --strict", "git commit", "git push", "打开合并请求"]
    positions = [routine.index(step) for step in steps]
    assert positions == sorted(positions)


def test_guide_covers_the_workflow_and_its_commands_parse():
    text = GUIDE.read_text(encoding="utf-8")
    assert text.startswith("# 如何新增或修改权力事项\n")
    for topic in (
        "check",
        "fmt --check",
        "new tjj",
        "合并请求",
        "变更报告",
        "yaml.schemas",
        "yaml-language-server: $schema",
    ):
        assert topic in text, topic
    commands = generator_commands(text)
    assert {c[0] for c in commands} >= {"check", "fmt", "new", "import", "export", "diff", "schema"}
    for args in commands:
        assert_parses(args)
    settings = json.loads((EXAMPLES / "vscode" / "settings.json").read_text(encoding="utf-8"))
    shown = json.loads(re.search(r"```json\n(.*?)```", text, re.S)[1])
    assert shown["yaml.schemas"] == settings["yaml.schemas"]  # the guide shows the file it points to
