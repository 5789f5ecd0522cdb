"""The loaded catalogue: departments with their powers, as the rest of the pipeline sees it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator.core.model import CatalogueRecord, Complaint, DepartmentRecord, PowerRecord, Supervisor
from generator.core.problems import Problem
from generator.core.yamlsafe import Parsed

if TYPE_CHECKING:
    from generator.core.laws import Laws
    from generator.core.ledger import Ledger


@dataclass
class Power:
    """A power record with where it came from."""

    record: PowerRecord
    path: str  # relative to the catalogue root, e.g. tjj/FX01TJ-CF-0001.yaml
    source: Parsed | None = None
    own: tuple[Problem, ...] | None = field(default=None, compare=False)  # its problems of power_rules.py, if known
    record_hash: str = field(default="", compare=False)  # record_hash(record), when the load's cache knew it

    @property
    def code(self) -> str:
        return self.record.code


@dataclass
class Department:
    slug: str
    record: DepartmentRecord | None  # None when _department.yaml is missing or invalid
    powers: list[Power] = field(default_factory=list)
    source: Parsed | None = None
    files: list[str] = field(default_factory=list)  # every power file's path, valid or not


@dataclass
class Catalogue:
    record: CatalogueRecord
    departments: list[Department]
    ledger: Ledger | None = None  # _codes.yaml; None when the catalogue has none (or it is unreadable)
    laws: Laws | None = None  # _laws.yaml; None when the catalogue has none (or it is unreadable)
    root: Path | None = None  # the catalogue folder: where the attachments named by records are found

    def powers(self) -> Iterator[tuple[Department, Power]]:
        for dept in self.departments:
            for power in dept.powers:
                yield dept, power

    def category_code(self, category: str) -> str | None:
        return self.record.category_codes().get(category)


def record_hash(record: PowerRecord) -> str:
    """The hash of all a power record holds (its JSON), of which an edition's power digest is made."""
    return hashlib.sha256(record.model_dump_json().encode("utf-8")).hexdigest()


def _merge(*layers: list) -> list:
    """Merge lists of named entries: a later layer's entry replaces an earlier one of the same key."""
    merged: dict[str, object] = {}
    for layer in layers:
        for entry in layer:
            merged[entry.name if isinstance(entry, Supervisor) else f"{entry.channel}:{entry.contact}"] = entry
    return list(merged.values())


def supervision_for(cat: CatalogueRecord, dept: DepartmentRecord, power: PowerRecord) -> list[Supervisor]:
    """监督制约 for a power: the catalogue's, then the department's, then the power's own."""
    return _merge(cat.supervision, dept.supervision, power.supervision)


def complaints_for(cat: CatalogueRecord, dept: DepartmentRecord, power: PowerRecord) -> list[Complaint]:
    """投诉举报途径 for a power, merged the same way."""
    return _merge(cat.complaints, dept.complaints, power.complaints)
