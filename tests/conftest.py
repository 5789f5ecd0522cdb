"""Fixtures that many test modules share."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from generator.core.edition import Edition, make_edition
from generator.core.validate import load_valid


@functools.cache
def public_edition(powers: Path) -> Edition:
    return make_edition(load_valid(powers), "public")


@pytest.fixture(scope="module")
def edition(request: pytest.FixtureRequest) -> Edition:
    """The public edition of the test module's catalogue: its FIXTURE (or SAMPLE), loaded once per session."""
    module = request.module
    return public_edition(getattr(module, "FIXTURE", None) or module.SAMPLE)
