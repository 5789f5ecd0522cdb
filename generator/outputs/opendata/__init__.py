"""Open data: the public edition as downloads under site/data/ (政府信息公开条例 第二十四条: searchable,
readable and downloadable), each described on the 开放数据 page and in dcat.jsonld.

catalogue.json (+ its JSON Schema), catalogue.csv, cpsv-ap.jsonld (CPSV-AP 3.2) and dcat.jsonld (DCAT-AP) are made
from the public edition only, and their bytes depend only on it: the same catalogue gives the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.core.edition import Edition
from generator.outputs.opendata import catalogue_json, cpsv, dcat, table
from generator.outputs.opendata.common import DATA_FOLDER, Download, updated

__all__ = ["DATA_FOLDER", "Download", "OpenData", "downloads", "updated", "write_downloads"]


@dataclass(frozen=True)
class OpenData:
    """Every download, in the order the page lists them."""

    files: list[Download]

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files)


def downloads(edition: Edition) -> OpenData:
    """The files of site/data/ (made when their bytes or sizes are asked for): dcat.jsonld last, since it gives the
    size of the others."""
    files = [
        catalogue_json.catalogue_file(edition),
        catalogue_json.schema_file(edition),
        table.csv_file(edition),
        cpsv.cpsv_file(edition),
    ]
    return OpenData([*files, dcat.dcat_file(edition, files)])


def write_downloads(edition: Edition, site_dir: Path) -> int:
    """Write the downloads into site_dir/data/; how many files."""
    folder = site_dir / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    files = downloads(edition).files
    for item in files:  # dcat.jsonld last: the others' sizes are known by then, counted as they were written
        item.write(folder / item.name)
    return len(files)
