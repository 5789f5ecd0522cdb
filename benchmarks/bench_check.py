"""Benchmark: `check` over a generated catalogue (BENCH_RECORDS records, default 20,000), or over the catalogue
folder BENCH_CHECK_POWERS (such as one written by ../shared/bench/synth.py), which must be free of errors."""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from factory import CATALOGUE, department, dump, power

from generator.core.validate import check_catalogue

PER_DEPARTMENT = 1_000
KB_PER_MB = 1024  # ru_maxrss is in KB on Linux


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


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / KB_PER_MB


def measure(root: Path, count: int | None = None) -> None:
    """Check root (count records, when known) once; print the wall time, the CPU time and the peak memory."""
    start, own, workers = time.perf_counter(), cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    _, report = check_catalogue(root)
    wall = time.perf_counter() - start
    records = report.records
    assert records == (count or records) and not report.errors, report.sorted()[:5]
    own, workers = cpu_seconds(resource.RUSAGE_SELF) - own, cpu_seconds(resource.RUSAGE_CHILDREN) - workers
    per, cores = wall / records * 1e3, os.cpu_count()
    print(f"check: {records} records in {wall:.1f} s wall ({per:.2f} ms per record, {cores} cores)")
    print(f"  CPU: {own:.1f} s in this process, {workers:.1f} s in the parsing workers")
    print(
        f"  peak resident memory: {peak_mb(resource.RUSAGE_SELF):.0f} MB this process, "
        f"{peak_mb(resource.RUSAGE_CHILDREN):.0f} MB the largest worker"
    )


def main() -> None:
    given = os.environ.get("BENCH_CHECK_POWERS")
    if given:
        measure(Path(given))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root, count = Path(tmp), int(os.environ.get("BENCH_RECORDS", "20000"))
        write_big_catalogue(root, count)
        measure(root, count)


if __name__ == "__main__":
    main()
