"""The preview's site, built by the same stages as `build` (generator/publish.py) into a fresh folder per build.

The pages handed to MkDocs are hashed: when they, the title, the address and the timestamp are those of a run
already made, its output is used again and MkDocs does not run. The record pages come from the shared page cache,
so a build after a save renders only the pages whose inputs changed. A quick update renders single record pages
on their own, to be put into the site being served before the whole build is done."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.outputs.site.assemble import SitePlan
from generator.outputs.site.pages import site_title
from generator.outputs.site.records import write_record_pages
from generator.outputs.site.shells import Shell, shell_key
from generator.outputs.site_files import SITE_FILES
from generator.publish import hand_over, run_mkdocs, source_date_epoch


@dataclass(frozen=True)
class Built:
    """A site built into its folder, with the shell of its record pages (None when it has no public power)."""

    site: Path
    shell: Shell | None
    engine_ran: bool


class Builder:
    """Builds sites into numbered folders of work; MkDocs' outputs are kept there by the hash of their input."""

    def __init__(self, work: Path, cache: Path) -> None:
        self.work = work
        self.cache = cache
        self.built = 0

    def build(self, edition: Edition) -> Built:
        """The whole site of the edition, in a new folder."""
        self.built += 1
        epoch = source_date_epoch(edition)
        plan = SitePlan.of(edition)
        engine, ran = self._engine(plan, edition, epoch)
        site = self.work / f"site-{self.built}"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(engine, site)  # copies: the stages after the engine rewrite some of its files
        plan.write(site, self.cache, epoch, lambda _: None)
        for files in SITE_FILES:
            files.write(edition, site)
        return Built(site, _power_shell(plan, engine), ran)

    def _engine(self, plan: SitePlan, edition: Edition, epoch: int) -> tuple[Path, bool]:
        """MkDocs' output for the plan's pages: the kept one when the same pages were handed over before."""
        title, url = site_title(edition), edition.catalogue.site_url
        engine = self.work / f"engine-{handover_hash(plan.engine_pages, title, url, epoch)[:20]}"
        if engine.is_dir():
            return engine, False
        pages, partial = self.work / "handover", engine.with_name(engine.name + ".part")
        for folder in (pages, partial):
            shutil.rmtree(folder, ignore_errors=True)
        pages.mkdir()
        hand_over(plan.engine_pages, pages, title, url, epoch)
        run_mkdocs(pages, partial, epoch)
        partial.rename(engine)
        for old in self.work.glob("engine-*"):
            if old != engine:
                shutil.rmtree(old)
        return engine, True


def handover_hash(pages: dict[str, str], title: str, site_url: str, epoch: int) -> str:
    """The hash of everything handed to the engine: its pages and what it needs besides them."""
    digest = hashlib.sha256(json.dumps([title, site_url, epoch], ensure_ascii=False).encode())
    for path, text in sorted(pages.items()):
        digest.update(b"\0" + path.encode() + b"\0" + text.encode())
    return digest.hexdigest()


def _power_shell(plan: SitePlan, engine: Path) -> Shell | None:
    """The shell every record page is filled into, as the engine rendered it."""
    if plan.power_kind is None:
        return None
    folder = plan.shells.shells[shell_key(plan.power_kind)].removesuffix("/index.md")
    return Shell.parse(folder.split("/")[-1], (engine / folder / "index.html").read_text(encoding="utf-8"))


def render_alone(edition: Edition, powers: list[EditionPower], shell: Shell, scratch: Path) -> Path:
    """The pages of these powers alone, rendered into a fresh folder of scratch (with a cache of its own)."""
    alone = [EditionDepartment(power.dept_slug, power.department, [power]) for power in powers]
    out = scratch / "site"
    shutil.rmtree(out, ignore_errors=True)
    write_record_pages(Edition(edition.kind, edition.catalogue, alone), shell, out, scratch / "cache")
    return out
