"""The catalogue kept in memory while previewing: a save re-reads only the record files that changed (by their
size, time and inode on disk), then the rules run over the whole catalogue again, as `check` runs them.

A change the loader's walk decides on (a folder, _catalogue.yaml, _department.yaml, _codes.yaml, a .yml file, a
link, a file nested too deep) reloads the whole catalogue instead, so that what is found is always what `check`
finds."""

from __future__ import annotations

import datetime as dt
import gc
from bisect import insort
from dataclasses import replace
from pathlib import Path

from generator.core import rules
from generator.core.catalogue import Catalogue, Department, Power
from generator.core.loader import DEPARTMENT_FILE, load, parse_file, validate_parsed
from generator.core.model import PowerRecord
from generator.core.problems import Problem, Report, shown
from generator.preview.snapshot import Signature, changed_paths, snapshot


class LiveCatalogue:
    """A catalogue folder, its records and the problems of reading them, kept up to date by refresh()."""

    def __init__(self, root: Path, cache: Path | None = None) -> None:
        self.root = root
        self.cache = cache  # where the files' parses are kept between loads (core/loadcache.py), if anywhere
        self.files: dict[str, Signature] = {}
        self.catalogue: Catalogue | None = None
        self.read_problems: list[Problem] = []
        self.records = 0

    def reload(self) -> None:
        """Read the whole catalogue again."""
        self.files = snapshot(self.root)  # before reading: a save during the read shows as a change next time
        self.catalogue = None
        gc.unfreeze()
        self.catalogue, report = load(self.root, self.cache)
        self.read_problems, self.records = report.problems, report.records
        gc.collect()
        gc.freeze()  # the records live on: later collections need not look at them again

    def refresh(self) -> set[str]:
        """Look at the folder again and re-read what changed; the paths that changed (empty: nothing to do)."""
        now = snapshot(self.root)
        changed = changed_paths(self.files, now)
        if changed and all(self._is_record_file(rel, now) for rel in changed):
            for rel in sorted(changed):
                self._reread(rel, rel in now)
            self.files = now
        elif changed:
            self.reload()
        return changed

    def check(self, today: dt.date | None = None) -> Report:
        """Every problem of the catalogue as it is now, as `check` lists them (paths under the folder's name)."""
        report = Report(list(self.read_problems), self.records)
        if self.catalogue is not None:
            report.extend(rules.check(self.catalogue, today or dt.date.today()))
        report.problems = [replace(p, root=shown(self.root)) for p in report.problems]
        return report

    def _is_record_file(self, rel: str, now: dict[str, Signature]) -> bool:
        """True for a power file, directly in a department folder already read, that is and was a plain file."""
        slug, _, name = rel.partition("/")
        if self.catalogue is None or "/" in name or not name.endswith(".yaml") or name == DEPARTMENT_FILE:
            return False
        kinds = {signature[0] for signature in (self.files.get(rel), now.get(rel)) if signature}
        return kinds == {"f"} and self._department(slug) is not None

    def _department(self, slug: str) -> Department | None:
        departments = self.catalogue.departments if self.catalogue else []
        return next((dept for dept in departments if dept.slug == slug), None)

    def _reread(self, rel: str, exists: bool) -> None:
        """Forget what was read from a power file, and read it again if it is there."""
        dept = self._department(rel.partition("/")[0])
        assert dept is not None
        self.read_problems = [p for p in self.read_problems if p.path != rel]
        powers = [power for power in dept.powers if power.path != rel]
        files = [path for path in dept.files if path != rel]
        if exists:
            files.append(rel)
            report = Report()
            outcome = parse_file(self.root / rel, rel)
            record = validate_parsed(PowerRecord, outcome, rel, report)
            self.read_problems += report.problems
            if record is not None and not isinstance(outcome, list):
                insort(powers, Power(record, rel, outcome), key=_path)
        self.records += len(files) - len(dept.files)
        dept.powers, dept.files = powers, sorted(files)


def _path(power: Power) -> str:
    return power.path
