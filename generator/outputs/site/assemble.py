"""The site's generated pages, put together around the engine's run: what to hand to the engine before it
runs (the section pages and one shell per kind of page), and what to write into its output after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition
from generator.outputs.search import IndexedPage
from generator.outputs.site.pages import index_pages, sample_power_pages
from generator.outputs.site.records import write_record_pages
from generator.outputs.site.shells import Page, ShellPlan, shell_key
from generator.outputs.site.sitemap import rewrite_sitemap
from generator.outputs import wording
from generator.outputs.wording import power_page_path, safe_url
from generator.outputs.templating import compiled_folder

INDEX_FOLDER = "index-pages"  # the index pages' cache, in the build's


@dataclass
class SitePlan:
    edition: Edition
    pages: dict[str, str]  # every generated page but the powers' own
    shells: ShellPlan
    power_kind: Page | None  # a power page, standing for all of them

    @classmethod
    def of(cls, edition: Edition, cache: Path | None = None) -> SitePlan:
        """The plan of the edition's site; with the build's cache folder, unchanged index pages are taken from it."""
        compiled = compiled_folder(cache) if cache is not None else None
        pages = index_pages(edition, cache / INDEX_FOLDER if cache is not None else None, compiled)
        sample = sample_power_pages(edition, compiled)
        return cls(edition, pages, ShellPlan.of(pages, sample), sample[0] if sample else None)

    @property
    def engine_pages(self) -> dict[str, str]:
        """The pages the engine renders: the sections, and the shells."""
        return self.shells.engine

    def write(self, site_dir: Path, cache: Path, epoch: int, advance: Callable[[int], None]) -> dict[str, IndexedPage]:
        """After the engine ran: fill the shells, write every power's page, and list them all in the sitemap. The
        power pages as the search index knows them (no later stage may change them)."""
        shells = self.shells.fill(site_dir)
        self.shells.filled = []  # written: their texts go (hundreds of MB at 100,000 records, else held to the end)
        self.pages = dict.fromkeys(self.pages, "")  # the paths stay, for the sitemap
        written = {}
        if self.power_kind is not None:
            written = write_record_pages(self.edition, shells[shell_key(self.power_kind)], site_dir, cache, advance)
        self.shells.remove_shells(site_dir)
        generated = [*self.pages, *(power_page_path(p.code) for p in self.edition.powers())]
        site_url = safe_url(self.edition.catalogue.site_url)
        rewrite_sitemap(site_dir, site_url, generated, self.shells.shells.values(), epoch)
        if self.edition.kind == "internal":  # kept out of search engines, as every page's noindex says too
            (site_dir / "robots.txt").write_text(wording.ROBOTS_NOINDEX, encoding="utf-8")
        return written
