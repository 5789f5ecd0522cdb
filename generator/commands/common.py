"""What every command shares: the --powers and --edition options, loading a valid catalogue, printing problems."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.core.catalogue import Catalogue
from generator.core.problems import CatalogueInvalid, Report
from generator.core.validate import load_valid

DEFAULT_POWERS = Path("powers")
F = TypeVar("F", bound=Callable[..., Any])

powers_option = click.option(
    "--powers",
    "powers",
    type=click.Path(path_type=Path),
    default=DEFAULT_POWERS,
    show_default=True,
    help="权力清单目录",
)


def cache_option(help_text: str) -> Callable[[F], F]:
    """--cache, the folder of the caches `build`, `serve` and `edit` share (default .cache)."""
    from generator.publish import DEFAULT_CACHE

    return click.option(
        "--cache",
        type=click.Path(path_type=Path, file_okay=False),
        default=DEFAULT_CACHE,
        show_default=True,
        help=help_text,
    )


edition_option = click.option(
    "--edition",
    "kind",
    type=click.Choice(["public", "internal"]),
    default="public",
    show_default=True,
    help="public:公开版(不含部门内部事项,涉密事项只列编码、名称、类别和理由);internal:内部版(含内部公开事项)",
)


def print_report(report: Report, count: int, as_json: bool = False) -> None:
    """Problems one per line (or as JSON), then the summary line."""
    if as_json:
        click.echo(report.to_json())
    else:
        for item in report.sorted():
            click.echo(str(item))
    summary = f"{count} 个事项, {len(report.errors)} 个错误, {len(report.warnings)} 个警告"
    click.echo(summary, err=as_json)


def load_or_exit(powers: Path, cache: Path | None = None) -> Catalogue:
    """For commands that build from a catalogue: the valid catalogue, or the problems and exit 1.

    With cache, the files' parses are kept there between runs (as `build` keeps them)."""
    try:
        return load_valid(powers, shown_as=powers, cache=cache)
    except CatalogueInvalid as exc:
        click.echo(exc.describe(powers), err=True)
        sys.exit(1)
