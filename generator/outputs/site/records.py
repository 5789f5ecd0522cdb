"""The powers' own pages: each rendered from its record straight into its shell, written to disk as it is made,
in as many processes as there are cores, and kept in a cache keyed by exactly what the page is made of.

A page is a pure function of its record, its department, the catalogue, the category codes, the shell and the
templates (with the generator's version): their hash is the page's key. A rebuild renders only the pages
whose key is not in the cache and links the others into the new site; entries no page uses are pruned.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition, EditionPower
from generator.core.model import CatalogueRecord
from generator.core.folders import write_atomic
from generator.outputs.codehash import outputs_digest
from generator.outputs.flowchart import chart_label, dot_source, render_svgs
from generator.outputs.flowchart.render import chart_digest, prune_cache
from generator.outputs.search import BODY, IndexedPage
from generator.outputs.site.pages import environment, power_page
from generator.outputs.site.shells import Shell, parse_page
from generator.outputs.templating import compiled_folder

CHUNK = 250  # pages a worker renders at a time: one `dot` process per chunk for the charts it lacks
CHART_FOLDER = "site-charts"  # the web charts' cache, pruned with the pages (the printed charts have their own)
MANIFEST = "charts.json"  # page key -> the chart it embeds ("" for none): what the chart cache must keep


@dataclass(frozen=True)
class Job:
    """A chunk of pages for one worker, with everything they are made of."""

    powers: list[EditionPower]
    keys: list[str]
    catalogue: CatalogueRecord
    category_codes: dict[str, str]
    shell: Shell
    chart_cache: Path
    page_cache: Path
    compiled: Path  # the compiled templates' folder (templating.compiled_folder)


def write_record_pages(
    edition: Edition, shell: Shell, site_dir: Path, cache: Path, advance: Callable[[int], None] = lambda _: None
) -> dict[str, IndexedPage]:
    """Write every power's page into site_dir (from the cache where it is there); each page as the search index
    knows it, by its path in the site, its digest being its key (the same key, the same bytes)."""
    powers = edition.powers()
    page_cache = cache / "pages"
    page_cache.mkdir(parents=True, exist_ok=True)
    common = _common_key(edition, shell)
    keys = [page_key(common, power) for power in powers]
    charts = _chart_manifest(page_cache)
    held = set(os.listdir(page_cache))  # one read of the folder instead of a look for each page
    missing = [(power, key) for power, key in zip(powers, keys, strict=True) if not _cached(held, key, charts)]
    for done in _render(missing, edition, shell, cache / CHART_FOLDER, page_cache, compiled_folder(cache)):
        charts.update(done)
        advance(len(done))
    written, marked = {}, BODY.decode() in shell.html
    cached, site = str(page_cache), str(site_dir)
    for power, key in zip(powers, keys, strict=True):
        path = f"powers/{power.code}/index.html"
        written[path] = IndexedPage(path, key, _link(f"{cached}/{key}.html", f"{site}/powers/{power.code}"), marked)
    advance(len(powers) - len(missing))
    _prune(page_cache, held, cache / CHART_FOLDER, {key: charts[key] for key in keys})
    return written


def page_key(common: str, power: EditionPower) -> str:
    """The hash of everything a power's page is made of, besides what all pages share (common)."""
    return hashlib.sha256(f"{common}\0{power.digest}".encode()).hexdigest()


def _common_key(edition: Edition, shell: Shell) -> str:
    """What every power page shares: the code and templates, the shell, the catalogue, the category codes."""
    digest = hashlib.sha256(outputs_digest().encode())
    for part in (shell.slug, shell.html, shell.content, json.dumps(shell.toc), edition.catalogue.model_dump_json()):
        digest.update(part.encode("utf-8") + b"\0")
    digest.update(json.dumps(edition.category_codes(), sort_keys=True).encode())
    return digest.hexdigest()


def _cached(held: set[str], key: str, charts: dict[str, str]) -> bool:
    return key in charts and f"{key}.html" in held


def _chart_manifest(page_cache: Path) -> dict[str, str]:
    try:
        return json.loads((page_cache / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _render(
    missing: Sequence[tuple[EditionPower, str]],
    edition: Edition,
    shell: Shell,
    charts: Path,
    page_cache: Path,
    compiled: Path,
) -> Iterator[dict[str, str]]:
    """Render the missing pages into the cache, chunk by chunk; yields each chunk's page keys and charts."""
    codes = edition.category_codes()
    jobs = [
        Job([p for p, _ in chunk], [k for _, k in chunk], edition.catalogue, codes, shell, charts, page_cache, compiled)
        for chunk in (missing[i : i + CHUNK] for i in range(0, len(missing), CHUNK))
    ]
    workers = min(os.cpu_count() or 1, len(jobs))
    with ExitStack() as stack:
        if workers <= 1:
            done: Iterator[dict[str, str]] = map(run_job, jobs)
        else:
            context = multiprocessing.get_context("spawn")  # a fresh interpreter: no state shared with the caller
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=context))
            done = pool.map(run_job, jobs)
        yield from done


def run_job(job: Job) -> dict[str, str]:
    """Render a chunk's charts (one `dot` process for those not cached) and pages, into the page cache;
    each page's key with the cache name of the chart it embeds."""
    sources = {p.code: dot_source(p, job.catalogue) for p in job.powers if p.record.procedure}
    charts = render_svgs(sources, job.chart_cache, {p.code: chart_label(p) for p in job.powers})
    env = environment(job.compiled)
    for power, key in zip(job.powers, job.keys, strict=True):
        markdown = power_page(env, power, charts.get(power.code), job.category_codes, job.catalogue)
        html = job.shell.fill(parse_page(f"powers/{power.code}/index.md", markdown))
        write_atomic(job.page_cache / f"{key}.html", html.encode("utf-8"))
    pairs = zip(job.powers, job.keys, strict=True)
    return {key: chart_digest(sources[p.code]) if p.code in sources else "" for p, key in pairs}



def _link(cached: str, folder: str) -> int:
    """Put the cached page in folder as index.html: a hard link where the file system allows it, else a copy; its
    size. (Paths as strings: this runs for every power of the catalogue.)"""
    os.makedirs(folder, exist_ok=True)
    target = f"{folder}/index.html"
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)
    return os.stat(target).st_size


def _prune(page_cache: Path, held: set[str], chart_cache: Path, used: dict[str, str]) -> None:
    """Keep only the pages (and the charts they embed) this build used; remove what a killed build left (held: the
    folder's names before this build rendered; the pages it rendered are used)."""
    for name in held:
        stem, _, suffix = name.rpartition(".")
        if name != MANIFEST and (stem not in used or suffix != "html"):
            (page_cache / name).unlink(missing_ok=True)
    write_atomic(page_cache / MANIFEST, json.dumps(used, sort_keys=True).encode("utf-8"))
    if chart_cache.is_dir():
        prune_cache(chart_cache, set(used.values()))
