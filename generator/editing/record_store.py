"""Opening, checking and saving one power record for the browser editor, inside its catalogue and nowhere else.

Every path from the browser is checked by `record_path`: a department folder of the catalogue and a .yaml file in
it, no traversal, no symbolic link. What the form holds is written as text (record_save) and read back by the
safe reader every file goes through, then checked with the rules of `check` in the context of the whole catalogue
(codes unique, the longest path of step days, fees and their basis). A record with errors is never written. A save
names the version of the file it was opened from (its hash): a file changed on disk since is not overwritten."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.core import rules
from generator.core.catalogue import Catalogue, Power
from generator.core.ledger import ledger_problems
from generator.core.loader import DEPARTMENT_FILE, validate_parsed
from generator.core.model import PowerRecord
from generator.core.problems import GeneratorError, Problem, Report
from generator.core.yamlsafe import MAX_BYTES, YamlRejected, decode, parse_text
from generator.editing.new import DeptTarget, TargetError, department_target, new_power
from generator.editing.record_form import data_to_form, form_to_data
from generator.editing.record_save import edited_text, new_text, text_hash

_PART = re.compile(r"^[^\x00-\x1f/\\:*?\"<>|]{1,100}$")
NOT_YET_LEDGERED = "W205"  # a new record's code: the save records it in the ledger


class PathRefused(GeneratorError):
    """A path from the browser that does not name a power file of the catalogue."""


def record_path(root: Path, rel: str) -> Path:
    """The power file rel (dept/CODE.yaml) names in the catalogue at root, or PathRefused."""
    parts = rel.split("/") if isinstance(rel, str) else []
    if len(parts) != 2 or not all(_PART.match(part) for part in parts):
        raise PathRefused(f"不是权力事项文件的路径:{str(rel)[:100]}")
    slug, name = parts
    if slug.startswith((".", "_")) or name.startswith((".", "_")) or not name.endswith(".yaml") or ".." in rel:
        raise PathRefused(f"不是权力事项文件的路径:{rel}")
    folder, path = root / slug, root / slug / name
    real_root = root.resolve()
    if folder.is_symlink() or path.is_symlink() or not (folder / DEPARTMENT_FILE).is_file():
        raise PathRefused(f"不是权力清单中的部门目录或事项文件:{rel}")
    if path.resolve().parent != real_root / slug:
        raise PathRefused(f"路径在权力清单目录之外:{rel}")
    return path


@dataclass
class Opened:
    """A record as the editor opens it: its values for the form, and the version of the file (None: not saved)."""

    rel: str
    form: dict[str, Any]
    version: str | None
    text: str


@dataclass
class Outcome:
    """What a check or a save found: the text the record is (or would be) saved as, and its problems."""

    status: str  # "checked", "saved", "invalid" (errors: nothing written), "conflict" (changed on disk)
    rel: str
    text: str
    problems: list[Problem] = field(default_factory=list)
    version: str | None = None  # the file's version after a save
    on_disk: str | None = None  # a conflict: the file as it is now


def open_record(root: Path, rel: str) -> Opened:
    """A power file's values for the form; PathRefused, YamlRejected or OSError when it cannot be opened."""
    raw = record_path(root, rel).read_bytes()
    text = decode(raw, rel)
    return Opened(rel, data_to_form(parse_text(text, rel).data), text_hash(raw), text)


def blank_record(root: Path, slug: str, category: str, name: str) -> Opened:
    """A new power's first values, with the code `new` would issue now (issued for good only when it is saved)."""
    target = department_target(root, slug)
    power = new_power(target, category, name)
    code = target.take_code(power.category)
    form = {"code": code, "name": power.name, "category": power.category}
    return Opened(f"{slug}/{code}.yaml", form, None, new_text(form))


def check_draft(catalogue: Catalogue, root: Path, rel: str, form: Any, today: dt.date | None = None) -> Outcome:
    """The text a form would be saved as and every problem `check` would find in it (rel: its file, or dept/)."""
    slug, _, name = rel.partition("/")
    if name:
        path = record_path(root, rel)
        original = decode(path.read_bytes(), rel)
        text = edited_text(original, form_to_data(form), rel)
    else:
        data, rel = _coded(catalogue, root, slug, form_to_data(form))
        text = new_text(data)
    return Outcome("checked", rel, text, draft_problems(catalogue, rel, text, today or dt.date.today(), not name))


def _coded(catalogue: Catalogue, root: Path, slug: str, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A new record's data with the code `new` would give it now (by its category), and its file.

    The codes in use are those department_target finds, from the catalogue in memory: the codes of the records,
    the names of every file of the folder and the ledger."""
    dept = next((d for d in catalogue.departments if d.slug == slug and d.record is not None), None)
    if dept is None or dept.record is None:
        raise TargetError(f"未知部门「{slug}」,或其 _department.yaml 有错误")
    target = DeptTarget(root, slug, catalogue.record, dept.record)
    target.codes = {p.code for p in dept.powers} | {Path(f).stem for f in dept.files}
    target.issued = catalogue.ledger.issued() if catalogue.ledger else set()
    category = str(data.get("category", ""))
    code = target.take_code(category) if category in target.category_codes() else str(data.get("code", ""))
    return {**data, "code": code}, f"{slug}/{code}.yaml"


def draft_problems(catalogue: Catalogue, rel: str, text: str, today: dt.date, fresh: bool) -> list[Problem]:
    """Every problem of the record text as file rel of the catalogue, as `check` reports them."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        return parse_problems(text, rel)
    report = Report()
    try:
        parsed = parse_text(text, rel)
    except YamlRejected as exc:
        return exc.problems
    record = validate_parsed(PowerRecord, parsed, rel, report)
    if record is None:
        return report.problems
    power, slug = Power(record, rel, parsed), rel.partition("/")[0]
    departments = [_with_power(dept, power) if dept.slug == slug else dept for dept in catalogue.departments]
    mine = record_rules(Catalogue(catalogue.record, departments, catalogue.ledger), power, today)
    return report.problems + [p for p in mine if not (fresh and p.code == NOT_YET_LEDGERED)]


def record_rules(catalogue: Catalogue, power: Power, today: dt.date) -> list[Problem]:
    """The problems `check` (rules.check) finds in one record: its own rules, and those across records that can
    name it (a code used twice, the code ledger). The other rules across records name folders, never a record."""
    dept = next(d for d in catalogue.departments if power in d.powers)
    found = [*rules.power_problems(catalogue, dept, power, today), *rules.duplicate_codes(catalogue)]
    found += ledger_problems(catalogue)
    return [p for p in found if p.path == power.path]


def parse_problems(text: str, rel: str) -> list[Problem]:
    """The reader's problems of a text (for one too big to look further into)."""
    try:
        parse_text(text, rel)
    except YamlRejected as exc:
        return exc.problems
    return []


def _with_power(dept: Any, power: Power) -> Any:
    powers = sorted([p for p in dept.powers if p.path != power.path] + [power], key=lambda p: p.path)
    return replace(dept, powers=powers, files=sorted({*dept.files, power.path}))


def save_record(catalogue: Catalogue, root: Path, rel: str, version: str | None, form: Any) -> Outcome:
    """Save a form over its file (rel) or as a new power (rel: dept/); nothing is written on errors or conflicts."""
    slug, _, name = rel.partition("/")
    if not name:
        return _save_new(catalogue, root, slug, form)
    path = record_path(root, rel)
    raw = path.read_bytes() if path.exists() else b""
    outcome = check_draft(catalogue, root, rel, form)
    if text_hash(raw) != version:
        return replace(outcome, status="conflict", on_disk=raw.decode("utf-8", errors="replace"))
    if any(p.is_error for p in outcome.problems):
        return replace(outcome, status="invalid")
    if outcome.text.encode("utf-8") != raw:
        write_atomic(path, outcome.text)
    return replace(outcome, status="saved", version=text_hash(outcome.text))


def _save_new(catalogue: Catalogue, root: Path, slug: str, form: Any) -> Outcome:
    """A new power: checked, its code recorded in the ledger (as `new` does), then its file written."""
    outcome = check_draft(catalogue, root, f"{slug}/", form)
    if any(p.is_error for p in outcome.problems):
        return replace(outcome, status="invalid")
    target = department_target(root, slug)
    target.record([outcome.rel.rpartition("/")[2].removesuffix(".yaml")])
    path = record_path(root, outcome.rel)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as out:  # never over a file that appeared meanwhile
            out.write(outcome.text)
    except FileExistsError:
        return replace(outcome, status="conflict", on_disk=path.read_text(encoding="utf-8", errors="replace"))
    return replace(outcome, status="saved", version=text_hash(outcome.text))


def write_atomic(path: Path, text: str) -> None:
    """Replace a file's text at once: a reader sees the old file or the new one, never half of it."""
    fd, tmp = tempfile.mkstemp(prefix=".edit-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
