"""Law amendments between two versions of _laws.yaml, with the powers each makes due for revision (W207's rule)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.catalogue import Catalogue
from generator.core.law_rules import deadline_of, dues_of
from generator.core.laws import law_key


@dataclass
class DuePower:
    code: str
    name: str
    path: str


@dataclass
class LawChange:
    """A law newly listed or with a new amendment date in _laws.yaml."""

    law: str
    before: str  # the amendment date before ("" for a law newly listed)
    after: str
    deadline: str  # the 20th working day after `after`
    due: list[DuePower] = field(default_factory=list)  # powers citing it, last revised before the amendment


def law_changes(old: Catalogue | None, new: Catalogue | None) -> list[LawChange]:
    """Each amendment NEW's law index records that OLD's does not, with the powers of NEW it makes due."""
    if new is None or new.laws is None:
        return []
    before = old.laws.by_name() if old is not None and old.laws is not None else {}
    after = new.laws.by_name()
    found = []
    for key in sorted(after):
        law = after[key]
        was = before.get(key)
        if was is not None and was.effective == law.effective:
            continue
        due = [
            DuePower(power.code, power.record.name, power.path)
            for _, power in new.powers()
            if any(True for _ in dues_of(power, {key: law}))
        ]
        deadline = deadline_of(law.effective)[0].isoformat()
        old_date = was.effective.isoformat() if was else ""
        found.append(
            LawChange(law_key(law.name), old_date, law.effective.isoformat(), deadline, sorted(due, key=_code))
        )
    return found


def _code(item: DuePower) -> str:
    return item.code
