"""`diff OLD NEW`: what a change does to the catalogue, as a Markdown report for a pull request.

Each side is a catalogue folder or a git revision (its --powers folder is taken with `git
archive`). The report lists powers added, removed and recoded, the fields changed with before and
after, the key facts of each new power, the changes a reviewer must not miss (a record changed without
a new revision entry among them), and the `check` result of NEW.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel

from generator.commands.common import powers_option
from generator.core.catalogue import Catalogue
from generator.core.fieldnames import title_of
from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord, Procedure
from generator.core.problems import Report
from generator.core.validate import check_catalogue

MAX_CELL = 300  # characters of a value shown in the Markdown table; JSON has all of it


FLAG_KINDS = {
    "promised_longer": "承诺时限延长或删除",
    "fee_added": "新增收费",
    "fee_raised": "收费提高或改变",
    "basis_removed": "删除权力依据",
    "made_confidential": "改为涉密不宜公开",
    "made_internal": "改为仅部门内部公开",
    "steps_removed": "删除办理步骤",
    "no_revision": "内容修改而未新增修订记录",
}
# The field that names an item of a list, so that a diff follows items rather than positions.
IDENTITY = {
    "steps": "id",
    "next": "to",
    "basis": "law",
    "fees": "item",
    "materials": "name",
    "discretion": "violation",
    "tiers": "level",
    "supervision": "name",
    "complaints": "contact",
    "responsibilities": "stage",
    "categories": "name",
}


class DiffError(Exception):
    """A side cannot be opened; the message says why, in Chinese."""


# --- opening a side ---------------------------------------------------------------------------


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffError("找不到 git 命令:比较修订版本需要安装 Git") from None


def open_side(spec: str, powers: Path, stack: ExitStack) -> Path:
    """The catalogue folder for spec: spec itself when it is a folder, else --powers at git revision spec."""
    if Path(spec).is_dir():
        return Path(spec)
    cwd = Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise DiffError(f"「{spec}」不是目录,当前目录也不在 Git 仓库中,无法当作修订版本")
    commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"], cwd)
    if commit.returncode != 0:
        raise DiffError(f"「{spec}」既不是目录,也不是 Git 仓库中的修订版本(分支、标签或提交)")
    root = Path(top.stdout.decode().strip()).resolve()
    try:
        rel = (cwd / powers).resolve().relative_to(root).as_posix()
    except ValueError:
        raise DiffError(f"权力清单目录 {powers} 不在 Git 仓库 {root} 中") from None
    archive = _git(["archive", "--format=tar", commit.stdout.decode().strip(), "--", rel], root)
    if archive.returncode != 0:
        raise DiffError(f"修订版本「{spec}」中没有 {rel}/ 目录")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qlqd-diff-")))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise DiffError(f"无法取出修订版本「{spec}」的文件:{exc}") from None
    return folder / rel


# --- comparing --------------------------------------------------------------------------------


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
class FieldChange:
    field: str  # as in YAML: time_limit.promised
    title: str  # as editors say it: 办理时限 承诺时限
    before: str
    after: str


@dataclass
class Flag:
    """A change a reviewer must not miss."""

    kind: str  # one of FLAG_KINDS
    code: str
    name: str
    message: str


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
    check: Report = field(default_factory=Report)

    def to_json(self) -> str:
        data = asdict(self)
        data["check"] = {
            "errors": len(self.check.errors),
            "warnings": len(self.check.warnings),
            "problems": [p.to_dict() for p in self.check.sorted()],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _shown(value: Any) -> str:
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


@dataclass(frozen=True)
class Item:
    """A list item in a location, named by its identity field (a step by its id)."""

    key: str


def _item_keys(name: object, items: list[Any]) -> list[Any]:
    """Item(identity) for each item where the identity is unique in the list, else the positions."""
    ident = IDENTITY.get(name) if isinstance(name, str) else None
    keys = [str(v.get(ident)) for v in items if isinstance(v, dict)] if ident else []
    if ident and len(keys) == len(items) and len(set(keys)) == len(keys):
        return [Item(k) for k in keys]
    return list(range(len(items)))


def flatten(data: Any, loc: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """(location, shown value) of every leaf; a list of plain values is one leaf."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, (*loc, key))
    elif isinstance(data, list) and any(isinstance(v, dict) for v in data):
        for key, value in zip(_item_keys(loc[-1] if loc else None, data), data, strict=True):
            yield from flatten(value, (*loc, key))
    else:
        yield loc, _shown(data)


def _dotted(loc: tuple) -> str:
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, (int, Item)):
            parts.append(f"[{part.key if isinstance(part, Item) else part}]")
        else:
            parts.append(f".{part}" if i else part)
    return "".join(parts)


def _title(model: type[BaseModel], loc: tuple) -> str:
    plain = tuple(0 if isinstance(p, Item) else p for p in loc)
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, Item):
            parts.append(f"「{part.key}」")
        elif isinstance(part, int):
            parts.append(f"第{part + 1}项")
        else:
            parts.append(title_of(model, plain[: i + 1]))
    return " ".join(parts)


def field_changes(model: type[BaseModel], old: BaseModel | None, new: BaseModel | None) -> list[FieldChange]:
    """Every leaf that differs between two records of one model, in the model's order."""
    before = dict(flatten(old.model_dump(mode="json", exclude_none=True))) if old else {}
    after = dict(flatten(new.model_dump(mode="json", exclude_none=True))) if new else {}
    locs = list(dict.fromkeys([*before, *after]))
    return [
        FieldChange(_dotted(loc), _title(model, loc), before.get(loc, ""), after.get(loc, ""))
        for loc in locs
        if before.get(loc, "") != after.get(loc, "")
    ]


_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?")


def amount(standard: str) -> float | None:
    """The amount a fee standard charges; for a range (10至20元) the lower bound, which is what applies."""
    match = _AMOUNT.search(standard)
    if not match:
        return None
    return float(match[1]) * (10_000 if match[2] else 1)


def _law(law: str, articles: str | None) -> str:
    name = law if law.startswith("《") else f"《{law}》"
    return name + (articles or "")


def power_flags(old: PowerRecord | None, new: PowerRecord) -> list[Flag]:
    """The changes from old to new (old None: a new power) that a reviewer must look at."""
    found = _time_flags(old, new) + _fee_flags(old, new) + _removal_flags(old, new) + _disclosure_flags(old, new)
    found += _revision_flags(old, new)
    return [Flag(kind, new.code, new.name, message) for kind, message in found]


def _revision_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    """A record whose content changed must say so in a revision entry that was not there before."""
    if old is None or old.model_dump(exclude={"revisions"}) == new.model_dump(exclude={"revisions"}):
        return []
    if len(new.revisions) > len(old.revisions):  # rewording an old entry is not a new one
        return []
    message = "内容有修改,但修订记录(revisions)没有新增一条:请在最后加一条,写明修订日期和修改了什么"
    return [("no_revision", message)]


def _removal_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    if old is None:
        return []
    kept = {(b.law, b.articles) for b in new.basis}
    found = [
        ("basis_removed", f"删除权力依据 {_law(b.law, b.articles)}")
        for b in old.basis
        if (b.law, b.articles) not in kept
    ]
    new_ids = {s.id for s in new.procedure.steps} if new.procedure else set()
    old_steps = old.procedure.steps if old.procedure else []
    return found + [("steps_removed", f"删除办理步骤「{s.name}」({s.id})") for s in old_steps if s.id not in new_ids]


def _disclosure_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    found = []
    if new.confidential is not None and (old is None or old.confidential is None):
        verb = "新增事项为" if old is None else "改为"
        reason = new.confidential.reason
        found.append(("made_confidential", f"{verb}涉密不宜公开(理由:{reason}),公开版只列出编码、名称和类别"))
    if new.is_internal and (old is None or not old.is_internal):
        verb = "新增事项" if old is None else "改为"
        found.append(("made_internal", f"{verb}仅在部门内部公开,公开版中将不再出现"))
    return found


def _time_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    was = old.time_limit if old and old.time_limit else None
    now = new.time_limit
    if was is None or was.promised is None:
        return []
    if now is None or now.promised is None:
        return [("promised_longer", f"删除了承诺时限(原为 {was.promised} 个{was.unit})")]
    if now.promised > was.promised or (now.unit != was.unit and now.unit == "工作日"):
        return [("promised_longer", f"承诺时限由 {was.promised} 个{was.unit}延长为 {now.promised} 个{now.unit}")]
    return []


def _fee_flags(old: PowerRecord | None, new: PowerRecord) -> list[tuple[str, str]]:
    before = {f.item: f.standard for f in old.fees} if old else {}
    found = []
    for fee in new.fees:
        if fee.item not in before:
            found.append(("fee_added", f"新增收费「{fee.item}」:{fee.standard}"))
            continue
        was, now = amount(before[fee.item]), amount(fee.standard)
        if before[fee.item] == fee.standard or (was is not None and now is not None and now <= was):
            continue
        verb = "提高收费" if was is not None and now is not None else "收费标准改变"
        found.append(("fee_raised", f"{verb}「{fee.item}」:{before[fee.item]} → {fee.standard}"))
    return found


def _ref(path: str, record: PowerRecord, facts: bool = False) -> PowerRef:
    return PowerRef(record.code, record.name, record.category, path, key_facts(record) if facts else [])


def _days(days: int | None, unit: str, zero: str = "即办") -> str:
    if days is None:
        return "无明确规定"
    return zero if days == 0 else f"{days} 个{unit}"


def _steps(procedure: Procedure, unit: str) -> str:
    """The steps one per line: name (post, days) → the next steps (conditions)."""
    names = {s.id: s.name for s in procedure.steps}
    lines = [f"{procedure.trigger},共 {len(procedure.steps)} 步:"]
    for number, step in enumerate(procedure.steps, 1):
        post = step.post if step.days is None else f"{step.post},{_days(step.days, unit, zero='即时')}"
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
        "basis": "\n".join(_law(b.law, b.articles) for b in record.basis),
        "time_limit": (
            f"法定时限 {_days(limit.statutory, unit)},承诺时限 {_days(limit.promised, unit)}" if limit else "无明确规定"
        ),
        "fees": "\n".join(f"{f.item}:{f.standard}(依据:{f.basis})" for f in record.fees) or "不收费",
        "procedure": _steps(record.procedure, unit) if record.procedure else "未填写",
    }
    return [Fact(name, title_of(PowerRecord, (name,)), text) for name, text in texts.items()]


def _powers(catalogue: Catalogue | None) -> dict[str, tuple[str, PowerRecord]]:
    if catalogue is None:
        return {}
    return {p.code: (p.path, p.record) for _, p in catalogue.powers()}


def _unreadable(root: Path, catalogue: Catalogue | None) -> list[str]:
    """Power files under root that did not load (syntax or field errors)."""
    loaded = {p.path for _, p in catalogue.powers()} if catalogue else set()
    files = (p.relative_to(root).as_posix() for p in root.glob("*/*.yaml") if p.name != DEPARTMENT_FILE)
    return sorted(f for f in files if f not in loaded)


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
    return report


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


# --- Markdown ---------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def md(text: str, limit: int = MAX_CELL) -> str:
    """Text safe inside a Markdown table cell."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\r", "").replace("\n", "<br>")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _changes_table(changes: list[FieldChange]) -> list[str]:
    rows = [[f"{md(c.title)}<br>`{c.field}`", md(c.before) or "(无)", md(c.after) or "(无)"] for c in changes]
    return _table(["字段", "修改前", "修改后"], rows)


def to_markdown(report: DiffReport) -> str:
    out = ["## 权力清单变更报告", "", f"比较:`{md(report.old)}` → `{md(report.new)}`", ""]
    counts = [
        f"新增 {len(report.added)} 项",
        f"删除 {len(report.removed)} 项",
        f"编码变更 {len(report.recoded)} 项",
        f"修改 {len(report.changed)} 项",
    ]
    out += [",".join(counts) + "。", ""]
    out += _flags_section(report) + _lists_section(report) + _changed_section(report) + _check_section(report)
    return "\n".join(out).rstrip("\n") + "\n"


def _flags_section(report: DiffReport) -> list[str]:
    if not report.flags:
        return [
            "### 需要重点审查",
            "",
            "没有需要特别注意的变更(承诺时限、收费、依据、公开范围、办理步骤、修订记录)。",
            "",
        ]
    out = ["### ⚠️ 需要重点审查", ""]
    out += [f"- **{md(f.code)} {md(f.name)}**:{md(f.message, 1000)}" for f in report.flags]
    return [*out, ""]


def _lists_section(report: DiffReport) -> list[str]:
    out: list[str] = []
    if report.added:
        out += ["### 新增事项", ""]
        for ref in report.added:
            rows = [[md(f.title), md(f.text, 1000)] for f in ref.facts]
            out += [f"#### {md(ref.code)} {md(ref.name)}", "", f"文件:`{ref.path}`", ""]
            out += [*_table(["要点", "内容"], rows), ""]
    if report.removed:
        rows = [[md(r.code), md(r.name), md(r.category), f"`{r.path}`"] for r in report.removed]
        out += ["### 删除事项", "", *_table(["权力编码", "项目名称", "权力类别", "文件"], rows), ""]
    if report.unreadable:
        out += ["### 无法读取的文件", "", "以下文件有错误,无法比较(见下方检查结果):", ""]
        out += [f"- `{path}`" for path in report.unreadable] + [""]
    return out


def _changed_section(report: DiffReport) -> list[str]:
    out: list[str] = []
    if report.recoded:
        out += ["### 编码变更", ""]
        for change in report.recoded:
            out += [f"#### {md(change.old_code)} → {md(change.code)} {md(change.name)}", ""]
            out += (_changes_table(change.changes) if change.changes else ["内容未变。"]) + [""]
    if report.changed:
        out += ["### 修改事项", ""]
        for change in report.changed:
            out += [f"#### {md(change.code)} {md(change.name)}", "", f"文件:`{change.path}`", ""]
            out += [*_changes_table(change.changes), ""]
    if report.departments:
        out += ["### 部门和发布机关信息", ""]
        for change in report.departments:
            out += [f"#### {md(change.name)}(`{change.path}`)", "", *_changes_table(change.changes), ""]
    return out


def _check_section(report: DiffReport) -> list[str]:
    errors, warnings = len(report.check.errors), len(report.check.warnings)
    mark = "❌" if errors else "✅"
    out = ["### 检查结果(新版本)", "", f"{mark} {errors} 个错误,{warnings} 个警告", ""]
    problems = report.check.sorted()
    if problems:
        out += ["<details><summary>全部问题</summary>", "", "```text"]
        out += [str(p).replace("```", "'''") for p in problems]
        out += ["```", "", "</details>", ""]
    return out


@click.command("diff")
@click.argument("old")
@click.argument("new")
@powers_option
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", help="输出格式")
def diff_command(old: str, new: str, powers: Path, fmt: str) -> None:
    """比较两个版本的权力清单,输出适合贴在合并请求中的报告。

    OLD、NEW 各是一个清单目录,或 Git 修订版本(分支、标签、提交;取其中的 --powers 目录)。
    报告生成后以 0 退出;新版本的检查结果写在报告中,是否通过请以 check 为准。"""
    with ExitStack() as stack:
        try:
            old_root, new_root = open_side(old, powers, stack), open_side(new, powers, stack)
        except DiffError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        report = compare(old_root, new_root, old, new, Path(new) if Path(new).is_dir() else powers)
    click.echo(report.to_json() if fmt == "json" else to_markdown(report), nl=False)
