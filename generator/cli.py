"""The command line: `python -m generator <command>` (console script `qlqd`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .catalogue import Catalogue
from .problems import Report
from .schema import json_schema_text
from .validate import check_catalogue

DEFAULT_POWERS = Path("powers")

powers_option = click.option(
    "--powers",
    "powers",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_POWERS,
    show_default=True,
    help="权力清单目录",
)


def print_report(report: Report, count: int, as_json: bool = False) -> None:
    """Problems one per line (or as JSON), then the summary line."""
    if as_json:
        click.echo(report.to_json())
    else:
        for item in report.sorted():
            click.echo(str(item))
    summary = f"{count} 个事项, {len(report.errors)} 个错误, {len(report.warnings)} 个警告"
    click.echo(summary, err=as_json)


def load_or_exit(powers: Path) -> Catalogue:
    """For commands that build from a catalogue: the valid catalogue, or the problems and exit 1."""
    catalogue, report = check_catalogue(powers)
    if catalogue is None or report.errors:
        for item in report.sorted():
            click.echo(str(item), err=True)
        click.echo(f"权力清单有 {len(report.errors)} 个错误,请先修正(可运行 check 查看)", err=True)
        sys.exit(1)
    return catalogue


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name=None, version=__import__("generator").__version__)
def main() -> None:
    """行政权力清单生成器:检查权力事项记录,生成公开网站和打印材料。"""


@main.command()
@click.argument("powers_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@powers_option
@click.option("--strict", is_flag=True, help="有警告时也以 1 退出")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="输出格式")
def check(powers_dir: Path | None, powers: Path, strict: bool, fmt: str) -> None:
    """检查权力清单,列出所有错误和警告。"""
    catalogue, report = check_catalogue(powers_dir or powers)
    count = sum(1 for _ in catalogue.powers()) if catalogue else 0
    print_report(report, count, as_json=fmt == "json")
    failed = bool(report.errors) or (strict and bool(report.warnings))
    sys.exit(1 if failed else 0)


@main.command()
@click.option("--kind", type=click.Choice(["power", "department", "catalogue"]), default="power", help="文件种类")
def schema(kind: str) -> None:
    """输出记录的 JSON Schema(供编辑器补全和提示)。"""
    click.echo(json_schema_text(kind), nl=False)
