"""What an edition may show. The public edition is built here and nowhere else, so that a
confidential power is reduced to its four public fields before any output sees it, and an
internal-scope power never reaches a public output at all. The internal edition (for staff) adds the
internal-scope powers; a confidential power is reduced in it too: no edition publishes more of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from generator.core.attachments import Attachment, attachments_of
from generator.core.catalogue import Catalogue, complaints_for, record_hash, supervision_for
from generator.core.laws import Law
from generator.core.model import CatalogueRecord, Complaint, DepartmentRecord, PowerRecord, Supervisor

EditionKind = Literal["public", "internal"]


@dataclass(frozen=True)
class Withheld:
    """涉密不宜公开: all that a confidential power publishes."""

    code: str
    name: str
    category: str
    reason: str


@dataclass(frozen=True)
class EditionPower:
    """A power an edition shows in full, with supervision and complaints merged."""

    record: PowerRecord
    dept_slug: str
    department: DepartmentRecord
    supervision: list[Supervisor]
    complaints: list[Complaint]
    attachments: tuple[Attachment, ...] = ()  # the checked files its materials name (never a withheld power's)
    record_hash: str = field(default="", compare=False)  # record_hash(record) when the load's cache kept it

    @property
    def code(self) -> str:
        return self.record.code

    @cached_property
    def digest(self) -> str:
        """The hash of all an output can show of the power: its record (its attachments follow from it), department,
        supervision and complaints. The caches of its outputs are keyed by it."""
        return _digest(self, {})


def _digest(power: EditionPower, known: dict[int, str]) -> str:
    """A power's digest; known holds the JSON of the shared models already written, by id (a department, the
    catalogue's and the departments' supervisors and complaints are each shared by many powers)."""
    texts = [power.dept_slug, power.record_hash or record_hash(power.record)]
    for part in [power.department, *power.supervision, "", *power.complaints]:
        if isinstance(part, str):
            texts.append(part)
        elif (text := known.get(id(part))) is not None:
            texts.append(text)
        else:
            texts.append(known.setdefault(id(part), part.model_dump_json()))
    return hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()


def prime_digests(powers: list[EditionPower]) -> None:
    """Make every power's digest at once, writing each shared model once (the powers keep them alive meanwhile)."""
    known: dict[int, str] = {}
    for power in powers:
        if "digest" not in power.__dict__:
            power.__dict__["digest"] = _digest(power, known)  # where cached_property keeps it


@dataclass
class EditionDepartment:
    slug: str
    record: DepartmentRecord
    powers: list[EditionPower] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)


@dataclass
class Edition:
    kind: EditionKind
    catalogue: CatalogueRecord
    departments: list[EditionDepartment]
    laws: dict[str, Law] = field(default_factory=dict)  # _laws.yaml by law_key: names and dates of laws, no record

    def powers(self) -> list[EditionPower]:
        return [p for d in self.departments for p in d.powers]

    def withheld(self) -> list[Withheld]:
        return [w for d in self.departments for w in d.withheld]

    def category_codes(self) -> dict[str, str]:
        return self.catalogue.category_codes()


def make_edition(catalogue: Catalogue, kind: EditionKind = "public") -> Edition:
    """The edition of a valid catalogue (every department has its record)."""
    departments = []
    for dept in catalogue.departments:
        assert dept.record is not None, "make_edition needs a catalogue without errors"
        out = EditionDepartment(dept.slug, dept.record)
        for power in sorted(dept.powers, key=lambda p: p.code):
            rec = power.record
            if kind == "public" and rec.is_internal:
                continue
            if rec.confidential is not None:
                out.withheld.append(Withheld(rec.code, rec.name, rec.category, rec.confidential.reason))
                continue
            sup = supervision_for(catalogue.record, dept.record, rec)
            com = complaints_for(catalogue.record, dept.record, rec)
            files = attachments_of(catalogue.root, dept.slug, rec) if catalogue.root else ()
            out.powers.append(EditionPower(rec, dept.slug, dept.record, sup, com, files, power.record_hash))
        departments.append(out)
    laws = catalogue.laws.by_name() if catalogue.laws else {}
    return Edition(kind, catalogue.record, departments, laws)
