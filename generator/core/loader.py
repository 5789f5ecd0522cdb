"""Stage 1: read a catalogue folder into typed records, collecting every problem on the way."""

from __future__ import annotations

import calendar
import gc
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from generator.core.catalogue import Catalogue, Department, Power
from generator.core.fieldnames import description_of, dotted, title_of, unknown_key_hint
from generator.core.laws import LAWS_FILE, Laws, LawsRecord
from generator.core.ledger import LEDGER_FILE, Ledger, LedgerRecord
from generator.core.loadcache import Job, Outcome, ParseCache, outcomes, parse_files, read_file
from generator.core.model import CatalogueRecord, DepartmentRecord, PowerRecord, Record
from generator.core.power_rules import own_problems
from generator.core.problems import Problem, Report, problem
from generator.core.yamlsafe import Parsed
from generator.core.yamlsyntax import SHOWN, shorten

CATALOGUE_FILE = "_catalogue.yaml"
DEPARTMENT_FILE = "_department.yaml"
R = TypeVar("R", bound=Record)

_EXPECTED = {
    "string_type": "文字",
    "int_type": "整数",
    "int_parsing": "整数",
    "int_from_float": "整数",
    "int_parsing_size": "整数(数值过大)",
    "finite_number": "整数",
    "list_type": "列表(每项以「- 」开头)",
    "model_type": "映射(「字段: 值」的形式)",
    "model_attributes_type": "映射(「字段: 值」的形式)",
    "dict_type": "映射(「字段: 值」的形式)",
    "bool_type": "是或否",
}
_DATE_ERRORS = {"date_type", "date_parsing", "date_from_datetime_inexact", "date_from_datetime_parsing"}
# A date as editors write it, after full-width digits are made ASCII: 2026/11/30, 2026.11.30, 2026年11月30日, 20261130.
_DATE_TEXT = re.compile(
    r"(?P<y>\d{4})(?:\s*(?P<sep>[-/.年])\s*(?P<m>\d{1,2})\s*(?P<sep2>[-/.月])\s*(?P<d>\d{1,2})\s*日?|(?P<mm>\d{2})(?P<dd>\d{2}))"
    r"(?P<time>[ T]+\d{1,2}:\d{2}(?::\d{2})?)?",
    re.ASCII,
)


def validation_problems(model: type[Record], exc: ValidationError, rel: str, parsed: Parsed) -> list[Problem]:
    """Turn pydantic's errors into editor-facing problems with lines and Chinese field names."""
    found = []
    for err in exc.errors(include_url=False):
        found.append(_one_problem(model, err, tuple(err["loc"]), rel, parsed))
    return found


def _one_problem(model: type[Record], err: Any, loc: tuple, rel: str, parsed: Parsed) -> Problem:
    kind, at, where = err["type"], parsed.at(loc), dotted(loc)
    title = title_of(model, loc)
    if kind == "missing":
        return problem("E101", rel, parsed.at(loc[:-1]), where, title=title, where=where)
    if kind == "extra_forbidden":
        return problem("E102", rel, at, where, key=loc[-1], hint=unknown_key_hint(model, loc))
    if kind == "literal_error":
        expected = err["ctx"]["expected"].replace("'", "").replace(" or ", "、").replace(", ", "、")
        return problem("E104", rel, at, where, title=title, value=err["input"], expected=expected)
    if kind == "string_pattern_mismatch":
        described = description_of(model, loc)
        return problem("E105", rel, at, where, title=title, expected=described)
    if kind in ("too_short", "string_too_short"):
        return problem("E106", rel, at, where, title=title)
    if kind == "greater_than_equal":
        return problem("E107", rel, at, where, title=title)
    if kind == "less_than_equal":
        return problem("E109", rel, at, where, title=title, limit=err["ctx"]["le"])
    if kind in _DATE_ERRORS:
        return problem("E108", rel, at, where, title=title, detail=_date_detail(err["input"]))
    expected = _EXPECTED.get(kind, err["msg"])
    if kind == "int_type" and isinstance(err["input"], str):
        expected = _digits_as_text(err["input"]) or expected
    return problem("E103", rel, at, where, title=title, expected=expected)


def _digits_as_text(value: str) -> str:
    """What is wrong with a number that YAML read as text: full-width digits, quotes, too many digits."""
    ascii_digits = unicodedata.normalize("NFKC", value)
    if not (ascii_digits.isascii() and ascii_digits.isdigit()):
        return ""
    if ascii_digits != value:
        return f"整数:「{shorten(value)}」是全角数字,请改为半角数字 {shorten(ascii_digits)}"
    if len(value) > sys.get_int_max_str_digits():
        return _EXPECTED["int_parsing_size"]  # digits too many for YAML to read as a number
    return f"整数:「{value}」写在引号里就成了文字,请去掉引号"


def _date_detail(value: Any) -> str:
    """The value repeated and why it is not a date: no such day, the wrong separator, a time, full-width digits."""
    if value is None or isinstance(value, (bool, list, dict)) or not str(value).strip():
        return ""
    text = str(value).strip()
    found = _DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", text))
    if not found:
        return f";「{shorten(text)}」不是日期"
    year, month, day = int(found["y"]), int(found["m"] or found["mm"]), int(found["d"] or found["dd"])
    missing = _no_such_day(year, month, day)
    if missing:
        return f";「{text}」不存在:{missing}"
    right = f"{year:04d}-{month:02d}-{day:02d}"
    if found["time"]:
        return f";「{text}」只写日期,不要写时间:{right}"
    return f";「{text}」{_date_fix(text, found)}写成 {right}"


def _date_fix(text: str, found: re.Match[str]) -> str:
    """What to change in a date that names a real day but is not written year-month-day."""
    if found["sep"] == "年":
        return "请按「年-月-日」"
    if not text.isascii():
        return "用了全角数字或符号,请"
    if found["mm"]:
        return "的年、月、日之间要加「-」,"
    wrong = next((sep for sep in (found["sep"], found["sep2"]) if sep != "-"), None)
    return f"的分隔符「{wrong}」应为「-」," if wrong else "的月和日都要写两位,"


def _no_such_day(year: int, month: int, day: int) -> str:
    """Why year-month-day is no day of the calendar, or "" when it is one."""
    if year < 1:
        return "年份有误"
    if not 1 <= month <= 12:
        return f"没有 {month} 月"
    if 1 <= day <= calendar.monthrange(year, month)[1]:
        return ""
    if month == 2 and day == 29:
        return f"{year} 年不是闰年,2 月没有 29 日"
    return f"{month} 月没有 {day} 日"


def cut_problems(model: type[Record], parsed: Parsed, rel: str) -> list[Problem]:
    """E110 for each value YAML cut at a ` #`: the rest of its line was read as a comment."""
    found = []
    for cut in parsed.cut:
        whole = f"{cut.kept} {cut.comment}" if cut.kept else cut.comment
        quoted = json.dumps(whole, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar
        values = {"comment": shorten(cut.comment), "kept": shorten(cut.kept), "quoted": shorten(quoted, 2 * SHOWN)}
        found.append(problem("E110", rel, cut.at, dotted(cut.loc), title=title_of(model, cut.loc), **values))
    return found


def parse_file(path: Path, rel: str) -> Parsed | list[Problem]:
    """The parsed file, or the problems that kept it from being read."""
    return read_file((path, rel))[1]


class Reader:
    """Parses a catalogue's files: each one afresh, or through the cache of parses when given one."""

    def __init__(self, cache: ParseCache | None = None) -> None:
        self.cache = cache

    def parse(self, jobs: list[Job]) -> Iterator[Parsed | list[Problem]]:
        """The outcome of each file, in order."""
        return parse_files(jobs, self.cache)

    def powers(self, jobs: list[Job]) -> Iterator[Outcome]:
        """The outcome of each power file, in order, with its key and whether it is fresh: a power kept whole, or a
        parse to validate (and keep(), when fresh)."""
        return outcomes(jobs, self.cache, powers=True)

    def keep(self, key: bytes | None, outcome: Parsed | list[Problem], power: Power | None) -> None:
        """Keep a fresh power file in the cache: whole (with its own rules' problems) when it validated as power,
        else its parse, so that its problems are found again exactly."""
        if self.cache is None or key is None or not isinstance(outcome, Parsed):
            return
        if power is not None:
            power.own = tuple(own_problems(power))
            if self.cache.put_power(key, power):
                return
        self.cache.put(key, outcome)

    def record(self, model: type[R], path: Path, rel: str, report: Report) -> tuple[R | None, Parsed | None]:
        """Read and validate one file."""
        outcome = next(self.parse([(path, rel)]))
        record = validate_parsed(model, outcome, rel, report)
        return record, outcome if isinstance(outcome, Parsed) else None


def validate_parsed(model: type[R], outcome: Parsed | list[Problem], rel: str, report: Report) -> R | None:
    """Validate a parsed file against its model; problems go to the report, and None comes back on failure."""
    if isinstance(outcome, list):
        report.extend(outcome)
        return None
    report.extend(cut_problems(model, outcome, rel))
    try:
        return model.model_validate(outcome.data)
    except ValidationError as exc:
        report.extend(validation_problems(model, exc, rel, outcome))
        return None


class _Walker:
    """Finds the files of a catalogue folder, refusing what does not belong."""

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.report = report
        self.dirs: set[Path] = set()  # what entries() found, so that no file is looked at twice
        self.files: set[Path] = set()

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def allowed(self, path: Path) -> bool:
        """False (and a problem reported) for a symlink that leaves the catalogue."""
        if not path.is_symlink():
            return True
        try:
            target = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop (Python 3.11 raises RuntimeError)
            self.report.add(problem("E018", self.rel(path)))
            return False
        if target == self.real_root or self.real_root in target.parents:
            return True
        self.report.add(problem("E009", self.rel(path), target=target))
        return False

    def listing(self, folder: Path) -> list[tuple[str, str]]:
        """The names of the entries of folder but hidden ones and symlinks leading out, sorted, each with its kind
        from the listing: "d" for a folder, "f" for a file, "" for neither (a symlink's target is looked at)."""
        found = []
        with os.scandir(folder) as listed:
            for entry in listed:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_symlink():
                    path = folder / name
                    if not self.allowed(path):
                        continue
                    kind = _kind(path.is_dir(), path.is_file())
                else:
                    kind = _kind(entry.is_dir(follow_symlinks=False), entry.is_file(follow_symlinks=False))
                found.append((name, kind))
        return sorted(found)

    def entries(self, folder: Path) -> list[Path]:
        """The entries of folder that listing() gives; whether each is a folder or a file is remembered."""
        found = []
        for name, kind in self.listing(folder):
            path = folder / name
            if kind:
                (self.dirs if kind == "d" else self.files).add(path)
            found.append(path)
        return found

    def is_dir(self, path: Path) -> bool:
        """For a path entries() gave: whether it is a folder."""
        return path in self.dirs

    def yaml_file(self, path: Path) -> bool:
        """For a path entries() gave: whether it is a .yaml file (a .yml one is reported)."""
        return self.yaml_name(path.parent, path.name, "f" if path in self.files else "")

    def yaml_name(self, folder: Path, name: str, kind: str) -> bool:
        """For an entry listing() gave: whether it is a .yaml file (a .yml one is reported)."""
        if name.endswith(".yml"):
            self.report.add(problem("E016", self.rel(folder / name)))
        return name.endswith(".yaml") and kind == "f"


def _kind(is_dir: bool, is_file: bool) -> str:
    return "d" if is_dir else "f" if is_file else ""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading makes millions of small objects that all live on; collecting them over and over doubles the time.

    Afterwards they move straight to the oldest generation, which the collector seldom goes through: left young,
    the next few collections would each go through all of them (most of a second for 10,000 records)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # every tracked object to the permanent generation …
        gc.unfreeze()  # … and from there to the oldest one
        if was_enabled:
            gc.enable()


def load(root: Path, cache: Path | None = None) -> tuple[Catalogue | None, Report]:
    """Read every file under root. The catalogue comes back even with errors, holding the valid records.

    With cache (a folder), the files' parses are kept there by their bytes (loadcache.py): the outcome is the same."""
    with collector_paused():
        reader = Reader(ParseCache(cache) if cache is not None else None)
        return _load(root, reader)


def _load(root: Path, reader: Reader) -> tuple[Catalogue | None, Report]:
    report = Report()
    if not root.is_dir():
        report.add(problem("E017", root.as_posix(), detail=root.as_posix()))
        return None, report
    walker = _Walker(root, report)
    cat_record = _load_catalogue_file(root, walker, reader, report)
    ledger = _load_ledger(root, walker, reader, report)
    laws = _load_laws(root, walker, reader, report)
    departments, power_files = [], []
    for entry in walker.entries(root):
        if walker.is_dir(entry):
            dept = _load_department(entry, walker, reader, report)
            departments.append(dept)
            names, folder, under = _power_files(entry, walker), os.fspath(entry), walker.rel(entry)
            dept.files = [f"{under}/{name}" for name in names]
            power_files.extend((dept, f"{folder}/{name}", f"{under}/{name}") for name in names)
        elif walker.yaml_file(entry) and entry.name not in (CATALOGUE_FILE, LEDGER_FILE, LAWS_FILE):
            report.add(problem("E013", walker.rel(entry)))
    _load_powers(power_files, reader, report)
    if reader.cache is not None:
        reader.cache.save()
    if cat_record is None:
        return None, report
    return Catalogue(cat_record, departments, ledger, laws=laws, root=root), report


def _load_ledger(root: Path, walker: _Walker, reader: Reader, report: Report) -> Ledger | None:
    """The code ledger _codes.yaml, when the catalogue has one (see ledger.py)."""
    path = root / LEDGER_FILE
    if not path.is_file() or not walker.allowed(path):
        return None
    record, source = reader.record(LedgerRecord, path, LEDGER_FILE, report)
    return Ledger(record, source) if record else None


def _load_laws(root: Path, walker: _Walker, reader: Reader, report: Report) -> Laws | None:
    """The law index _laws.yaml, when the catalogue has one (see laws.py)."""
    path = root / LAWS_FILE
    if not path.is_file() or not walker.allowed(path):
        return None
    record, source = reader.record(LawsRecord, path, LAWS_FILE, report)
    return Laws(record, source) if record else None


def _load_catalogue_file(root: Path, walker: _Walker, reader: Reader, report: Report) -> CatalogueRecord | None:
    path = root / CATALOGUE_FILE
    if not path.is_file():
        report.add(problem("E011", CATALOGUE_FILE))
        return None
    if not walker.allowed(path):
        return None
    record, _ = reader.record(CatalogueRecord, path, CATALOGUE_FILE, report)
    return record


def _load_department(folder: Path, walker: _Walker, reader: Reader, report: Report) -> Department:
    dept = Department(folder.name, None)
    info = folder / DEPARTMENT_FILE
    if not info.is_file():
        report.add(problem("E012", walker.rel(folder) + "/"))
    elif walker.allowed(info):
        dept.record, dept.source = reader.record(DepartmentRecord, info, walker.rel(info), report)
    return dept


def _power_files(folder: Path, walker: _Walker) -> list[str]:
    """The names of the power files of a department folder; anything nested deeper is reported."""
    found = []
    for name, kind in walker.listing(folder):
        if kind == "d":
            for nested in sorted((folder / name).rglob("*.yaml")):
                walker.report.add(problem("E013", walker.rel(nested)))
        elif walker.yaml_name(folder, name, kind) and name != DEPARTMENT_FILE:
            found.append(name)
    return found


def _load_powers(files: list[tuple[Department, str, str]], reader: Reader, report: Report) -> None:
    jobs = [(path, rel) for _, path, rel in files]
    report.records += len(jobs)
    for (dept, _, rel), (key, outcome, fresh) in zip(files, reader.powers(jobs), strict=True):
        if isinstance(outcome, Power):  # kept whole by the cache
            dept.powers.append(outcome)
            continue
        record = validate_parsed(PowerRecord, outcome, rel, report)
        power = None if record is None else Power(record, rel, outcome.without_data())
        if fresh:
            reader.keep(key, outcome, power)
        if power is not None:
            dept.powers.append(power)
