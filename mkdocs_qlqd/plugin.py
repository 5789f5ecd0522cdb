"""MkDocs plugin `qlqd`: adds the catalogue's generated pages to the site MkDocs builds.

`build` (generator/publish.py) loads and checks the catalogue once, writes the pages to a folder and names
it in QLQD_PAGES: this plugin then only reads them. Run by hand (`mkdocs serve`, `mkdocs build`), it
generates them itself from the catalogue, through the same core functions, and indexes the site for
search. All the work is in generator/; this module only connects it to MkDocs' events.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.core.edition import make_edition
from generator.core.problems import CatalogueInvalid, GeneratorError
from generator.core.validate import load_valid
from generator.engine import HANDOFF_FILE
from generator.outputs.search import index_site
from generator.outputs.site.pages import inert, site_pages, site_title
from generator.outputs.wording import safe_url
from generator.publish import source_date_epoch

MAX_PROBLEMS_SHOWN = 50
# Material's drawer and search toggles are checkboxes with autocomplete="off", which HTML does not allow
# on a checkbox (the Nu validator rejects it); the attribute is dropped from exactly those inputs. They also get
# `hidden`: only their labels and scripts use them, and without the stylesheet they would be unnamed checkboxes.
_TOGGLE_AUTOCOMPLETE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(?:drawer|search)"[^>]*) autocomplete="off">'
)


class CatalogueConfig(Config):
    powers = opt.Type(str, default="powers")
    """The catalogue folder, relative to mkdocs.yml; the environment variable QLQD_POWERS overrides it."""
    cache = opt.Type(str, default=".cache")
    """Where rendered flowcharts are cached (charts/ inside it), relative to mkdocs.yml; QLQD_CACHE overrides it."""
    pagefind = opt.Type(bool, default=True)
    """Index the built site with Pagefind."""


class CataloguePlugin(BasePlugin[CatalogueConfig]):
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.handed_over = False
        self.serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        handoff = os.environ.get("QLQD_PAGES")
        self.handed_over = bool(handoff)
        if handoff:
            title, site_url, epoch, self.pages = _handed_over(Path(handoff))
            config.extra["qlqd_edition"], config.extra["qlqd_hant"] = _edition(Path(handoff))  # read by theme/
        else:
            title, site_url, epoch = self._generate(config)
        # Escaped text as Markup: the theme prints it as HTML, and its `| e` (logo titles) leaves it as it is.
        config.site_name = inert(title)
        if not self.serving:  # `mkdocs serve` sets its own address
            config.site_url = safe_url(site_url)  # for the sitemap and canonical links
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(epoch))
        return config

    def _generate(self, config: MkDocsConfig) -> tuple[str, str, int]:
        """Load the catalogue and generate the pages here: `mkdocs serve` or `mkdocs build` run by hand."""
        base = Path(config.config_file_path).parent
        powers = _folder("QLQD_POWERS", base / self.config.powers)
        config.watch.append(str(powers))
        try:
            edition = make_edition(load_valid(powers, shown_as=powers), "public")
            self.pages = site_pages(edition, _folder("QLQD_CACHE", base / self.config.cache) / "charts")
        except CatalogueInvalid as exc:
            raise PluginError(exc.describe(powers, MAX_PROBLEMS_SHOWN)) from None
        except (GeneratorError, OSError) as exc:
            raise PluginError(f"生成页面失败：{exc}") from None
        return site_title(edition), edition.catalogue.site_url, source_date_epoch(edition)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        clashes = sorted(path for path in self.pages if files.get_file_from_path(path))
        if clashes:
            raise PluginError("content/ 中的以下文件与生成的页面重名，请改名：" + "、".join(clashes))
        for path, text in sorted(self.pages.items()):
            files.append(File.generated(config, path, content=text))
        return files

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return valid_toggles(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return valid_toggles(output_content)  # the theme's static pages: 404.html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.pagefind and not self.handed_over:  # `build` indexes the site as a stage of its own
            try:
                index_site(Path(config.site_dir))
            except GeneratorError as exc:
                raise PluginError(str(exc)) from None


def _handed_over(folder: Path) -> tuple[str, str, int, dict[str, str]]:
    """The pages `build` generated, with the site's title, address and timestamp."""
    meta = json.loads((folder / HANDOFF_FILE).read_text(encoding="utf-8"))
    pages = {path: (folder / path).read_text(encoding="utf-8") for path in meta["pages"]}
    return meta["title"], meta["site_url"], meta["source_date_epoch"], pages


def _edition(folder: Path) -> tuple[str, str | None]:
    """The edition `build` generated the pages of (public or internal), and whether it has a zh-hant/ edition."""
    meta = json.loads((folder / HANDOFF_FILE).read_text(encoding="utf-8"))
    return meta.get("edition", "public"), meta.get("traditional")


def _folder(variable: str, default: Path) -> Path:
    """The folder named by an environment variable (relative to the working directory), else default."""
    value = os.environ.get(variable)
    return Path(value).resolve() if value else default


def valid_toggles(html: str) -> str:
    """The page without the autocomplete attribute on Material's drawer and search toggles, which are hidden."""
    return _TOGGLE_AUTOCOMPLETE.sub(r"\1 hidden>", html)
