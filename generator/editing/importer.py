"""`import FILE --dept SLUG`: a department's catalogue from a spreadsheet into power files.

A row is a new power, or an existing one of the department (the code it gives, or the same name).
A new power is written from the template, so what the sheet did not say stays a placeholder that
`check` names. An existing record changes only on request: --update sets just the fields the row
fills in and keeps the rest of the file (other fields, comments, key order); --replace rebuilds it
from the row. Either way the old file is first copied to a backup folder that `check` does not read.
The report is one line per file written, and the refused rows with their row numbers and reasons.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import click
from pydantic import BaseModel, ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.commands.common import DEFAULT_POWERS, powers_option
from generator.core.fieldnames import inner_model
from generator.core.ledger import LEDGER_FILE, LedgerError
from generator.core.loader import DEPARTMENT_FILE
from generator.core.model import SCOPE_INTERNAL, SCOPE_PUBLIC, SCOPE_SPECIFIC, DepartmentRecord, PowerRecord
from generator.core.powercodes import category_choices, resolve_category
from generator.core.problems import shown
from generator.core.rules import CODE_PARTS
from generator.core.validate import check_catalogue
from generator.core.yamlsafe import YamlRejected, decode, parse_text, read_yaml
from generator.editing.fmt import FormatRefused, _yaml, format_text, scalar_text
from generator.editing.new import DeptTarget, TargetError, department_target, render_power
from generator.editing.sheets import (
    Header,
    RowError,
    Sheet,
    SpreadsheetError,
    cell_text,
    cell_value,
    find_header,
    header_field,
    parse_basis,
    parse_days,
    parse_fees,
    parse_steps,
    read_sheets,
    split_list,
)
from generator.outputs.spreadsheet import cell_texts

Mode = Literal["keep", "update", "replace"]
BACKUP_DIR = ".import-backup"  # in the catalogue folder: the loader and fmt skip hidden folders
_SPLIT_FORMS = re.compile(r"[、,,;;/]|或|和|及")
_DEPT_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_KEEP_EXISTING = "本部门已有这些事项,未修改(如需用表格内容更新,请加 --update:只改表格中填写了的字段,其余内容保留)"
# List fields whose entries are matched to the record's by these keys: a matched entry keeps its other fields.
_ENTRY_KEYS: dict[str, tuple[str, ...]] = {"basis": ("law", "articles"), "materials": ("name",), "fees": ("standard",)}
_RT = _yaml()


def _scope(text: str) -> str:
    if "内部" in text:
        return SCOPE_INTERNAL
    if "特定" in text or "相对人" in text or "当事人" in text:
        return SCOPE_SPECIFIC
    return SCOPE_PUBLIC if "社会" in text or "公众" in text else text


def _timing(text: str) -> str:
    for word in ("长期", "随时", "阶段性"):
        if word in text:
            return word
    return "随时" if "及时" in text or "临时" in text else text


# --- a row into record values ----------------------------------------------------------------


@dataclass
class Row:
    """One data row: where it is and its cells by field; a blank cell is None and fills in nothing."""

    sheet: str | None  # the sheet's name when the file has several
    number: int
    cells: dict[str, list[Any]]

    @property
    def label(self) -> str:
        return f"{_sheet_label(self.sheet)}第 {self.number} 行"

    def first(self, name: str) -> Any:
        return next((v for v in self.cells.get(name, []) if v is not None), None)

    def text(self, name: str) -> str:
        return cell_text(self.first(name))

    def all(self, name: str) -> list[Any]:
        return [v for v in self.cells.get(name, []) if v is not None]

    def without(self, names: set[str]) -> Row:
        """The row with these fields left blank."""
        return Row(self.sheet, self.number, {f: v for f, v in self.cells.items() if f not in names})


def _sheet_label(sheet: str | None) -> str:
    return f"工作表「{sheet}」" if sheet else ""


def convert_row(row: Row, category: str, header: Header) -> dict[str, Any]:
    """The record values a row fills in (without code); RowError when it cannot be converted."""
    values: dict[str, Any] = {"category": category}
    _office(row, values)
    basis = parse_basis(row.all("basis"))
    if basis:
        values["basis"] = basis
    _disclosure(row, values)
    if row.text("fees"):
        values["fees"] = parse_fees(row.first("fees"), row.text("fee_basis"))
    _time_limit(row, header, values)
    for name in ("conditions", "materials"):
        items = split_list(row.first(name))
        if items:
            values[name] = [{"name": i} for i in items] if name == "materials" else items
    _procedure(row, values)
    if row.text("reason"):
        values["confidential"] = {"reason": row.text("reason")}
    return values


def _office(row: Row, values: dict[str, Any]) -> None:
    combined = row.text("office_responsible")
    if combined:
        match = re.match(r"^(.+?)[\s/、,,;;((]+(?:负责人[::]?)?(.+?)[))]?$", combined)
        values["office"], person = (match[1], match[2]) if match else (combined, "")
        if person:
            values["responsible"] = person
    if row.text("office"):
        values["office"] = row.text("office")
    if row.text("responsible"):
        values["responsible"] = row.text("responsible")


def _disclosure(row: Row, values: dict[str, Any]) -> None:
    disclosure: dict[str, Any] = {}
    if row.text("scope"):
        disclosure["scope"] = _scope(row.text("scope"))
    forms = [f.strip() for f in _SPLIT_FORMS.split(row.text("forms")) if f.strip()]
    if forms:
        disclosure["forms"] = forms
    if row.text("timing"):
        disclosure["timing"] = _timing(row.text("timing"))
    if disclosure:
        values["disclosure"] = disclosure


def _time_limit(row: Row, header: Header, values: dict[str, Any]) -> None:
    limit: dict[str, Any] = {}
    units = set()
    for name in ("statutory", "promised"):
        cell = row.first(name)
        if cell is None:
            continue  # left blank: a new record keeps the placeholder, an existing one its value
        days, unit = parse_days(cell, header.units.get(name))
        limit[name] = days  # None: the sheet says there is none, so the line is left out
        if unit and days is not None:
            units.add(unit)
    if len(units) > 1:
        raise RowError("法定时限和承诺时限的单位不同(工作日和自然日),请统一后再导入")
    if limit == {"statutory": None, "promised": None}:
        values["time_limit"] = None  # no time limit at all: the record leaves 办理时限 out
    elif limit:
        values["time_limit"] = {"unit": units.pop()} | limit if units else limit


def _procedure(row: Row, values: dict[str, Any]) -> None:
    procedure: dict[str, Any] = {}
    trigger = row.text("trigger")
    if "申请" in trigger:
        procedure["trigger"] = "依申请"
    elif "职权" in trigger:
        procedure["trigger"] = "依职权"
    steps = parse_steps(row.first("procedure"), values.get("office"))
    if steps:
        procedure["steps"] = steps
    if procedure:
        values["procedure"] = procedure


# --- merging a row's values into an existing record's YAML -------------------------------------


def plain(value: Any) -> Any:
    """YAML tree data as plain Python values, for comparing."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _entry_key(entry: Any, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(re.sub(r"[《》\s]", "", cell_text(entry.get(k))) for k in keys)


def _entries(old: Any, new: list[dict[str, Any]], keys: tuple[str, ...], model: type[BaseModel]) -> list[Any]:
    """The row's entries; one matching an old entry by keys is the old one (other fields and comments kept),
    updated with what the row says; a new one gets "" for the required fields the row does not give."""
    olds: dict[tuple[str, ...], Any] = {}
    for entry in old if isinstance(old, list) else []:
        if isinstance(entry, dict):
            olds.setdefault(_entry_key(entry, keys), entry)
    required = [name for name, info in model.model_fields.items() if info.is_required()]
    out: list[Any] = []
    for entry in new:
        match = olds.pop(_entry_key(entry, keys), None)
        if match is None:
            out.append({name: entry.get(name, "") for name in required} | entry)
            continue
        kept = copy.deepcopy(match)
        for key, value in entry.items():
            if key not in keys and plain(kept.get(key)) != value:
                kept[key] = value
        out.append(kept)
    return out


def _steps(old: Any, new: list[dict[str, Any]]) -> list[Any]:
    """The row's steps in its order, linked one after another; a step of the same name as an old one is the
    old one, keeping its id, post, days and the rest."""
    olds = [s for s in old if isinstance(s, dict)] if isinstance(old, list) else []
    if [cell_text(s.get("name")) for s in olds] == [s["name"] for s in new]:
        return old
    by_name: dict[str, Any] = {}
    for step in olds:
        by_name.setdefault(cell_text(step.get("name")), step)
    steps = [copy.deepcopy(by_name.pop(s["name"])) if s["name"] in by_name else dict(s) for s in new]
    kept = {cell_text(s.get("id")) for s in steps if isinstance(s, CommentedMap)}
    fresh = (f"step{n}" for n in itertools.count(1) if f"step{n}" not in kept)
    for step in steps:
        if not isinstance(step, CommentedMap):
            step["id"] = next(fresh)
    for step, following in zip(steps, [s["id"] for s in steps[1:]] + [None], strict=True):
        if following:
            step["next"] = following
        else:
            step.pop("next", None)
    return steps


def _like(old: Any, new: list[Any]) -> list[Any]:
    """A new list written in the old one's style ([a, b] stays on one line)."""
    if isinstance(old, CommentedSeq) and old.fa.flow_style():
        seq = CommentedSeq(new)
        seq.fa.set_flow_style()
        return seq
    return new


@dataclass
class Merger:
    """Sets a row's values into a record's YAML tree, keeping everything the row does not fill in."""

    changed: list[str] = field(default_factory=list)  # Chinese titles of the fields that changed

    def mapping(self, tree: CommentedMap, values: dict[str, Any], model: type[BaseModel], indent: int = 0) -> None:
        for key, value in values.items():
            info = model.model_fields[key]
            old, sub = tree.get(key), inner_model(info.annotation)
            if isinstance(value, dict) and isinstance(old, CommentedMap) and sub is not None:
                self.mapping(old, value, sub, indent + 2)
                continue
            new = self.value(key, old, value, sub)
            if new is None:
                if key in tree:
                    del tree[key]
                    self.changed.append(info.title or key)
            elif plain(new) != plain(old):
                tree[key] = new
                _comment_after(tree, key, indent)
                self.changed.append(info.title or key)

    def value(self, key: str, old: Any, new: Any, sub: type[BaseModel] | None) -> Any:
        """What the tree should hold at key; None to leave the key out."""
        if isinstance(new, dict):
            return {k: v for k, v in new.items() if v is not None} or None
        if not isinstance(new, list):
            return new
        if key == "steps":
            return _steps(old, new)
        if key in _ENTRY_KEYS and sub is not None:
            new = _entries(old, new, _ENTRY_KEYS[key], sub)
        return _like(old, new)


def _comment_after(tree: CommentedMap, key: str, indent: int) -> None:
    """Keep a comment at the end of a changed line two spaces after the new value."""
    token = tree.ca.items.get(key, [None] * 3)[2]
    if token is not None and not isinstance(tree[key], (list, dict)):
        token.column = indent + len(f"{key}: {scalar_text(tree[key])}") + 2


def merge_text(text: str, values: dict[str, Any], rel: str) -> tuple[str, list[str]]:
    """The record text with values merged in, in canonical form, and the titles of the fields that changed."""
    parse_text(text, rel)  # the generator's own limits: size, aliases, tags, duplicate keys
    try:
        tree = _RT.load(text)
    except YAMLError as exc:
        raise RowError(f"已有文件 {rel} 无法读取({str(exc).splitlines()[0]}),请先用 check 查看并修正") from None
    if not isinstance(tree, CommentedMap):
        raise RowError(f"已有文件 {rel} 不是一个事项记录,请先用 check 查看并修正")
    for step in values.get("procedure", {}).get("steps", []):
        step.setdefault("post", cell_text(values.get("office") or tree.get("office")))
    merger = Merger()
    merger.mapping(tree, values, PowerRecord)
    if not merger.changed:
        return text, []
    out = io.StringIO()
    _RT.dump(tree, out)
    return format_text(out.getvalue(), PowerRecord, rel), list(dict.fromkeys(merger.changed))


def _unchanged_cells(row: Row, existing: PowerRecord | None) -> set[str]:
    """Fields whose cell holds exactly what export writes for the record: nothing there to change.
    The two time limits go together, so that a unit given for one is checked against the other."""
    if existing is None:
        return set()
    exported = cell_texts(existing)
    same = {f for f, text in exported.items() if row.first(f) is not None and row.text(f) == cell_value(text)}
    return same if {"statutory", "promised"} <= same else same - {"statutory", "promised"}


# --- the import -------------------------------------------------------------------------------


@dataclass
class Written:
    """One file written, for the report."""

    row: Row
    rel: str
    name: str
    action: str  # 新增, 更新 or 替换
    fields: list[str] = field(default_factory=list)
    backup: Path | None = None


@dataclass
class ImportResult:
    written: list[Written] = field(default_factory=list)
    unchanged: int = 0
    refused: list[tuple[Row, str]] = field(default_factory=list)
    notes: list[tuple[Row, str]] = field(default_factory=list)
    backup: Path | None = None  # the folder holding this import's copies of changed files

    def new_codes(self) -> list[str]:
        return [Path(w.rel).stem for w in self.written if w.action == "新增"]


@dataclass
class Backup:
    """Copies of the files an import changes, in a folder of the catalogue that check does not read."""

    root: Path
    folder: Path | None = None

    def keep(self, path: Path, rel: str) -> Path:
        if self.folder is None:
            base = self.root / BACKUP_DIR
            base.mkdir(exist_ok=True)
            ignore = base / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# import 修改文件前的备份,不提交到仓库\n*\n", encoding="utf-8")
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            folder, n = base / stamp, 1
            while folder.exists():
                n += 1
                folder = base / f"{stamp}-{n}"
            self.folder = folder
        kept = self.folder / rel
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, kept)
        return kept


@dataclass
class Importer:
    """Turns rows into files under one department: new records, and existing ones as the mode allows."""

    target: DeptTarget
    mode: Mode
    result: ImportResult = field(default_factory=ImportResult)
    seen: dict[str, Row] = field(default_factory=dict)  # name or code -> the row that took it, in this import
    backup: Backup = field(init=False)

    def __post_init__(self) -> None:
        self.backup = Backup(self.target.root)

    def sheet(self, sheet: Sheet, several: bool) -> bool:
        header = find_header(sheet)
        if header is None:
            return False
        for number, cells in sheet.rows[header.data_from :]:
            if not any(v is not None for v in cells):
                continue  # blank row
            by_field = {f: [_cell(cells, c) for c in cols] for f, cols in header.columns.items()}
            row = Row(sheet.name if several else None, number, by_field)
            if header_field(row.text("name")) == "name":
                continue  # the header repeated inside the data, as when sheets are pasted together
            try:
                self.row(row, header)
            except RowError as exc:
                self.result.refused.append((row, str(exc)))
            except YamlRejected as exc:
                self.result.refused.append((row, f"已有文件有错误,请先修正:{exc.problems[0]}"))
        return True

    def row(self, row: Row, header: Header) -> None:
        name = re.sub(r"\s+", " ", row.text("name"))
        if not name:
            raise RowError("缺少项目名称")
        category = self.category(row)
        given = self.sheet_code(row, category)
        code = self.existing(row, name, category, given)
        if code in self.seen and self.restates(row, code):
            return  # the same power again with nothing new, as on the internal export's 涉密 sheet
        if name in self.seen:
            raise RowError(f"项目名称与{self.seen[name].label}重复")
        if code in self.seen:
            raise RowError(f"与{self.seen[code].label}是同一事项({code})")
        if code is None:
            self.seen[name] = row
            self.new(row, name, convert_row(row, category, header), given)
            return
        if self.mode == "keep":
            raise RowError(_KEEP_EXISTING)
        self.seen[name] = self.seen[code] = row
        rel = f"{self.target.slug}/{code}.yaml"
        if (self.target.root / rel).is_symlink():
            raise RowError(f"{rel} 是符号链接,未写入")
        if self.mode == "replace":
            self.replace(row, rel, name, convert_row(row, category, header))
        else:
            self.update(row, rel, name, header, category)

    def restates(self, row: Row, code: str) -> bool:
        """True when every cell the row fills in says what the record already holds."""
        rel = f"{self.target.slug}/{code}.yaml"
        filled = {f for f in row.cells if f != "skip" and row.first(f) is not None}
        return filled <= _unchanged_cells(row, _valid_record(self.target.root / rel, rel))

    def category(self, row: Row) -> str:
        raw = row.first("category")
        if raw is None:
            raise RowError("缺少权力类别")
        found = resolve_category(raw, self.target.category_codes())
        if found is None:
            raise RowError(
                f"无法识别的权力类别「{cell_text(raw)}」,可用:{category_choices(self.target.category_codes())}"
            )
        return found

    def sheet_code(self, row: Row, category: str) -> str | None:
        """The code the row gives, completed (3 → FX01JY-QR-0003); None, with a note, when it does not fit."""
        raw = row.text("code")
        if not raw:
            return None
        cat_code = self.target.category_codes()[category]
        if raw.isdigit() and len(raw) <= 4:
            raw = f"{self.target.prefix}-{cat_code}-{int(raw):04d}"
        parts = CODE_PARTS.match(raw)
        own = parts is not None and parts["prefix"] + parts["dept"] == self.target.prefix
        if parts and not own and parts["prefix"] == self.target.prefix[:4]:
            raise RowError(
                f"编码属于其他部门,未导入到 {self.target.slug}(整个清单导出的表格,请改用 export --dept "
                f"{self.target.slug} 只导出本部门;确属本部门的新事项,请删去该行的编码)"
            )
        if own and parts["cat"] == cat_code:
            return raw
        if own and (self.target.folder() / f"{raw}.yaml").is_file():
            raise RowError(f"与已有事项 {raw} 的权力类别不同,请手工修改该文件")
        self.result.notes.append((row, f"表格中的编码「{raw}」不符合本部门的编码规则,已重新编码"))
        return None

    def existing(self, row: Row, name: str, category: str, given: str | None) -> str | None:
        """The code of the department's record this row is about: the one it gives, or the same name."""
        by_name = self.target.names.get(name)
        if given and (self.target.folder() / f"{given}.yaml").is_file():
            if by_name and by_name != given:
                raise RowError(f"编码 {given} 与项目名称不符:名称「{name}」是已有事项 {by_name},请核对")
            return given
        if by_name and given:
            self.result.notes.append(
                (row, f"表格中的编码 {given} 与同名已有事项 {by_name} 不同,按名称对应到 {by_name}")
            )
        parts = CODE_PARTS.match(by_name or "")
        if by_name and (not parts or parts["cat"] != self.target.category_codes()[category]):
            raise RowError(f"与已有事项 {by_name} 的权力类别不同,请手工修改该文件")
        return by_name

    def new(self, row: Row, name: str, values: dict[str, Any], given: str | None) -> None:
        if given and given in self.target.issued - self.target.codes:
            self.result.notes.append((row, f"表格中的编码 {given} 曾经发出过(见编码台账),不再使用,已重新编码"))
        free = given and given not in self.target.codes | self.target.issued
        code = given if free else self.target.take_code(values["category"])
        self.target.codes.add(code)
        rel = f"{self.target.slug}/{code}.yaml"
        destination = self.target.root / rel
        if destination.is_symlink():
            raise RowError(f"{rel} 是符号链接,未写入")
        self.seen[code] = row
        _write(destination, self.render(row, {"code": code, "name": name, **values}))
        self.result.written.append(Written(row, rel, name, "新增"))

    def render(self, row: Row, values: dict[str, Any]) -> str:
        header_lines = (
            f'# 由 import 从电子表格导入({row.label})。请把所有 "" 处填写完整,',
            "# 并核对导入的内容;填好后运行 python -m generator check。",
        )
        try:
            return render_power(values, header_lines)
        except (FormatRefused, YamlRejected) as exc:
            raise RowError(f"内容含有无法写入 YAML 的字符({exc})") from None

    def replace(self, row: Row, rel: str, name: str, values: dict[str, Any]) -> None:
        text = self.render(row, {"code": Path(rel).stem, "name": name, **values})
        path = self.target.root / rel
        kept = self.backup.keep(path, rel)
        _write(path, text)
        self.result.written.append(Written(row, rel, name, "替换", backup=kept))

    def update(self, row: Row, rel: str, name: str, header: Header, category: str) -> None:
        path = self.target.root / rel
        try:
            original = decode(path.read_bytes(), rel)
        except OSError as exc:
            raise RowError(f"无法读取已有文件 {rel}({exc.strerror})") from None
        record = _valid_record(path, rel)
        carried = row.without(_unchanged_cells(row, record))
        values = {"name": name, **convert_row(carried, category, header)}
        try:
            text, changed = merge_text(original.replace("\r\n", "\n"), values, rel)
        except FormatRefused as exc:
            raise RowError(f"无法写入 {rel}:{exc}") from None
        if not changed:
            self.result.unchanged += 1
            return
        self.backup.keep(path, rel)
        _write(path, text)
        self.result.written.append(Written(row, rel, name, "更新", changed))


def _valid_record(path: Path, rel: str) -> PowerRecord | None:
    """The record in the file, if it is valid on its own."""
    try:
        return PowerRecord.model_validate(read_yaml(path, rel).data)
    except (YamlRejected, ValidationError, OSError):
        return None


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _cell(cells: list[Any], column: int) -> Any:
    return cells[column] if column < len(cells) else None


def run_import(path: Path, sheets: list[Sheet], target: DeptTarget, mode: Mode) -> ImportResult:
    importer = Importer(target, mode)
    found = [importer.sheet(sheet, len(sheets) > 1) for sheet in sheets]
    if not any(found):
        wanted = "至少包含「事项名称」(或 职权名称、项目名称)和「权力类别」等"
        raise SpreadsheetError(f"{path.name} 中找不到表头:需要一行列名,{wanted}")
    importer.result.backup = importer.backup.folder
    return importer.result


# --- a department that does not exist yet ------------------------------------------------------


def ensure_department(root: Path, slug: str, name: str | None, code: str | None, command: str) -> str | None:
    """Create the department from --dept-name and --dept-code when it has no _department.yaml.

    Returns a line for the report; TargetError says how to create it when no name is given."""
    info = root / slug / DEPARTMENT_FILE
    if not root.is_dir():
        return None  # department_target says so
    if info.exists() or info.is_symlink():
        return f"部门 {slug} 已存在,未使用 --dept-name 和 --dept-code" if name or code else None
    if not name:
        raise TargetError(_missing_department(root, slug, command))
    if not _DEPT_SLUG.match(slug):
        raise TargetError(f"部门目录名「{slug}」只能用小写字母、数字、- 和 _,如 jyj")
    record = _department_record(name, code)
    for other in sorted(root.glob(f"*/{DEPARTMENT_FILE}")):
        if _dept_code(other) == record.code:
            raise TargetError(f"单位业务代码「{record.code}」已由部门 {other.parent.name} 使用,请换一个 --dept-code")
    text = "\n".join(
        [
            "# 部门信息,由 import 新建。可补充 address(办公地址)、phone(联系电话)、window(服务窗口)等。",
            f"name: {scalar_text(record.name)}",
            f"code: {scalar_text(record.code)}",
        ]
    )
    info.parent.mkdir(exist_ok=True)
    _write(info, format_text(text + "\n", DepartmentRecord, f"{slug}/{DEPARTMENT_FILE}"))
    return f"已新建部门 {shown(info)}:{record.name},单位业务代码 {record.code}"


def _department_record(name: str, code: str | None) -> DepartmentRecord:
    if not code:
        raise TargetError(
            "用 --dept-name 新建部门时,还需要 --dept-code 单位业务代码"
            "(2 至 4 位大写字母或数字,如 JY;它是本部门权力编码的一部分,不能与其他部门重复)"
        )
    try:
        return DepartmentRecord(name=name, code=code.strip().upper())
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            info = DepartmentRecord.model_fields[str(err["loc"][0])]
            problems.append(f"「{info.title}」格式不正确:{info.description}")
        raise TargetError(";".join(problems)) from None


def _dept_code(path: Path) -> str | None:
    if path.parent.name.startswith("."):
        return None
    try:
        data = read_yaml(path, path.name).data
    except (YamlRejected, OSError):
        return None
    return str(data.get("code")) if isinstance(data, dict) else None


def _missing_department(root: Path, slug: str, command: str) -> str:
    known = sorted(p.parent.name for p in root.glob(f"*/{DEPARTMENT_FILE}") if not p.parent.name.startswith("."))
    info = shown(root / slug / DEPARTMENT_FILE)
    return "\n".join(
        [
            f"部门「{slug}」还不存在:没有 {info}。已有部门:{'、'.join(known) or '(无)'}",
            "如果部门目录名写错了,请改用上面列出的已有部门。要新建这个部门,可以让 import 一起创建,",
            "写上部门全称和单位业务代码(2 至 4 位大写字母或数字,是本部门权力编码的一部分,不能与其他部门重复),例如:",
            f"  {command} --dept-name 复兴区教育局 --dept-code JY",
            f"也可以先手工新建文件 {info},内容例如下面两行,然后再运行导入命令:",
            "  name: 复兴区教育局",
            "  code: JY",
        ]
    )


# --- the command ------------------------------------------------------------------------------


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dept", required=True, help="导入到的部门(目录名),如 tjj")
@click.option(
    "--update",
    "--force",
    "update",
    is_flag=True,
    help="更新已有事项(同编码或同名):只改表格中填写了的字段,其余内容和注释保留;原文件先备份",
)
@click.option("--replace", is_flag=True, help="用表格内容整体替换已有事项,表格没有的字段不再保留;原文件先备份")
@click.option("--dept-name", help="部门还不存在时新建它:部门全称,如 复兴区教育局(与 --dept-code 一起用)")
@click.option("--dept-code", help="新建部门的单位业务代码:2 至 4 位大写字母或数字,如 JY")
@powers_option
def import_command(
    file: Path, dept: str, update: bool, replace: bool, dept_name: str | None, dept_code: str | None, powers: Path
) -> None:
    """从电子表格(XLSX 或 CSV)导入部门的权力事项:新事项自动分配编码,已有事项按选项更新或替换。"""
    if update and replace:
        click.echo("--update 和 --replace 只能选一个:--update 只改表格中填写了的字段,--replace 整体替换", err=True)
        sys.exit(2)
    mode: Mode = "replace" if replace else ("update" if update else "keep")
    command = f"python -m generator import {shown(file)} --dept {dept}"
    if powers != DEFAULT_POWERS:
        command += f" --powers {shown(powers)}"
    try:
        sheets = read_sheets(file)
        created = ensure_department(powers, dept, dept_name, dept_code, command)
        target = department_target(powers, dept)
        result = run_import(file, sheets, target, mode)
    except (TargetError, SpreadsheetError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if created:
        click.echo(created)
    recorded, ledger_line = _record_codes(target, result.new_codes())
    errors = _report(result, file, powers, dept)
    if ledger_line:
        click.echo(ledger_line, err=not recorded)
    sys.exit(1 if result.refused or errors or not recorded else 0)


def _record_codes(target: DeptTarget, codes: list[str]) -> tuple[bool, str | None]:
    """Enter the codes issued to new records in the code ledger, starting it if need be: (done, a line to show)."""
    ledger = target.root / LEDGER_FILE
    started = not ledger.exists()
    if not codes:
        return True, None
    try:
        target.record(codes)
    except LedgerError as exc:
        return False, f"{exc}\n新事项的编码未能记入编码台账;修正后请运行 python -m generator ledger 补记"
    return True, f"已创建编码台账 {shown(ledger)}(记录发出过的每个编码,请与新文件一起提交)" if started else None


def _errors_by_file(root: Path, rels: list[str]) -> dict[str, int]:
    """How many errors check finds in each of these files."""
    _, report = check_catalogue(root, shown_as=root)
    wanted, counts = set(rels), dict.fromkeys(rels, 0)
    for item in report.errors:
        rel = "/".join(item.path.split("/")[-2:])  # whichever way check writes the path, it ends dept/file
        if rel in wanted:
            counts[rel] += 1
    return counts


def _report(result: ImportResult, file: Path, root: Path, dept: str) -> int:
    """One line per file written, the notes, the refused rows grouped by reason; the errors left in the files."""
    actions = [w.action for w in result.written]
    parts = [f"{action} {actions.count(action)} 个" for action in ("新增", "更新", "替换") if action in actions]
    parts += [f"未改变 {result.unchanged} 个"] if result.unchanged else []
    parts += [f"{len(result.refused)} 行未导入"] if result.refused else []
    click.echo(f"从 {file.name} 导入到部门 {dept}:{','.join(parts) or '表格中没有事项'}")
    errors = _errors_by_file(root, [w.rel for w in result.written]) if result.written else {}
    for w in result.written:
        line = f"  {w.action} {shown(root / w.rel)}  {w.name}({w.row.label})"
        line += f":{'、'.join(w.fields)}" if w.fields else ""
        line += f";原文件备份为 {shown(w.backup)}" if w.backup else ""
        line += f";待填写或改正 {errors[w.rel]} 处" if errors[w.rel] else ""
        click.echo(line)
    for row, note in result.notes:
        click.echo(f"  注意:{row.label}:{note}")
    if result.refused:
        click.echo(f"以下 {len(result.refused)} 行未导入:")
        for rows, reason in _grouped(result.refused):
            click.echo(f"  {rows}:{reason}")
    if result.backup:
        click.echo(f"修改前的文件已备份到 {shown(result.backup)}/(check 不读取这个目录;核对无误后可以删除)")
    if any(errors.values()):
        click.echo("每一处待填写或改正的内容,请运行 python -m generator check 查看(有行号和说明)")
    return sum(errors.values())


def _grouped(refused: list[tuple[Row, str]]) -> list[tuple[str, str]]:
    """Refused rows with the same reason on one line: 第 3–5、9 行."""
    by_reason: dict[str, list[Row]] = {}
    for row, reason in refused:
        by_reason.setdefault(reason, []).append(row)
    return [(_row_numbers(rows), reason) for reason, rows in by_reason.items()]


def _row_numbers(rows: list[Row]) -> str:
    by_sheet: dict[str | None, list[int]] = {}
    for row in rows:
        by_sheet.setdefault(row.sheet, []).append(row.number)
    return "、".join(f"{_sheet_label(sheet)}第 {_ranges(numbers)} 行" for sheet, numbers in by_sheet.items())


def _ranges(numbers: list[int]) -> str:
    """3、4、5、9 as 3–5、9."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return "、".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)
