"""The command line: `python -m generator <command>` (console script `qlqd`)."""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

import click

from generator import __version__
from generator.commands.common import powers_option, print_report
from generator.core.fieldref import field_reference
from generator.core.schema import json_schema_text
from generator.core.validate import USAGE_CODES, check_paths

# The commands of their own modules, imported when run (or listed): `build` need not load the PDF writer, the form
# editor's server or the spreadsheet library, a third of a second of every run.
COMMANDS = {
    "build": "generator.commands.build:build",
    "fmt": "generator.commands.fmt:fmt_command",
    "new": "generator.commands.new:new_command",
    "ledger": "generator.commands.ledger:ledger_command",
    "pdf": "generator.commands.pdf:pdf_command",
    "import": "generator.commands.importer:import_command",
    "diff": "generator.commands.diff:diff_command",
    "export": "generator.commands.export:export_command",
    "serve": "generator.commands.serve:serve_command",
    "edit": "generator.commands.edit:edit_command",
}


class LazyGroup(click.Group):
    """A group whose commands in COMMANDS are imported only when asked for (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, name = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command) and command.name == cmd_name, COMMANDS[cmd_name]
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__)
def main() -> None:
    """行政权力清单生成器:检查权力事项记录,生成公开网站和打印材料。"""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@powers_option
@click.option("--strict", is_flag=True, help="有警告时也以 1 退出")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="按这一天检查期限,如 2026-03-01(默认今天)"
)
def check(paths: tuple[Path, ...], powers: Path, strict: bool, fmt: str, today: dt.datetime | None) -> None:
    """检查权力清单,列出所有错误和警告。

    PATHS 可以是权力清单目录(默认 --powers),也可以是其中的部门目录或记录文件(可写多个):
    按整个清单检查,只列出这些目录和文件的问题。"""
    checked = check_paths(list(paths) or [powers], today.date() if today else None)
    report = checked.report
    print_report(report, report.records, as_json=fmt == "json")
    for folder, errors in checked.elsewhere.items():
        click.echo(
            f"另外,清单中其他文件还有 {errors} 个错误(未列出),检查整个清单:python -m generator check {folder}", err=True
        )
    if any(p.code in USAGE_CODES for p in report.problems):
        sys.exit(2)
    failed = bool(report.errors) or (strict and bool(report.warnings))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--kind", type=click.Choice(["power", "department", "catalogue"]), default="power", help="文件种类")
@click.option("--markdown", is_flag=True, help="输出全部字段和检查代码的说明表(content/fields.md 的内容)")
def schema(kind: str, markdown: bool) -> None:
    """输出记录的 JSON Schema(供编辑器补全和提示)。"""
    click.echo(field_reference() if markdown else json_schema_text(kind), nl=False)
