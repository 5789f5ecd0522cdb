"""The site engine (MkDocs, in a subprocess, so that the core never imports it), and its output kept by its input.

The engine renders the hand-written pages, the section pages and one shell per kind of generated page. What it
writes is a pure function of the pages handed to it, what it needs besides them (title, address, timestamp, edition),
its configuration, content/, theme/, the adapter and the installed packages: their hash names a folder of the cache
holding the output, and a rebuild whose engine input did not change copies that folder instead of running MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.core.problems import GeneratorError

REPO = Path(__file__).resolve().parent.parent
MKDOCS_YML = REPO / "mkdocs.yml"
HANDOFF_FILE = "_site.json"  # beside the handed-over pages: what the engine needs besides them
ENGINE_FOLDER = "engine"  # under the build's cache: the engine's last output
SOURCES = ("content", "theme", "mkdocs_qlqd", "generator")  # what the engine's output is made of besides its input


class BuildFailed(GeneratorError):
    """A stage of the site build failed; the message says which, in Chinese."""


@dataclass(frozen=True)
class Handover:
    """What the engine needs besides the pages."""

    title: str
    site_url: str
    source_date_epoch: int
    edition: str = "public"
    traditional: str | None = None  # the OpenCC configuration of the zh-hant/ edition, if the catalogue has one


def engine_output(pages: dict[str, str], handover: Handover, cache_dir: Path) -> tuple[Path, bool]:
    """The folder of cache_dir holding the engine's output for these pages, and whether the engine ran to make it.

    Only the newest output is kept; what a killed build left is removed."""
    folder = cache_dir / ENGINE_FOLDER
    done = folder / engine_key(pages, handover)
    ran = not done.is_dir()
    if ran:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".handover-", dir=folder) as handed:
            hand_over(pages, Path(handed), handover)
            partial = Path(tempfile.mkdtemp(prefix=".output-", dir=folder))
            run_mkdocs(Path(handed), partial, handover.source_date_epoch)
            partial.chmod(0o755)  # mkdtemp makes it private; its copies are published
            partial.rename(done)
    for other in folder.iterdir():
        if other != done:
            shutil.rmtree(other, ignore_errors=True)
    return done, ran


def engine_key(pages: dict[str, str], handover: Handover) -> str:
    """The hash of everything the engine's output is made of."""
    digest = hashlib.sha256(_sources_digest().encode())
    digest.update(json.dumps(asdict(handover), ensure_ascii=False, sort_keys=True).encode())
    for path, text in sorted(pages.items()):
        digest.update(b"\0" + path.encode() + b"\0" + text.encode())
    return digest.hexdigest()[:32]


@cache
def _sources_digest() -> str:
    """The hash of the engine's configuration, the files it reads, this package and every installed package."""
    digest = hashlib.sha256(MKDOCS_YML.read_bytes())
    for path in sorted(p for folder in SOURCES for p in (REPO / folder).rglob("*") if p.is_file()):
        if "__pycache__" not in path.parts:
            digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    installed = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
    return digest.hexdigest() + "\n".join(installed)


def hand_over(pages: dict[str, str], folder: Path, handover: Handover) -> None:
    """Write the generated pages, and what the engine needs besides them, for the engine to read."""
    for path, text in sorted(pages.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    meta = {**asdict(handover), "pages": sorted(pages)}
    (folder / HANDOFF_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def run_mkdocs(pages_dir: Path, site_dir: Path, epoch: int) -> None:
    """`mkdocs build --strict` of the handed-over pages and content/ into site_dir (which it empties first)."""
    env = {
        **os.environ,
        "QLQD_PAGES": str(pages_dir.resolve()),
        "SOURCE_DATE_EPOCH": str(epoch),
        "NO_MKDOCS_2_WARNING": "1",
    }
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(MKDOCS_YML), "-d", str(site_dir)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr + done.stdout).strip()
        raise BuildFailed(f"MkDocs 生成网站失败：\n{detail}")
