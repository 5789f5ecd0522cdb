"""The changes to a power that a reviewer must not miss: longer time limits, new or higher fees, removed basis or
steps, less disclosure, content changed without a new revision entry."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.core.model import PowerRecord
from generator.outputs.wording import basis_text

FLAG_KINDS = {
    "promised_longer": "承诺时限延长或删除",
    "fee_added": "新增收费",
    "fee_raised": "收费提高或改变",
    "basis_removed": "删除权力依据",
    "made_confidential": "改为涉密不宜公开",
    "made_internal": "改为仅部门内部公开",
    "steps_removed": "删除办理步骤",
    "no_revision": "内容修改而未新增修订记录",
}
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?")


@dataclass
class Flag:
    """A change a reviewer must not miss."""

    kind: str  # one of FLAG_KINDS
    code: str
    name: str
    message: str


def amount(standard: str) -> float | None:
    """The amount a fee standard charges; for a range (10至20元) the lower bound, which is what applies."""
    match = _AMOUNT.search(standard)
    if not match:
        return None
    return float(match[1]) * (10_000 if match[2] else 1)


def power_flags(old: PowerRecord | None, new: PowerRecord) -> list[Flag]:
    """The changes from old to new (old None: a new power) that a reviewer must look at."""
    found = _time_flags(old, new) + _fee_flags(old, new) + _removal_flags(old, new) + _disclosure_flags(old, new)
    found += _revision_flags(old, new)
    return [Flag(kind, new.code, new.name, message) for kind, message in found]


def _revision_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    """A record whose content changed must say so in a revision entry that was not there before."""
    if old is None or old.model_dump(exclude={"revisions"}) == new.model_dump(exclude={"revisions"}):
        return []
    if len(new.revisions) > len(old.revisions):  # rewording an old entry is not a new one
        return []
    message = "内容有修改,但修订记录(revisions)没有新增一条:请在最后加一条,写明修订日期和修改了什么"
    return [("no_revision", message)]


def _removal_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    if old is None:
        return []
    kept = {(b.law, b.articles) for b in new.basis}
    found = [("basis_removed", f"删除权力依据 {basis_text(b)}") for b in old.basis if (b.law, b.articles) not in kept]
    new_ids = {s.id for s in new.procedure.steps} if new.procedure else set()
    old_steps = old.procedure.steps if old.procedure else []
    return found + [("steps_removed", f"删除办理步骤「{s.name}」({s.id})") for s in old_steps if s.id not in new_ids]


def _disclosure_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    found = []
    if new.confidential is not None and (old is None or old.confidential is None):
        verb = "新增事项为" if old is None else "改为"
        reason = new.confidential.reason
        found.append(("made_confidential", f"{verb}涉密不宜公开(理由:{reason}),公开版只列出编码、名称和类别"))
    if new.is_internal and (old is None or not old.is_internal):
        verb = "新增事项" if old is None else "改为"
        found.append(("made_internal", f"{verb}仅在部门内部公开,公开版中将不再出现"))
    return found


def _time_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    was = old.time_limit if old and old.time_limit else None
    now = new.time_limit
    if was is None or was.promised is None:
        return []
    if now is None or now.promised is None:
        return [("promised_longer", f"删除了承诺时限(原为 {was.promised} 个{was.unit})")]
    if now.promised > was.promised or (now.unit != was.unit and now.unit == "工作日"):
        return [("promised_longer", f"承诺时限由 {was.promised} 个{was.unit}延长为 {now.promised} 个{now.unit}")]
    return []


def _fee_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    before = {f.item: f.standard for f in old.fees} if old else {}
    found = []
    for fee in new.fees:
        if fee.item not in before:
            found.append(("fee_added", f"新增收费「{fee.item}」:{fee.standard}"))
            continue
        was, now = amount(before[fee.item]), amount(fee.standard)
        if before[fee.item] == fee.standard or (was is not None and now is not None and now <= was):
            continue
        verb = "提高收费" if was is not None and now is not None else "收费标准改变"
        found.append(("fee_raised", f"{verb}「{fee.item}」:{before[fee.item]} → {fee.standard}"))
    return found
