"""The powers' part of each download, made department by department and kept in the build's cache: a department's run
of items is a pure function of its powers, the edition's shared data and the code, and their hash is its name.

A rebuild after one edit makes the runs of one department again and reads the others; the files come out byte for
byte as when every item is made anew. Without a cache folder (tests, the preview's first build) nothing is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.core.edition import Edition, EditionPower
from generator.core.folders import keep_only, write_atomic
from generator.outputs.codehash import outputs_digest

FOLDER = "opendata"  # under the build's cache
FORMAT = "runs-1"  # bump when what a run holds changes


class Runs:
    """The runs of a build's downloads, made or read from folder (None: always made)."""

    def __init__(self, edition: Edition, folder: Path | None) -> None:
        self.edition = edition
        self.folder = folder
        self.used: set[str] = set()
        shared = [FORMAT, outputs_digest(), edition.kind, edition.catalogue.model_dump_json()]
        shared += [f"{key}\0{law.model_dump_json()}" for key, law in sorted(edition.laws.items())]
        self.shared = hashlib.sha256("\0".join(shared).encode("utf-8")).hexdigest()

    def of(self, kind: str, render: Callable[[EditionPower], bytes], separator: bytes = b"") -> Iterator[bytes]:
        """Each department's items, rendered and joined by separator (one bytes per department with powers), in the
        edition's order."""
        for dept in self.edition.departments:
            if dept.powers:
                yield self._run(kind, dept.slug, dept.powers, lambda powers: separator.join(map(render, powers)))

    def _run(
        self, kind: str, slug: str, powers: list[EditionPower], make: Callable[[list[EditionPower]], bytes]
    ) -> bytes:
        if self.folder is None:
            return make(powers)
        digest = hashlib.sha256(f"{self.shared}\0{kind}\0{slug}".encode())
        for power in powers:
            digest.update(b"\0" + power.digest.encode())
        name = digest.hexdigest()
        self.used.add(name)
        path = self.folder / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            data = make(powers)
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
            return data

    def prune(self) -> None:
        """Remove the runs no download of this build used (and what a killed build left)."""
        if self.folder is not None:
            keep_only(self.folder, self.used)
