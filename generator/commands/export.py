"""`export --xlsx FILE`: the catalogue as a spreadsheet in the column order of the 职权目录."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import edition_option, load_or_exit, powers_option
from generator.core.edition import EditionKind, make_edition
from generator.core.problems import shown
from generator.outputs.spreadsheet import UnknownDepartment, one_department
from generator.outputs.workbook import xlsx_bytes


@click.command("export")
@click.option(
    "--xlsx", "xlsx", required=True, type=click.Path(path_type=Path, dir_okay=False), help="输出的 .xlsx 文件"
)
@powers_option
@click.option("--dept", help="只导出一个部门(目录名),如 tjj;导出的表格可以用 import 导回这个部门")
@edition_option
def export_command(xlsx: Path, powers: Path, dept: str | None, kind: EditionKind) -> None:
    """把权力清单导出为电子表格(职权目录的列顺序,另加法定和承诺时限),供按表格报送的单位使用。"""
    edition = make_edition(load_or_exit(powers), kind)
    if dept is not None:
        try:
            edition = one_department(edition, dept)
        except UnknownDepartment as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    try:
        xlsx.write_bytes(xlsx_bytes(edition))
    except OSError as exc:
        click.echo(f"无法写入 {shown(xlsx)}:{exc.strerror}", err=True)
        sys.exit(1)
    shown_count, withheld = len(edition.powers()), len(edition.withheld())
    which = f"(部门 {dept})" if dept else ""
    click.echo(f"已导出 {shown(xlsx)}{which}:{shown_count} 个事项,涉密不宜公开目录 {withheld} 项")
