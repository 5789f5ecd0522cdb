"""法律依据索引: every law the public edition cites, its latest amendment where _laws.yaml gives it, and the
powers citing it, so that a reviewer sees which powers change when a law changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.core.laws import Law, law_key


@dataclass
class CitedLaw:
    name: str  # as the law index names it, or as the first citing power wrote it (without title marks)
    law: Law | None  # its entry in _laws.yaml, if any
    powers: list[EditionPower] = field(default_factory=list)


def cited_laws(edition: Edition) -> list[CitedLaw]:
    """The laws cited by public powers, by name; each power once per law, in code order."""
    found: dict[str, CitedLaw] = {}
    for power in sorted(edition.powers(), key=lambda p: p.code):
        for basis in power.record.basis:
            key = law_key(basis.law)
            entry = found.setdefault(key, CitedLaw(key, edition.laws.get(key)))
            if not entry.powers or entry.powers[-1] is not power:
                entry.powers.append(power)
    return [found[key] for key in sorted(found)]


@dataclass(frozen=True)
class LawRow:
    """One power citing one law: a row of a department's part of a long law index."""

    name: str
    law: Law | None
    power: EditionPower


def law_rows(edition: Edition, dept: EditionDepartment) -> list[LawRow]:
    """A department's rows of the law index, by law, then code."""
    rows = {
        (law_key(b.law), p.code): LawRow(law_key(b.law), edition.laws.get(law_key(b.law)), p)
        for p in dept.powers
        for b in p.record.basis
    }
    return [rows[key] for key in sorted(rows)]
