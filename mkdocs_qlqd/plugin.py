"""MkDocs plugin `qlqd`: adds the catalogue's generated pages in memory and indexes the site with Pagefind.

All the work is in generator/; this module only connects it to MkDocs' events.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.core.catalogue import Catalogue
from generator.core.edition import Edition, make_edition
from generator.core.problems import GeneratorError
from generator.core.validate import check_catalogue
from generator.outputs.site.pages import inert, site_pages, site_title
from generator.publish import source_date_epoch

MAX_PROBLEMS_SHOWN = 50
# Material's drawer and search toggles are checkboxes with autocomplete="off", which HTML does not allow
# on a checkbox (the Nu validator rejects it); the attribute is dropped from exactly those inputs.
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
        self.edition: Edition | None = None
        self.powers_dir = Path("powers")
        self.cache_dir = Path(".cache")
        self.serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        base = Path(config.config_file_path).parent
        self.powers_dir = _folder("QLQD_POWERS", base / self.config.powers)
        self.cache_dir = _folder("QLQD_CACHE", base / self.config.cache)
        config.watch.append(str(self.powers_dir))
        self.edition = make_edition(_valid_catalogue(self.powers_dir), "public")
        # Escaped text as Markup: the theme prints it as HTML, and its `| e` (logo titles) leaves it as it is.
        config.site_name = inert(site_title(self.edition))
        if not self.serving:  # `mkdocs serve` sets its own address
            config.site_url = safe_url(self.edition.catalogue.site_url)  # for the sitemap and canonical links
        os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch(self.edition)))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.edition is not None
        try:
            pages = site_pages(self.edition, self.cache_dir / "charts")
        except (GeneratorError, OSError) as exc:
            raise PluginError(f"生成页面失败：{exc}") from None
        clashes = sorted(path for path in pages if files.get_file_from_path(path))
        if clashes:
            raise PluginError("content/ 中的以下文件与生成的页面重名，请改名：" + "、".join(clashes))
        for path, text in sorted(pages.items()):
            files.append(File.generated(config, path, content=text))
        return files

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return valid_toggles(output)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        return valid_toggles(output_content)  # the theme's static pages: 404.html

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.config.pagefind:
            run_pagefind(Path(config.site_dir))


def _folder(variable: str, default: Path) -> Path:
    """The folder named by an environment variable (relative to the working directory), else default."""
    value = os.environ.get(variable)
    return Path(value).resolve() if value else default


def _valid_catalogue(powers: Path) -> Catalogue:
    catalogue, report = check_catalogue(powers, shown_as=powers)
    if catalogue is None or report.errors:
        lines = [str(p) for p in report.sorted() if p.is_error]
        shown = lines[:MAX_PROBLEMS_SHOWN]
        more = [f"……另有 {len(lines) - len(shown)} 个错误"] if len(lines) > len(shown) else []
        raise PluginError("\n".join([f"权力清单 {powers} 有 {len(lines)} 个错误：", *shown, *more]))
    return catalogue


def valid_toggles(html: str) -> str:
    """The page without the autocomplete attribute on Material's drawer and search toggles."""
    return _TOGGLE_AUTOCOMPLETE.sub(r"\1>", html)


def safe_url(url: str) -> str:
    """The catalogue's site_url percent-encoded so that it cannot break out of an attribute or XML text."""
    quoted = quote(url, safe="/:%-._~@!$()*+,;=")
    return quoted if quoted.endswith("/") else quoted + "/"


def run_pagefind(site_dir: Path) -> None:
    """Index the power pages (data-pagefind-body) into site_dir/pagefind/, Chinese segmented."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--silent"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PluginError(f"Pagefind 建立搜索索引失败：{done.stderr.strip() or done.stdout.strip()}")
