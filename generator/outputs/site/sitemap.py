"""The sitemap of a site whose record pages were filled into shells: the engine's sitemap, with each shell's
entry replaced by the entries of the pages filled into it, in the order the engine lists pages."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

ENTRY = re.compile(r"\n    <url>\n.*?</url>", re.S)
LOC = re.compile(r"<loc>(.*?)</loc>")


def rewrite_sitemap(site_dir: Path, site_url: str, generated: Iterable[str], shells: Iterable[str], epoch: int) -> None:
    """Rewrite sitemap.xml and sitemap.xml.gz of site_dir so that they list every generated page and no shell.

    generated and shells are source paths (`powers/<CODE>/index.md`); generated holds every generated page,
    whether the engine rendered it or it was filled into a shell. The engine lists its hand-written pages
    first, then the generated ones by path."""
    sitemap = site_dir / "sitemap.xml"
    text = sitemap.read_text(encoding="utf-8")
    entries = ENTRY.findall(text)
    if not entries:
        return
    head, tail = text[: text.index(entries[0])], text[text.rindex(entries[-1]) + len(entries[-1]) :]
    template = entries[0]
    base = site_url if site_url.endswith("/") else site_url + "/"
    generated = sorted(generated)
    own = {base + _url(path) for path in [*generated, *shells]}
    written = [e for e in entries if LOC.search(e)[1] not in own]
    template_loc = LOC.search(template)[1]
    written += [template.replace(template_loc, base + _url(path)) for path in generated]
    text = head + "".join(written) + tail
    sitemap.write_text(text, encoding="utf-8")
    _gzip(sitemap, text, epoch)


def _url(path: str) -> str:
    """The address of a page's source path, as the engine writes it: percent-encoded, without index.md."""
    return quote(path.removesuffix("index.md"))


def _gzip(sitemap: Path, text: str, epoch: int) -> None:
    """sitemap.xml.gz as the engine writes it: the file's name and the build's time in the header."""
    target = sitemap.with_name(sitemap.name + ".gz")
    with target.open("wb") as raw, gzip.GzipFile(fileobj=raw, filename=str(target), mode="wb", mtime=epoch) as gz:
        gz.write(text.encode("utf-8"))
