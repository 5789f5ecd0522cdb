"""The preview's site, built by the same stages as `build` (generator/publish.py) into a fresh folder per build.

MkDocs' output is kept in the work folder by the hash of its input (generator/engine.py): when the pages handed to it,
the title, the address and the timestamp are those of a run already made, its output is used again and MkDocs does
not run. The record pages come from the shared page cache,
so a build after a save renders only the pages whose inputs changed. A quick update renders single record pages
on their own, to be put into the site being served before the whole build is done."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.engine import Handover, engine_output
from generator.outputs.site.assemble import SitePlan
from generator.outputs.site.pages import site_title
from generator.outputs.site.records import write_record_pages
from generator.outputs.site.shells import Shell, shell_key, shell_slug
from generator.outputs.site_files import SITE_FILES
from generator.publish import source_date_epoch


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
        plan = SitePlan.of(edition, self.cache)
        engine, ran = self._engine(plan, edition, epoch)
        site = self.work / f"site-{self.built}"
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(engine, site)  # copies: the stages after the engine rewrite some of its files
        plan.write(site, self.cache, epoch, lambda _: None)
        for files in SITE_FILES:
            files.write(edition, site, self.cache)
        return Built(site, _power_shell(plan, engine), ran)

    def _engine(self, plan: SitePlan, edition: Edition, epoch: int) -> tuple[Path, bool]:
        """MkDocs' output for the plan's pages: the kept one when the same pages were handed over before."""
        handover = Handover(site_title(edition), edition.catalogue.site_url, epoch)
        return engine_output(plan.engine_pages, handover, self.work)


def _power_shell(plan: SitePlan, engine: Path) -> Shell | None:
    """The shell every record page is filled into, as the engine rendered it."""
    if plan.power_kind is None:
        return None
    path = plan.shells.shells[shell_key(plan.power_kind)]
    html = (engine / path.removesuffix("index.md") / "index.html").read_text(encoding="utf-8")
    return Shell.parse(shell_slug(path), html)


def render_alone(edition: Edition, powers: list[EditionPower], shell: Shell, scratch: Path) -> Path:
    """The pages of these powers alone, rendered into a fresh folder of scratch (with a cache of its own)."""
    alone = [EditionDepartment(power.dept_slug, power.department, [power]) for power in powers]
    out = scratch / "site"
    shutil.rmtree(out, ignore_errors=True)
    write_record_pages(Edition(edition.kind, edition.catalogue, alone), shell, out, scratch / "cache")
    return out
