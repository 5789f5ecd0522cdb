"""Reproducible output: the whole `build` (pages, charts, search index, sitemap, PDFs) and `export --xlsx` give
the same bytes for the same input and SOURCE_DATE_EPOCH, whatever the folder, working directory, time zone,
hash seed or cache; a different SOURCE_DATE_EPOCH changes only the dates it stands for."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest
from site_catalogues import FIXTURE
from sitetools import build, cli, tree_digest

pytestmark = pytest.mark.slow

EPOCH, LATER = "1700000000", "1800000000"  # 2023-11-14 and 2027-01-15 (UTC)
# Two runs that share nothing but the input: other folders, working directory, time zone and hash seed.
RUN_A = {"SOURCE_DATE_EPOCH": EPOCH, "TZ": "UTC", "PYTHONHASHSEED": "1"}
RUN_B = {"SOURCE_DATE_EPOCH": EPOCH, "TZ": "Asia/Shanghai", "PYTHONHASHSEED": "2"}


class Builds(NamedTuple):
    a: Path  # RUN_A, fresh cache
    b: Path  # RUN_B, a copy of the catalogue elsewhere, another output name, fresh cache
    later: Path  # SOURCE_DATE_EPOCH=LATER, with the cache of a


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    work = tmp_path_factory.mktemp("reproducible")
    elsewhere = work / "b" / "another place"
    powers = shutil.copytree(FIXTURE, elsewhere / "powers")
    runs = [
        (FIXTURE, work / "a" / "site", work / "a" / "cache", RUN_A, None),
        (powers, elsewhere / "public", elsewhere / "cache", RUN_B, elsewhere),
        (FIXTURE, work / "later" / "site", work / "a" / "cache", {**RUN_A, "SOURCE_DATE_EPOCH": LATER}, None),
    ]
    for source, out, cache, env, cwd in runs:
        done = build(source, out, cache, env=env, cwd=cwd)
        assert done.returncode == 0, done.stdout + done.stderr
    return Builds(*(out for _, out, _, _, _ in runs))


def test_two_builds_of_the_same_input_are_byte_identical(builds):
    a = tree_digest(builds.a)
    kinds = {Path(name).suffix for name in a}
    assert {".html", ".pdf", ".xml", ".gz", ".pf_fragment", ".pf_index", ".pf_meta"} <= kinds  # every stage
    assert tree_digest(builds.b) == a


def test_source_date_epoch_changes_only_the_sitemap_dates(builds):
    a, later = tree_digest(builds.a), tree_digest(builds.later)
    assert a.keys() == later.keys()
    assert sorted(name for name in a if a[name] != later[name]) == ["sitemap.xml", "sitemap.xml.gz"]
    old = (builds.a / "sitemap.xml").read_text(encoding="utf-8")
    new = (builds.later / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", old)) == {"2023-11-14"}
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", new)) == {"2027-01-15"}
    assert re.sub(r"<lastmod>[^<]+</lastmod>", "", old) == re.sub(r"<lastmod>[^<]+</lastmod>", "", new)


def test_pdfs_carry_no_date_of_their_own(builds):
    for path in sorted((builds.a / "pdf").rglob("*.pdf")):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        assert "CreationDate" not in info and "ModDate" not in info, path.name


def test_exports_are_byte_identical_and_dated_by_source_date_epoch(tmp_path):
    files = {}
    for name, env, cwd in [
        ("a", RUN_A, None),
        ("b", RUN_B, tmp_path),
        ("later", {**RUN_A, "SOURCE_DATE_EPOCH": LATER}, None),
    ]:
        files[name] = tmp_path / f"{name}.xlsx"
        done = cli("export", "--powers", FIXTURE, "--xlsx", files[name], env=env, cwd=cwd)
        assert done.returncode == 0, done.stdout + done.stderr
    assert files["a"].read_bytes() == files["b"].read_bytes()
    a, later = _entries(files["a"]), _entries(files["later"])
    assert a.keys() == later.keys()
    assert [name for name in a if a[name][0] != later[name][0]] == ["docProps/core.xml"]
    assert {stamp for _, stamp in a.values()} == {(2023, 11, 14, 22, 13, 20)}
    assert {stamp for _, stamp in later.values()} == {(2027, 1, 15, 8, 0, 0)}
    assert "2023-11-14T22:13:20Z" in a["docProps/core.xml"][0].decode()


def _entries(path: Path) -> dict[str, tuple[bytes, tuple[int, ...]]]:
    """Each entry of a zip archive: its content and its stored time."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: (archive.read(info), info.date_time) for info in archive.infolist()}
