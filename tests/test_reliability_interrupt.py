"""The last good site survives a killed build: the output folder is untouched, and the next build removes what
the killed one left next to it (or puts back a site it had moved aside) and succeeds."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from site_catalogues import FIXTURE
from sitetools import build, cli, tree_digest

from generator.publish import recover_interrupted, swap_into

RENAMED = "涉外调查机构资格认定（中断测试）"


def ended_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture
def running_pid() -> Iterator[int]:
    """The id of a process that is still running (another build, as far as the folders can tell)."""
    child = subprocess.Popen(["sleep", "60"])
    yield child.pid
    child.kill()
    child.wait()


def site_with(root: Path, text: str) -> Path:
    """A stand-in site: two files."""
    (root / "powers").mkdir(parents=True)
    (root / "index.html").write_text(text, encoding="utf-8")
    (root / "powers" / "page.html").write_text(text, encoding="utf-8")
    return root


def test_recovery_removes_what_killed_builds_left_and_nothing_else(tmp_path, running_pid):
    dead = ended_pid()
    out = site_with(tmp_path / "site", "last good")
    stale = [site_with(tmp_path / f".site.{dead}-k2j4_x.new", "half"), site_with(tmp_path / f".site.{dead}.old", "x")]
    kept = [
        site_with(tmp_path / f".site.{running_pid}-abc.new", "another build, still running"),
        site_with(tmp_path / f".other.{dead}-abc.new", "another output's"),
        site_with(tmp_path / ".site.notes", "not a build's"),
    ]
    (tmp_path / f".site.{dead}-file.new").write_text("a file, not a build's folder", encoding="utf-8")
    before = tree_digest(out)
    recover_interrupted(out)
    assert [p for p in stale if p.exists()] == []
    assert all(p.is_dir() for p in kept) and (tmp_path / f".site.{dead}-file.new").is_file()
    assert tree_digest(out) == before


def test_recovery_puts_back_a_site_moved_aside_by_a_build_killed_while_swapping(tmp_path):
    dead = ended_pid()
    moved = site_with(tmp_path / f".site.{dead}.old", "last good")
    site_with(tmp_path / f".site.{dead}-x.new", "complete but never swapped in")
    before = tree_digest(moved)
    done = cli("build", "--powers", tmp_path / "no such catalogue", "--out", tmp_path / "site")
    assert done.returncode == 1 and "Traceback" not in done.stderr  # even a run that builds nothing recovers
    assert tree_digest(tmp_path / "site") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["pages", "pdfs"])
def test_a_build_killed_midway_leaves_the_last_good_site_and_the_next_build_cleans_up(stage, tmp_path, last_good):
    out = shutil.copytree(last_good, tmp_path / "site")
    before = tree_digest(out)
    powers = renamed_catalogue(tmp_path / "powers")
    cache = tmp_path / "cache"
    stages = {
        "pages": lambda: any(any(p.iterdir()) for p in tmp_path.glob(".site.*.new")),
        "pdfs": (cache / "pdf").is_dir,
    }
    started = stages[stage]  # MkDocs is writing pages into the new folder / the PDF stage has begun
    killed = kill_when(powers, out, cache, started)
    assert killed, f"the build ended before reaching the {stage} stage"
    assert tree_digest(out) == before
    assert _temp_folders(tmp_path)  # what SIGKILL leaves: nothing cleaned it up
    done = build(powers, out, cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert RENAMED in (out / "powers" / "FX01TJ-XK-0001" / "index.html").read_text(encoding="utf-8")
    assert _temp_folders(tmp_path) == []


@pytest.fixture(scope="module")
def last_good(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("last-good")
    done = build(FIXTURE, work / "site", work / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "site"


def renamed_catalogue(root: Path) -> Path:
    """The fixture with one power renamed: a build of it changes the site."""
    shutil.copytree(FIXTURE, root)
    record = root / "tjj" / "FX01TJ-XK-0001.yaml"
    text = record.read_text(encoding="utf-8")
    assert "name: 涉外调查机构资格认定\n" in text
    record.write_text(text.replace("name: 涉外调查机构资格认定", f"name: {RENAMED}", 1), encoding="utf-8")
    return root


def kill_when(powers: Path, out: Path, cache: Path, started: Callable[[], bool]) -> bool:
    """Run a build and SIGKILL it, with every process it started, once started() holds; False if it ended first."""
    cmd = [
        sys.executable,
        "-m",
        "generator",
        "build",
        "--powers",
        str(powers),
        "--out",
        str(out),
        "--cache",
        str(cache),
    ]
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while child.poll() is None:
            if started():
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()
                return True
            time.sleep(0.01)
        return False
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _temp_folders(folder: Path) -> list[str]:
    """What builds left beside the site, but for replaced sites whose removal is under way."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".site.") and p.suffix != ".del")


def gone(path: Path, within: float = 30.0) -> bool:
    """True once path no longer exists; False if it still does after within seconds."""
    deadline = time.monotonic() + within
    while path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not path.exists()


def test_the_replaced_site_is_removed_in_the_background(tmp_path):
    out = site_with(tmp_path / "site", "old")
    new = site_with(tmp_path / ".site.1-x.new", "new")
    swap_into(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    doomed = [p for p in tmp_path.iterdir() if p.name != "site"]
    assert [p.suffix for p in doomed] == [".del"]
    assert gone(doomed[0])


def test_recovery_finishes_a_removal_that_was_cut_short(tmp_path, running_pid):
    out = site_with(tmp_path / "site", "last good")
    cut_short = site_with(tmp_path / f".site.{running_pid}-a1b2.del", "replaced")
    recover_interrupted(out)
    assert gone(cut_short)
    assert (out / "index.html").read_text(encoding="utf-8") == "last good"
