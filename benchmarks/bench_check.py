"""Benchmark: `check` over a generated catalogue (BENCH_RECORDS records, default 20,000)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from factory import CATALOGUE, department, dump, power

from generator.core.validate import check_catalogue

PER_DEPARTMENT = 1_000


def write_big_catalogue(root: Path, count: int) -> None:
    """count valid records in departments of 1,000, written as editors would (one file each)."""
    dump(root / "_catalogue.yaml", CATALOGUE)
    for d in range((count + PER_DEPARTMENT - 1) // PER_DEPARTMENT):
        code, folder = f"B{d:03d}", root / f"b{d:03d}"
        folder.mkdir()
        dump(folder / "_department.yaml", department(code, f"部门{d}"))
        for i in range(1, min(PER_DEPARTMENT, count - d * PER_DEPARTMENT) + 1):
            record = power(f"FX01{code}-XK-{i:04d}", name=f"第{d}部门第{i}项行政许可")
            dump(folder / f"{record['code']}.yaml", record)


def main() -> None:
    count = int(os.environ.get("BENCH_RECORDS", "20000"))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_big_catalogue(root, count)
        start = time.perf_counter()
        _, report = check_catalogue(root)
        wall = time.perf_counter() - start
        assert report.records == count and not report.errors, report.sorted()[:5]
    per = wall / count * 1e3
    print(f"check: {count} records in {wall:.1f} s wall ({per:.2f} ms per record, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
