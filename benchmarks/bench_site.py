"""Benchmark: the public site (pages, charts, Pagefind index; no PDFs) of a large catalogue, with a cold
and a warm chart cache (BENCH_SITE_POWERS powers made from the site test fixture, default 2000)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from generator.publish import publish

TESTS = Path(__file__).resolve().parents[1] / "tests"
KB = 1024


def main() -> None:
    sys.path.insert(0, str(TESTS))
    from site_catalogues import large_catalogue  # the same catalogue the site's slow test builds

    count = int(os.environ.get("BENCH_SITE_POWERS", "2000"))
    print(f"site: {count} powers, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        powers = large_catalogue(work / "powers", count)
        for label in ("cold chart cache", "warm chart cache"):
            start = time.perf_counter()
            publish(powers, work / "site", work / "cache", pdf=False)
            wall = time.perf_counter() - start
            print(f"  mkdocs build, {label:<18} {wall:7.1f} s  {wall / count * 1e3:6.1f} ms per power")
        sizes = [p.stat().st_size for p in (work / "site" / "powers").glob("*/index.html")]
        index = [p.stat().st_size for p in (work / "site" / "pagefind").rglob("*") if p.is_file()]
        print(f"  power page HTML: max {max(sizes) / KB:.1f} KB, mean {sum(sizes) / len(sizes) / KB:.1f} KB")
        print(f"  Pagefind: {len(index)} files, {sum(index) / KB / KB:.1f} MB, largest {max(index) / KB:.0f} KB")
