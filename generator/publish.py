"""The build: every stage from the catalogue folder to a published site, in one function.

The catalogue is loaded and checked once, here. The site engine (generator/engine.py: MkDocs, in a subprocess, so
that the core never imports it) receives the pages already generated from that check; it renders them with the
hand-written pages and the theme, or its output for the same input is taken from the cache. The new site is built
next to the output folder and only replaces it when every stage has succeeded: a failed or killed
build leaves the previous site exactly as it was, and the next build cleans up after it.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.core.edition import Edition, EditionKind, make_edition, prime_digests
from generator.core.folders import remove_in_background, running
from generator.core.progress import Progress, Silent
from generator.core.validate import load_valid
from generator.engine import Handover, engine_output
from generator.outputs.search import index_site
from generator.outputs.site.assemble import SitePlan
from generator.outputs.site.pages import site_title
from generator.outputs.site_files import SITE_FILES
from generator.outputs.traditional import write_traditional
from generator.outputs.wording import HANT_FOLDER

DEFAULT_OUT = Path("site")
DEFAULT_CACHE = Path(".cache")


def publish(
    powers: Path,
    out: Path,
    cache: Path = DEFAULT_CACHE,
    progress: Progress | None = None,
    pdf: bool = True,
    kind: EditionKind = "public",
) -> Edition:
    """Build the site of an edition (public, or internal for staff) of the catalogue at powers into out; the
    edition it was built from.

    Raises CatalogueInvalid (with every problem) or another GeneratorError; out is then untouched.
    """
    progress = progress or Silent()
    out = out.resolve()
    recover_interrupted(out)  # first, so that even a run with a bad catalogue puts a moved-aside site back
    with progress.stage("读取和检查", "个事项") as stage:
        catalogue = load_valid(powers, shown_as=powers, cache=cache)
        stage.advance(sum(1 for _ in catalogue.powers()))
    edition = make_edition(catalogue, kind)
    prime_digests(edition.powers())  # every cache of the outputs is keyed by them
    gc.freeze()  # the catalogue lives as long as the build: no collection need walk its millions of objects again
    epoch = source_date_epoch(edition)
    cache = cache if kind == "public" else cache / kind  # an edition's pages never share a cache with another's
    with building(out) as site_dir:
        with progress.stage("索引页面", "页") as stage:
            site = SitePlan.of(edition, cache)
            stage.advance(len(site.pages))
        with progress.stage("网站(MkDocs)", "页") as stage:
            meta = Handover(site_title(edition), edition.catalogue.site_url, epoch, kind, edition.catalogue.traditional)
            output, ran = engine_output(site.engine_pages, meta, cache)
            shutil.copytree(output, site_dir, dirs_exist_ok=True)  # copies: later stages rewrite some of its files
            stage.advance(len(site.engine_pages) if ran else 0)
        with progress.stage("事项页面和流程图", "页", total=len(edition.powers())) as stage:
            power_pages = site.write(site_dir, cache, epoch, stage.advance)
        for files in SITE_FILES:  # open data, feeds, forms, the display page
            with progress.stage(files.stage, files.unit) as stage:
                stage.advance(files.write(edition, site_dir, cache))
        with progress.stage("搜索索引", "页") as stage:
            index_site(site_dir, cache / "search", stage.advance, power_pages)
        if edition.catalogue.traditional:
            with progress.stage("繁体中文版", "页") as stage:
                write_traditional(edition, site_dir, cache / "hant-pages", stage.advance)
                index_site(site_dir / HANT_FOLDER, cache / "search-hant")
        if pdf:
            write_pdfs(edition, site_dir, cache, progress)
        swap_into(site_dir, out)
    return edition


def publish_kiosk(powers: Path, out: Path, progress: Progress | None = None) -> Edition:
    """Build the kiosk edition (outputs/kiosk) of the catalogue at powers into out, swapped in as the site is."""
    from generator.outputs.kiosk import write_kiosk

    progress = progress or Silent()
    out = out.resolve()
    recover_interrupted(out)
    with progress.stage("读取和检查", "个事项") as stage:
        catalogue = load_valid(powers, shown_as=powers)
        stage.advance(sum(1 for _ in catalogue.powers()))
    edition = make_edition(catalogue, "public")
    with building(out) as site_dir:
        with progress.stage("触摸屏页面", "页") as stage:
            write_kiosk(edition, site_dir, stage.advance)
        swap_into(site_dir, out)
    return edition


def source_date_epoch(edition: Edition) -> int:
    """SOURCE_DATE_EPOCH if set, else midnight UTC of the newest public revision: the build's one timestamp."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return int(given)
    dates = [p.record.last_revised for p in edition.powers()]
    newest = max(dates, default=dt.date(1970, 1, 1))
    return int(dt.datetime.combine(newest, dt.time(), dt.UTC).timestamp())


@contextmanager
def building(out: Path) -> Iterator[Path]:
    """A fresh folder next to out, for the new site; removed after (it is gone once swapped in)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}-", suffix=".new", dir=out.parent))
    try:
        folder.chmod(0o755)  # mkdtemp makes it private; a published site must be readable by the web server
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_pdfs(edition: Edition, site_dir: Path, cache: Path, progress: Progress) -> None:
    """The PDF stage: 办事明白卡, 流程图海报 and the booklets, into site_dir/pdf/."""
    from generator.outputs.pdf import write_pdfs as pdf_stage  # heavy (WeasyPrint): imported only when needed

    pdf_stage(edition, site_dir, cache, progress)


def swap_into(new: Path, out: Path) -> None:
    """Replace out by new with renames: out is either the old tree or the new one, never a mix.

    The old tree is renamed to .<out>.<pid>-<random>.del and removed by a process of its own: the new site is in place
    without waiting for thousands of files to be deleted. A removal cut short is finished by the next build.
    """
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        out.rename(old)
    try:
        new.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        doomed = out.with_name(f".{out.name}.{os.getpid()}-{secrets.token_hex(4)}.del")
        old.rename(doomed)
        remove_in_background(doomed)


def recover_interrupted(out: Path) -> None:
    """Undo what killed builds left next to out: their half-built .new folders are removed, and a previous
    site moved aside (.old) is put back if the build died before the new one took its place; the removal of a
    replaced site (.del) is started again in the background.

    Only folders named by a build of out whose process is gone are touched: a build still running is left alone.
    """
    out = out.resolve()
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(\d+)(?:-\w+\.new|\.old|-\w+\.del)")
    if not out.parent.is_dir():
        return
    for path in sorted(out.parent.iterdir()):
        found = pattern.fullmatch(path.name)
        if found is None or not path.is_dir():
            continue
        if path.suffix == ".del":  # an old site being removed, or whose removal was cut short
            remove_in_background(path)
            continue
        pid = int(found.group(1))
        if pid != os.getpid() and running(pid):
            continue
        if path.suffix == ".old" and not out.exists():
            path.rename(out)
        else:
            shutil.rmtree(path, ignore_errors=True)
