"""The index pages' cache: a page is kept by the hash of exactly what it is made of, and a rebuild renders only the
pages whose hash is not in the cache; entries no page of the build used are pruned.

A page is made of its template (with every template and every module of the outputs wing, and the versions of the
generator, Jinja2 and MarkupSafe), the edition's kind and catalogue (which hold the site's name and the category
codes), the page's root and the values it is given. The values are hashed by what they hold, field by field (each
power, department and list once per build), never by guesses at what a template reads of them. A template that
reads the whole edition through `site` (the home page, the list of departments: site.edition, site.categories)
cannot be bounded so: its page is rendered on every build and never kept. The others are given a site that holds
only the name and the category codes, so that a template that reads more fails loudly rather than being kept wrongly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, fields, is_dataclass
from importlib import metadata
from operator import attrgetter
from pathlib import Path, PurePath
from types import FunctionType, NoneType
from typing import Protocol

from jinja2 import Environment, nodes
from pydantic import BaseModel

from generator.core.edition import Edition, EditionPower
from generator.core.folders import write_atomic
from generator.outputs.codehash import outputs_digest

SITE = "site"  # the name every page template knows the site by
PLAIN = (str, int, float, bool, NoneType, dt.date, PurePath)  # written as their repr where they appear
PLAIN_TYPES = frozenset(PLAIN)
CONTAINER_TYPES = frozenset((list, tuple, dict))
INLINE = 8  # a container of at most this many items is written where it appears, a longer one hashed once
SEPARATOR = "\x1f"  # between the parts of a value's text: repr and JSON escape it
LIBRARIES = ("qlqd-generator", "jinja2", "markupsafe")


class Site(Protocol):
    site_name: str
    category_codes: dict[str, str]


@dataclass(frozen=True)
class PageSite:
    """What a kept page's template may use of the site: both parts are in the common key (from the catalogue)."""

    site_name: str
    category_codes: dict[str, str]


PAGE_SITE_FIELDS = frozenset(f.name for f in fields(PageSite))


class Fingerprints:
    """Hashes of values by what they hold; an object is hashed once, however many pages show it.

    A value is written out as text: a plain value as its repr (quoted and escaped, so told apart by type), a model
    as its JSON, a dataclass field by field and a container item by item, each after its type's name; an object
    (or a long container) by the hash of its own text. The parts are joined by a character no part holds raw."""

    def __init__(self) -> None:
        self._known: dict[int, str] = {}  # id -> hash
        self._alive: list[object] = []  # the objects hashed, kept alive so that each id stays its own (no tuple per
        # object: millions of records are in memory, and every object that lives on brings a full collection nearer)
        self._fields: dict[type, tuple[attrgetter | None, bool]] = {}  # a dataclass: its fields' getter, several?

    def of(self, value: object) -> str:
        known = self._known.get(id(value))
        if known is not None:
            return known
        parts: list[str] = []
        self._write(parts, value)
        hashed = hashlib.sha256(SEPARATOR.join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        self._known[id(value)] = hashed
        self._alive.append(value)
        return hashed

    def _add(self, parts: list[str], value: object) -> None:
        """A plain value or a short container where it is, anything else by its own hash (made once)."""
        kind = type(value)
        if kind in PLAIN_TYPES:
            parts.append(repr(value))
        elif kind in CONTAINER_TYPES and len(value) <= INLINE:  # type: ignore[arg-type]
            self._write(parts, value)
        else:
            parts.append("#" + self.of(value))

    def _write(self, parts: list[str], value: object) -> None:
        kind = type(value)
        parts.append(f"{kind.__module__}.{kind.__qualname__}")
        if isinstance(value, BaseModel):
            parts.append(value.model_dump_json())  # JSON escapes every control character
        elif isinstance(value, EditionPower):  # its digest covers all it can show, made once per build
            parts.append(value.digest)
        elif is_dataclass(value) and not isinstance(value, type):
            for item in self._values(kind, value):
                self._add(parts, item)
        elif isinstance(value, list | tuple):
            parts.append(str(len(value)))
            for item in value:
                self._add(parts, item)
        elif isinstance(value, dict):
            parts.append(str(len(value)))
            for key, item in value.items():
                self._add(parts, key)
                self._add(parts, item)
        elif isinstance(value, PLAIN):  # a subclass, such as Markup: shown otherwise than its base
            parts.append(repr(value))
        elif isinstance(value, FunctionType) and value.__closure__ is None:  # its code is in the common key
            parts.append(f"{value.__qualname__}:{value.__code__.co_firstlineno}")
        else:
            raise TypeError(f"no fingerprint for a value of type {kind.__qualname__}")

    def _values(self, kind: type, value: object) -> tuple[object, ...]:
        """A dataclass's field values, in the order of its fields."""
        known = self._fields.get(kind)
        if known is None:
            names = [f.name for f in fields(kind)]
            known = self._fields[kind] = (attrgetter(*names) if names else None, len(names) > 1)
        getter, several = known
        if getter is None:
            return ()
        return getter(value) if several else (getter(value),)


def _text(digest: hashlib._Hash, text: str) -> None:
    data = text.encode("utf-8")
    digest.update(len(data).to_bytes(8, "little") + data)


def common_key(edition: Edition, templates: Path) -> bytes:
    """What every kept page shares: the code that renders it, the edition's kind and its catalogue."""
    digest = hashlib.sha256()
    for library in LIBRARIES:
        _text(digest, f"{library}={metadata.version(library)}")
    _text(digest, outputs_digest())  # the outputs wing's modules, and its templates
    for path in sorted(p for p in templates.rglob("*") if p.is_file()):  # the templates used, wherever they are
        _text(digest, path.relative_to(templates).as_posix())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    _text(digest, edition.kind)
    _text(digest, edition.catalogue.model_dump_json())
    return digest.digest()


def reads_whole_site(env: Environment, template: str) -> bool:
    """True when the template uses of `site` more than a PageSite holds (or hands `site` on as a whole)."""
    source = env.loader.get_source(env, template)[0] if env.loader else ""
    tree = env.parse(source)
    named = sum(1 for name in tree.find_all(nodes.Name) if name.name == SITE)
    parts = [g.attr for g in tree.find_all(nodes.Getattr) if isinstance(g.node, nodes.Name) and g.node.name == SITE]
    return named != len(parts) or not set(parts) <= PAGE_SITE_FIELDS


class KeptPages:
    """Renders pages, taking from the cache folder (if any) every page whose key is there."""

    def __init__(self, env: Environment, site: Site, edition: Edition, templates: Path, folder: Path | None) -> None:
        self.env = env
        self.site = site
        self.page_site = PageSite(site.site_name, site.category_codes)
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
        self.common = common_key(edition, templates) if folder else b""
        self.fingerprints = Fingerprints()
        self.whole: dict[str, bool] = {}
        self.used: set[str] = set()
        self.rendered = 0  # pages rendered by this build (the rest were taken from the cache)

    def page(self, template: str, root: str, **values: object) -> str:
        """The page the template makes of root and values."""
        whole = self.whole.get(template)
        if whole is None:
            whole = self.whole[template] = reads_whole_site(self.env, template)
        if whole or self.folder is None:
            return self._render(template, root, self.site if whole else self.page_site, values)
        key = self.key(template, root, values)
        self.used.add(key)
        path = self.folder / f"{key}.md"
        try:
            return path.read_bytes().decode("utf-8")
        except OSError:
            text = self._render(template, root, self.page_site, values)
            write_atomic(path, text.encode("utf-8"))
            return text

    def key(self, template: str, root: str, values: dict[str, object]) -> str:
        """The hash of everything the page is made of."""
        digest = hashlib.sha256(self.common)
        _text(digest, template)
        _text(digest, root)
        for name in sorted(values):
            _text(digest, name)
            _text(digest, self.fingerprints.of(values[name]))
        return digest.hexdigest()

    def _render(self, template: str, root: str, site: Site, values: dict[str, object]) -> str:
        self.rendered += 1
        return self.env.get_template(template).render(root=root, **{SITE: site}, **values)

    def prune(self) -> None:
        """Remove the entries this build did not use (and what a killed build left half written)."""
        if self.folder is None:
            return
        for path in self.folder.iterdir():
            if path.suffix != ".md" or path.stem not in self.used:
                path.unlink(missing_ok=True)

