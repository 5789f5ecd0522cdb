"""`import FILE --dept SLUG`: a department's catalogue from a spreadsheet into power files.

The report is one line per file written, and the refused rows with their row numbers and reasons.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import DEFAULT_POWERS, powers_option
from generator.core.problems import shown
from generator.editing.import_department import ensure_department
from generator.editing.import_report import import_report
from generator.editing.importer import Mode, record_codes, run_import
from generator.editing.new import TargetError, department_target
from generator.editing.sheets import SpreadsheetError, read_sheets


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dept", required=True, help="导入到的部门(目录名),如 tjj")
@click.option(
    "--update",
    "--force",
    "update",
    is_flag=True,
    help="更新已有事项(同编码或同名):只改表格中填写了的字段,其余内容和注释保留;原文件先备份",
)
@click.option("--replace", is_flag=True, help="用表格内容整体替换已有事项,表格没有的字段不再保留;原文件先备份")
@click.option("--dept-name", help="部门还不存在时新建它:部门全称,如 复兴区教育局(与 --dept-code 一起用)")
@click.option("--dept-code", help="新建部门的单位业务代码:2 至 4 位大写字母或数字,如 JY")
@powers_option
def import_command(
    file: Path, dept: str, update: bool, replace: bool, dept_name: str | None, dept_code: str | None, powers: Path
) -> None:
    """从电子表格(XLSX 或 CSV)导入部门的权力事项:新事项自动分配编码,已有事项按选项更新或替换。"""
    if update and replace:
        click.echo("--update 和 --replace 只能选一个:--update 只改表格中填写了的字段,--replace 整体替换", err=True)
        sys.exit(2)
    mode: Mode = "replace" if replace else ("update" if update else "keep")
    try:
        sheets = read_sheets(file)
        created = ensure_department(powers, dept, dept_name, dept_code, _command_line(file, dept, powers))
        target = department_target(powers, dept)
        result = run_import(file, sheets, target, mode)
    except (TargetError, SpreadsheetError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if created:
        click.echo(created)
    recorded, ledger_line = record_codes(target, result.new_codes())
    report = import_report(result, file, powers, dept)
    for line in report.lines:
        click.echo(line)
    if ledger_line:
        click.echo(ledger_line, err=not recorded)
    sys.exit(1 if result.refused or report.errors or not recorded else 0)


def _command_line(file: Path, dept: str, powers: Path) -> str:
    """This import as a command to run again, for the advice on creating a missing department."""
    command = f"python -m generator import {shown(file)} --dept {dept}"
    if powers != DEFAULT_POWERS:
        command += f" --powers {shown(powers)}"
    return command
