"""The editors' workflow tests share a small hand-written catalogue (tests/fixtures/workflow/powers) and a runner."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from generator.commands import main

FIXTURE = Path(__file__).parent / "fixtures" / "workflow" / "powers"


def copy_catalogue(tmp_path: Path, name: str = "powers") -> Path:
    """A writable copy of the fixture catalogue."""
    return Path(shutil.copytree(FIXTURE, tmp_path / name))


def run(*args: str) -> Result:
    """Run the command line; a traceback is never an acceptable outcome."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result
