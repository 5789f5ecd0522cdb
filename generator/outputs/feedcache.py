"""The Atom feeds kept in the build's cache, each by the hash of exactly what it is made of.

A department's feed is made of its powers (their digests: record, department, supervision and complaints), its own
record and slug, the catalogue (the site's name and address), the code of the outputs wing and the versions of
feedgen, lxml and libxml2 (which writes the XML). With it is kept the list of its newest changes (Ref), from which
the whole catalogue's feed finds its own newest changes without reading every record again; that feed is kept by
the digests of the powers it lists. A rebuild after one edit makes one department's feed again (and the catalogue's
when the edit is among its newest changes); every feed comes out byte for byte as when made anew. Without a cache
folder nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from feedgen import version as feedgen_version
from lxml import etree

from generator.core.edition import Edition, EditionDepartment, EditionPower
from generator.core.folders import keep_only, write_atomic
from generator.outputs.codehash import outputs_digest

FOLDER = "feeds"  # under the build's cache
FORMAT = "feeds-1"  # bump when what a kept feed holds changes
LIBRARIES = f"feedgen {feedgen_version.version_full_str}, lxml {etree.LXML_VERSION}, libxml2 {etree.LIBXML_VERSION}"

# A change as the catalogue's feed orders it: (-date's ordinal, code, note, department, power, revision), the last
# three its place in the edition; a department's kept list leaves out the department (its place may change).
Ref = tuple[int, str, str, int, int, int]
Made = tuple[bytes, list[list[int | str]]]  # a feed, and the department's newest changes without the department


class KeptFeeds:
    """The feeds of a build, made or read from folder (None: always made)."""

    def __init__(self, edition: Edition, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        shared = [FORMAT, outputs_digest(), LIBRARIES, edition.kind]
        shared.append(edition.catalogue.model_dump_json())
        self.shared = hashlib.sha256("\0".join(shared).encode("utf-8")).hexdigest()

    def department_key(self, dept: EditionDepartment) -> str:
        digest = hashlib.sha256(f"{self.shared}\0{dept.slug}\0{dept.record.model_dump_json()}".encode())
        for power in dept.powers:
            digest.update(b"\0" + power.digest.encode())
        return digest.hexdigest()

    def whole_key(self, listed: list[tuple[EditionPower, int]], newest: str) -> str:
        """The key of the catalogue's feed: the powers it lists with the revision of each (in its order), and the
        date it gives when it lists none."""
        digest = hashlib.sha256(f"{self.shared}\0whole\0{newest if not listed else ''}".encode())
        for power, revision in listed:
            digest.update(f"\0{power.digest}\0{revision}".encode())
        return digest.hexdigest()

    def get(self, key: str, make: Callable[[], Made]) -> Made:
        """The feed and changes kept under key, or made (and kept)."""
        if self.folder is None:
            return make()
        self.used.add(key)
        path = self.folder / key
        try:
            head, _, feed = path.read_bytes().partition(b"\n")
            return feed, json.loads(head)
        except (FileNotFoundError, ValueError):
            made = make()
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(made[1]).encode() + b"\n" + made[0])
            return made

    def prune(self) -> None:
        """Remove the feeds this build did not use (and what a killed build left)."""
        if self.folder is not None:
            keep_only(self.folder, self.used)
