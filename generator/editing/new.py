"""`new`: a new power file with the next free code and every field, each with its Chinese comment.

The comments are the model's field titles and descriptions, the same source as the JSON Schema.
Placeholders are empty text (""), which `check` rejects with the field's name and line, so an
untouched template never passes as a record. Optional fields are written commented out.

`new` records the code it issues in the code ledger (core/ledger.py) before it writes the file.
The department to add to (`DeptTarget`) is shared with `import` and `ledger`.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.core.catalogue import Catalogue, Department
from generator.core.fieldnames import inner_model
from generator.core.ledger import LEDGER_FILE, record_issued, recordable_codes
from generator.core.loader import DEPARTMENT_FILE, load
from generator.core.model import PENALTY, CatalogueRecord, DepartmentRecord, PowerRecord, Revision, Step, TimeLimit
from generator.core.powercodes import category_choices, code_prefix, next_code, resolve_category, used_sequences
from generator.core.problems import GeneratorError, Problem, Report
from generator.core.validate import check_catalogue
from generator.core.yamlsafe import YamlRejected, read_yaml
from generator.editing.fmt import format_text, scalar_text

PLACEHOLDER = ""
# Optional in the model, but a record should say something: written as placeholders, not commented out.
_DECIDE = {
    (PowerRecord, "time_limit"),
    (PowerRecord, "procedure"),
    (PowerRecord, "revisions"),
    (TimeLimit, "statutory"),
    (TimeLimit, "promised"),
    (Step, "days"),
}
_PREFILL: dict[tuple[type[BaseModel], str], Any] = {
    (PowerRecord, "status"): "有效",
    (Step, "id"): "step1",
    (Step, "next"): PLACEHOLDER,  # the usual form, `next: step2`; branches are explained in its comment
    (Revision, "note"): "首次公布",
}
NEW_HEADER = (
    '# 新增的权力事项:请把所有 "" 处填写完整;以 # 开头的行是说明,可以保留。',
    "# 可选字段已用 # 注释掉:需要时删去这个字段每一行开头的「# 」(列表连同下面以「- 」开头的各项);",
    "# 不适用的字段可以删除。",
    "# 填好后运行 python -m generator check,它会逐项列出还需要填写或改正的内容。",
)


def field_note(info: FieldInfo) -> str:
    """The comment for a field: its title, and its description where that says more."""
    title, description = info.title or "", info.description or ""
    return title if description in ("", title) else f"{title}:{description}"


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(annotation) is list or any(_is_list(a) for a in typing.get_args(annotation))


def _commented(lines: list[str], indent: int) -> list[str]:
    pad = " " * indent
    return [line if line[indent:].startswith("#") else f"{pad}# {line[indent:]}" for line in lines]


@dataclass
class _Writer:
    """Writes a record's fields in model order: given values, placeholders or commented-out fields."""

    penalty: bool

    def fields(self, model: type[BaseModel], values: dict[str, Any], indent: int, sparse: bool = False) -> list[str]:
        lines: list[str] = []
        for name, info in model.model_fields.items():
            if name in values:
                if values[name] is not None:
                    lines += self.emit(name, info, values[name], indent)
            elif (not sparse or self.decide(model, name, info)) and not self.irrelevant(model, name):
                lines += self.placeholder(model, name, info, indent)
        return lines

    def decide(self, model: type[BaseModel], name: str, info: FieldInfo) -> bool:
        penalty = model is PowerRecord and name == "discretion" and self.penalty
        return info.is_required() or (model, name) in _DECIDE or penalty

    def irrelevant(self, model: type[BaseModel], name: str) -> bool:
        """Discretion is for penalties only (E215): another category's template leaves it out."""
        return model is PowerRecord and name == "discretion" and not self.penalty

    def emit(self, name: str, info: FieldInfo, value: Any, indent: int, sparse: bool = True) -> list[str]:
        pad, note, sub = " " * indent, field_note(info), inner_model(info.annotation)
        if isinstance(value, dict) and sub:
            return [f"{pad}{name}:  # {note}", *self.fields(sub, value, indent + 2)]
        if isinstance(value, list):
            if not value:
                return [f"{pad}{name}: []  # {note}"]
            return [f"{pad}{name}:  # {note}"] + [line for v in value for line in self.item(sub, v, indent + 2, sparse)]
        shown = scalar_text(value)
        return [f"{pad}{name}: {shown}  # {note}" if shown else f"{pad}{name}:  # {note}"]

    def item(self, model: type[BaseModel] | None, value: Any, indent: int, sparse: bool) -> list[str]:
        """One list item; the dash goes on its first line that is not a comment."""
        if not (isinstance(value, dict) and model):
            return [f"{' ' * indent}- {scalar_text(value)}"]
        body = self.fields(model, value, indent + 2, sparse)
        first = next(i for i, line in enumerate(body) if not line.lstrip().startswith("#"))
        body[first] = f"{' ' * indent}- {body[first][indent + 2 :]}"
        return body

    def skeleton(self, model: type[BaseModel], name: str, info: FieldInfo, commented: bool) -> Any:
        if (model, name) in _PREFILL:
            return _PREFILL[model, name]
        sub = inner_model(info.annotation)
        is_list = _is_list(info.annotation)
        if sub:
            return [{}] if is_list else {}
        if is_list:
            return [PLACEHOLDER]
        return None if commented else PLACEHOLDER

    def placeholder(self, model: type[BaseModel], name: str, info: FieldInfo, indent: int) -> list[str]:
        if self.decide(model, name, info):
            return self.emit(name, info, self.skeleton(model, name, info, False), indent, sparse=False)
        if info.default_factory is None and info.default is not None:
            return self.emit(name, info, info.default, indent)
        value = self.skeleton(model, name, info, True)
        return _commented(self.emit(name, info, value, indent, sparse=False), indent)


def render_power(values: dict[str, Any], header: tuple[str, ...] = NEW_HEADER) -> str:
    """A power file in canonical form: values where given, placeholders and commented fields elsewhere.

    A key given as None is left out; list items given as values show only their decided fields."""
    writer = _Writer(penalty=values.get("category") == PENALTY)
    text = "\n".join([*header, *writer.fields(PowerRecord, values, 0)]) + "\n"
    return format_text(text, PowerRecord, "template.yaml")


@dataclass
class DeptTarget:
    """A department to add powers to, with what is needed to give them codes."""

    root: Path
    slug: str
    catalogue: CatalogueRecord
    department: DepartmentRecord
    codes: set[str] = field(default_factory=set)  # codes in use (records and file names)
    names: dict[str, str] = field(default_factory=dict)  # name -> code of the existing powers
    issued: set[str] = field(default_factory=set)  # every code in the ledger, withdrawn ones included
    unrecorded: list[str] = field(default_factory=list)  # without a ledger yet: the codes that will start it

    @property
    def prefix(self) -> str:
        return code_prefix(self.catalogue.region, self.catalogue.division, self.department.code)

    def category_codes(self) -> dict[str, str]:
        return self.catalogue.category_codes()

    def folder(self) -> Path:
        return self.root / self.slug

    def take_code(self, category: str) -> str:
        """The next code of a category: one past the highest in use or ever issued (the ledger), marked as used."""
        cat_code = self.category_codes()[category]
        code = next_code(self.prefix, cat_code, used_sequences(self.codes | self.issued, self.prefix, cat_code))
        self.codes.add(code)
        return code

    def record(self, codes: list[str]) -> None:
        """Write issued codes into the ledger; a catalogue without one gets a ledger of all its codes as well.

        Raises LedgerError when the ledger cannot be read (nothing is written then)."""
        record_issued(self.root, [*codes, *self.unrecorded])
        self.issued.update([*codes, *self.unrecorded])
        self.unrecorded = []


class TargetError(GeneratorError):
    """The department cannot take new powers; the message says why."""


def issuing_catalogue(root: Path) -> tuple[Catalogue, Report]:
    """The catalogue at root, readable enough to issue codes from (its ledger too), or TargetError."""
    if not root.is_dir():
        raise TargetError(f"权力清单目录不存在:{root}")
    catalogue, report = load(root)
    if catalogue is None:
        raise TargetError(_with_problems("无法读取 _catalogue.yaml,请先修正:", report.problems))
    if (root / LEDGER_FILE).exists() and catalogue.ledger is None:
        mine = [p for p in report.problems if p.path == LEDGER_FILE]
        raise TargetError(_with_problems(f"编码台账 {LEDGER_FILE} 有错误,修正后才能分配或注销编码:", mine))
    return catalogue, report


def department_target(root: Path, slug: str) -> DeptTarget:
    """The department slug of the catalogue at root, or TargetError with a message for editors."""
    catalogue, report = issuing_catalogue(root)
    found = [d for d in catalogue.departments if d.slug == slug]
    if not found:
        known = "、".join(d.slug for d in catalogue.departments) or "(无)"
        raise TargetError(f"未知部门「{slug}」:{root}/ 下没有这个目录。已有部门:{known}")
    dept = found[0]
    if dept.record is None:
        mine = [p for p in report.problems if p.path.startswith(f"{slug}/_department")]
        raise TargetError(_with_problems(f"部门 {slug} 的 _department.yaml 缺失或有错误,请先修正:", mine))
    target = _target(root, dept, catalogue.record, dept.record)
    target.issued = catalogue.ledger.issued() if catalogue.ledger else set()
    target.unrecorded = [] if (root / LEDGER_FILE).exists() else recordable_codes(catalogue)
    return target


def _target(root: Path, dept: Department, cat: CatalogueRecord, record: DepartmentRecord) -> DeptTarget:
    """Codes and names in use, from every power file of the folder, valid or not (half-filled files count)."""
    target = DeptTarget(root, dept.slug, cat, record)
    target.codes = {p.code for p in dept.powers}
    for path in sorted((root / dept.slug).glob("*.yaml")):
        if path.name == DEPARTMENT_FILE:
            continue
        target.codes.add(path.stem)
        if path.is_symlink():
            continue  # never a record to replace: the loader refuses links, and writing would follow them
        try:
            data = read_yaml(path, path.name).data
        except (YamlRejected, OSError):
            continue
        if isinstance(data.get("name"), str) and data["name"].strip():
            target.names.setdefault(data["name"].strip(), path.stem)
    return target


def _with_problems(message: str, found: list[Problem]) -> str:
    return "\n".join([message, *(f"  {p}" for p in sorted(set(found), key=str))])


class NewRefused(GeneratorError):
    """What `new` was given cannot start a record (an unknown category, an empty name); the message says why."""


@dataclass(frozen=True)
class NewPower:
    """What `new` was given, checked: the category by its full name, the name trimmed."""

    category: str
    name: str
    same_name: str | None  # the code of a power of the department with this name already


@dataclass(frozen=True)
class Created:
    """The file `new` wrote, as a path and as check names it (tjj/FX01TJ-XK-0002.yaml)."""

    path: Path
    rel: str
    started_ledger: bool  # its code was the first the ledger recorded: the ledger file is new


def new_power(target: DeptTarget, category: str, name: str) -> NewPower:
    """The category (full name, short name or code) and name given to `new`, checked, or NewRefused."""
    resolved = resolve_category(category, target.category_codes())
    if resolved is None:
        raise NewRefused(f"无法识别的权力类别「{category}」。可选:{category_choices(target.category_codes())}")
    if not name.strip():
        raise NewRefused("项目名称不能为空")
    return NewPower(resolved, name.strip(), target.names.get(name.strip()))


def create_power(target: DeptTarget, power: NewPower) -> Created:
    """Give the power the next free code and write its template.

    The code goes into the ledger before the file is written: a code once handed out is never handed out
    again. Raises LedgerError, writing nothing, when the ledger cannot be read."""
    code = target.take_code(power.category)
    started = not (target.root / LEDGER_FILE).exists()
    target.record([code])
    path = target.folder() / f"{code}.yaml"
    path.write_text(render_power({"code": code, "name": power.name, "category": power.category}), encoding="utf-8")
    return Created(path, f"{target.slug}/{code}.yaml", started)


def todo_lines(root: Path, rels: list[str]) -> list[str]:
    """What check still finds in the given files of the catalogue at root, and how many errors are elsewhere."""
    _, report = check_catalogue(root, shown_as=root)
    wanted = set(rels)
    mine = [f"  {p}" for p in report.sorted() if p.path in wanted]
    lines = ["还需要填写或改正(check 的提示,行号指向文件中的位置):", *mine] if mine else []
    others = len([p for p in report.errors if p.path not in wanted])
    if others:
        lines.append(f"另外,清单中其他文件还有 {others} 个错误,可运行 python -m generator check 查看")
    return lines
