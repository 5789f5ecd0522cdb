"""The Traditional Chinese edition of the site, under zh-hant/: every built page converted with OpenCC, by phrase (the
configuration the catalogue names in `traditional`, such as s2twp or s2hk), never character by character.

Only what a reader reads is converted: the text of the pages (records, the site's own wording, the flowcharts) and the
attributes that hold words (titles, labels, search filter names). Tags, addresses, ids and every other attribute stay
as they are, and OpenCC leaves Latin letters and digits alone: codes, URLs, phone numbers and the numbers of legal
citations are the same in both scripts. Each page links to the same page in the other script; the PDFs stay
Simplified (the pages link to the Simplified ones and say so), and the search index is built over the converted pages.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import opencc

from generator.core.edition import Edition
from generator.core.folders import keep_only, write_atomic
from generator.outputs import wording

FORMAT = "hant-1"  # bump when what a cached page holds changes
SEPARATOR = "\ue000"  # a private-use character: no dictionary holds it, so it splits phrases and survives conversion
LEFT_OUT = {  # not converted nor copied; the hall's display screen is a page of its own, outside the site's editions
    *("pagefind", wording.PDF_FOLDER, wording.HANT_FOLDER, wording.DISPLAY.strip("/")),
    *("sitemap.xml", "sitemap.xml.gz", "robots.txt"),
}
CONVERTED_FILES = {"assets/search.js"}  # the search box's wording
TAG = re.compile(r"<[^>]*>")
WORDS_ATTRIBUTE = re.compile(r'(\s(?:title|aria-label|alt|placeholder|content|data-pagefind-filter)=")([^"]*)(")')
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# The header's link to the Traditional page (theme/partials/qlqd-header.html), turned round to the Simplified one.
SCRIPT_LINK = re.compile(
    r'href="([^"]*)zh-hant/([^"]*)"( class="[^"]*")? hreflang="zh-Hant" lang="zh-Hant"([^>]*)>[^<]*<'
)
PDF_LINK = re.compile(rf'href="((?:\.\./)*){wording.PDF_FOLDER}/')
NOTE_MARK = "<!--qlqd-hant-note-->"  # theme/main.html: where a Traditional page says its PDFs are Simplified


def write_traditional(
    edition: Edition, site_dir: Path, cache: Path, advance: Callable[[int], None] = lambda _: None
) -> int:
    """Write the Traditional edition of the built site into site_dir/zh-hant/, each converted page kept in cache
    under the hash of what it is made of (a rebuild converts only the pages that changed); the pages written."""
    config = edition.catalogue.traditional
    if config is None:
        return 0
    converter = opencc.OpenCC(f"{config}.json")
    target = site_dir / wording.HANT_FOLDER
    canonical = wording.safe_url(edition.catalogue.site_url)
    common = hashlib.sha256(f"{FORMAT}\0{config}\0{canonical}\0{Path(__file__).read_text('utf-8')}".encode())
    cache.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for path in _site_files(site_dir):
        name = path.relative_to(site_dir).as_posix()
        out = target / name
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".html" or name in CONVERTED_FILES:
            data = path.read_bytes()
            key = _key(common, data)
            cached = cache / f"{key}{path.suffix}"
            if not cached.is_file():
                text = data.decode("utf-8")
                done = (
                    convert_page(text, converter.convert, canonical)
                    if path.suffix == ".html"
                    else converter.convert(text)
                )
                write_atomic(cached, done.encode("utf-8"))
            used.add(cached.name)
            _link(cached, out)
            advance(1 if path.suffix == ".html" else 0)
        else:
            _link(path, out)
    keep_only(cache, used)
    return sum(1 for name in used if name.endswith(".html"))


def convert_page(html: str, convert: Callable[[str], str], site_url: str) -> str:
    """A built page in Traditional characters, linking back to its Simplified page and to the Simplified PDFs."""
    html = convert_words(html, convert)
    html = html.replace('<html lang="zh"', '<html lang="zh-Hant"', 1)
    html = SCRIPT_LINK.sub(r'href="\1../\2"\3 hreflang="zh-Hans" lang="zh-Hans"\4>简体<', html)
    html = PDF_LINK.sub(r'href="\1../' + wording.PDF_FOLDER + "/", html)
    html = html.replace(NOTE_MARK, f'<p class="qlqd-hant-note">{convert(wording.HANT_NOTE)}</p>')
    if site_url:
        html = html.replace(
            f'<link rel="canonical" href="{site_url}', f'<link rel="canonical" href="{site_url}zh-hant/'
        )
    return html


def convert_words(html: str, convert: Callable[[str], str]) -> str:
    """The page with its text and its wording attributes converted, in one call of the converter."""
    pieces: list[str] = []
    at = 0
    for tag in TAG.finditer(html):
        pieces += [html[at : tag.start()], tag[0]]
        at = tag.end()
    pieces.append(html[at:])
    words: list[tuple[int, int, int]] = []  # (piece, start, end) of each text to convert
    for number, piece in enumerate(pieces):
        if number % 2 == 0:
            words += [(number, 0, len(piece))] if CJK.search(piece) else []
        else:
            words += [(number, *m.span(2)) for m in WORDS_ATTRIBUTE.finditer(piece) if CJK.search(m[2])]
    if not words:
        return html
    texts = [pieces[n][start:end] for n, start, end in words]
    converted = convert(SEPARATOR.join(texts)).split(SEPARATOR)
    if len(converted) != len(texts):
        raise ValueError("OpenCC changed the number of separated texts")
    for (number, start, end), text in reversed(list(zip(words, converted, strict=True))):
        pieces[number] = pieces[number][:start] + text + pieces[number][end:]
    return "".join(pieces)


def _site_files(site_dir: Path) -> list[Path]:
    """Every file of the built site that the Traditional edition has too (not the search index, PDFs or sitemap)."""
    found = []
    for folder, subfolders, files in os.walk(site_dir):
        if Path(folder) == site_dir:
            subfolders[:] = [name for name in subfolders if name not in LEFT_OUT]
            files = [name for name in files if name not in LEFT_OUT]
        subfolders.sort()
        found += [Path(folder, name) for name in sorted(files)]
    return found


def _key(common: hashlib._Hash, data: bytes) -> str:
    digest = common.copy()
    digest.update(data)
    return digest.hexdigest()


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)
