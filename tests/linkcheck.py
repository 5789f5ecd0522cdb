"""A link checker for a built site, offline: every internal href and src of the HTML pages, every url() of the
stylesheets and every <loc> of the sitemap must name a file of the site, and a #fragment an id in that page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

LOCAL = "site.invalid"  # the host the site is imagined served from, under site_url's path (as its 404 page expects)
URL_ATTRIBUTES = {"href", "src", "action", "poster", "data", "xlink:href"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
_LOC = re.compile(r"<loc>([^<]+)</loc>")


def broken_links(site: Path, site_url: str) -> list[str]:
    """Every internal link of the site that does not resolve, as 'where: link (why)'; site_url is the address
    the site is published at (canonical links and the sitemap use it), read as the site itself."""
    checker = _Checker(site.resolve(), site_url)
    return sorted(set(checker.problems()))


def html_links(page: BeautifulSoup) -> Iterator[str]:
    """Every URL an element of the page names in a URL attribute (srcset split into its candidates)."""
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            if name in URL_ATTRIBUTES and isinstance(value, str):
                yield value.strip()
            elif name == "srcset" and isinstance(value, str):
                yield from (part.split()[0] for part in value.split(",") if part.strip())


class _Checker:
    def __init__(self, root: Path, site_url: str) -> None:
        self.root = root
        published = urlsplit(site_url)
        self.prefix = unquote(published.path.rstrip("/")) + "/"  # the site's folder on its host
        self.hosts = {("http", LOCAL), (published.scheme, published.netloc)}

    def problems(self) -> Iterator[str]:
        for path in sorted(self.root.rglob("*")):
            where = path.relative_to(self.root).as_posix()
            address = f"http://{LOCAL}{quote(self.prefix + where)}"
            if path.suffix == ".html":
                for link in html_links(_soup(path)):
                    yield from self._check(where, address, link)
            elif path.suffix == ".css":
                for found in _CSS_URL.finditer(path.read_text(encoding="utf-8")):
                    link = found.group(2) or found.group(4)
                    yield from self._check(where, address, link, fragments=False)
            elif path.name == "sitemap.xml":
                for link in _LOC.findall(path.read_text(encoding="utf-8")):
                    yield from self._check(where, address, link)

    def _check(self, where: str, address: str, link: str, fragments: bool = True) -> Iterator[str]:
        target, fragment = urldefrag(urljoin(address, link))
        if urlsplit(target).scheme not in ("http", "https"):
            return  # mailto:, tel:, data: (and javascript:, which the injection tests refuse outright)
        local = self._local(target)
        if local is None:
            return  # another site: not ours to check
        if not local.is_file():
            yield f"{where}: {link} (no such file)"
        elif fragments and fragment and local.suffix == ".html" and unquote(fragment) not in _ids(local):
            yield f"{where}: {link} (no id {unquote(fragment)!r} in {local.relative_to(self.root).as_posix()})"

    def _local(self, url: str) -> Path | None:
        """The file a URL of this site names (a folder's index.html), or None for another site's URL."""
        parts = urlsplit(url)
        path = unquote(parts.path)
        if (parts.scheme, parts.netloc) not in self.hosts or not (path + "/").startswith(self.prefix):
            return None
        relative = path[len(self.prefix) :]
        found = (self.root / relative).resolve()
        if not found.is_relative_to(self.root):
            return self.root / "__outside_the_site__"
        return found / "index.html" if found.is_dir() or relative == "" or relative.endswith("/") else found


@cache
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@cache
def _ids(path: Path) -> frozenset[str]:
    page = _soup(path)
    named = [a["name"] for a in page.find_all("a", attrs={"name": True})]
    return frozenset([*(t["id"] for t in page.find_all(id=True)), *named])
