"""Attachments: the blank form and the sample filled-in form a material may name (materials[].form_file and
materials[].sample_file), files kept beside the record in its department folder.

A name is a relative path inside the department folder; the file must be there, of an allowed type (by its
suffix and by its first bytes), under the size limit, and no symlink may lead it out of the catalogue. The
checked files reach an edition (and from there the public site) under stable names: form-<n> and sample-<n>,
n being the material's number.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.core.catalogue import Catalogue, Department, Power
from generator.core.model import PowerRecord
from generator.core.problems import Problem, problem

MAX_BYTES = 10 * 1024 * 1024  # a scanned form of a few pages; anything larger does not belong on a web page
KINDS = {"form_file": "form", "sample_file": "sample"}  # the field, and the stem of the published name
# Allowed suffix -> the first bytes of such a file (DOCX and XLSX are ZIP archives).
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}
ALLOWED_SHOWN = "PDF、DOCX、XLSX、PNG、JPG"
_SAFE_PART = re.compile(r"^[^\x00-\x1f\x7f\\:*?\"<>|]+$")


@dataclass(frozen=True)
class Attachment:
    """A checked attachment of a power: which material (0-based) and field, the file, and its published name."""

    material: int
    kind: str  # "form" or "sample"
    source: Path  # the file in the catalogue, resolved
    written: str  # the path as the record names it

    @property
    def name(self) -> str:
        """The stable name it is published under, in the power's folder: form-1.pdf, sample-2.docx."""
        return published_name(self.material, self.kind, self.written)


def published_name(material: int, kind: str, written: str) -> str:
    """form-<n><suffix>: n is the material's number (from 1), the suffix the file's, in lower case."""
    return f"{kind}-{material + 1}{posixpath.splitext(written)[1].lower()}"


def named_files(record: PowerRecord) -> Iterator[tuple[int, str, str]]:
    """(material index, field, path as written) of every attachment a record names."""
    for index, material in enumerate(record.materials):
        for field in KINDS:
            written = getattr(material, field)
            if written:
                yield index, field, written


def attachments_of(root: Path, slug: str, record: PowerRecord) -> tuple[Attachment, ...]:
    """The attachments of a record that passed check (see attachment_problems), in material order."""
    folder = root / slug
    return tuple(
        Attachment(index, KINDS[field], (folder / written).resolve(), written)
        for index, field, written in named_files(record)
    )


def attachment_problems(catalogue: Catalogue) -> Iterator[Problem]:
    """Every problem of the attachments the catalogue's records name."""
    if catalogue.root is None:
        return
    real_root = catalogue.root.resolve()
    for dept, power in catalogue.powers():
        for index, field, written in named_files(power.record):
            where = (power.path, _at(power, index, field), f"materials.{index}.{field}")
            found = _file_problem(real_root, catalogue.root, dept, written)
            if found is not None:
                code, values = found
                yield problem(code, *where, path=written, **values)
            elif power.record.confidential is not None or power.record.is_internal:
                yield problem("W211", *where, path=written)


def _at(power: Power, index: int, field: str) -> tuple[int, int] | None:
    return power.source.at(("materials", index, field)) if power.source else None


def _file_problem(real_root: Path, root: Path, dept: Department, written: str) -> tuple[str, dict] | None:
    """The code and values of what is wrong with one named file, or None."""
    parts = written.split("/")
    if written.startswith("/") or any(p in ("", ".", "..") or not _SAFE_PART.match(p) for p in parts):
        return "E231", {}
    path = root / dept.slug / written
    suffix = posixpath.splitext(written)[1].lower()
    if suffix not in SIGNATURES:
        return "E233", {"allowed": ALLOWED_SHOWN}
    if not path.exists() and not path.is_symlink():
        return "E232", {"dept": dept.slug}
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "E232", {"dept": dept.slug}
    if real_root not in target.parents:
        return "E236", {"target": target}
    if not target.is_file():
        return "E232", {"dept": dept.slug}
    size = target.stat().st_size
    if size > MAX_BYTES:
        return "E235", {"size": size, "limit": MAX_BYTES}
    with target.open("rb") as handle:
        head = handle.read(16)
    if not head.startswith(SIGNATURES[suffix]):
        return "E234", {"kind": suffix.lstrip(".").upper()}
    return None
