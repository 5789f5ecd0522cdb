"""Benchmark: flowcharts rendered one `dot` process per chart against batched, cold and warm cache
(BENCH_CHARTS charts made from the flowchart test fixture, default 500)."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.core.edition import EditionPower, make_edition
from generator.core.validate import load_valid
from generator.outputs.flowchart import dot_source, render_svgs
from generator.outputs.flowchart.render import dot_command

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "flowchart" / "powers"


def numbered(powers: list[EditionPower], count: int) -> list[EditionPower]:
    """count distinct powers: the fixture's, in turn, with numbered codes and names."""
    made = []
    for n in range(1, count + 1):
        base = powers[n % len(powers)]
        update = {"code": f"{base.code[:-4]}{n:04d}", "name": f"{base.record.name}(第{n}项)"}
        made.append(dataclasses.replace(base, record=base.record.model_copy(update=update)))
    return made


def one_process_per_chart(sources: dict[str, str], work: Path) -> None:
    """The naive way, as a baseline: `dot` once per chart, as many at a time as there are cores."""
    dot = dot_command()
    for key, source in sources.items():
        (work / f"{key}.dot").write_text(source, encoding="utf-8")

    def run(key: str) -> None:
        subprocess.run([dot, "-Tsvg", "-o", f"{key}.svg", f"{key}.dot"], cwd=work, check=True)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(run, sources))


def timed(label: str, count: int, action) -> float:
    start = time.perf_counter()
    action()
    wall = time.perf_counter() - start
    print(f"  {label:<32} {wall * 1e3:9.0f} ms  {wall / count * 1e3:7.2f} ms per chart")
    return wall


def main() -> None:
    count = int(os.environ.get("BENCH_CHARTS", "500"))
    edition = make_edition(load_valid(FIXTURE), "public")
    powers = numbered(edition.powers(), count)
    print(f"flowcharts: {count} charts, {os.cpu_count()} cores")
    sources: dict[str, str] = {}
    timed(
        "DOT text (dot_source)",
        count,
        lambda: sources.update({p.code: dot_source(p, edition.catalogue) for p in powers}),
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "naive").mkdir()
        naive = timed("one dot process per chart", count, lambda: one_process_per_chart(sources, root / "naive"))
        cold = timed("batched, cold cache", count, lambda: render_svgs(sources, root / "cache"))
        timed("batched, warm cache", count, lambda: render_svgs(sources, root / "cache"))
    print(f"  batched is {naive / cold:.1f}x faster than one process per chart")


if __name__ == "__main__":
    main()
