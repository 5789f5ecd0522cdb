"""Scale benchmark of issue 10 (`make bench-scale`; not part of `make bench` nor `make test`).

Builds a synthetic catalogue of BENCH_SCALE_RECORDS records (default 10,000) with the shared
`synth.py`, then times, each as a subprocess with the peak memory of its whole process tree:
`check`, a cold `build --no-pdf`, the rebuild after editing one record, a cold build of the edited
catalogue (which must be byte-identical to the rebuild) and the naive stack (`naive_build.py`) on the
same catalogue. BENCH_SCALE_PDF=1 adds `pdf` of a 1,000-record catalogue, cold and after one edit;
BENCH_SCALE_NAIVE=0 leaves out the naive stack (for trying a change quickly: the issue's figures need it in
the same run).
The shared tools are looked for in ../shared/bench/ beside the repository (BENCH_SHARED_DIR to
override); the work happens in a temporary folder (a kept one under BENCH_SCALE_DIR if set).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.serve_probe import edit_to_screen

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BENCH_SHARED_DIR") or REPO.parent / "shared" / "bench")
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z, fixed for every build
PDF_RECORDS = 1_000
PAGE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024
POLL = 0.05  # seconds between two samples of the process tree's memory
NAIVE_IMPORTS = "import graphviz, jinja2, yaml, mkdocs, material"
MEMORY_METHOD = (
    f"peak MB = summed RSS of the command's whole process tree, sampled from /proc every {POLL * 1000:.0f} ms "
    "(psutil is not used; shared pages count once per process, so it errs high), "
    "never below the largest single process's max RSS from wait4"
)


@dataclass
class Run:
    stage: str
    seconds: float
    cpu: float  # user + system seconds of the command and every process it waited for
    peak: int  # bytes
    log: Path


def tree_rss(root: int) -> int:
    """The summed resident memory of root and all its descendants, from one pass over /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as file:
                stat = file.read()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()  # from field 3 (state) on; the name may hold spaces
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measure(stage: str, cmd: Sequence[str | Path], log: Path, env: dict[str, str]) -> Run:
    """Run cmd from the repository root, its output into log; wall time and peak memory of its process tree."""
    peak = 0
    done = threading.Event()
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)

        def poll() -> None:
            nonlocal peak
            while True:
                peak = max(peak, tree_rss(proc.pid))
                if done.wait(POLL):
                    return

        sampler = threading.Thread(target=poll, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:])
        sys.exit(f"bench-scale: {stage} failed (exit {proc.returncode}): {' '.join(map(str, cmd))}\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(stage, seconds, cpu, max(peak, usage.ru_maxrss * 1024), log)


def load() -> str:
    """The 1, 5 and 15 minute load averages: how busy the machine was besides the benchmark."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def edit_one_record(catalogue: Path) -> Path:
    """Rename the first step of the first record (shown on its page and in its flowchart); still valid."""
    path = min(p for p in catalogue.glob("*/*.yaml") if not p.name.startswith("_"))
    text = path.read_text(encoding="utf-8")
    edited = text.replace("    name: 受理\n", "    name: 受理登记\n", 1)
    if edited == text:
        sys.exit(f"bench-scale: found no step named 受理 to edit in {path}")
    path.write_text(edited, encoding="utf-8")
    return path


def tree_differences(a: Path, b: Path) -> list[str]:
    """Relative paths of files present in only one tree or with different bytes, sorted."""
    files_a = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    common = files_a & files_b
    return sorted((files_a ^ files_b) | {f for f in common if not filecmp.cmp(a / f, b / f, shallow=False)})


def naive_python(work: Path, env: dict[str, str]) -> tuple[str, dict[str, str], str]:
    """A python that can run naive_build.py (it imports graphviz), its environment, and a note saying which."""
    if subprocess.run([sys.executable, "-c", NAIVE_IMPORTS], capture_output=True).returncode == 0:
        return sys.executable, env, "the repository's .venv"
    print(
        "note: the .venv lacks the `graphviz` Python package that naive_build.py needs: requirements.in should list it"
    )
    other = shutil.which("python3")
    if other and subprocess.run([other, "-c", NAIVE_IMPORTS], capture_output=True).returncode == 0:
        return other, env, f"{other} (fallback: the .venv lacks graphviz)"
    deps = work / "naive-deps"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(deps)]
    if subprocess.run([*pip, "graphviz"], capture_output=True).returncode != 0:
        sys.exit(
            "bench-scale: no python can import graphviz and `pip install graphviz` failed: add it to requirements.in"
        )
    path = os.pathsep.join(filter(None, [str(deps), env.get("PYTHONPATH")]))
    return sys.executable, {**env, "PYTHONPATH": path}, "the .venv + graphviz pip-installed into the work folder"


def stage_times(log: Path) -> list[str]:
    """The per-stage summary that `build` prints at its end (after 各阶段用时)."""
    lines = log.read_text(encoding="utf-8").splitlines()
    marks = [i for i, line in enumerate(lines) if line.startswith("各阶段用时")]
    return [line.strip() for line in lines[marks[-1] + 1 :] if line.startswith("  ")] if marks else []


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else "met" if met else "NOT MET"


def bench(work: Path, records: int, with_pdf: bool, with_naive: bool) -> None:
    py = sys.executable
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": EPOCH,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    cat = work / "catalogue"
    naive_py, naive_env, naive_note = naive_python(work, env)
    print(f"records: {records:,}  cores: {os.cpu_count()}  python: {py}  naive stack on: {naive_note}")
    print(f"work folder: {work}  SOURCE_DATE_EPOCH={EPOCH}  load average at the start: {load()}")
    print(MEMORY_METHOD, flush=True)

    runs: list[Run] = []

    def run(stage: str, *cmd: str | Path, use: dict[str, str] = env) -> Run:
        print(f"  … {stage}", flush=True)
        runs.append(measure(stage, cmd, work / f"{len(runs):02d}.log", use))
        return runs[-1]

    run(f"synth.py ({records:,} records)", py, SHARED / "synth.py", cat, str(records))
    check = run("check", py, "-m", "generator", "check", "--powers", cat)
    build = [py, "-m", "generator", "build", "--no-pdf", "--powers", cat]
    cold = run("build --no-pdf, cold", *build, "--out", work / "site", "--cache", work / "cache")
    edited = edit_one_record(cat)
    warm = run("build --no-pdf, after 1 edit", *build, "--out", work / "site", "--cache", work / "cache")
    run("build --no-pdf, cold, edited", *build, "--out", work / "site-cold", "--cache", work / "cache-cold")
    print("  … serve: an edit saved, until its page shows it", flush=True)
    serve_ready, serve_shown = edit_to_screen(cat, work / "cache", work / "serve.log", env)
    naive = None
    if with_naive:
        naive_cmd = (naive_py, SHARED / "naive_build.py", cat, work / "naive")
        naive = run("naive stack (naive_build.py)", *naive_cmd, use=naive_env)
    pdf_cold = pdf_warm = None
    if with_pdf:
        pdf_cat = work / "pdf-catalogue"
        run(f"synth.py ({PDF_RECORDS:,} records)", py, SHARED / "synth.py", pdf_cat, str(PDF_RECORDS))
        pdf = [
            py,
            "-m",
            "generator",
            "pdf",
            "--powers",
            pdf_cat,
            "--out",
            work / "pdf-out",
            "--cache",
            work / "pdf-cache",
        ]
        pdf_cold = run(f"pdf, {PDF_RECORDS:,} records, cold", *pdf)
        edit_one_record(pdf_cat)
        pdf_warm = run(f"pdf, {PDF_RECORDS:,} records, after 1 edit", *pdf)

    differences = tree_differences(work / "site", work / "site-cold")
    width = max(len(r.stage) for r in runs)
    print(f"\n{'stage':<{width}} | {'seconds':>8} | {'CPU s':>8} | {'peak MB':>8}")
    print(f"{'-' * width}-+-{'-' * 8}-+-{'-' * 8}-+-{'-' * 8}")
    for r in runs:
        print(f"{r.stage:<{width}} | {r.seconds:8.1f} | {r.cpu:8.1f} | {r.peak / MB:8.0f}")
    print(f"(CPU s: user + system time of the command's process tree; the machine's load when done: {load()})")

    naive_ratio = naive.seconds / cold.seconds if naive else None
    warm_ratio = warm.seconds / cold.seconds
    print(f"\nedited record: {edited.relative_to(cat)} (first step 受理 → 受理登记)")
    shown = f"{naive_ratio:.1f}x" if naive_ratio else "not run (BENCH_SCALE_NAIVE=0)"
    print(f"naive / ours cold: {shown}   incremental / cold: {warm_ratio:.3f}")
    same = "yes" if not differences else "NO"
    print(f"incremental build byte-identical to a cold build of the edited catalogue: {same}")
    for path in differences[:10]:
        print(f"  differs: {path}")
    print(f"serve: first page after {serve_ready:.1f} s; a saved edit shown after {serve_shown:.2f} s")
    for name, r in (("cold", cold), ("after 1 edit", warm)):
        print(f"stages of our build, {name}: " + "; ".join(stage_times(r.log)))

    at = {10_000: records == 10_000, 100_000: records == 100_000}
    targets: list[tuple[str, str, bool | None]] = [
        ("check of 10,000 records <= 5 s", f"{check.seconds:.1f} s", check.seconds <= 5 if at[10_000] else None),
        ("cold build of 10,000 records <= 60 s", f"{cold.seconds:.1f} s", cold.seconds <= 60 if at[10_000] else None),
        ("cold build >= 5x faster than naive (stated at 10,000)", shown, naive_ratio >= 5 if naive_ratio else None),
        ("incremental <= 1/10 of cold", f"{warm_ratio:.3f}", warm_ratio <= 0.1),
        ("incremental byte-identical to cold", "yes" if not differences else "no", not differences),
        ("serve: edit shown <= 3 s (at 10,000)", f"{serve_shown:.2f} s", serve_shown <= 3 if at[10_000] else None),
        ("100,000 records: cold < 15 min", f"{cold.seconds / 60:.1f} min", cold.seconds < 900 if at[100_000] else None),
        (
            "100,000 records: peak < 4 GB",
            f"{cold.peak / MB:.0f} MB",
            cold.peak < 4 * 1024 * MB if at[100_000] else None,
        ),
    ]
    if pdf_cold and pdf_warm:
        targets += [
            ("PDFs of 1,000 records cold <= 120 s", f"{pdf_cold.seconds:.1f} s", pdf_cold.seconds <= 120),
            ("PDFs after one edit < 10 s", f"{pdf_warm.seconds:.1f} s", pdf_warm.seconds < 10),
        ]
    else:
        targets.append(("PDFs (BENCH_SCALE_PDF=1 to measure)", "skipped", None))
    print(f"\ntargets (n/a: not measured at this size, N={records:,}):")
    tw = max(len(t[0]) for t in targets)
    for label, value, met in targets:
        print(f"  {label:<{tw}}  {value:>10}  {verdict(met)}")


def main() -> None:
    for tool in ("synth.py", "naive_build.py"):
        if not (SHARED / tool).is_file():
            sys.exit(f"bench-scale: {SHARED / tool} is missing: shared/bench/ must sit beside the repository")
    records = int(os.environ.get("BENCH_SCALE_RECORDS", "10000"))
    with_pdf = os.environ.get("BENCH_SCALE_PDF", "0") == "1"
    with_naive = os.environ.get("BENCH_SCALE_NAIVE", "1") != "0"
    keep = os.environ.get("BENCH_SCALE_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        bench(Path(tempfile.mkdtemp(prefix="bench-scale-", dir=keep)), records, with_pdf, with_naive)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            bench(Path(tmp), records, with_pdf, with_naive)


if __name__ == "__main__":
    main()
