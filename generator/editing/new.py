"""`new`: a new power file with the next free code and every field, each with its Chinese comment.

The comments are the model's field titles and descriptions, the same source as the JSON Schema.
Placeholders are empty text (""), which `check` rejects with the field's name and line, so an
untouched template never passes as a record. Optional fields are written commented out.

`new` records the code it issues in the code ledger (ledger.py); `ledger` brings the ledger up to
date with the catalogue and marks a code withdrawn.
"""

from __future__ import annotations

import datetime as dt
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.commands.common import powers_option
from generator.core.catalogue import Catalogue, Department
from generator.core.fieldnames import inner_model
from generator.core.ledger import (
    LEDGER_FILE,
    LedgerError,
    codes_on_disk,
    is_code,
    record_issued,
    record_withdrawal,
    recordable_codes,
)
from generator.core.loader import DEPARTMENT_FILE, load
from generator.core.model import PENALTY, CatalogueRecord, DepartmentRecord, PowerRecord, Revision, Step, TimeLimit
from generator.core.powercodes import category_choices, code_prefix, next_code, resolve_category, used_sequences
from generator.core.problems import Problem, Report
from generator.core.validate import check_catalogue
from generator.core.yamlsafe import YamlRejected, read_yaml
from generator.editing.fmt import format_text, scalar_text, styled

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


class TargetError(Exception):
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


def print_todo(root: Path, rels: list[str]) -> int:
    """Run check and list what is still to be filled in the given files; the number of errors there."""
    _, report = check_catalogue(root, shown_as=root)
    wanted = set(rels)
    mine = [p for p in report.sorted() if p.path in wanted]
    if mine:
        click.echo("还需要填写或改正(check 的提示,行号指向文件中的位置):")
        for item in mine:
            click.echo(f"  {item}")
    others = len([p for p in report.errors if p.path not in wanted])
    if others:
        click.echo(f"另外,清单中其他文件还有 {others} 个错误,可运行 python -m generator check 查看")
    return len([p for p in mine if p.is_error])


@click.command("new")
@click.argument("dept")
@click.option("--category", required=True, help="权力类别,如 行政许可(也可写 许可、XK 或国家编码 01)")
@click.option("--name", required=True, help="项目名称")
@powers_option
def new_command(dept: str, category: str, name: str, powers: Path) -> None:
    """为部门 DEPT(目录名)新建一个权力事项文件,自动分配下一个编码。"""
    try:
        target = department_target(powers, dept)
    except TargetError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    resolved = resolve_category(category, target.category_codes())
    if resolved is None:
        click.echo(f"无法识别的权力类别「{category}」。可选:{category_choices(target.category_codes())}", err=True)
        sys.exit(2)
    if not name.strip():
        click.echo("项目名称不能为空", err=True)
        sys.exit(2)
    if name.strip() in target.names:
        click.echo(f"提示:本部门已有同名事项 {target.names[name.strip()]}")
    code = target.take_code(resolved)
    ledger = powers / LEDGER_FILE
    started = not ledger.exists()
    try:
        target.record([code])  # before the file: a code once handed out is never handed out again
    except LedgerError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if started:
        click.echo(f"已创建编码台账 {ledger.as_posix()}(记录发出过的每个编码,请与新文件一起提交)")
    path = target.folder() / f"{code}.yaml"
    path.write_text(render_power({"code": code, "name": name.strip(), "category": resolved}), encoding="utf-8")
    click.echo(f"已创建 {path.as_posix()}")
    print_todo(powers, [f"{dept}/{code}.yaml"])


@click.command("ledger")
@click.option("--withdraw", metavar="编码", help="登记注销一个编码(先删除它的事项文件)")
@click.option("--reason", help="注销原因,如 职权已取消(与 --withdraw 一起使用)")
@click.option("--date", help="注销日期,如 2026-03-01;默认今天")
@powers_option
def ledger_command(withdraw: str | None, reason: str | None, date: str | None, powers: Path) -> None:
    """把清单中的编码记入编码台账 _codes.yaml(没有时新建);加 --withdraw 登记注销一个编码。"""
    if (reason or date) and not withdraw:
        click.echo("--reason 和 --date 只能与 --withdraw 一起使用", err=True)
        sys.exit(2)
    when = _iso_date(date) if date else dt.date.today()
    try:
        catalogue, _ = issuing_catalogue(powers)
    except TargetError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    issued = catalogue.ledger.issued() if catalogue.ledger else set()
    missing = [code for code in recordable_codes(catalogue) if code not in issued]
    code = withdraw.strip() if withdraw else ""
    refusal = withdrawal_refusal(catalogue, code) if code else None
    if refusal:
        click.echo(refusal, err=True)
        sys.exit(1)
    ledger = (powers / LEDGER_FILE).as_posix()
    earlier = code and code not in issued and code not in missing  # used before the ledger began, file gone
    record_issued(powers, [*missing, *([code] if earlier else [])])
    click.echo(f"已把 {len(missing)} 个编码记入 {ledger}" if missing else f"{ledger} 已包含清单中的全部编码")
    if code:
        shown = styled(reason.strip()) if reason and reason.strip() else None  # quoted as fmt quotes it
        record_withdrawal(powers, code, when, shown)
        click.echo(f"已在 {ledger} 中登记注销 {code}({when.isoformat()}),这个编码不会再分配")


def _iso_date(text: str) -> dt.date:
    """A date written as 2026-03-01, or a usage error that says so."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        click.echo(f"注销日期「{text}」应写成 2026-03-01 这样的日期(年-月-日,用减号分隔)", err=True)
        sys.exit(2)


def withdrawal_refusal(catalogue: Catalogue, code: str) -> str | None:
    """Why code cannot be withdrawn now, or None when it can (a code not in the ledger yet can: it was used before
    the ledger began, and withdrawing it keeps it from being issued again)."""
    prefix = catalogue.record.region + catalogue.record.division
    if not is_code(code):
        return f"「{code}」不是权力编码,应如 {prefix}TJ-CF-0001(地区+区划+单位代码-类别代码-4位序号)"
    if not code.startswith(prefix):
        return f"编码 {code} 不属于本清单:地区和区划代码应为 {prefix}(见 _catalogue.yaml)"
    ledger = catalogue.ledger
    if ledger and code in ledger.withdrawn():
        entry = ledger.record.withdrawn[ledger.withdrawn()[code]]
        return f"编码 {code} 已于 {entry.date.isoformat()} 登记注销,无需重复登记"
    places = codes_on_disk(catalogue).get(code)
    if places:
        where = "、".join(place.path for place in places)
        return f"编码 {code} 的事项文件仍在({where}):请先删除文件(git 历史中仍可找回),再登记注销"
    return None
