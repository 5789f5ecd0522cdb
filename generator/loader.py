"""Stage 1: read a catalogue folder into typed records, collecting every problem on the way."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from .catalogue import Catalogue, Department, Power
from .fieldnames import description_of, dotted, title_of, unknown_key_hint
from .model import CatalogueRecord, DepartmentRecord, PowerRecord, Record
from .problems import Problem, Report, problem
from .yamlsafe import Parsed, YamlRejected, read_yaml

CATALOGUE_FILE = "_catalogue.yaml"
DEPARTMENT_FILE = "_department.yaml"
PARALLEL_FROM = 2_000  # below this many files, starting worker processes costs more than it saves
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
        return problem("E108", rel, at, where, title=title)
    expected = _EXPECTED.get(kind, err["msg"])
    if kind == "int_type" and isinstance(err["input"], str) and err["input"].isdigit():
        expected = _EXPECTED["int_parsing_size"]  # digits too many for YAML to read as a number
    return problem("E103", rel, at, where, title=title, expected=expected)


def parse_file(path: Path, rel: str) -> Parsed | list[Problem]:
    """The parsed file, or the problems that kept it from being read."""
    try:
        return read_yaml(path, rel)
    except YamlRejected as exc:
        return exc.problems
    except OSError as exc:
        return [problem("E002", rel, detail=f"无法读取文件({exc.strerror})")]


def _parse_job(job: tuple[Path, str]) -> Parsed | list[Problem]:
    return parse_file(*job)


def parse_files(jobs: list[tuple[Path, str]]) -> list[Parsed | list[Problem]]:
    """Parse many files; a large catalogue is spread over every core (parsing is most of a load)."""
    workers = os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return [parse_file(path, rel) for path, rel in jobs]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_parse_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))))


def validate_parsed(model: type[R], outcome: Parsed | list[Problem], rel: str, report: Report) -> R | None:
    """Validate a parsed file against its model; problems go to the report, and None comes back on failure."""
    if isinstance(outcome, list):
        report.extend(outcome)
        return None
    try:
        return model.model_validate(outcome.data)
    except ValidationError as exc:
        report.extend(validation_problems(model, exc, rel, outcome))
        return None


def read_record(model: type[R], path: Path, rel: str, report: Report) -> tuple[R | None, Parsed | None]:
    """Read and validate one file."""
    outcome = parse_file(path, rel)
    record = validate_parsed(model, outcome, rel, report)
    return record, outcome if isinstance(outcome, Parsed) else None


class _Walker:
    """Finds the files of a catalogue folder, refusing what does not belong."""

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.report = report

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

    def entries(self, folder: Path) -> list[Path]:
        return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and self.allowed(p))

    def yaml_file(self, path: Path) -> bool:
        if path.suffix == ".yml":
            self.report.add(problem("E016", self.rel(path)))
        return path.is_file() and path.suffix == ".yaml"


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading makes millions of small objects that all live on; collecting them over and over doubles the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(root: Path) -> tuple[Catalogue | None, Report]:
    """Read every file under root. The catalogue comes back even with errors, holding the valid records."""
    with _collector_paused():
        return _load(root)


def _load(root: Path) -> tuple[Catalogue | None, Report]:
    report = Report()
    if not root.is_dir():
        report.add(problem("E017", root.as_posix(), detail=root.as_posix()))
        return None, report
    walker = _Walker(root, report)
    cat_record = _load_catalogue_file(root, walker, report)
    departments, power_files = [], []
    for entry in walker.entries(root):
        if entry.is_dir():
            dept = _load_department(entry, walker, report)
            departments.append(dept)
            power_files.extend((dept, path) for path in _power_files(entry, walker))
        elif walker.yaml_file(entry) and entry.name != CATALOGUE_FILE:
            report.add(problem("E013", walker.rel(entry)))
    _load_powers(power_files, walker, report)
    if cat_record is None:
        return None, report
    return Catalogue(cat_record, departments), report


def _load_catalogue_file(root: Path, walker: _Walker, report: Report) -> CatalogueRecord | None:
    path = root / CATALOGUE_FILE
    if not path.is_file():
        report.add(problem("E011", CATALOGUE_FILE))
        return None
    if not walker.allowed(path):
        return None
    record, _ = read_record(CatalogueRecord, path, CATALOGUE_FILE, report)
    return record


def _load_department(folder: Path, walker: _Walker, report: Report) -> Department:
    dept = Department(folder.name, None)
    info = folder / DEPARTMENT_FILE
    if not info.is_file():
        report.add(problem("E012", walker.rel(folder) + "/"))
    elif walker.allowed(info):
        dept.record, dept.source = read_record(DepartmentRecord, info, walker.rel(info), report)
    return dept


def _power_files(folder: Path, walker: _Walker) -> list[Path]:
    """The power files of a department folder; anything nested deeper is reported."""
    found = []
    for entry in walker.entries(folder):
        if entry.is_dir():
            for nested in sorted(entry.rglob("*.yaml")):
                walker.report.add(problem("E013", walker.rel(nested)))
        elif walker.yaml_file(entry) and entry.name != DEPARTMENT_FILE:
            found.append(entry)
    return found


def _load_powers(files: list[tuple[Department, Path]], walker: _Walker, report: Report) -> None:
    jobs = [(path, walker.rel(path)) for _, path in files]
    report.records += len(jobs)
    for (dept, _), (_, rel), outcome in zip(files, jobs, parse_files(jobs), strict=True):
        record = validate_parsed(PowerRecord, outcome, rel, report)
        if record is not None:
            dept.powers.append(Power(record, rel, outcome))
