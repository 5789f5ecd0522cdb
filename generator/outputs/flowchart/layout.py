"""The shape of a flowchart, decided before Graphviz lays it out, so that it stays narrow enough for a phone:
the longest route is the main line, drawn straight down; side branches that end on their own go to its
right (where that cannot make arrows cross) and are stacked one below the other (an invisible arrow from
the end of one to the start of the next) instead of side by side."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from generator.core.model import Step


@dataclass
class Layout:
    main: set[str] = field(default_factory=set)  # step ids on the main line
    stacked: list[tuple[str, str]] = field(default_factory=list)  # (last step of a side branch, next side branch)
    ordered: set[str] = field(default_factory=set)  # steps whose branches are drawn left to right as listed

    def first_on_main_line(self, step: Step) -> list:
        """The step's branches, the one on the main line first (Graphviz places it leftmost)."""
        return sorted(step.next, key=lambda b: b.to not in self.main)


def plan(steps: list[Step]) -> Layout:
    by_id = {step.id: step for step in steps}
    routes = _Routes(by_id)
    layout = Layout(main=_main_line(steps, by_id, routes))
    arrows_into = Counter(b.to for step in steps for b in step.next)
    for step in steps:
        above: str | None = None  # the last step of the side branch stacked last, beside the main line
        taken: frozenset[str] = frozenset()
        alone = True  # every side branch ends on its own
        for branch in layout.first_on_main_line(step):
            target = branch.to
            if target in layout.main or target not in by_id:
                continue
            if routes.reach(target) & (layout.main | taken):
                alone = False
                continue
            if above is not None:
                layout.stacked.append((above, target))
            above, taken = routes.last(target), taken | routes.reach(target)
        onto_main = [b.to for b in step.next if b.to in layout.main]
        if alone and len(step.next) > 1 and len(onto_main) == 1 and arrows_into[onto_main[0]] == 1:
            layout.ordered.add(step.id)
    return layout


def _main_line(steps: list[Step], by_id: dict[str, Step], routes: _Routes) -> set[str]:
    """Ids of the longest route from the first step (the first such branch where routes tie)."""
    line: set[str] = set()
    step = steps[0] if steps else None
    while step is not None and step.id not in line:
        line.add(step.id)
        onward = [by_id[b.to] for b in step.next if b.to in by_id]
        step = max(onward, key=lambda s: routes.length(s.id), default=None)
    return line


class _Routes:
    """Route lengths and reachable steps, memoised; procedures are acyclic once checked, and a step on
    the current path counts as a dead end, so that even an unchecked cycle cannot recurse forever."""

    def __init__(self, by_id: dict[str, Step]) -> None:
        self.by_id = by_id
        self._length: dict[str, int] = {}
        self._reach: dict[str, frozenset[str]] = {}

    def _onward(self, step_id: str) -> list[str]:
        return [b.to for b in self.by_id[step_id].next if b.to in self.by_id]

    def length(self, step_id: str) -> int:
        """Steps on the longest route from this one, itself included."""
        if step_id not in self._length:
            self._length[step_id] = 0
            self._length[step_id] = 1 + max((self.length(s) for s in self._onward(step_id)), default=0)
        return self._length[step_id]

    def last(self, step_id: str) -> str:
        """The last step of the longest route from this one."""
        onward = self._onward(step_id)
        return self.last(max(onward, key=self.length)) if onward else step_id

    def reach(self, step_id: str) -> frozenset[str]:
        """This step and every step after it."""
        if step_id not in self._reach:
            self._reach[step_id] = frozenset([step_id])
            self._reach[step_id] = frozenset([step_id]).union(*(self.reach(s) for s in self._onward(step_id)))
        return self._reach[step_id]
