"""The search index: Pagefind over the built site, Chinese segmented, loaded by the browser in chunks.

A site of up to SHARD_PAGES indexed pages gets one Pagefind bundle, pagefind/, as Pagefind makes it but with its search
filters in order (search_filters). A larger
one is split into shards of at most SHARD_PAGES pages (more above MAX_SHARDS times that, as the browser searches every
shard for every query), by a hash of each page's path, so that an added or edited record changes one shard.
Pagefind indexes each, WORKERS at once (one when two such processes would pass PAGEFIND_MEMORY: each holds about
PAGE_MEMORY per page), into pagefind/shard-1/ and on;
pagefind/pagefind.js is then a module of ours (search_merge) that merges them for the search box with Pagefind's
mergeIndex and keeps the results one index would give.

A bundle is a pure function of its pages: it is cached under the hash of their paths and HTML and linked into the
site, so a rebuild indexes only the shards whose pages changed. A shard indexed anew links the files the cache
already holds (the fragments of its unchanged pages); entries no shard uses are removed.
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import json
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pagefind.service import get_executable

from generator.core.problems import GeneratorError
from generator.outputs.search_filters import sort_filters
from generator.outputs.search_merge import merge_module

SHARD_PAGES = 1000  # the most pages of one bundle, unless that makes more than MAX_SHARDS bundles
MAX_SHARDS = 20  # the browser searches every bundle for every query
WORKERS = 2  # Pagefind processes at once, at most
PAGE_MEMORY = 170 * 1024  # bytes a Pagefind process holds per page it indexes (measured at 1,000 to 5,000 pages)
PAGEFIND_MEMORY = 1024**3  # what the Pagefind processes of a build may hold together: 100,000 pages run one at a time
BUNDLE = "pagefind"  # the search folder under the site root
FORMAT_VERSION = "search-2"  # bump when what a cached bundle holds changes
SCRATCH = Path("/dev/shm")  # memory, where Pagefind writes a bundle before it is stored in the cache
BODY = b"<div data-pagefind-body>"  # as theme/main.html marks the part of a page Pagefind indexes
_GLOB_SPECIAL = "*?[]{}(),<>:$"  # escaped with a backslash in Pagefind's glob; a backslash matches any character


class SearchIndexFailed(GeneratorError):
    """Pagefind could not index the site; the message carries its output."""


@dataclass(frozen=True)
class IndexedPage:
    """An HTML page of the site: its path in the site, the hash and size of its HTML, whether it is marked."""

    path: str
    digest: str
    size: int
    marked: bool


def index_site(
    site_dir: Path,
    cache_dir: Path | None = None,
    advance: Callable[[int], None] | None = None,
    known: Mapping[str, IndexedPage] | None = None,
) -> int:
    """Index the site's pages into site_dir/pagefind/, reusing the bundles cached in cache_dir (a temporary folder
    if None); advance(n) is called, in this thread, as each shard of n pages is ready. known: pages whose digest the
    caller has already (the power pages, by the hash of what they are made of), not read again. The number of pages
    indexed."""
    if cache_dir is None:
        with tempfile.TemporaryDirectory(prefix="qlqd-search-") as tmp:
            return index_site(site_dir, Path(tmp), advance, known)
    cache_dir.mkdir(parents=True, exist_ok=True)
    pages = indexed_pages(site_dir, known or {})
    keyed = {shard_key(shard): shard for shard in shards(pages)}
    place = _placer(cache_dir, list(keyed), site_dir / BUNDLE)
    _fill_cache(site_dir, keyed, cache_dir, advance or (lambda _count: None), place)
    _prune(cache_dir, set(keyed))
    return len(pages)


def indexed_pages(site_dir: Path, known: Mapping[str, IndexedPage] | None = None) -> list[IndexedPage]:
    """The pages Pagefind indexes, chosen as it chooses them: those marked data-pagefind-body, or all if none is."""
    known = known or {}
    pages = [known.get(path) or _read(site_dir, path) for path in _html_files(site_dir)]  # threads measured slower
    return [page for page in pages if page.marked] or pages


def shards(pages: list[IndexedPage]) -> list[list[IndexedPage]]:
    """The pages in shards of SHARD_PAGES at most, or of as many as MAX_SHARDS shards need."""
    return split(pages, max(SHARD_PAGES, math.ceil(len(pages) / MAX_SHARDS)))


def split(pages: list[IndexedPage], limit: int) -> list[list[IndexedPage]]:
    """The pages in as few shards of at most limit pages as their paths' hashes allow (one if they fit); a page
    stays in its shard as long as the number of shards stays the same."""
    count = max(1, math.ceil(len(pages) / limit))
    while True:
        groups: list[list[IndexedPage]] = [[] for _ in range(count)]
        for page in pages:
            groups[int.from_bytes(hashlib.sha256(page.path.encode()).digest()[:8], "big") % count].append(page)
        if max(map(len, groups)) <= limit:
            return [group for group in groups if group] or [[]]
        count += 1


def shard_key(shard: list[IndexedPage]) -> str:
    """A shard's name in the cache: the hash of its pages' paths and HTML, and of Pagefind's version."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}\0{pagefind_version()}\n".encode())
    for page in shard:
        digest.update(f"{page.path}\0{page.digest}\n".encode())
    return digest.hexdigest()[:32]


def run_pagefind(site_dir: Path, paths: list[str], out: Path) -> None:
    """Pagefind over the pages at paths in site_dir, its bundle written to out (the glob goes in a configuration
    file beside out: an argument that long could pass the system's limit)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    (out.parent / "pagefind.json").write_text(json.dumps({"glob": _glob(paths)}, ensure_ascii=False), encoding="utf-8")
    cmd = [str(_binary()), "--site", str(site_dir.resolve()), "--output-path", str(out.resolve()), "--silent"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=out.parent)
    if done.returncode != 0:
        raise SearchIndexFailed(f"Pagefind 建立搜索索引失败：{done.stderr.strip() or done.stdout.strip()}")


@functools.cache
def pagefind_version() -> str:
    done = subprocess.run([str(_binary()), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


@functools.cache
def _binary() -> Path:
    found = get_executable()
    if found is None:
        raise SearchIndexFailed("未找到 Pagefind 程序，请安装 pagefind[extended]（make setup）")
    return found


def _html_files(site_dir: Path) -> list[str]:
    """Every HTML file of the site outside its search bundle, as a path relative to it."""
    found, root = [], str(site_dir)
    for folder, subfolders, files in os.walk(root):
        if folder == root and BUNDLE in subfolders:
            subfolders.remove(BUNDLE)
        inside = os.path.relpath(folder, root)
        prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
        found += [prefix + name for name in files if name.endswith(".html")]
    return sorted(found)


def _read(site_dir: Path, path: str) -> IndexedPage:
    html = (site_dir / path).read_bytes()
    return IndexedPage(path, hashlib.sha256(html).hexdigest(), len(html), BODY in html)


def _glob(paths: list[str]) -> str:
    """A glob of Pagefind's that matches exactly these paths."""
    escaped = ("".join("\\" + c if c in _GLOB_SPECIAL else "?" if c == "\\" else c for c in path) for path in paths)
    return "{" + ",".join(escaped) + "}"


def _fill_cache(
    site_dir: Path,
    keyed: dict[str, list[IndexedPage]],
    cache_dir: Path,
    advance: Callable[[int], None],
    ready: Callable[[str], None],
) -> None:
    """Index into cache_dir every shard it lacks, as many at once as pagefind_workers allows; ready(key) is called,
    in this thread, for each shard once its bundle is in the cache: those it held while Pagefind indexes the others."""
    missing = {key: pages for key, pages in keyed.items() if not (cache_dir / key).is_dir()}
    held = _held(cache_dir) if missing else {}
    with ThreadPoolExecutor(max_workers=pagefind_workers(list(missing.values()))) as pool:
        futures = {
            pool.submit(_index_shard, site_dir, pages, cache_dir / key, held): key for key, pages in missing.items()
        }
        try:
            for key, pages in keyed.items():
                if key not in missing:
                    ready(key)
                    advance(len(pages))
            for future in as_completed(futures):
                future.result()
                ready(futures[future])
                advance(len(missing[futures[future]]))
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def pagefind_workers(shards: list[list[IndexedPage]]) -> int:
    """How many Pagefind processes may run at once: WORKERS, unless that many of the largest shard would hold more
    than PAGEFIND_MEMORY together (the build's main process holds the catalogue meanwhile); at least one."""
    largest = max((len(shard) for shard in shards), default=0) * PAGE_MEMORY
    return max(1, min(WORKERS, PAGEFIND_MEMORY // max(largest, 1)))


def _index_shard(site_dir: Path, pages: list[IndexedPage], target: Path, held: Mapping[str, Path]) -> None:
    """Pagefind over the pages, its bundle stored in target."""
    with tempfile.TemporaryDirectory(dir=_scratch(pages, target.parent), prefix=".qlqd-index-") as tmp:
        bundle = Path(tmp, "bundle")
        run_pagefind(site_dir, [page.path for page in pages], bundle)
        sort_filters(bundle)  # Pagefind writes the filters in a different order on each run
        _store(bundle, target, held)


def _scratch(pages: list[IndexedPage], fallback: Path) -> Path:
    """SCRATCH if it has room for WORKERS bundles of such shards (each smaller than its pages), else fallback."""
    if os.access(SCRATCH, os.W_OK) and shutil.disk_usage(SCRATCH).free > WORKERS * sum(p.size for p in pages):
        return SCRATCH
    return fallback


def _held(cache_dir: Path) -> dict[str, Path]:
    """Every file of the cached bundles, by its path in its bundle."""
    held = {}
    for entry in sorted(cache_dir.iterdir()):
        if not entry.name.startswith("."):
            held.update({p.relative_to(entry).as_posix(): p for p in entry.rglob("*") if p.is_file()})
    return held


def _store(bundle: Path, target: Path, held: Mapping[str, Path]) -> None:
    """The bundle copied into target, complete or not at all, linking each file the cache already holds with the
    same name and bytes: a shard indexed anew shares the fragments of its unchanged pages with the old one."""
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".qlqd-store-") as tmp:
        work = Path(tmp, "bundle")
        for source in sorted(p for p in bundle.rglob("*") if p.is_file()):
            name = source.relative_to(bundle).as_posix()
            known = held.get(name)
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            _link(known if known and filecmp.cmp(known, source, shallow=False) else source, work / name)
        if not target.exists():  # else a build running beside this one stored the same bundle
            os.replace(work, target)


def _placer(cache_dir: Path, keys: list[str], root: Path) -> Callable[[str], None]:
    """What puts each bundle in the site, linked from the cache: one is root itself; several go to root/shard-1/ and
    on, beside Pagefind's search box and the module that merges them in place of Pagefind's (search_merge), written
    with the first."""
    shutil.rmtree(root, ignore_errors=True)
    numbers = {key: number for number, key in enumerate(keys, 1)}

    def place(key: str) -> None:
        if len(keys) == 1:
            shutil.copytree(cache_dir / key, root, copy_function=_link)
            return
        shard = root / f"shard-{numbers[key]}"
        shutil.copytree(cache_dir / key, shard, copy_function=_link)
        if numbers[key] == 1:
            for asset in sorted(shard.glob("pagefind-*")):
                if asset.suffix in (".js", ".css"):
                    _link(asset, root / asset.name)
            (root / "pagefind.js").write_text(merge_module(len(keys)), encoding="utf-8")

    return place


def _link(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def _prune(cache_dir: Path, keys: set[str]) -> None:
    """Remove the bundles of cache_dir that no shard uses (folders being written, named with a dot, stay)."""
    for entry in cache_dir.iterdir():
        if entry.name not in keys and not entry.name.startswith("."):
            shutil.rmtree(entry, ignore_errors=True)
