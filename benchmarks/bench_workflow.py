"""Benchmark: the editors' commands over a generated catalogue (BENCH_WORKFLOW_RECORDS records, default 1,000):
`fmt` on files laid out by PyYAML, `fmt --check` on canonical files (what CI runs), `diff` of two folders
with a change in every tenth record, and `export --xlsx`."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.bench_check import write_big_catalogue
from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.editing.diff import compare
from generator.editing.fmt import format_files, record_files
from generator.outputs.workbook import xlsx_bytes


def timed(label: str, count: int, action) -> None:
    start = time.perf_counter()
    action()
    wall = time.perf_counter() - start
    print(f"  {label:<28} {wall:7.2f} s  {wall / count * 1e3:7.2f} ms per record")


def fmt(root: Path, check_only: bool) -> None:
    changed, failed = format_files(record_files([root]), check_only)
    assert not failed and (not check_only or not changed), (failed[:3], changed[:3])


def main() -> None:
    count = int(os.environ.get("BENCH_WORKFLOW_RECORDS", "1000"))
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old", Path(tmp) / "new"
        old.mkdir()
        write_big_catalogue(old, count)
        timed("fmt (rewrite every file)", count, lambda: fmt(old, False))
        timed("fmt --check (all canonical)", count, lambda: fmt(old, True))
        shutil.copytree(old, new)
        for path in sorted(new.glob("*/*-XK-*.yaml"))[::10]:
            path.write_text(path.read_text(encoding="utf-8").replace("promised: 10", "promised: 12"), encoding="utf-8")
        report = []
        timed("diff (two folders)", count, lambda: report.append(compare(old, new, "old", "new")))
        changed, flags = len(report[0].changed), len(report[0].flags)
        assert changed == (count + 9) // 10 and flags == 2 * changed  # the longer limit, and no new revision entry
        edition = make_edition(load_valid(new), "public")
        timed("export --xlsx", count, lambda: xlsx_bytes(edition))


if __name__ == "__main__":
    main()
