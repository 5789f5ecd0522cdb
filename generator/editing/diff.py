"""`diff OLD NEW`: what a change does to the catalogue, as a report for a pull request.

Each side is a catalogue folder or a git revision (its --powers folder is taken with `git
archive`, see diff_sides). The report lists powers added, removed and recoded, the fields changed with before and
after (diff_fields), the key facts of each new power, the changes a reviewer must not miss (diff_flags; a record
changed without a new revision entry among them), and the `check` result of NEW. diff_markdown words it for a pull
request; to_json gives all of it.
"""

from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.core.catalogue import Catalogue
from generator.core.fieldnames import title_of
from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord, Procedure
from generator.core.problems import Report
from generator.core.validate import check_catalogue
from generator.editing.diff_fields import FieldChange, field_changes
from generator.editing.diff_flags import Flag, power_flags
from generator.editing.diff_laws import LawChange, law_changes
from generator.editing.diff_sides import open_side
from generator.outputs.wording import NO_RULE, basis_text, days_text, fee_lines, step_days_text


@dataclass
class Fact:
    """One key fact of a new power, in brief: what a reviewer reads before the whole file."""

    field: str  # as in YAML: time_limit
    title: str  # as editors say it: 办理时限
    text: str


@dataclass
class PowerRef:
    code: str
    name: str
    category: str
    path: str
    facts: list[Fact] = field(default_factory=list)  # for added powers


@dataclass
class RecordChange:
    code: str
    name: str
    path: str
    old_code: str = ""
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class DiffReport:
    old: str
    new: str
    added: list[PowerRef] = field(default_factory=list)
    removed: list[PowerRef] = field(default_factory=list)
    recoded: list[RecordChange] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    departments: list[RecordChange] = field(default_factory=list)  # department and catalogue files
    unreadable: list[str] = field(default_factory=list)  # NEW files that could not be read
    flags: list[Flag] = field(default_factory=list)
    laws: list[LawChange] = field(default_factory=list)  # amendments recorded in _laws.yaml, with the powers due
    check: Report = field(default_factory=Report)

    def to_json(self) -> str:
        data = asdict(self)
        data["check"] = {
            "errors": len(self.check.errors),
            "warnings": len(self.check.warnings),
            "problems": [p.to_dict() for p in self.check.sorted()],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- the key facts of a new power -------------------------------------------------------------


def _steps(procedure: Procedure, unit: str) -> str:
    """The steps one per line: name (post, days) → the next steps (conditions)."""
    names = {s.id: s.name for s in procedure.steps}
    lines = [f"{procedure.trigger},共 {len(procedure.steps)} 步:"]
    for number, step in enumerate(procedure.steps, 1):
        post = step.post if step.days is None else f"{step.post},{step_days_text(step.days, unit)}"
        nexts = "、".join(names.get(b.to, b.to) + (f"({b.when})" if b.when else "") for b in step.next)
        lines.append(f"{number}. {step.name}({post})" + (f" → {nexts}" if nexts else ""))
    return "\n".join(lines)


def key_facts(record: PowerRecord) -> list[Fact]:
    """Category, office, basis, time limits, fees and steps in brief."""
    limit = record.time_limit
    unit = limit.unit if limit else "工作日"
    texts = {
        "category": record.category,
        "office": f"{record.office}(负责人:{record.responsible})",
        "basis": "\n".join(basis_text(b) for b in record.basis),
        "time_limit": (
            f"法定时限 {days_text(limit.statutory, unit)},承诺时限 {days_text(limit.promised, unit)}"
            if limit
            else NO_RULE
        ),
        "fees": "\n".join(fee_lines(record.fees)),
        "procedure": _steps(record.procedure, unit) if record.procedure else "未填写",
    }
    return [Fact(name, title_of(PowerRecord, (name,)), text) for name, text in texts.items()]


# --- comparing --------------------------------------------------------------------------------


def compare_sides(old: str, new: str, powers: Path) -> DiffReport:
    """The report of the change from side old to side new, each a folder or a git revision of powers; DiffError
    when a side cannot be opened."""
    with ExitStack() as stack:
        old_root, new_root = open_side(old, powers, stack), open_side(new, powers, stack)
        return compare(old_root, new_root, old, new, Path(new) if Path(new).is_dir() else powers)


def compare(old_root: Path, new_root: Path, old_label: str, new_label: str, shown_as: Path | None = None) -> DiffReport:
    """The report of the change from the catalogue at old_root to the one at new_root."""
    old_cat, _ = check_catalogue(old_root)
    new_cat, new_report = check_catalogue(new_root, shown_as=shown_as)
    report = DiffReport(old_label, new_label, check=new_report)
    report.unreadable = _unreadable(new_root, new_cat)
    old, new = _powers(old_cat), _powers(new_cat)
    gone = [c for c in old if c not in new and old[c][0] not in report.unreadable]
    fresh = [c for c in new if c not in old]
    pairs = _recoded(gone, fresh, old, new)
    for old_code, new_code in pairs:
        change = RecordChange(new_code, new[new_code][1].name, new[new_code][0], old_code)
        change.changes = field_changes(PowerRecord, old[old_code][1], new[new_code][1])
        report.recoded.append(change)
        report.flags += power_flags(old[old_code][1], new[new_code][1])
    paired_old, paired_new = {o for o, _ in pairs}, {n for _, n in pairs}
    report.removed = [_ref(*old[c]) for c in sorted(gone) if c not in paired_old]
    report.added = [_ref(*new[c], facts=True) for c in sorted(fresh) if c not in paired_new]
    for code in sorted(fresh):
        if code not in paired_new:
            report.flags += power_flags(None, new[code][1])
    for code in sorted(c for c in new if c in old):
        changes = field_changes(PowerRecord, old[code][1], new[code][1])
        if changes:
            report.changed.append(RecordChange(code, new[code][1].name, new[code][0], changes=changes))
            report.flags += power_flags(old[code][1], new[code][1])
    report.departments = _department_changes(old_cat, new_cat)
    report.laws = law_changes(old_cat, new_cat)
    return report


def _ref(path: str, record: PowerRecord, facts: bool = False) -> PowerRef:
    return PowerRef(record.code, record.name, record.category, path, key_facts(record) if facts else [])


def _powers(catalogue: Catalogue | None) -> dict[str, tuple[str, PowerRecord]]:
    if catalogue is None:
        return {}
    return {p.code: (p.path, p.record) for _, p in catalogue.powers()}


def _unreadable(root: Path, catalogue: Catalogue | None) -> list[str]:
    """Power files under root that did not load (syntax or field errors)."""
    loaded = {p.path for _, p in catalogue.powers()} if catalogue else set()
    files = (p.relative_to(root).as_posix() for p in root.glob("*/*.yaml") if p.name != DEPARTMENT_FILE)
    return sorted(f for f in files if f not in loaded)


def _recoded(gone: list[str], fresh: list[str], old: dict, new: dict) -> list[tuple[str, str]]:
    """Removed and added powers with the same name: one power given a new code."""
    by_name: dict[str, list[str]] = {}
    for code in fresh:
        by_name.setdefault(new[code][1].name, []).append(code)
    gone_names = [old[c][1].name for c in gone]
    return sorted(
        (code, by_name[old[code][1].name][0])
        for code in gone
        if len(by_name.get(old[code][1].name, [])) == 1 and gone_names.count(old[code][1].name) == 1
    )


def _department_changes(old: Catalogue | None, new: Catalogue | None) -> list[RecordChange]:
    found = []
    if old and new and old.record != new.record:
        change = RecordChange("", new.record.name, CATALOGUE_FILE)
        change.changes = field_changes(CatalogueRecord, old.record, new.record)
        found.append(change)
    before = {d.slug: d.record for d in old.departments} if old else {}
    after = {d.slug: d.record for d in new.departments} if new else {}
    for slug in sorted(before.keys() | after.keys()):
        was, now = before.get(slug), after.get(slug)
        if was != now and (was or now):
            name = (now or was).name
            change = RecordChange("", name, f"{slug}/{DEPARTMENT_FILE}")
            change.changes = field_changes(DepartmentRecord, was, now)
            found.append(change)
    return found
