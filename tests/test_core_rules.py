"""Unit tests of the cross-field and cross-record rules."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from factory import department, power, write_catalogue

from generator.core.model import Step
from generator.core.power_rules import find_cycle, longest_path, reachable
from generator.core.validate import check_catalogue

TODAY = dt.date(2026, 11, 22)


def codes_of(root: Path) -> list[str]:
    _, report = check_catalogue(root, TODAY)
    return [p.code for p in report.sorted()]


def one_power(tmp_path: Path, **overrides) -> list[str]:
    code = overrides.pop("code", "FX01TJ-XK-0001")
    category = overrides.pop("category", "行政许可")
    return codes_of(write_catalogue(tmp_path, {"tjj": (department(), [power(code, category, **overrides)])}))


def steps(*edges: tuple[str, list[str], int]) -> list[Step]:
    return [Step(id=i, name=i, post="岗", days=d, next=[{"to": t} for t in nxt]) for i, nxt, d in edges]


def test_valid_power_has_no_problems(tmp_path):
    assert one_power(tmp_path) == []


def test_longest_path_takes_the_slowest_branch():
    graph = steps(("a", ["b", "c"], 1), ("b", ["d"], 5), ("c", ["d"], 2), ("d", [], 3))
    total, path = longest_path("a", {s.id: s for s in graph})
    assert (total, path) == (9, ["a", "b", "d"])


def test_cycle_is_found_with_its_path():
    graph = steps(("a", ["b"], 1), ("b", ["c"], 1), ("c", ["b"], 1))
    assert find_cycle(graph, {s.id: s for s in graph}) == ["b", "c", "b"]


def test_reachable_from_the_first_step_only():
    graph = steps(("a", ["b"], 1), ("b", [], 1), ("orphan", ["b"], 1))
    assert reachable(graph, {s.id: s for s in graph}) == {"a", "b"}


@pytest.mark.parametrize(
    ("statutory", "promised", "expected"),
    [(20, 10, []), (15, 10, []), (20, 14, ["W202"]), (20, 20, ["W202"]), (10, 12, ["E207"]), (0, 0, [])],
)
def test_promised_against_statutory(tmp_path, statutory, promised, expected):
    limit = {"unit": "工作日", "statutory": statutory, "promised": promised}
    proc = {"trigger": "依申请", "steps": [{"id": "a", "name": "办结", "post": "窗口", "days": 0}]}
    assert one_power(tmp_path, time_limit=limit, procedure=proc) == expected


def test_longest_path_over_promised_is_an_error(tmp_path):
    limit = {"unit": "工作日", "statutory": 20, "promised": 7}
    assert one_power(tmp_path, time_limit=limit) == ["E208"]  # 受理1 + 审查5 + 批准2 = 8 > 7


def test_step_without_days_under_promised_is_a_warning(tmp_path):
    proc = {"trigger": "依申请", "steps": [{"id": "a", "name": "受理", "post": "窗口"}]}
    assert one_power(tmp_path, procedure=proc) == ["W203"]


def test_steps_without_days_are_fine_without_promised(tmp_path):
    proc = {"trigger": "依职权", "steps": [{"id": "a", "name": "检查", "post": "执法人员"}]}
    assert one_power(tmp_path, procedure=proc, time_limit=None) == []


@pytest.mark.parametrize(
    ("proc_steps", "expected"),
    [
        ([{"id": "a", "name": "甲", "post": "岗", "next": "zz"}], ["E209"]),
        (
            [
                {"id": "a", "name": "甲", "post": "岗", "next": "b"},
                {"id": "b", "name": "乙", "post": "岗", "next": "a"},
            ],
            ["E211"],
        ),
        ([{"id": "a", "name": "甲", "post": "岗"}, {"id": "b", "name": "乙", "post": "岗"}], ["E210"]),
        ([{"id": "a", "name": "甲", "post": "岗"}, {"id": "a", "name": "乙", "post": "岗"}], ["E212"]),
    ],
)
def test_procedure_graph_rules(tmp_path, proc_steps, expected):
    assert one_power(tmp_path, time_limit=None, procedure={"trigger": "依职权", "steps": proc_steps}) == expected


def test_procedure_required_unless_confidential(tmp_path):
    assert one_power(tmp_path, procedure=None) == ["E213"]
    assert one_power(tmp_path / "c", procedure=None, confidential={"reason": "涉及国家秘密"}) == []


def test_penalty_needs_discretion_and_others_must_not_have_it(tmp_path):
    assert one_power(tmp_path / "a", code="FX01TJ-CF-0001", category="行政处罚", discretion=None) == ["E214"]
    tiers = [{"violation": "x", "tiers": [{"level": "一般", "facts": "首次", "penalty": "警告"}]}]
    assert one_power(tmp_path / "b", discretion=tiers) == ["E215"]


def test_code_must_agree_with_catalogue_department_and_category(tmp_path):
    assert one_power(tmp_path / "a", code="GG01TJ-XK-0001") == ["E203"]
    assert one_power(tmp_path / "b", code="FX01ZZ-XK-0001") == ["E204"]
    assert one_power(tmp_path / "c", category="行政处罚", code="FX01TJ-XK-0001") == ["E205"]
    assert one_power(tmp_path / "d", category="行政审批") == ["E206"]


def test_revision_dates(tmp_path):
    future = [{"date": "2027-01-01", "note": "x"}]
    old = [{"date": "2023-01-01", "note": "x"}]
    unordered = [{"date": "2024-06-01", "note": "x"}, {"date": "2024-02-01", "note": "y"}]
    assert one_power(tmp_path / "a", revisions=future) == ["E216"]
    assert one_power(tmp_path / "b", revisions=old) == ["E217"]
    assert one_power(tmp_path / "c", revisions=unordered) == ["W204"]


def test_codes_unique_across_departments(tmp_path):
    root = write_catalogue(
        tmp_path,
        {
            "tjj": (department(), [power()]),
            "other": (department("TJ", "另一个局"), [power()]),
        },
    )
    assert sorted(codes_of(root)) == ["E202", "E202", "E218", "E218"]


def test_file_name_must_equal_code(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power()])})
    (root / "tjj" / "FX01TJ-XK-0001.yaml").rename(root / "tjj" / "FX01TJ-XK-0009.yaml")
    assert codes_of(root) == ["E201"]


def test_sequence_gap_is_a_warning_naming_the_missing_numbers(tmp_path):
    root = write_catalogue(tmp_path, {"tjj": (department(), [power(), power("FX01TJ-XK-0004")])})
    _, report = check_catalogue(root, TODAY)
    [gap] = report.sorted()
    assert (gap.code, gap.path) == ("W201", "tjj/")
    assert "0002、0003" in gap.message


def test_every_problem_is_collected_not_just_the_first(tmp_path):
    bad = power("FX01TJ-XK-0002", status="作废", time_limit={"statutory": 5, "promised": 9})
    root = write_catalogue(tmp_path, {"tjj": (department(), [power(), bad, power("FX01TJ-XK-0003", name="")])})
    assert codes_of(root) == ["E104", "E106"]  # the two broken records each report, the valid one still loads


def test_the_one_walk_for_plain_procedures_finds_what_the_full_rules_find(monkeypatch):
    """Random procedures (cycles, unreached steps, missing days, duplicate ids): the same problems either way."""
    from generator.core import power_rules as rules
    from generator.core.catalogue import Power
    from generator.core.model import PowerRecord

    rng, plain = random.Random(10), 0
    for n in range(600):
        size = rng.randint(1, 7)
        ids = [f"s{rng.randrange(size + 1) if rng.random() < 0.05 else i}" for i in range(size)]
        forward = rng.random() < 0.7  # mostly graphs that only go forward: no cycle
        proc = [
            {
                "id": sid,
                "name": sid,
                "post": "岗",
                "days": None if rng.random() < 0.05 else rng.randint(0, 9),
                "next": sorted({ids[j] for j in range(size) if (j > i or not forward) and rng.random() < 0.4}),
            }
            for i, sid in enumerate(ids)
        ]
        limit = {"unit": "工作日", "statutory": 40, "promised": rng.randint(1, 30)}
        record = PowerRecord.model_validate(power(time_limit=limit, procedure={"trigger": "依申请", "steps": proc}))
        one = Power(record, f"tjj/{n}.yaml")
        walked = list(rules.procedure_problems(one))
        plain += rules.longest_if_plain(ids[0], {s.id: s for s in record.procedure.steps}) is not None
        with monkeypatch.context() as patched:
            patched.setattr(rules, "longest_if_plain", lambda *_: None)  # the rules as they were: three walks
            assert list(rules.procedure_problems(one)) == walked, proc
    assert 150 < plain < 450  # both ways were taken often
