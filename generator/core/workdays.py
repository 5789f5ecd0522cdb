"""Working days as the State Council's holiday arrangements count them (the chinese-calendar package):
public holidays are not working days, the weekend days worked in exchange (调休上班) are.

A year the calendar does not know falls back to Monday to Friday; every answer says whether it did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


def is_working_day(day: dt.date) -> tuple[bool, bool]:
    """(whether day is a working day, whether the holiday calendar knows its year)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True)
class Counted:
    """A date or a number of working days, and the years the holiday calendar did not know on the way."""

    value: dt.date | int
    unknown_years: tuple[int, ...] = ()


def nth_working_day_after(start: dt.date, n: int) -> Counted:
    """The n-th working day after start, start itself not counted (n >= 1)."""
    day, found, unknown = start, 0, set()
    while found < n:
        day += ONE_DAY
        working, known = is_working_day(day)
        found += working
        if not known:
            unknown.add(day.year)
    return Counted(day, tuple(sorted(unknown)))


def working_days_after(start: dt.date, until: dt.date) -> Counted:
    """How many working days lie after start, up to and including until (0 when until is not after start)."""
    day, count, unknown = start, 0, set()
    while day < until:
        day += ONE_DAY
        working, known = is_working_day(day)
        count += working
        if not known:
            unknown.add(day.year)
    return Counted(count, tuple(sorted(unknown)))
