"""`new DEPT --category … --name …`: a new power file with the next free code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import powers_option
from generator.core.ledger import LEDGER_FILE, LedgerError
from generator.editing.new import NewRefused, TargetError, create_power, department_target, new_power, todo_lines


@click.command("new")
@click.argument("dept")
@click.option("--category", required=True, help="权力类别,如 行政许可(也可写 许可、XK 或国家编码 01)")
@click.option("--name", required=True, help="项目名称")
@powers_option
def new_command(dept: str, category: str, name: str, powers: Path) -> None:
    """为部门 DEPT(目录名)新建一个权力事项文件,自动分配下一个编码。"""
    try:
        target = department_target(powers, dept)
        power = new_power(target, category, name)
    except (TargetError, NewRefused) as exc:
        click.echo(str(exc), err=True)
        sys.exit(2 if isinstance(exc, NewRefused) else 1)
    if power.same_name:
        click.echo(f"提示:本部门已有同名事项 {power.same_name}")
    try:
        created = create_power(target, power)
    except LedgerError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if created.started_ledger:
        click.echo(f"已创建编码台账 {(powers / LEDGER_FILE).as_posix()}(记录发出过的每个编码,请与新文件一起提交)")
    click.echo(f"已创建 {created.path.as_posix()}")
    for line in todo_lines(powers, [created.rel]):
        click.echo(line)
