"""The bad-input corpus: every malformed catalogue under tests/bad/ is refused clearly, never with a traceback.

tests/bad/_base/powers/ is one small valid catalogue. Each other folder tests/bad/<case>/ holds:
  powers/...    only the files that differ from the base (they replace or add to it),
  delete.txt    (optional) base paths to remove, one per line,
  args.txt      (optional) what to check instead of the whole catalogue: paths from the work folder, such as
                powers/tjj/FX01TJ-JC-0001.yaml (separated by spaces or lines),
  expected.txt  the exact output of `python -m generator check powers` (or check ARGS), pinned;
a function in bad_builders.py plants what cannot live in git (huge, re-encoded, symlinked files).
A case's name starts with the code it proves (E… exits 1, or 2 for a path check cannot look at; W… exits 0
and 1 with --strict), or `ok-` for input that must pass. Printed paths open from the work folder (powers/…).
UPDATE_GOLDEN=1 rewrites the expected.txt files.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bad_builders import BUILDERS
from click.testing import CliRunner

from generator.commands import main
from generator.core.problems import MESSAGES
from generator.core.validate import USAGE_CODES

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "bad"
BASE = BAD / "_base" / "powers"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_"))
WORK = "$WORK"  # stands for the case's work folder in expected.txt (symlink targets are absolute)
MEMORY = 1 << 30  # address-space limit of the real process: 1 GiB
TIMEOUT = 10  # seconds: a bound that stops a runaway, not a measure of speed

# Bombs run only as a real process: if a guard broke, they would crash or exhaust the test runner itself.
BOMBS = ["E002-deep-nesting", "E005-alias-repeats-long-text", "E005-billion-laughs"]
# Run as a real process too: the other huge inputs, and a few plain ones.
SUBPROCESS_CASES = [
    *BOMBS,
    "E002-colon-in-value",
    "E004-python-tag",
    "E006-file-over-limit",
    "E010-nul-byte",
    "E103-huge-number",
    "E211-cycle-at-end-of-long-procedure",
    "ok-long-procedure",
]

LINE = re.compile(r"^(?P<path>[^:]+?)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<code>[EW]\d{3}) (?P<message>.+)$")
SUMMARY = re.compile(r"^(?P<powers>\d+) 个事项, (?P<errors>\d+) 个错误, (?P<warnings>\d+) 个警告$")


def build(case: str, work: Path) -> None:
    """The case's catalogue at work/powers: the base, the case's files over it, its deletions, its builder."""
    shutil.copytree(BASE, work / "powers")
    source = BAD / case
    if (source / "powers").is_dir():
        shutil.copytree(source / "powers", work / "powers", dirs_exist_ok=True)
    deleted = source / "delete.txt"
    for rel in deleted.read_text(encoding="utf-8").split() if deleted.exists() else []:
        (work / "powers" / rel).unlink()
    if case in BUILDERS:
        BUILDERS[case](work)


def exit_codes(case: str) -> tuple[int, int]:
    """The exit codes (plain, --strict) that the case's name promises."""
    if case.split("-")[0] in USAGE_CODES:
        return 2, 2
    return {"E": (1, 1), "W": (0, 1)}.get(case[0], (0, 0))


def arguments(case: str) -> list[str]:
    """What the case checks: its args.txt, else the whole catalogue."""
    args = BAD / case / "args.txt"
    return args.read_text(encoding="utf-8").split() if args.exists() else ["powers"]


def pinned(case: str, output: str) -> str:
    """The expected output of the case (rewritten from output when UPDATE_GOLDEN is set)."""
    path = BAD / case / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(output, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def normalised(output: str, work: Path) -> str:
    return output.replace(str(work.resolve()), WORK)


def check_output(case: str, work: Path, output: str) -> None:
    """Every line is `path[:line:col]: CODE message` naming a file of the catalogue; the summary fits the name."""
    *lines, summary = output.splitlines()
    counts = SUMMARY.match(summary)
    assert counts, summary
    found = [LINE.match(line) for line in lines]
    assert all(found), lines
    codes = {m["code"] for m in found}
    assert all(code in MESSAGES for code in codes)
    assert (int(counts["errors"]), int(counts["warnings"])) == (
        sum(m["code"][0] == "E" for m in found),
        sum(m["code"][0] == "W" for m in found),
    )
    expected_code = case.split("-")[0]
    if case.startswith("ok-"):
        assert not lines
    else:
        assert expected_code in codes
    if case.startswith("W"):
        assert counts["errors"] == "0"
    for m in found:
        named = work / m["path"]  # every printed path opens from where check ran
        assert named.exists() or named.is_symlink() or m["code"] in ("E011", "E017", "E027"), m["path"]
        if m["line"]:
            assert named.is_file() and int(m["line"]) <= named.read_bytes().count(b"\n") + 1


@pytest.mark.parametrize("case", [case for case in CASES if case not in BOMBS])
def test_check_refuses_bad_input_clearly(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner(catch_exceptions=False)
    plain, strict = exit_codes(case)
    args = arguments(case)
    result = runner.invoke(main, ["check", *args])
    output = normalised(result.stdout, tmp_path)
    assert (result.exit_code, result.stderr) == (plain, "")
    assert output == pinned(case, output)
    assert "Traceback" not in result.output
    check_output(case, tmp_path, output)
    strict_result = runner.invoke(main, ["check", "--strict", *args])
    assert (strict_result.exit_code, normalised(strict_result.stdout, tmp_path)) == (strict, output)
    as_json = runner.invoke(main, ["check", "--format", "json", *args])
    assert as_json.exit_code == plain
    assert len(json.loads(as_json.stdout)) == len(output.splitlines()) - 1


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_check(work: Path, args: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m generator check powers` (or check ARGS) in work, as a real process under the limits."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUTF8": "1"}
    command = [sys.executable, "-m", "generator", "check", *(args or ["powers"])]
    return subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limited, check=False
    )


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_real_process_is_bounded_and_quiet(case: str, tmp_path: Path) -> None:
    build(case, tmp_path)
    done = run_check(tmp_path, arguments(case))
    assert done.stderr == ""  # no traceback, no warning: only the problems on stdout
    assert done.returncode == exit_codes(case)[0]
    output = normalised(done.stdout, tmp_path)
    assert output == pinned(case, output)
    check_output(case, tmp_path, output)
    assert not (tmp_path / "pwned").exists()  # the Python tag ran nothing


def _steps(count: int, nxt: Callable[[int], str]) -> str:
    return "".join(f"    - {{id: s{i}, name: 步骤{i}, post: 岗位, days: 1, next: {nxt(i)}}}\n" for i in range(count))


# Huge inputs whose output is too long to pin: each must still end fast, small and clean.
STRESS = {
    "E209": _steps(7000, lambda i: f"x{i}"),  # every step names a missing step: hints must not be quadratic
    "E211": _steps(7000, lambda i: f"s{(i + 1) % 7000}"),  # one cycle through 7000 steps
    "E005": _steps(9000, lambda i: f"s{i + 1}"),  # more nodes than allowed, without any alias
}


@pytest.mark.parametrize("code", sorted(STRESS))
def test_huge_procedures_are_bounded(code: str, tmp_path: Path) -> None:
    build("ok-base", tmp_path)
    record = tmp_path / "powers" / "tjj" / "FX01TJ-JC-0001.yaml"
    head, tail = record.read_text(encoding="utf-8").split("  steps:\n")
    record.write_text(head + "  steps:\n" + STRESS[code] + "status:" + tail.split("status:")[1], encoding="utf-8")
    done = run_check(tmp_path)
    assert (done.returncode, done.stderr) == (1, "")
    assert f": {code} " in done.stdout


def test_every_code_has_a_case() -> None:
    assert set(MESSAGES) <= {case.split("-")[0] for case in CASES}
    assert len(CASES) >= 40


def test_every_case_plants_a_defect() -> None:
    assert set(BUILDERS) <= set(CASES)
    for case in CASES:
        source = BAD / case
        planted = case in BUILDERS or any((source / name).exists() for name in ("powers", "delete.txt", "args.txt"))
        assert planted or case == "ok-base", case
        assert (source / "expected.txt").is_file(), case
