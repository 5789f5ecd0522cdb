"""W207: a power not revised within 20 working days after a law it cites was amended (seed 002).

The deadline is the 20th working day after the amendment took effect (that day not counted), by the State
Council's holiday arrangements (workdays.py); the warning comes once the deadline has passed, i.e. from the day
after it. A cancelled power (取消) needs no revision and is left out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from generator.core.catalogue import Catalogue, Power
from generator.core.laws import REVISION_DAYS, Law, law_key
from generator.core.problems import Problem, problem
from generator.core.workdays import nth_working_day_after, working_days_after

CANCELLED = "取消"


@dataclass(frozen=True)
class Due:
    """A law amended after a power citing it was last revised: the power's revision deadline."""

    law: Law
    deadline: dt.date
    unknown_years: tuple[int, ...]  # years counted Monday to Friday: the holiday calendar does not know them


@cache
def deadline_of(effective: dt.date) -> tuple[dt.date, tuple[int, ...]]:
    """The revision deadline after an amendment that took effect on this day, and the years counted without a
    holiday calendar."""
    counted = nth_working_day_after(effective, REVISION_DAYS)
    assert isinstance(counted.value, dt.date)
    return counted.value, counted.unknown_years


def dues_of(power: Power, laws: dict[str, Law]) -> Iterator[tuple[int, Due]]:
    """Each basis (by its index) whose law was amended after the power's newest revision."""
    rec = power.record
    if rec.status == CANCELLED:
        return
    seen = set()
    for i, basis in enumerate(rec.basis):
        law = laws.get(law_key(basis.law))
        if law is None or law.effective <= rec.last_revised or law.name in seen:
            continue
        seen.add(law.name)
        deadline, unknown = deadline_of(law.effective)
        yield i, Due(law, deadline, unknown)


def overdue_problems(catalogue: Catalogue, today: dt.date) -> Iterator[Problem]:
    """W207 for every power whose revision deadline after a law amendment has passed by today."""
    if catalogue.laws is None:
        return
    laws = catalogue.laws.by_name()
    if not laws:
        return
    for _, power in catalogue.powers():
        for i, due in dues_of(power, laws):
            if today <= due.deadline:
                continue
            overdue = working_days_after(due.deadline, today)
            unknown = sorted({*due.unknown_years, *overdue.unknown_years})
            fallback = f";{'、'.join(map(str, unknown))} 年的节假日安排未知,按周一至周五计算" if unknown else ""
            at = power.source.at(("basis", i, "law")) if power.source else None
            yield problem(
                "W207",
                power.path,
                at,
                "revisions",
                law=law_key(due.law.name),
                effective=due.law.effective,
                revised=power.record.last_revised,
                deadline=due.deadline,
                days=REVISION_DAYS,
                overdue=overdue.value,
                fallback=fallback,
            )
