"""The command line: `python -m generator <command>` (console script `qlqd`)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator import __version__
from generator.commands.build import build
from generator.commands.common import powers_option, print_report
from generator.commands.diff import diff_command
from generator.commands.edit import edit_command
from generator.commands.export import export_command
from generator.commands.fmt import fmt_command
from generator.commands.importer import import_command
from generator.commands.ledger import ledger_command
from generator.commands.new import new_command
from generator.commands.pdf import pdf_command
from generator.commands.serve import serve_command
from generator.core.fieldref import field_reference
from generator.core.schema import json_schema_text
from generator.core.validate import USAGE_CODES, check_paths


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


main.add_command(build)
main.add_command(fmt_command)
main.add_command(new_command)
main.add_command(ledger_command)
main.add_command(pdf_command)
main.add_command(import_command)
main.add_command(diff_command)
main.add_command(export_command)
main.add_command(serve_command)
main.add_command(edit_command)
