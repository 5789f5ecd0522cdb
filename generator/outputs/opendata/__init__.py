"""Open data: the public edition as downloads under site/data/ (政府信息公开条例 第二十四条: searchable,
readable and downloadable), each described on the 开放数据 page and in dcat.jsonld.

catalogue.json (+ its JSON Schema), catalogue.csv, cpsv-ap.jsonld (CPSV-AP 3.2) and dcat.jsonld (DCAT-AP) are made
from the public edition only, and their bytes depend only on it: the same catalogue gives the same files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition
from generator.outputs import wording
from generator.outputs.opendata import catalogue_json, cpsv, dcat, table
from generator.outputs.opendata.common import DATA_FOLDER, Download, updated
from generator.outputs.opendata.runs import FOLDER as RUNS_FOLDER
from generator.outputs.opendata.runs import Runs

__all__ = ["DATA_FOLDER", "Download", "OpenData", "downloads", "size_slot", "updated", "write_downloads"]
PAGE = "index.html"  # the 开放数据 page, beside the downloads (wording.DATA)


@dataclass(frozen=True)
class OpenData:
    """Every download, in the order the page lists them."""

    files: list[Download]


def size_slot(number: int) -> str:
    """What the 开放数据 page holds, as the site engine renders it, where the size of download `number` goes.

    The sizes are known only once the files are written (making a file twice to count it would double the stage),
    and they change with almost every edit: kept out of the engine's input, the page it renders stays the same."""
    return f"QLQDSIZESLOT{number}X"


def downloads(edition: Edition, runs: Runs | None = None) -> OpenData:
    """The files of site/data/ (made when their bytes or sizes are asked for; the powers' parts kept in runs if
    given): dcat.jsonld last, since it gives the size of the others."""
    runs = runs or Runs(edition, None)
    files = [
        catalogue_json.catalogue_file(edition, runs),
        catalogue_json.schema_file(edition),
        table.csv_file(edition, runs),
        cpsv.cpsv_file(edition, runs),
    ]
    return OpenData([*files, dcat.dcat_file(edition, files)])


def write_downloads(edition: Edition, site_dir: Path, cache: Path | None = None) -> int:
    """Write the downloads into site_dir/data/, and their sizes into the 开放数据 page there; how many files.

    With a cache folder, each department's part of the files is kept there (runs.py) and made again only when it
    changed."""
    folder = site_dir / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    runs = Runs(edition, cache / RUNS_FOLDER if cache else None)
    files = downloads(edition, runs).files
    sizes = [item.write(folder / item.name) for item in files]  # dcat.jsonld last: by then the others are counted
    _fill_sizes(folder / PAGE, sizes)
    runs.prune()
    return len(files)


def _fill_sizes(page: Path, sizes: list[int]) -> None:
    """Put the sizes into the page's slots; the page is replaced, not rewritten (its file may be a cache's link)."""
    if not page.is_file():
        return
    html = page.read_text(encoding="utf-8")
    for number, size in enumerate(sizes):
        html = html.replace(size_slot(number), wording.byte_size(size))
    partial = page.with_name(f".{page.name}.{os.getpid()}.part")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, page)
