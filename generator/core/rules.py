"""Stage 2: the rules of record-format.md that span fields, records and files (those that read one power file
alone are in power_rules.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Set

from generator.core.attachments import attachment_problems
from generator.core.catalogue import Catalogue, Department, Power
from generator.core.law_rules import overdue_problems
from generator.core.ledger import ledger_problems
from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE
from generator.core.model import PowerRecord
from generator.core.power_rules import own_problems
from generator.core.power_rules import position as _at
from generator.core.problems import Problem, problem

CODE_PARTS = re.compile(r"^(?P<prefix>[A-Z]{2}[0-9]{2})(?P<dept>[A-Z0-9]{2,4})-(?P<cat>[A-Z]{2})-(?P<seq>[0-9]{4})$")


def check(catalogue: Catalogue, today: dt.date) -> list[Problem]:
    """Every rule problem of a loaded catalogue."""
    found: list[Problem] = []
    for dept, power in catalogue.powers():
        found.extend(power_problems(catalogue, dept, power, today))
    ledgered = catalogue.ledger.issued() if catalogue.ledger else set()
    for dept in catalogue.departments:
        found.extend(sequence_gaps(catalogue, dept, ledgered))
    found.extend(duplicate_codes(catalogue))
    found.extend(duplicate_department_codes(catalogue))
    found.extend(ledger_problems(catalogue))
    found.extend(overdue_problems(catalogue, today))
    found.extend(attachment_problems(catalogue))
    found.extend(display_problems(catalogue))
    return found


def power_problems(catalogue: Catalogue, dept: Department, power: Power, today: dt.date) -> Iterator[Problem]:
    yield from code_problems(catalogue, dept, power)
    yield from own_problems(power) if power.own is None else power.own  # own: kept by the load's cache
    yield from revision_problems(power, today)


def code_problems(catalogue: Catalogue, dept: Department, power: Power) -> Iterator[Problem]:
    rec, path = power.record, power.path
    stem = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    if stem != rec.code:
        yield problem("E201", path, _at(power, "code"), "code", stem=stem, code=rec.code)
    parts = CODE_PARTS.match(rec.code)
    if not parts:
        return
    expected_prefix = catalogue.record.region + catalogue.record.division
    if parts["prefix"] != expected_prefix:
        yield problem("E203", path, _at(power, "code"), "code", code=rec.code, expected=expected_prefix)
    if dept.record and parts["dept"] != dept.record.code:
        yield problem(
            "E204", path, _at(power, "code"), "code", code=rec.code, expected=dept.record.code, dept=dept.slug
        )
    codes = catalogue.record.category_codes()
    if rec.category not in codes:
        names = "、".join(codes)
        yield problem("E206", path, _at(power, "category"), "category", category=rec.category, expected=names)
    elif parts["cat"] != codes[rec.category]:
        expected = codes[rec.category]
        yield problem("E205", path, _at(power, "code"), "code", code=rec.code, expected=expected, category=rec.category)


def revision_problems(power: Power, today: dt.date) -> Iterator[Problem]:
    rec: PowerRecord = power.record
    if not rec.revisions:
        return
    dates = [r.date for r in rec.revisions]
    if dates != sorted(dates):
        yield problem("W204", power.path, _at(power, "revisions"), "revisions")
    newest = dates[-1]
    if newest > today:
        yield problem("E216", power.path, _at(power, "revisions", len(dates) - 1), "revisions", date=newest)
    if newest < rec.effective:
        at = _at(power, "revisions", len(dates) - 1)
        yield problem("E217", power.path, at, "revisions", date=newest, effective=rec.effective)


def sequence_gaps(catalogue: Catalogue, dept: Department, ledgered: Set[str] = frozenset()) -> Iterator[Problem]:
    """W201: missing sequence numbers per category within a department; a code in the ledger is no gap."""
    numbers: dict[str, set[int]] = defaultdict(set)
    heads: dict[str, set[str]] = defaultdict(set)
    for power in dept.powers:
        parts = CODE_PARTS.match(power.code)
        if parts:
            numbers[parts["cat"]].add(int(parts["seq"]))
            heads[parts["cat"]].add(parts["prefix"] + parts["dept"])
    names = {code: name for name, code in catalogue.record.category_codes().items()}
    for cat, present in sorted(numbers.items()):
        gaps = set(range(1, max(present) + 1)) - present
        missing = sorted(n for n in gaps if not any(f"{head}-{cat}-{n:04d}" in ledgered for head in heads[cat]))
        if missing:
            shown = "、".join(f"{n:04d}" for n in missing[:20]) + ("…" if len(missing) > 20 else "")
            yield problem(
                "W201", f"{dept.slug}/", None, "code", category=names.get(cat, cat), cat_code=cat, missing=shown
            )


def duplicate_codes(catalogue: Catalogue) -> Iterator[Problem]:
    codes = [power.record.code for _, power in catalogue.powers()]
    if len(set(codes)) == len(codes):  # the common case, found without a list per code
        return
    where: dict[str, list[Power]] = defaultdict(list)
    for _, power in catalogue.powers():
        where[power.code].append(power)
    for code, powers in where.items():
        for power in powers if len(powers) > 1 else []:
            others = "、".join(p.path for p in powers if p is not power)
            yield problem("E202", power.path, _at(power, "code"), "code", code=code, other=others)


def duplicate_department_codes(catalogue: Catalogue) -> Iterator[Problem]:
    where: dict[str, list[Department]] = defaultdict(list)
    for dept in catalogue.departments:
        if dept.record:
            where[dept.record.code].append(dept)
    for code, depts in where.items():
        for dept in depts if len(depts) > 1 else []:
            others = "、".join(f"{d.slug}/{DEPARTMENT_FILE}" for d in depts if d is not dept)
            at = dept.source.at(("code",)) if dept.source else None
            yield problem("E218", f"{dept.slug}/{DEPARTMENT_FILE}", at, "code", code=code, other=others)


def display_problems(catalogue: Catalogue) -> Iterator[Problem]:
    """E237: a power the display screen is to show as most used must exist and be published in full."""
    popular = catalogue.record.display.popular
    records = {power.code: power.record for _, power in catalogue.powers()} if popular else {}
    for code in popular:
        record = records.get(code)
        if record is None:
            yield problem("E237", CATALOGUE_FILE, None, "display.popular", code=code, why="不存在")
        elif record.confidential is not None or record.is_internal:
            yield problem("E237", CATALOGUE_FILE, None, "display.popular", code=code, why="不公开(涉密或部门内部)")
