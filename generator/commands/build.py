"""`build`: the whole public site into a folder, swapped in atomically."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.commands.common import cache_option, edition_option, powers_option
from generator.commands.display import StageDisplay
from generator.core.edition import EditionKind
from generator.core.problems import CatalogueInvalid, GeneratorError
from generator.publish import DEFAULT_OUT, publish, publish_kiosk


@click.command()
@powers_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=DEFAULT_OUT,
    show_default=True,
    help="网站输出目录(生成成功后整体替换)",
)
@cache_option("流程图等的缓存目录")
@click.option("--no-pdf", is_flag=True, help="只生成网站,不生成 PDF(PDF 可用 pdf 命令单独生成)")
@click.option("--kiosk", is_flag=True, help="生成政务服务大厅触摸屏版(单独的离线网站),而不是公开网站")
@edition_option
def build(powers: Path, out: Path, cache: Path, no_pdf: bool, kiosk: bool, kind: EditionKind) -> None:
    """生成公开网站(页面、流程图、搜索索引和 PDF)。"""
    if kiosk and kind != "public":
        raise click.UsageError("触摸屏版只由公开版生成：--kiosk 不能与 --edition internal 同用")
    display = StageDisplay()
    try:
        if kiosk:
            edition = publish_kiosk(powers, out, display)
        else:
            edition = publish(powers, out, cache, display, pdf=not no_pdf, kind=kind)
    except CatalogueInvalid as exc:
        click.echo(exc.describe(powers), err=True)
        click.echo(f"生成失败，原有的 {out} 未改动。", err=True)
        sys.exit(1)
    except (GeneratorError, OSError) as exc:
        click.echo(f"生成失败，原有的 {out} 未改动。", err=True)
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(display.summary(), err=True)
    what = "触摸屏版" if kiosk else "网站"
    click.echo(f"已生成{what}：{out}（{len(edition.powers())} 个事项页面）")
