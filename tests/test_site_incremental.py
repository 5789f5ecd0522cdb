"""Incremental builds: a rebuild renders only the pages whose inputs changed, and gives the same bytes as a
cold build of the same catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from site_catalogues import FIXTURE, large_catalogue
from sitetools import tree_digest

from generator.engine import ENGINE_FOLDER
from generator.outputs.site import shells, splits
from generator.outputs.site.shells import is_shelled, shell_source
from generator.publish import publish

pytestmark = pytest.mark.slow
EDITED = "scjg/FX01SJ-XK-0001.yaml"


def page_keys(cache: Path) -> set[str]:
    return {p.stem for p in (cache / "pages").glob("*.html")}


def test_a_rebuild_after_one_edit_renders_one_page_and_equals_a_cold_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    publish(powers, tmp_path / "site", cache, pdf=False)
    before = page_keys(cache)
    record = powers / EDITED
    record.write_text(record.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    publish(powers, tmp_path / "site", cache, pdf=False)
    after = page_keys(cache)
    assert len(after) == len(before) and len(after - before) == 1  # one page rendered, its old entry pruned
    charts = set(json.loads((cache / "pages" / "charts.json").read_text()).values()) - {""}
    assert charts == {p.stem for p in (cache / "site-charts").glob("*.svg")}  # the old chart pruned too
    publish(powers, tmp_path / "cold", tmp_path / "cold-cache", pdf=False)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "cold")
    assert (
        "新" in (tmp_path / "site" / "powers" / EDITED.split("/")[1].removesuffix(".yaml") / "index.html").read_text()
    )


def test_a_rebuild_reuses_the_engine_s_output_while_its_input_is_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    publish(powers, tmp_path / "site", cache, pdf=False)
    (kept,) = (cache / ENGINE_FOLDER).iterdir()
    marker = kept / "qlqd-test-marker"  # a file MkDocs would not write: still there if its output is reused
    marker.write_text("kept", encoding="utf-8")
    record = powers / EDITED  # a step's new name shows on the power's page and its department's 公开目录 page only
    record.write_text(record.read_text(encoding="utf-8").replace("name: 现场核查", "name: 现场检查"), encoding="utf-8")
    publish(powers, tmp_path / "site", cache, pdf=False)
    assert [p.name for p in (cache / ENGINE_FOLDER).iterdir()] == [kept.name] and marker.is_file()
    marker.unlink()
    (tmp_path / "site" / "qlqd-test-marker").unlink()  # copied into the site with the rest of the output
    publish(powers, tmp_path / "cold", tmp_path / "cold-cache", pdf=False)
    assert tree_digest(tmp_path / "site") == tree_digest(tmp_path / "cold")
    catalogue = powers / "_catalogue.yaml"  # the title is on every page the engine renders: it runs again
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    publish(powers, tmp_path / "site", cache, pdf=False)
    assert [p.name for p in (cache / ENGINE_FOLDER).iterdir()] != [kept.name]
    assert len(list((cache / ENGINE_FOLDER).iterdir())) == 1


def test_a_catalogue_change_renders_every_page_again(tmp_path):
    powers, cache = tmp_path / "powers", tmp_path / "cache"
    shutil.copytree(FIXTURE, powers)
    publish(powers, tmp_path / "site", cache, pdf=False)
    before = page_keys(cache)
    catalogue = powers / "_catalogue.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace("name: ", "name: 新", 1), encoding="utf-8")
    publish(powers, tmp_path / "site", cache, pdf=False)
    assert not before & page_keys(cache)


def test_shells_are_pages_of_their_kind_and_never_left_in_the_site(tmp_path):
    assert is_shelled("powers/X/index.md") and not is_shelled("powers/index.md") and not is_shelled("fees/index.md")
    path, source = shell_source(0, "powers", ("h1", "qlqd_index"))
    assert path == "powers/qlqd-shell-0/index.md" and "qlqd_index: true" in source and "<h1>" in source
    publish(FIXTURE, tmp_path / "site", tmp_path / "cache", pdf=False)
    assert not list((tmp_path / "site").rglob("qlqd-shell*"))
    assert "qlqd-shell" not in (tmp_path / "site" / "sitemap.xml").read_text(encoding="utf-8")


def test_pages_a_level_or_two_deeper_filled_into_shells_are_what_the_engine_renders(tmp_path, monkeypatch):
    """Long lists split into numbered pages (fees/<slug>/2/) and a long department's categories
    (departments/<slug>/<code>/2/) get shells of their depth: the site is byte for byte the one the engine makes
    when it renders every page itself."""
    assert is_shelled("fees/x/2/index.md") and is_shelled("departments/x/XK/2/index.md")
    assert shell_source(3, "fees", ("qlqd-sub=1",))[0] == "fees/qlqd-shell-3/qlqd-sub/index.md"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(splits, "MAX_ROWS", 4)
    powers = large_catalogue(tmp_path / "powers", 24, per_department=12)
    publish(powers, tmp_path / "shelled", tmp_path / "cache", pdf=False)
    deep = [p for p in (tmp_path / "shelled").rglob("index.html") if len(p.relative_to(tmp_path / "shelled").parts) > 3]
    assert len({p.relative_to(tmp_path / "shelled").parts[0] for p in deep}) >= 3  # several kinds of deeper page
    monkeypatch.setattr(shells, "SHELL_FOLDERS", ())  # no shell: the engine renders every page
    publish(powers, tmp_path / "engine", tmp_path / "engine-cache", pdf=False)
    assert tree_digest(tmp_path / "shelled") == tree_digest(tmp_path / "engine")
