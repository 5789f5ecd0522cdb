"""Record pages without the site engine's page loop: the engine renders one shell page per kind of page,
and every page of that kind is the shell with its own title, address, table of contents and body filled in.

All pages of a kind sit at the same depth (`powers/<CODE>/`, `departments/<slug>/`, `categories/<code>/`; the
numbered and per-category pages of a long list one or two folders deeper, `fees/<slug>/2/`, each depth with a shell
of its own), so their relative links, navigation and theme are the same; only the parts named here differ. The body of a
generated page is the HTML its template wrote; its only non-HTML lines, the fixed `## 标题 {#id}` headings,
become `<h2 id="id">标题</h2>` by the one rule below, exactly as the engine's Markdown renders them.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

from generator.core.problems import GeneratorError

SHELL_SLUG = "qlqd-shell"  # the shell's folder name: replaced by the page's code or slug
SUB = "qlqd-sub"  # a shell's folder below that, once for each folder a deeper page's slug has more
TITLE = "QLQDSHELLTITLE"
BODY = "QLQDSHELLBODY"
TOC_IDS = ("qlqd-toc-a", "qlqd-toc-b")  # two headings, so that the shell shows the table's separator too
SHELL_FOLDERS = ("powers", "departments", "categories", "fees", "discretion", "withheld", "directory", "az", "laws")
HEADING = re.compile(r"^## (.*?) \{#([\w-]+)\}\n\n", re.M)
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
TOC_LIST = re.compile(
    r'(<ul class="md-nav__list" data-md-component="toc" data-md-scrollfix>)(.*?)(</ul>\s*</nav>)', re.S
)


class ShellMissing(GeneratorError):
    """The engine's output lacks a part of the shell: the theme changed in a way this module must follow."""


@dataclass(frozen=True)
class Page:
    """A generated page as the shell needs it: where it goes, its title (escaped), its headings and its HTML body."""

    folder: str
    slug: str
    title: str
    flags: tuple[str, ...]
    toc: tuple[tuple[str, str], ...]
    body: str


def is_shelled(path: str) -> bool:
    """True for the pages filled into shells: one folder or more below a shell folder (powers/<CODE>/index.md,
    fees/<slug>/2/index.md)."""
    parts = path.split("/")
    return len(parts) >= 3 and parts[0] in SHELL_FOLDERS and parts[-1] == "index.md"


def parse_page(path: str, markdown: str) -> Page:
    """A generated page's front matter, headings and HTML body."""
    found = FRONT_MATTER.match(markdown)
    if found is None:
        raise ShellMissing(f"{path}: no front matter")
    meta = {key: value.strip() for key, _, value in (line.partition(":") for line in found[1].splitlines())}
    flags = tuple(sorted(key for key, value in meta.items() if value == "true")) + _hidden(meta)
    text = markdown[found.end() :]
    toc = tuple((m[2], m[1]) for m in HEADING.finditer(text))
    body = HEADING.sub(lambda m: f'<h2 id="{m[2]}">{m[1]}</h2>\n', text).strip("\n")
    folder, slug = path.removesuffix("/index.md").split("/", 1)
    return Page(folder, slug, json.loads(meta["title"]), flags, toc, body)


def _hidden(meta: dict[str, str]) -> tuple[str, ...]:
    return (f"hide={meta['hide']}",) if "hide" in meta else ()


def shell_key(page: Page) -> tuple[str, tuple[str, ...]]:
    """Pages that share a key share a shell: the folder and the depth below it, the front matter flags, and whether
    the body has its own <h1> (without one the theme adds the title as a heading)."""
    own = (("h1",) if "<h1" in page.body else ()) + (("toc",) if page.toc else ())
    deeper = page.slug.count("/")
    return page.folder, page.flags + own + ((f"{SUB}={deeper}",) if deeper else ())


def shell_source(number: int, folder: str, flags: tuple[str, ...]) -> tuple[str, str]:
    """The engine's source page of shell number `number`: its path and Markdown, with the placeholders."""
    lines = ["---", f"title: {TITLE}"]
    lines += [f"hide: {flag.removeprefix('hide=')}" for flag in flags if flag.startswith("hide=")]
    lines += [f"{flag}: true" for flag in flags if "=" not in flag and flag not in ("h1", "toc")]
    headings = [f"## {i.upper()} {{#{i}}}\n" for i in TOC_IDS] if "toc" in flags else []
    body = _body_placeholder("h1" in flags)
    deeper = next((int(flag.removeprefix(f"{SUB}=")) for flag in flags if flag.startswith(f"{SUB}=")), 0)
    path = f"{folder}/{SHELL_SLUG}-{number}/{f'{SUB}/' * deeper}index.md"
    return path, "\n".join([*lines, "---", "", body, "", *headings])


def _body_placeholder(own_h1: bool) -> str:
    return f"<h1>{BODY}</h1>" if own_h1 else f"<p>{BODY}</p>"


@dataclass(frozen=True)
class Shell:
    """A rendered shell page cut at its placeholders."""

    slug: str
    html: str
    content: str  # the body placeholder as the engine rendered it, with the two headings
    toc: tuple[str, str, str, str] | None  # before the first item, one item, between items, after the last

    @classmethod
    def parse(cls, slug: str, html: str) -> Shell:
        first, second = (f'<h2 id="{i}">{i.upper()}</h2>' for i in TOC_IDS)
        shapes = (f"{_body_placeholder(True)}\n\n", f"{_body_placeholder(False)}\n")  # a raw block keeps its blank line
        found = [c for shape in shapes if (c := f"{shape}{first}\n{second}") in html]
        found += [c for own in (True, False) if (c := _body_placeholder(own)) in html and not found]
        if not found:
            at = html.find(BODY)
            raise ShellMissing(f"shell body not found: {html[max(at - 200, 0) : at + 300]!r}")
        content = found[0]
        return cls(slug, html, content, _toc_parts(html))

    def fill(self, page: Page) -> str:
        html = self.html.replace(self.content, page.body)
        if self.toc is not None:
            html = TOC_LIST.sub(lambda m: m[1] + self._toc(page.toc) + m[3], html, count=1)
        html = html.replace(TITLE, page.title)
        if page.toc:  # the theme's skip link goes to the first heading
            html = html.replace(f'href="#{TOC_IDS[0]}"', f'href="#{page.toc[0][0]}"')
        return html.replace(f"/{self.slug}/", f"/{quote(page.slug)}/")

    def _toc(self, entries: tuple[tuple[str, str], ...]) -> str:
        head, item, between, tail = self.toc or ("", "", "", "")
        items = [
            item.replace(f"#{TOC_IDS[0]}", f"#{anchor}").replace(TOC_IDS[0].upper(), str(escape(text)))
            for anchor, text in entries
        ]
        return head + between.join(items) + tail


def _toc_parts(html: str) -> tuple[str, str, str, str] | None:
    """The table of contents of the shell, cut into the pieces every page's table is made of."""
    found = TOC_LIST.search(html)
    if found is None:
        return None
    inner = found[2]
    starts = [inner.index(f'href="#{i}"') for i in TOC_IDS]
    first = inner.rindex("<li", 0, starts[0])
    second = inner.rindex("<li", 0, starts[1])
    end_first = inner.index("</li>", starts[0]) + len("</li>")
    end_second = inner.index("</li>", starts[1]) + len("</li>")
    item, between = inner[first:end_first], inner[end_first:second]
    if inner[second:end_second] != item.replace(TOC_IDS[0], TOC_IDS[1]).replace(TOC_IDS[0].upper(), TOC_IDS[1].upper()):
        raise ShellMissing("table of contents items differ in shape")
    return inner[:first], item, between, inner[end_second:]


@dataclass
class ShellPlan:
    """The pages the engine renders (with one shell per kind of page) and the pages filled into the shells."""

    engine: dict[str, str]
    filled: list[Page]
    shells: dict[tuple[str, tuple[str, ...]], str]  # kind -> the shell's source path

    @classmethod
    def of(cls, pages: dict[str, str], others: Iterable[Page] = ()) -> ShellPlan:
        """The plan for pages; others are pages of further kinds, filled elsewhere, that need a shell too."""
        filled = [parse_page(path, text) for path, text in sorted(pages.items()) if is_shelled(path)]
        engine = {path: text for path, text in pages.items() if not is_shelled(path)}
        shells: dict[tuple[str, tuple[str, ...]], str] = {}
        for number, key in enumerate(sorted({shell_key(page) for page in [*filled, *others]})):
            path, source = shell_source(number, *key)
            engine[path] = source
            shells[key] = path
        return cls(engine, filled, shells)

    def fill(self, site_dir: Path) -> dict[tuple[str, tuple[str, ...]], Shell]:
        """Write the plan's filled pages into site_dir, where the engine left the shells; the shells by kind."""
        shells = {key: self._shell(site_dir, path) for key, path in self.shells.items()}
        for page in self.filled:
            target = site_dir / page.folder / page.slug / "index.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(shells[shell_key(page)].fill(page), encoding="utf-8")
        return shells

    def remove_shells(self, site_dir: Path) -> None:
        for path in self.shells.values():
            shutil.rmtree(site_dir / "/".join(path.split("/")[:2]))

    @staticmethod
    def _shell(site_dir: Path, path: str) -> Shell:
        folder = path.removesuffix("/index.md")
        return Shell.parse(shell_slug(path), (site_dir / folder / "index.html").read_text(encoding="utf-8"))


def shell_slug(path: str) -> str:
    """What a shell's source path holds in place of a page's slug: qlqd-shell-0, or qlqd-shell-3/qlqd-sub."""
    return path.removesuffix("/index.md").split("/", 1)[1]
