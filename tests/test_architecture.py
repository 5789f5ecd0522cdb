"""The shape of the package, kept by tests: which wing may import what (see ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.commands import main

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "generator"
MAX_MODULE_LINES = 400


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, as absolute dotted names (the package uses absolute imports only)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the package imports by absolute name"
            found.add(node.module or "")
    return found


def modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def offenders(files: list[Path], forbidden: re.Pattern[str]) -> list[str]:
    return [f"{p.relative_to(REPO)} imports {m}" for p in files for m in sorted(imports_of(p)) if forbidden.match(m)]


def test_the_core_imports_nothing_above_it_nor_any_engine_or_interface():
    forbidden = re.compile(r"(generator\.(outputs|editing|commands|publish)|click|jinja2|weasyprint|mkdocs|rich)\b")
    assert offenders(modules(PACKAGE / "core"), forbidden) == []


def test_only_the_command_layer_imports_click_or_rich():
    outside = [p for p in modules(REPO / "generator") if PACKAGE / "commands" not in p.parents]
    outside += modules(REPO / "mkdocs_qlqd")
    assert offenders(outside, re.compile(r"(click|rich)\b")) == []


def test_only_the_adapter_imports_mkdocs():
    assert offenders(modules(PACKAGE), re.compile(r"mkdocs\b")) == []


def test_outputs_and_editing_never_import_the_command_layer_or_each_other_upwards():
    below = modules(PACKAGE / "outputs") + modules(PACKAGE / "editing")
    assert offenders(below, re.compile(r"generator\.(commands|publish)\b")) == []
    assert offenders(modules(PACKAGE / "outputs"), re.compile(r"generator\.editing\b")) == []


def test_only_the_command_layer_imports_the_form_editors_server():
    allowed = (PACKAGE / "commands", PACKAGE / "editor")
    others = [p for p in modules(PACKAGE) if not any(folder in p.parents for folder in allowed)]
    assert offenders(others, re.compile(r"generator\.editor\b")) == []


def test_no_module_is_over_the_size_limit():
    long = {
        str(p.relative_to(REPO)): n
        for p in modules(PACKAGE)
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_every_command_is_in_the_readme_command_table():
    """Like datasette's docs tests: `--help` and the README list the same commands."""
    shown = CliRunner().invoke(main, ["--help"]).output
    commands = set(re.findall(r"^  (\w[\w-]*)\s", shown.split("Commands:")[1], re.M))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(\w[\w-]*)[ `]", readme, re.M))
    assert commands and commands == table


def test_a_build_does_not_import_what_only_other_commands_need():
    """openpyxl (export, import), WeasyPrint (pdf) and pypinyin (read when a name is first spelled) cost a build's
    start a tenth of a second or more each; the build command's modules leave them to the code that uses them."""
    code = "import sys, generator.commands.build, generator.publish; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    loaded = set(done.stdout.split())
    assert {"openpyxl", "weasyprint", "pypinyin"} & loaded == set()
