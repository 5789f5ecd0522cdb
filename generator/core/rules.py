"""Stage 2: the rules of record-format.md that span fields, records and files."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterator, Set

from generator.core.attachments import attachment_problems
from generator.core.catalogue import Catalogue, Department, Power
from generator.core.law_rules import overdue_problems
from generator.core.ledger import ledger_problems
from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE
from generator.core.model import PENALTY, PowerRecord, Step
from generator.core.problems import Problem, problem

HINT_STEPS = 30  # hints compare a broken `next` with at most this many step ids: bounds the time a huge file takes
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
    yield from time_limit_problems(power)
    yield from procedure_problems(power)
    yield from discretion_problems(power)
    yield from revision_problems(power, today)


def _at(power: Power, *loc: str | int) -> tuple[int, int] | None:
    return power.source.at(loc) if power.source else None


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


def time_limit_problems(power: Power) -> Iterator[Problem]:
    limit = power.record.time_limit
    if not limit or limit.promised is None or limit.statutory is None:
        return
    values = {"promised": limit.promised, "statutory": limit.statutory}
    if limit.promised > limit.statutory:
        yield problem("E207", power.path, _at(power, "time_limit", "promised"), "time_limit.promised", **values)
    elif 3 * limit.promised > 2 * limit.statutory:
        yield problem("W202", power.path, _at(power, "time_limit", "promised"), "time_limit.promised", **values)


def procedure_problems(power: Power) -> Iterator[Problem]:
    rec = power.record
    if rec.procedure is None:
        if rec.confidential is None:
            yield problem("E213", power.path, (1, 1), "procedure")
        return
    steps = rec.procedure.steps
    ids = {}
    for i, step in enumerate(steps):
        if step.id in ids:
            yield problem("E212", power.path, _at(power, "procedure", "steps", i, "id"), "procedure", step=step.id)
        ids.setdefault(step.id, step)
    broken = list(_broken_references(power, ids))
    yield from broken
    if broken:
        return
    plain = longest_if_plain(steps[0].id, ids)
    if plain is not None:  # the common case, found by one walk: no cycle and no step unreached
        yield from _path_length_problems(power, ids, plain)
        return
    cycle = find_cycle(steps, ids)
    if cycle:
        yield problem("E211", power.path, _at(power, "procedure", "steps"), "procedure", cycle=" → ".join(cycle))
        return
    reached = reachable(steps, ids)
    for i, step in enumerate(steps):
        if step.id not in reached:
            yield problem("E210", power.path, _at(power, "procedure", "steps", i), "procedure", step=step.id)
    yield from _path_length_problems(power, ids)


def _broken_references(power: Power, ids: dict[str, Step]) -> Iterator[Problem]:
    for i, step in enumerate(power.record.procedure.steps):
        for j, branch in enumerate(step.next):
            if branch.to not in ids:
                close = difflib.get_close_matches(branch.to, list(ids), n=1) if len(ids) <= HINT_STEPS else []
                shown = "、".join(list(ids)[:HINT_STEPS]) + ("…" if len(ids) > HINT_STEPS else "")
                hint = f",是否应为「{close[0]}」?" if close else ",已有步骤:" + shown
                at = _at(power, "procedure", "steps", i, "next", j) or _at(power, "procedure", "steps", i, "next")
                yield problem("E209", power.path, at, "procedure", step=step.id, target=branch.to, hint=hint)


def find_cycle(steps: list[Step], ids: dict[str, Step]) -> list[str] | None:
    """A cycle of step ids (first id repeated at the end), or None. Iterative: a procedure may be long."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for step in steps:
        if step.id in state:
            continue
        state[step.id] = 1
        trail, branches = [step.id], [iter(ids[step.id].next)]
        while trail:
            branch = next(branches[-1], None)
            if branch is None:
                state[trail.pop()] = 2
                branches.pop()
            elif state.get(branch.to) == 1:
                return [*trail[trail.index(branch.to) :], branch.to]
            elif branch.to not in state:
                state[branch.to] = 1
                trail.append(branch.to)
                branches.append(iter(ids[branch.to].next))
    return None


def reachable(steps: list[Step], ids: dict[str, Step]) -> set[str]:
    seen, todo = set(), [steps[0].id]
    while todo:
        sid = todo.pop()
        if sid not in seen:
            seen.add(sid)
            todo.extend(b.to for b in ids[sid].next)
    return seen


def longest_path(first: str, ids: dict[str, Step]) -> tuple[int, list[str]]:
    """The largest total of step days along any path from first (the graph has no cycle)."""
    found = _longest_walk(first, ids)
    assert found is not None, "a procedure with a cycle has no longest path"
    return found


def longest_if_plain(first: str, ids: dict[str, Step]) -> tuple[int, list[str]] | None:
    """longest_path, when every step is reached from first and none leads back to itself; else None."""
    return _longest_walk(first, ids, every=True)


def _longest_walk(first: str, ids: dict[str, Step], every: bool = False) -> tuple[int, list[str]] | None:
    """longest_path by one walk; None if the walk meets a cycle, or (with every) leaves a step unreached."""
    best: dict[str, tuple[int, str | None]] = {}  # step -> (days from it to the end, next step on that path)
    opened: set[str] = set()  # steps whose next steps were put on the stack
    todo = [first]
    while todo:
        sid = todo[-1]
        if sid in best:
            todo.pop()
            continue
        waiting = [b.to for b in ids[sid].next if b.to not in best]
        if waiting:
            if sid in opened:  # back at a step before its next steps are done: one of them leads back to it
                return None
            opened.add(sid)
            todo.extend(waiting)
            continue
        tails = [(best[b.to][0], b.to) for b in ids[sid].next] or [(0, None)]
        total, after = max(tails, key=lambda t: t[0])
        best[sid] = ((ids[sid].days or 0) + total, after)
    if every and len(best) < len(ids):
        return None
    path: list[str] = []
    step: str | None = first
    while step is not None:
        path.append(step)
        step = best[step][1]
    return best[first][0], path


def _path_length_problems(
    power: Power, ids: dict[str, Step], longest: tuple[int, list[str]] | None = None
) -> Iterator[Problem]:
    """W203 for steps without days; E208 when the longest path (worked out unless given) exceeds the promise."""
    limit, steps = power.record.time_limit, power.record.procedure.steps
    if not limit or limit.promised is None:
        return
    missing = [(i, s) for i, s in enumerate(steps) if s.days is None]
    for i, step in missing:
        yield problem("W203", power.path, _at(power, "procedure", "steps", i), "procedure", step=step.id)
    if missing:
        return
    total, path = longest or longest_path(steps[0].id, ids)
    if total > limit.promised:
        names = " → ".join(ids[s].name for s in path)
        at = _at(power, "time_limit", "promised")
        yield problem(
            "E208", power.path, at, "procedure", total=total, unit=limit.unit, route=names, promised=limit.promised
        )


def discretion_problems(power: Power) -> Iterator[Problem]:
    rec = power.record
    if rec.category == PENALTY and not rec.discretion:
        yield problem("E214", power.path, _at(power, "category"), "discretion")
    if rec.category != PENALTY and rec.discretion is not None:
        yield problem("E215", power.path, _at(power, "discretion"), "discretion", category=rec.category)


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
    records = {power.code: power.record for _, power in catalogue.powers()}
    for code in catalogue.record.display.popular:
        record = records.get(code)
        if record is None:
            yield problem("E237", CATALOGUE_FILE, None, "display.popular", code=code, why="不存在")
        elif record.confidential is not None or record.is_internal:
            yield problem("E237", CATALOGUE_FILE, None, "display.popular", code=code, why="不公开(涉密或部门内部)")
