"""The search index at scale: a site of more than SHARD_PAGES indexed pages is split into Pagefind bundles that the
search box merges; each is cached by its pages, so a rebuild after one page changed indexes one shard again and
gives the bytes of a cold run. The limit is lowered here so that small sites are split."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pagefind.service import get_executable
from playwright.sync_api import Page, sync_playwright
from site_catalogues import large_catalogue
from sitetools import CHROMIUM, CHROMIUM_ARGS, serve, tree_digest

from generator.outputs import search
from generator.outputs.search_filters import read, sort_filters
from generator.outputs.search_merge import merge_module
from generator.publish import publish

LIMIT = 8
COUNT = 30


def power_page(number: int, text: str = "统计调查", marked: bool = True) -> str:
    """A power page as the theme writes one, cut down: a head, a marked body holding a flowchart Pagefind ignores."""
    code = f"FX01T{number // 10}-XK-{number:04d}"
    return (
        '<!doctype html>\n<html lang="zh" class="no-js">\n<head><meta charset="utf-8"><title>页面</title></head>\n'
        '<body><nav>导航</nav><article class="md-content__inner md-typeset">\n'
        f"<div{' data-pagefind-body' if marked else ''}>\n"
        f'<h1>事项{number}</h1>\n<span hidden data-pagefind-meta="title">事项{number}（{code}）</span>\n'
        f'<span hidden data-pagefind-filter="实施部门">部门{number % 3}</span>\n'
        f'<span hidden data-pagefind-filter="权力类别">类别{number % 7}</span>\n'
        f"<p>{code} 第{number}项 {text}</p>\n"
        '<div data-pagefind-ignore><figure class="qlqd-chart"><svg><text>流程图</text></svg></figure></div>\n'
        "</div>\n</article></body>\n</html>\n"
    )


def make_site(root: Path, count: int = COUNT, marked: bool = True) -> Path:
    """count power pages under powers/ and a home page, which Pagefind leaves out if the power pages are marked."""
    for number in range(count):
        page = root / "powers" / f"P{number:03d}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(power_page(number, marked=marked), encoding="utf-8")
    (root / "index.html").write_text('<html lang="zh"><body><p>首页</p></body></html>', encoding="utf-8")
    return root


def bundle_pages(bundle: Path) -> int:
    return sum(1 for _ in (bundle / "fragment").iterdir())


@pytest.fixture
def runs(monkeypatch) -> list[list[str]]:
    """The pages of every Pagefind run, as they happen."""
    done: list[list[str]] = []
    real = search.run_pagefind

    def counted(site_dir: Path, paths: list[str], out: Path) -> None:
        done.append(paths)
        real(site_dir, paths, out)

    monkeypatch.setattr(search, "run_pagefind", counted)
    return done


@pytest.mark.parametrize("marked", [True, False])
def test_a_site_within_the_limit_gets_the_one_bundle_pagefind_makes(tmp_path, marked: bool):
    site = make_site(tmp_path / "site", marked=marked)
    command = [str(get_executable()), "--site", str(site), "--output-path", str(tmp_path / "plain"), "--silent"]
    subprocess.run(command, check=True)
    sort_filters(tmp_path / "plain")
    assert search.index_site(site, tmp_path / "cache") == COUNT + (0 if marked else 1)  # unmarked: the home page too
    assert tree_digest(site / "pagefind") == tree_digest(tmp_path / "plain")


def test_a_larger_site_is_split_into_bundles_merged_by_our_module(tmp_path, monkeypatch, runs):
    monkeypatch.setattr(search, "SHARD_PAGES", LIMIT)
    site = make_site(tmp_path / "site")
    advanced: list[int] = []
    assert search.index_site(site, tmp_path / "cache", advanced.append) == COUNT
    root = site / "pagefind"
    bundles = sorted(root.glob("shard-*"), key=lambda p: int(p.name.removeprefix("shard-")))
    assert [b.name for b in bundles] == [f"shard-{n}" for n in range(1, len(runs) + 1)] and len(runs) > COUNT // LIMIT
    assert all(bundle_pages(bundle) <= LIMIT for bundle in bundles)
    assert sum(map(bundle_pages, bundles)) == sum(advanced) == COUNT
    assert (root / "pagefind.js").read_text("utf-8") == merge_module(len(bundles))
    assert (root / "pagefind-ui.js").read_bytes() == (bundles[0] / "pagefind-ui.js").read_bytes()
    assert not (root / "pagefind-entry.json").exists()  # no index of its own beside the shards


def test_a_rebuild_indexes_only_the_shard_of_the_changed_page(tmp_path, monkeypatch, runs):
    monkeypatch.setattr(search, "SHARD_PAGES", LIMIT)
    site, cache = make_site(tmp_path / "site"), tmp_path / "cache"
    search.index_site(site, cache)
    shards = len(runs)
    before = tree_digest(site / "pagefind")
    search.index_site(site, cache)
    assert len(runs) == shards and tree_digest(site / "pagefind") == before  # nothing changed: nothing indexed
    changed = site / "powers" / "P005" / "index.html"
    changed.write_text(power_page(5, text="行政检查"), encoding="utf-8")
    search.index_site(site, cache)
    assert runs[shards:] == [next(paths for paths in runs[:shards] if "powers/P005/index.html" in paths)]
    assert sorted(p.name for p in cache.iterdir()) == sorted({search.shard_key(s) for s in shards_of(site)})
    rebuilt = tree_digest(site / "pagefind")
    assert rebuilt != before
    search.index_site(site, tmp_path / "cold-cache")
    assert tree_digest(site / "pagefind") == rebuilt


def test_pages_known_by_their_key_are_not_read_again(tmp_path, monkeypatch, runs):
    monkeypatch.setattr(search, "SHARD_PAGES", LIMIT)
    site, cache = make_site(tmp_path / "site"), tmp_path / "cache"
    path = "powers/P005/index.html"
    size = (site / path).stat().st_size
    search.index_site(site, cache, known={path: search.IndexedPage(path, "key-1", size, True)})
    shards = len(runs)
    (site / path).write_text(power_page(5, text="行政检查"), encoding="utf-8")  # unseen: its key says it is the same
    search.index_site(site, cache, known={path: search.IndexedPage(path, "key-1", size, True)})
    assert len(runs) == shards
    search.index_site(site, cache, known={path: search.IndexedPage(path, "key-2", size, True)})  # a new key: indexed
    assert len(runs) == shards + 1 and path in runs[-1]


def shards_of(site: Path) -> list[list[search.Page]]:
    return search.shards(search.indexed_pages(site))


def test_an_added_page_moves_no_other_page():
    pages = [search.IndexedPage(f"powers/P{n:03d}/index.html", "", 0, True) for n in range(100)]
    added = search.IndexedPage("powers/NEW/index.html", "", 0, True)
    before = {frozenset(shard) for shard in search.split(pages, 30)}
    after = {frozenset(shard) for shard in search.split([*pages, added], 30)}
    assert len(before) == len(after) and len(after - before) == 1


def test_the_glob_of_a_shard_matches_exactly_its_pages(tmp_path):
    names = ["a,b", "c{d}", "e[f]", "g*h", "i?j", "k(l)", "m<n>", "o:p", "q$r", "中 文"]
    site = tmp_path / "site"
    for name in [*names, "i_j", "gXXh"]:  # the last two would match a wildcard left unescaped
        page = site / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(power_page(len(name)), encoding="utf-8")
    search.run_pagefind(site, [f"{name}/index.html" for name in names], tmp_path / "out" / "bundle")
    assert bundle_pages(tmp_path / "out" / "bundle") == len(names)


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory) -> Iterator[tuple[str, list[list[search.Page]]]]:
    """A catalogue of 30 powers built with the limit lowered, served on 127.0.0.1; its shards."""
    work = tmp_path_factory.mktemp("sharded")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "SHARD_PAGES", LIMIT)
        publish(large_catalogue(work / "powers", COUNT), work / "site", work / "cache", pdf=False)
        shards = shards_of(work / "site")
    with serve(work / "site") as url:
        yield url, shards


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("shard", [0, 1, 2])
def test_the_search_box_finds_a_power_in_any_shard(sharded_site, shard: int):
    url, shards = sharded_site
    assert len(shards) > 2
    code = shards[shard][0].path.split("/")[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        assert search_links(page, code) == [f"/powers/{code}/"]  # and nothing from the shards that lack the code
        browser.close()


def search_links(page: Page, query: str) -> list[str]:
    box = page.locator("#search .pagefind-ui__search-input")
    box.fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for()
    return [a.get_attribute("href") for a in page.locator(".pagefind-ui__result-link").all()]


FILTERED = """async () => {
  // The merged module's filters, and the pages a filter alone (no search term) selects, across every shard.
  const pagefind = await import('/pagefind/pagefind.js');
  const counts = await pagefind.filters();
  const chosen = await pagefind.search(null, { filters: { 权力类别: '行政许可' } });
  const urls = await Promise.all(chosen.results.map(async (r) => (await r.data()).url));
  return { counts, urls };
}"""


@pytest.mark.slow
@pytest.mark.browser
def test_the_filters_cover_every_shard(sharded_site):
    url, shards = sharded_site
    codes = [page.path.split("/")[1] for shard in shards for page in shard if page.path.startswith("powers/")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        found = page.evaluate(FILTERED)
        browser.close()
    assert sum(found["counts"]["权力类别"].values()) == len(codes) == COUNT
    assert sum(found["counts"]["实施部门"].values()) == COUNT  # every page has both filters
    licences = sorted(code for code in codes if "-XK-" in code)
    assert sorted(u.split("/")[2] for u in found["urls"]) == licences
    held = [n for n, shard in enumerate(shards) if any(f"/{code}/" in f"/{p.path}" for p in shard for code in licences)]
    assert len(held) > 1  # the licences found come from more than one shard


def test_the_filters_are_written_in_order_and_named_by_their_bytes(tmp_path):
    site = make_site(tmp_path / "site")
    search.run_pagefind(site, [f"powers/P{n:03d}/index.html" for n in range(COUNT)], tmp_path / "bundle")
    sort_filters(tmp_path / "bundle")
    once = tree_digest(tmp_path / "bundle")
    entry = json.loads((tmp_path / "bundle" / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read(tmp_path / "bundle" / f"pagefind.{entry['languages']['zh']['hash']}.pf_meta")
    assert [name for name, _ in meta[3]] == ["实施部门", "权力类别"]
    for name, digest in meta[3]:
        path = tmp_path / "bundle" / "filter" / f"{digest}.pf_filter"
        assert digest == f"zh_{hashlib.sha256(path.read_bytes()).hexdigest()[:7]}"
        stored, values = read(path)
        assert stored == name and [v for v, _ in values] == sorted(v for v, _ in values)
        assert sum(len(pages) for _, pages in values) == COUNT
    sort_filters(tmp_path / "bundle")
    assert tree_digest(tmp_path / "bundle") == once  # already in order: the same bytes


def test_large_shards_are_indexed_one_at_a_time_to_bound_memory():
    def shard(count: int) -> list[search.Page]:
        return [search.IndexedPage(f"powers/{n}/index.html", "", 0, True) for n in range(count)]

    assert search.pagefind_workers([shard(1000), shard(980)]) == search.WORKERS  # 10,000 records: two at once
    assert search.pagefind_workers([shard(5000)] * 20) == 1  # 100,000 records: two would hold 1.7 GB
