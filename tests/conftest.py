"""Fixtures that many test modules share."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.core.edition import Edition, make_edition
from generator.core.validate import load_valid

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@functools.cache
def public_edition(powers: Path) -> Edition:
    return make_edition(load_valid(powers), "public")


@pytest.fixture(scope="module")
def edition(request: pytest.FixtureRequest) -> Edition:
    """The public edition of the test module's catalogue: its FIXTURE (or SAMPLE), loaded once per session."""
    module = request.module
    return public_edition(getattr(module, "FIXTURE", None) or module.SAMPLE)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium through Playwright (never a downloaded browser), one per test module."""
    from playwright.sync_api import sync_playwright
    from sitetools import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
