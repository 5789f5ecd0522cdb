"""Tests that keep the editors' documentation honest."""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator.core.fieldref import field_reference
from generator.core.model import DEFAULT_CATEGORIES
from generator.core.problems import MESSAGES

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ROOT / "content" / "fields.md"
START, END = "<!-- fields:start -->\n", "<!-- fields:end -->"


def test_field_reference_is_generated_from_the_model():
    text = FIELDS.read_text(encoding="utf-8")
    before, rest = text.split(START)
    generated, after = rest.split(END)
    if os.environ.get("UPDATE_GOLDEN"):
        FIELDS.write_text(before + START + field_reference() + END + after, encoding="utf-8")
        generated = field_reference()
    assert generated == field_reference(), "content/fields.md 已过期:UPDATE_GOLDEN=1 重新生成"


def test_field_reference_lists_every_code_and_the_default_categories():
    text = FIELDS.read_text(encoding="utf-8")
    assert all(f"| {code} |" in text for code in MESSAGES)
    assert all(f"{name} {code}" in text for name, code in DEFAULT_CATEGORIES)


def test_readme_commands_exist_in_the_makefile():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    assert {"site", "test"} <= targets
    assert set(re.findall(r"^make ([a-z-]+)", readme, re.M)) <= targets


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
