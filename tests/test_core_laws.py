"""The law index _laws.yaml and the 20-working-day rule (W207): deadlines counted with the State Council's
holiday arrangements, across Spring Festival and National Day with their adjusted working days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from factory import department, dump, power, write_catalogue

from generator.commands import main
from generator.core.law_rules import deadline_of
from generator.core.validate import check_catalogue
from generator.core.workdays import is_working_day, nth_working_day_after, working_days_after

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 26), True),  # a Sunday worked before Spring Festival 2025
        (D(2025, 1, 29), False),  # 春节 (a Wednesday)
        (D(2025, 2, 8), True),  # a Saturday worked after it
        (D(2025, 9, 28), True),  # a Sunday worked before National Day 2025
        (D(2025, 10, 3), False),  # 国庆节 (a Friday)
        (D(2025, 10, 11), True),  # a Saturday worked after it
        (D(2025, 10, 12), False),  # an ordinary Sunday
    ],
)
def test_holidays_and_adjusted_weekend_days(day: dt.date, working: bool) -> None:
    assert is_working_day(day) == (working, True)


def test_deadline_across_spring_festival() -> None:
    # Mon 20 Jan 2025: 21-24 Jan (4), Sun 26 Jan (5), 27 Jan (6), 28 Jan-4 Feb off, 5-7 Feb (9), Sat 8 Feb (10),
    # 10-14 Feb (15), 17-21 Feb (20)
    assert deadline_of(D(2025, 1, 20)) == (D(2025, 2, 21), ())
    # Without the holiday calendar it would be 20 weekdays: 17 Feb
    assert nth_working_day_after(D(2025, 1, 20), 20).value == D(2025, 2, 21) != D(2025, 2, 17)


def test_deadline_across_national_day() -> None:
    # Sat 20 Sep 2025: 22-26 Sep (5), Sun 28 Sep (6), 29-30 Sep (8), 1-8 Oct off, 9-10 Oct (10), Sat 11 Oct (11),
    # 13-17 Oct (16), 20-23 Oct (20)
    assert deadline_of(D(2025, 9, 20)) == (D(2025, 10, 23), ())


def test_deadline_across_mid_autumn_and_national_day_2024() -> None:
    # Fri 13 Sep 2024: Sat 14 Sep worked (1), 15-17 Sep off, 18-20 (4), 23-27 (9), Sun 29 Sep (10), 30 Sep (11),
    # 1-7 Oct off, 8-11 Oct (15), Sat 12 Oct (16), 14-17 Oct (20)
    assert deadline_of(D(2024, 9, 13)) == (D(2024, 10, 17), ())


def test_the_day_the_amendment_takes_effect_is_not_counted() -> None:
    assert nth_working_day_after(D(2025, 3, 3), 1).value == D(2025, 3, 4)  # a Monday: the next day is the first


def test_overdue_days_count_working_days_only() -> None:
    assert working_days_after(D(2025, 9, 30), D(2025, 10, 8)).value == 0  # the whole National Day week off
    assert working_days_after(D(2025, 9, 30), D(2025, 10, 11)).value == 3  # 9, 10 and Saturday 11 Oct
    assert working_days_after(D(2025, 10, 11), D(2025, 10, 11)).value == 0


def test_a_year_the_calendar_does_not_know_counts_monday_to_friday() -> None:
    counted = nth_working_day_after(D(2099, 1, 1), 20)  # Thursday
    assert counted.value == D(2099, 1, 29) and counted.unknown_years == (2099,)
    assert is_working_day(D(2099, 1, 3)) == (False, False)  # a Saturday


# ---- W207 on a catalogue --------------------------------------------------------------------------


def _catalogue(root: Path, laws: list[dict], **overrides: object) -> Path:
    record = power("FX01TJ-XK-0001", basis=[{"law": "《中华人民共和国统计法》", "articles": "第十二条"}], **overrides)
    write_catalogue(root, {"tjj": (department(), [record])})
    dump(root / "_laws.yaml", {"laws": laws})
    return root


def _w207(root: Path, today: dt.date) -> list[str]:
    _, report = check_catalogue(root, today)
    assert report.errors == []
    return [p.message for p in report.problems if p.code == "W207"]


STATISTICS_2024 = [{"name": "中华人民共和国统计法", "effective": "2024-09-13"}]


def test_no_warning_until_the_deadline_has_passed(tmp_path: Path) -> None:
    root = _catalogue(tmp_path / "powers", STATISTICS_2024)
    assert _w207(root, D(2024, 10, 16)) == []
    assert _w207(root, D(2024, 10, 17)) == []  # the deadline itself: still in time
    [message] = _w207(root, D(2024, 10, 18))
    assert message == (
        "权力依据「中华人民共和国统计法」的修改自 2024-09-13 起施行,本事项最近修订于 2024-01-01:"
        "应在施行后 20 个工作日内(期限 2024-10-17)修订事项和流程图,已逾期 1 个工作日"
    )


def test_a_revision_after_the_amendment_clears_the_warning(tmp_path: Path) -> None:
    revisions = [{"date": "2024-01-01", "note": "首次公布"}, {"date": "2024-10-20", "note": "依修正后的统计法修订"}]
    root = _catalogue(tmp_path / "powers", STATISTICS_2024, revisions=revisions)
    assert _w207(root, D(2025, 1, 1)) == []


def test_a_cancelled_power_is_not_due(tmp_path: Path) -> None:
    root = _catalogue(tmp_path / "powers", STATISTICS_2024, status="取消")
    assert _w207(root, D(2025, 1, 1)) == []


def test_an_internal_power_is_due_too(tmp_path: Path) -> None:
    disclosure = {"scope": "部门内部", "forms": ["内部文件"], "timing": "长期"}
    root = _catalogue(tmp_path / "powers", STATISTICS_2024, disclosure=disclosure)
    assert len(_w207(root, D(2025, 1, 1))) == 1


def test_an_unknown_year_says_it_counted_monday_to_friday(tmp_path: Path) -> None:
    root = _catalogue(tmp_path / "powers", [{"name": "中华人民共和国统计法", "effective": "2099-01-01"}])
    [message] = _w207(root, D(2099, 3, 2))
    assert "期限 2099-01-29" in message and "已逾期 22 个工作日" in message
    assert message.endswith(";2099 年的节假日安排未知,按周一至周五计算")


def test_check_today_option(tmp_path: Path) -> None:
    root = _catalogue(tmp_path / "powers", STATISTICS_2024)
    runner = CliRunner()
    early = runner.invoke(main, ["check", "--powers", str(root), "--strict", "--today", "2024-10-17"])
    late = runner.invoke(main, ["check", "--powers", str(root), "--strict", "--today", "2024-10-31"])
    assert early.exit_code == 0, early.output
    assert late.exit_code == 1 and "W207" in late.output and "已逾期 10 个工作日" in late.output
    wrong = runner.invoke(main, ["check", "--powers", str(root), "--today", "31/10/2024"])
    assert wrong.exit_code == 2
