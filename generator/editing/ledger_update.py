"""What `ledger` does: records the catalogue's codes in the code ledger, and registers a code as withdrawn."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.core.catalogue import Catalogue
from generator.core.ledger import (
    LEDGER_FILE,
    codes_on_disk,
    is_code,
    record_issued,
    record_withdrawal,
    recordable_codes,
)
from generator.core.problems import GeneratorError
from generator.editing.fmt import styled
from generator.editing.new import issuing_catalogue


class WithdrawalRefused(GeneratorError):
    """A code that cannot be withdrawn now; the message says why."""


def record_catalogue_codes(root: Path, withdraw: str) -> str:
    """Record every code of the catalogue at root that the ledger lacks (starting the ledger), and withdraw, when
    given, if it was used before the ledger began; the line that says what was recorded.

    Raises TargetError or WithdrawalRefused, writing nothing, when the catalogue cannot issue codes or withdraw
    cannot be withdrawn."""
    catalogue, _ = issuing_catalogue(root)
    issued = catalogue.ledger.issued() if catalogue.ledger else set()
    missing = [code for code in recordable_codes(catalogue) if code not in issued]
    if withdraw:
        check_withdrawal(catalogue, withdraw)
    earlier = withdraw and withdraw not in issued and withdraw not in missing  # used before the ledger, file gone
    record_issued(root, [*missing, *([withdraw] if earlier else [])])
    ledger = (root / LEDGER_FILE).as_posix()
    return f"已把 {len(missing)} 个编码记入 {ledger}" if missing else f"{ledger} 已包含清单中的全部编码"


def withdraw_code(root: Path, code: str, when: dt.date, reason: str | None) -> str:
    """Register code as withdrawn on a date, with its reason quoted as fmt quotes it; the line that says so."""
    shown = styled(reason.strip()) if reason and reason.strip() else None
    record_withdrawal(root, code, when, shown)
    return f"已在 {(root / LEDGER_FILE).as_posix()} 中登记注销 {code}({when.isoformat()}),这个编码不会再分配"


def check_withdrawal(catalogue: Catalogue, code: str) -> None:
    """WithdrawalRefused when code cannot be withdrawn now. A code not in the ledger yet can: it was used before
    the ledger began, and withdrawing it keeps it from being issued again."""
    prefix = catalogue.record.region + catalogue.record.division
    if not is_code(code):
        raise WithdrawalRefused(f"「{code}」不是权力编码,应如 {prefix}TJ-CF-0001(地区+区划+单位代码-类别代码-4位序号)")
    if not code.startswith(prefix):
        raise WithdrawalRefused(f"编码 {code} 不属于本清单:地区和区划代码应为 {prefix}(见 _catalogue.yaml)")
    ledger = catalogue.ledger
    if ledger and code in ledger.withdrawn():
        entry = ledger.record.withdrawn[ledger.withdrawn()[code]]
        raise WithdrawalRefused(f"编码 {code} 已于 {entry.date.isoformat()} 登记注销,无需重复登记")
    places = codes_on_disk(catalogue).get(code)
    if places:
        where = "、".join(place.path for place in places)
        raise WithdrawalRefused(f"编码 {code} 的事项文件仍在({where}):请先删除文件(git 历史中仍可找回),再登记注销")
