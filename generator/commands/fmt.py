"""`fmt [PATHS] [--check]`: record files rewritten in canonical form, keeping comments."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import powers_option
from generator.core.problems import Problem, shown
from generator.editing.fmt import format_files, record_files


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@powers_option
@click.option("--check", "check_only", is_flag=True, help="只列出需要格式化的文件,不改写;有则以 1 退出(用于 CI)")
def fmt_command(paths: tuple[Path, ...], powers: Path, check_only: bool) -> None:
    """把记录文件改写为统一格式(字段顺序、引号、日期),保留注释。"""
    targets = list(paths) or [powers]
    missing = [p for p in targets if not p.exists()]
    if missing:
        for path in missing:
            click.echo(f"找不到文件或目录:{shown(path)}", err=True)
        sys.exit(2)
    changed, failed = format_files(record_files(targets), check_only)
    _print_summary(changed, failed, check_only)
    sys.exit(1 if failed or (check_only and changed) else 0)


def _print_summary(changed: list[Path], failed: list[Problem], check_only: bool) -> None:
    for path in changed:
        click.echo(f"{'需要格式化' if check_only else '已格式化'}:{shown(path)}")
    for item in failed:
        click.echo(f"无法格式化 {item}", err=True)
    if check_only and changed:
        click.echo(f"{len(changed)} 个文件需要格式化,请运行 python -m generator fmt", err=True)
    elif not changed and not failed:
        click.echo("所有文件格式正确")
