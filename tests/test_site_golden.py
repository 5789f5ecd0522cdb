"""Golden tree of the sample catalogue (powers/): every page the core generates before MkDocs, and the sha256 of
every file of the built public site (PDFs aside). A change that should not change the site must leave both as
they are; one that should is committed with its regenerated golden files (UPDATE_GOLDEN=1, then read the diff)."""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from sitetools import build, tree_digest

from generator.core.edition import make_edition
from generator.core.validate import load_valid
from generator.outputs.site.pages import site_pages

SAMPLE = Path(__file__).resolve().parent.parent / "powers"
GOLDEN = Path(__file__).parent / "golden"
PAGES = GOLDEN / "site-pages"  # one file per generated page, at its path under the docs folder
MANIFEST = GOLDEN / "site-manifest.txt"  # `sha256sum` format: `cd site && sha256sum -c` checks a build
EPOCH = "1772409600"  # 2026-03-02 UTC, the sample's newest revision: the date a plain `make build` uses
SHOWN = 20  # differing files named in a failure
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
HINT = f"重新生成:UPDATE_GOLDEN=1 pytest {__file__}"


def test_generated_pages_match_the_golden_tree(tmp_path):
    pages = site_pages(make_edition(load_valid(SAMPLE), "public"), tmp_path / "charts")
    if UPDATE:
        shutil.rmtree(PAGES, ignore_errors=True)  # a page that is gone leaves the golden tree too
        for path, text in pages.items():
            (PAGES / path).parent.mkdir(parents=True, exist_ok=True)
            (PAGES / path).write_text(text, encoding="utf-8")
    golden = sorted(p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*") if p.is_file())
    assert sorted(pages) == golden, HINT
    differing = [path for path in golden if pages[path] != (PAGES / path).read_text(encoding="utf-8")]
    assert differing == [], page_diff(pages, differing)


def page_diff(pages: dict[str, str], differing: list[str]) -> str:
    """The differing pages, and the start of a unified diff of the first one."""
    first = differing[0]
    golden = (PAGES / first).read_text(encoding="utf-8").splitlines()
    diff = difflib.unified_diff(golden, pages[first].splitlines(), f"golden/{first}", f"now/{first}", lineterm="")
    return "\n".join([f"{len(differing)} 个页面不同: {', '.join(differing[:SHOWN])}", *list(diff)[:60], HINT])


@pytest.mark.slow
def test_built_site_matches_the_manifest(tmp_path):
    done = build(SAMPLE, tmp_path / "site", tmp_path / "cache", env={"SOURCE_DATE_EPOCH": EPOCH})
    assert done.returncode == 0, done.stdout + done.stderr
    built = {path: sha for path, sha in tree_digest(tmp_path / "site").items() if not path.startswith("pdf/")}
    if UPDATE:
        MANIFEST.write_text("".join(f"{sha}  {path}\n" for path, sha in built.items()), encoding="utf-8")
    expected = {path: sha for sha, path in (line.split("  ", 1) for line in MANIFEST.read_text("utf-8").splitlines())}
    differing = [path for path in sorted(built.keys() | expected.keys()) if built.get(path) != expected.get(path)]
    assert differing == [], manifest_diff(built, expected, differing, tmp_path / "site")


def manifest_diff(built: dict[str, str], expected: dict[str, str], differing: list[str], site: Path) -> str:
    """The first differing files, each changed, new or missing, and where the build is kept to look at."""
    lines = [
        f"{'changed' if path in built and path in expected else 'new' if path in built else 'missing'}: {path}"
        for path in differing[:SHOWN]
    ]
    more = [f"…另有 {len(differing) - SHOWN} 个文件不同"] if len(differing) > SHOWN else []
    return "\n".join([*lines, *more, f"本次生成的网站: {site}", HINT])
