"""`diff OLD NEW`: the report of a change to the catalogue, for a pull request."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import powers_option
from generator.editing.diff import compare_sides
from generator.editing.diff_markdown import to_markdown
from generator.editing.diff_sides import DiffError


@click.command("diff")
@click.argument("old")
@click.argument("new")
@powers_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", help="输出格式")
def diff_command(old: str, new: str, powers: Path, fmt: str) -> None:
    """比较两个版本的权力清单,输出适合贴在合并请求中的报告。

    OLD、NEW 各是一个清单目录,或 Git 修订版本(分支、标签、提交;取其中的 --powers 目录)。
    报告生成后以 0 退出;新版本的检查结果写在报告中,是否通过请以 check 为准。"""
    try:
        report = compare_sides(old, new, powers)
    except DiffError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(report.to_json() if fmt == "json" else to_markdown(report), nl=False)
