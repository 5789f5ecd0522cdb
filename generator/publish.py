"""`build`: the whole public site (pages, charts, search index, PDFs) into a folder, swapped in atomically.

MkDocs runs as a subprocess so that the core never imports it. The new site is built next to the
output folder and only replaces it when every stage has succeeded: a failed build leaves the
previous site exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from generator.commands.common import load_or_exit, powers_option
from generator.core.edition import Edition, make_edition
from generator.core.problems import GeneratorError

REPO = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO / "mkdocs.yml"
DEFAULT_OUT = Path("site")
DEFAULT_CACHE = Path(".cache")


class BuildFailed(GeneratorError):
    """A stage of the site build failed; the message says which, in Chinese."""


def source_date_epoch(edition: Edition) -> int:
    """SOURCE_DATE_EPOCH if set, else midnight UTC of the newest public revision: the build's one timestamp."""
    given = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if given.isdigit():
        return int(given)
    dates = [p.record.last_revised for p in edition.powers()]
    newest = max(dates, default=dt.date(1970, 1, 1))
    return int(dt.datetime.combine(newest, dt.time(), dt.UTC).timestamp())


def run_mkdocs(powers: Path, site_dir: Path, cache: Path, epoch: int) -> None:
    """`mkdocs build --strict` of the catalogue at powers into site_dir (which it empties first)."""
    env = {
        **os.environ,
        "QLQD_POWERS": str(powers.resolve()),
        "QLQD_CACHE": str(cache.resolve()),
        "SOURCE_DATE_EPOCH": str(epoch),
        "NO_MKDOCS_2_WARNING": "1",
    }
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(MKDOCS_YML), "-d", str(site_dir)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr + done.stdout).strip()
        raise BuildFailed(f"MkDocs 生成网站失败：\n{detail}")


def write_pdfs(edition: Edition, site_dir: Path, cache: Path) -> None:
    """The PDF stage: 办事明白卡, 流程图海报 and the booklets, into site_dir/pdf/."""
    from generator.outputs.pdf import (
        write_pdfs as pdf_stage,  # the PDF stage is heavy (WeasyPrint): imported only when building
    )

    pdf_stage(edition, site_dir, cache)


def swap_into(new: Path, out: Path) -> None:
    """Replace out by new with renames: out is either the old tree or the new one, never a mix."""
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
        shutil.rmtree(old)


def recover_interrupted(out: Path) -> None:
    """Undo what killed builds left next to out: their half-built .new folders are removed, and a previous
    site moved aside (.old) is put back if the build died before the new one took its place.

    Only folders named by a build of out whose process is gone are touched: a build still running is left alone.
    """
    out = out.resolve()
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(\d+)(?:-\w+\.new|\.old)")
    if not out.parent.is_dir():
        return
    for path in sorted(out.parent.iterdir()):
        found = pattern.fullmatch(path.name)
        if found is None or not path.is_dir() or _running(int(found.group(1))):
            continue
        if path.suffix == ".old" and not out.exists():
            path.rename(out)
        else:
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """True if another process with this id exists (this process is not the one that left the folder)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_site(powers: Path, out: Path, edition: Edition, cache: Path = DEFAULT_CACHE) -> None:
    """Build every stage into a temporary folder next to out, then swap it in; on failure out is untouched."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.{os.getpid()}-", suffix=".new", dir=out.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; a published site must be readable by the web server
        run_mkdocs(powers, tmp, cache, source_date_epoch(edition))
        write_pdfs(edition, tmp, cache)
        swap_into(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@click.command()
@powers_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="网站输出目录(生成成功后整体替换)",
)
@click.option(
    "--cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_CACHE,
    show_default=True,
    help="流程图等的缓存目录",
)
def build(powers: Path, out: Path, cache: Path) -> None:
    """生成公开网站(页面、流程图、搜索索引和 PDF)。"""
    try:
        recover_interrupted(out)  # first, so that even a run with a bad catalogue puts a moved-aside site back
        edition = make_edition(load_or_exit(powers), "public")
        build_site(powers, out, edition, cache)
    except (GeneratorError, OSError) as exc:
        click.echo(f"生成失败，原有的 {out} 未改动。", err=True)
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"已生成网站：{out}（{len(edition.powers())} 个事项页面）")
