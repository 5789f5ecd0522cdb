"""The `pdf` command: the print-ready PDFs of the public edition, under <out>/pdf/."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from generator.commands.common import load_or_exit, powers_option
from generator.commands.display import StageDisplay
from generator.core.edition import make_edition
from generator.core.problems import GeneratorError
from generator.outputs.pdf.writer import write_pdfs


@click.command("pdf")
@powers_option
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="输出目录(PDF 写入其中的 pdf/)",
)
@click.option(
    "--cache",
    "cache",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="缓存目录(默认 .cache,或环境变量 QLQD_CACHE)",
)
def pdf_command(powers: Path, out: Path, cache: Path | None) -> None:
    """生成公开版打印材料:办事明白卡(A4)、流程图海报(A3)、部门和全区职权目录。"""
    cache = cache or Path(os.environ.get("QLQD_CACHE") or ".cache")
    catalogue = load_or_exit(powers, cache)
    edition = make_edition(catalogue, "public")
    started = time.perf_counter()
    try:
        written = write_pdfs(edition, out, cache, StageDisplay())
    except (GeneratorError, OSError) as exc:
        click.echo(f"生成 PDF 失败:{exc}", err=True)
        sys.exit(1)
    elapsed = time.perf_counter() - started
    click.echo(f"已生成 {len(written)} 个 PDF 文件,位于 {out / 'pdf'}(用时 {elapsed:.1f} 秒)")
