"""Load a catalogue and apply every rule: the whole of `check`, for every command that reads one.

`check` may also be given a department folder or a record file: it finds the catalogue the path
belongs to (the nearest folder above it holding _catalogue.yaml), checks the whole catalogue (the
rules across records, such as unique codes, need all of it) and reports only the problems of the
named paths. A file named _… describes its folder and stands for it: _catalogue.yaml for the whole
catalogue, a _department.yaml for its department.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

from generator.core import rules
from generator.core.catalogue import Catalogue
from generator.core.loader import CATALOGUE_FILE, DEPARTMENT_FILE, _power_files, _Walker, collector_paused, load
from generator.core.problems import CatalogueInvalid, Problem, Report, problem, shown

USAGE_CODES = frozenset({"E025", "E026"})  # the path named is nothing check can look at: exit 2
_RECORD_SUFFIXES = (".yaml", ".yml")  # .yml is read to be reported (E016)


def check_catalogue(
    root: Path, today: dt.date | None = None, shown_as: Path | None = None, cache: Path | None = None
) -> tuple[Catalogue | None, Report]:
    """Every problem of the catalogue at root; the catalogue holds the records that were valid.

    With shown_as (the catalogue folder as the user named it), problems print their paths under it; with cache (a
    folder), the files' parses are kept there for the next check (the same outcome, faster)."""
    with collector_paused():  # the rules make many objects too (one per code with a ledger)
        catalogue, report = load(root, cache)
        if catalogue is not None:
            report.extend(rules.check(catalogue, today or dt.date.today()))
    if shown_as is not None and root.is_dir():  # a missing folder's E017 already names the folder
        report.problems = [replace(p, root=shown(shown_as)) for p in report.problems]
    return catalogue, report


def load_valid(root: Path, shown_as: Path | None = None, cache: Path | None = None) -> Catalogue:
    """The catalogue at root, or CatalogueInvalid when it has any error (paths printed under shown_as)."""
    catalogue, report = check_catalogue(root, shown_as=shown_as, cache=cache)
    if catalogue is None or report.errors:
        raise CatalogueInvalid(report)
    return catalogue


# --- checking part of a catalogue -------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a path on the command line asks check to look at."""

    root: Path  # the catalogue folder, spelled the way the path was ("powers", "..")
    part: str  # within it: "" for all of it, "tjj/" for a folder, "tjj/FX01TJ-XK-0001.yaml" for a file


@dataclass
class Checked:
    """The problems of the paths checked, and the errors their catalogues have elsewhere."""

    report: Report
    elsewhere: dict[str, int]  # catalogue folder as printed → errors outside the paths checked


def target_of(path: Path) -> Target | Problem:
    """The catalogue a path belongs to and the part of it the path names, or the problem that stops the check."""
    where = shown(path) or "."
    if not path.exists():
        return problem("E027" if path.suffix in _RECORD_SUFFIXES else "E017", where, detail=where)
    root = catalogue_root(path)
    if root is None:
        if path.is_dir() and _holds_departments(path):
            return Target(path, "")  # a catalogue without its _catalogue.yaml: the check reports E011
        return problem("E025", where + "/" if path.is_dir() else where)
    if not path.is_dir() and path.suffix not in _RECORD_SUFFIXES:
        return problem("E026", where)
    return Target(root, _part(path, root))


def catalogue_root(path: Path) -> Path | None:
    """The nearest folder at or above path that holds _catalogue.yaml, spelled from path (with .. as needed)."""
    folder = Path(os.path.normpath(path if path.is_dir() else path.parent))
    while not (folder / CATALOGUE_FILE).is_file():
        above = Path(os.path.normpath(folder / ".."))
        if os.path.abspath(above) == os.path.abspath(folder):
            return None
        folder = above
    return folder


def _holds_departments(folder: Path) -> bool:
    try:
        return any((entry / DEPARTMENT_FILE).is_file() for entry in folder.iterdir() if entry.is_dir())
    except OSError:
        return False


def _part(path: Path, root: Path) -> str:
    """The part of the catalogue at root that path names: "" for all of it, "dept/" or "dept/file.yaml"."""
    rel = Path(os.path.relpath(os.path.normpath(path), root))
    if rel.name.startswith("_"):  # _catalogue.yaml, _department.yaml: a file describing its folder stands for it
        rel = rel.parent
    elif not path.is_dir():
        return rel.as_posix()
    return "" if rel == Path(".") else rel.as_posix() + "/"


def _within(path: str, parts: list[str]) -> bool:
    """True when a path of the catalogue (a file, or a folder as "tjj/" or "tjj") lies in one of the parts."""
    return any(
        not part or path.rstrip("/") == part.rstrip("/") or (part.endswith("/") and path.startswith(part))
        for part in parts
    )


def _records_within(root: Path, parts: list[str]) -> int:
    """How many power files the loader reads in these parts of the catalogue."""
    walker = _Walker(root, Report())  # the loader's own rules; what it finds on the way, the load reported
    slugs = {part.split("/")[0] for part in parts}
    folders = [entry for entry in walker.entries(root) if entry.name in slugs and entry.is_dir()]
    return sum(
        _within(f"{walker.rel(folder)}/{name}", parts) for folder in folders for name in _power_files(folder, walker)
    )


def check_paths(paths: list[Path], today: dt.date | None = None) -> Checked:
    """check of the paths on a command line: each catalogue read once, only the problems of the paths reported."""
    report = Report()
    targets: dict[Path, tuple[Path, list[str]]] = {}  # by the real folder, so two spellings are read once
    for path in paths:
        target = target_of(path)
        if isinstance(target, Problem):
            report.add(target)
        else:
            targets.setdefault(target.root.resolve(), (target.root, []))[1].append(target.part)
    elsewhere = {}
    for root, parts in targets.values():
        _, found = check_catalogue(root, today, shown_as=root)
        report.extend([p for p in found.problems if _within(p.path, parts)])
        report.records += found.records if "" in parts else _records_within(root, parts)
        others = len({p for p in found.errors if not _within(p.path, parts)})
        if others:
            elsewhere[shown(root) or "."] = others
    return Checked(report, elsewhere)
