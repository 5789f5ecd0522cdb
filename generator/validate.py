"""Load a catalogue and apply every rule: the whole of `check`, for every command that reads one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from . import rules
from .catalogue import Catalogue
from .loader import load
from .problems import CatalogueInvalid, Report


def check_catalogue(root: Path, today: dt.date | None = None) -> tuple[Catalogue | None, Report]:
    """Every problem of the catalogue at root; the catalogue holds the records that were valid."""
    catalogue, report = load(root)
    if catalogue is not None:
        report.extend(rules.check(catalogue, today or dt.date.today()))
    return catalogue, report


def load_valid(root: Path) -> Catalogue:
    """The catalogue at root, or CatalogueInvalid when it has any error."""
    catalogue, report = check_catalogue(root)
    if catalogue is None or report.errors:
        raise CatalogueInvalid(report)
    return catalogue
