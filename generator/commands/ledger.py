"""`ledger [--withdraw CODE --reason … --date …]`: the code ledger brought up to date, a code withdrawn."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from generator.commands.common import powers_option
from generator.editing.ledger_update import WithdrawalRefused, record_catalogue_codes, withdraw_code
from generator.editing.new import TargetError


@click.command("ledger")
@click.option("--withdraw", metavar="编码", help="登记注销一个编码(先删除它的事项文件)")
@click.option("--reason", help="注销原因,如 职权已取消(与 --withdraw 一起使用)")
@click.option("--date", help="注销日期,如 2026-03-01;默认今天")
@powers_option
def ledger_command(withdraw: str | None, reason: str | None, date: str | None, powers: Path) -> None:
    """把清单中的编码记入编码台账 _codes.yaml(没有时新建);加 --withdraw 登记注销一个编码。"""
    if (reason or date) and not withdraw:
        click.echo("--reason 和 --date 只能与 --withdraw 一起使用", err=True)
        sys.exit(2)
    when = _iso_date(date) if date else dt.date.today()
    code = withdraw.strip() if withdraw else ""
    try:
        click.echo(record_catalogue_codes(powers, code))
    except (TargetError, WithdrawalRefused) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if code:
        click.echo(withdraw_code(powers, code, when, reason))


def _iso_date(text: str) -> dt.date:
    """A date written as 2026-03-01, or a usage error that says so."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        click.echo(f"注销日期「{text}」应写成 2026-03-01 这样的日期(年-月-日,用减号分隔)", err=True)
        sys.exit(2)
