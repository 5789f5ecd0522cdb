"""The rules that read one power file and nothing else: its time limits, its procedure, its discretion.

Their outcome is a function of the file alone (its record, positions and path), so that the load's cache keeps it
with the file's record (loadcache.py) and a rebuild runs them only for the files that changed; the rules across
fields of other files, records and folders are in rules.py, which gives these their place in `check`'s order."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from generator.core.catalogue import Power
from generator.core.model import PENALTY, Step
from generator.core.problems import Problem, problem

HINT_STEPS = 30  # hints compare a broken `next` with at most this many step ids: bounds the time a huge file takes


def own_problems(power: Power) -> Iterator[Problem]:
    """Every problem of the rules of this module, in `check`'s order."""
    yield from time_limit_problems(power)
    yield from procedure_problems(power)
    yield from discretion_problems(power)


def position(power: Power, *loc: str | int) -> tuple[int, int] | None:
    """The position of loc in the power's file (None when its positions are not known)."""
    return power.source.at(loc) if power.source else None


def time_limit_problems(power: Power) -> Iterator[Problem]:
    limit = power.record.time_limit
    if not limit or limit.promised is None or limit.statutory is None:
        return
    values = {"promised": limit.promised, "statutory": limit.statutory}
    if limit.promised > limit.statutory:
        yield problem("E207", power.path, position(power, "time_limit", "promised"), "time_limit.promised", **values)
    elif 3 * limit.promised > 2 * limit.statutory:
        yield problem("W202", power.path, position(power, "time_limit", "promised"), "time_limit.promised", **values)


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
            yield problem("E212", power.path, position(power, "procedure", "steps", i, "id"), "procedure", step=step.id)
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
        yield problem("E211", power.path, position(power, "procedure", "steps"), "procedure", cycle=" → ".join(cycle))
        return
    reached = reachable(steps, ids)
    for i, step in enumerate(steps):
        if step.id not in reached:
            yield problem("E210", power.path, position(power, "procedure", "steps", i), "procedure", step=step.id)
    yield from _path_length_problems(power, ids)


def _broken_references(power: Power, ids: dict[str, Step]) -> Iterator[Problem]:
    for i, step in enumerate(power.record.procedure.steps):
        for j, branch in enumerate(step.next):
            if branch.to not in ids:
                close = difflib.get_close_matches(branch.to, list(ids), n=1) if len(ids) <= HINT_STEPS else []
                shown = "、".join(list(ids)[:HINT_STEPS]) + ("…" if len(ids) > HINT_STEPS else "")
                hint = f",是否应为「{close[0]}」?" if close else ",已有步骤:" + shown
                here = ("procedure", "steps", i, "next")
                at = position(power, *here, j) or position(power, *here)
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
        yield problem("W203", power.path, position(power, "procedure", "steps", i), "procedure", step=step.id)
    if missing:
        return
    total, path = longest or longest_path(steps[0].id, ids)
    if total > limit.promised:
        names = " → ".join(ids[s].name for s in path)
        at = position(power, "time_limit", "promised")
        yield problem(
            "E208", power.path, at, "procedure", total=total, unit=limit.unit, route=names, promised=limit.promised
        )


def discretion_problems(power: Power) -> Iterator[Problem]:
    rec = power.record
    if rec.category == PENALTY and not rec.discretion:
        yield problem("E214", power.path, position(power, "category"), "discretion")
    if rec.category != PENALTY and rec.discretion is not None:
        yield problem("E215", power.path, position(power, "discretion"), "discretion", category=rec.category)
