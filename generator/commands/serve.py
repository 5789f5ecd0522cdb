"""`serve`: the preview server for editors, on 127.0.0.1, following every save in the catalogue."""

from __future__ import annotations

import multiprocessing
import signal
import sys
from pathlib import Path

import click

from generator.commands.common import cache_option, powers_option
from generator.preview.session import Notice, Preview

SHOWN = 50  # problems printed per save; check lists them all


@click.command("serve")
@powers_option
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口(0:任选空闲端口)")
@cache_option("缓存目录(与 build 共用;预览网站放在其中的 preview/)")
def serve_command(powers: Path, port: int, cache: Path) -> None:
    """在本机预览网站:保存记录后,浏览器中的页面自动刷新,问题显示在页面上。"""
    if not powers.is_dir():
        click.echo(f"找不到权力清单目录：{powers}", err=True)
        sys.exit(1)
    multiprocessing.set_start_method("forkserver", force=True)  # worker processes are not forked from threads
    try:
        preview = Preview(powers, cache, port, show)
    except OSError as exc:
        click.echo(f"无法在 127.0.0.1:{port} 上提供预览（{exc.strerror}）：请用 --port 换一个端口", err=True)
        sys.exit(1)
    click.echo(f"预览地址：{preview.url}（按 Ctrl-C 停止）")
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    preview.start()
    try:
        while not preview.stopping.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        preview.close()
    click.echo("预览已停止。")


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def show(notice: Notice) -> None:
    """A notice in the terminal, with the first problems."""
    click.echo(notice.text)
    for found in notice.problems[:SHOWN]:
        click.echo(f"  {found}")
    if len(notice.problems) > SHOWN:
        click.echo(f"  ……另有 {len(notice.problems) - SHOWN} 个问题，运行 check 查看全部")
