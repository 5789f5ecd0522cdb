"""The files of the public site that other outputs make beside its pages: the open data downloads, the Atom feeds,
the forms copied beside the power pages and the hall's display page. `build` runs each as a stage and the preview
after each of its builds: one list, so that neither leaves one out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition
from generator.outputs.attachments import copy_attachments
from generator.outputs.display import write_display
from generator.outputs.feeds import write_feeds
from generator.outputs.opendata import write_downloads


@dataclass(frozen=True)
class SiteFiles:
    """An output that writes files into the site: its stage's name and unit, and the writer (given the edition, the
    site's folder and the build's cache folder; the count written)."""

    stage: str
    unit: str
    write: Callable[[Edition, Path, Path], int]


SITE_FILES = (
    SiteFiles("开放数据", "个文件", write_downloads),
    SiteFiles("订阅源", "个", write_feeds),
    SiteFiles("附件", "个文件", lambda edition, site, _: len(copy_attachments(edition, site))),
    SiteFiles("大厅显示屏页面", "页", lambda edition, site, _: len(write_display(edition, site))),
)
