"""`edit`: the form editor in the browser, on 127.0.0.1 unless --host says otherwise (then with a login)."""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path

import click

from generator.commands.common import cache_option, powers_option
from generator.core.problems import GeneratorError
from generator.editing.forge import config_path, forge_settings
from generator.editing.submit import SubmitSettings
from generator.editor.app import Editor
from generator.editor.auth import LOOPBACK, Gate, hash_password, read_users
from generator.editor.pages import PagePreview
from generator.editor.server import FORM_LIBRARY, EditorServer


@click.command("edit")
@powers_option
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="端口(0:任选空闲端口)")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址;不是本机地址时必须用 --users 登录")
@click.option("--users", type=click.Path(path_type=Path, dir_okay=False), help="用户文件:每行「用户名:密码散列」")
@click.option("--remote", help="提交审核时推送到的远程仓库(默认 origin)")
@cache_option("缓存目录(预览用的网站在其中生成)")
@click.option("--hash-password", "hashing", is_flag=True, help="输入密码,输出用户文件中的一行,然后退出")
def edit_command(
    powers: Path, port: int, host: str, users: Path | None, remote: str | None, cache: Path, hashing: bool
) -> None:
    """在浏览器中用表单编辑权力事项:边填边检查、预览页面和流程图,保存后可提交审核。"""
    if hashing:
        name = click.prompt("用户名", err=True)  # prompts on stderr: stdout is the line for the users file
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True, err=True)
        click.echo(f"{name}:{hash_password(password)}")
        return
    if not powers.is_dir():
        click.echo(f"找不到权力清单目录：{powers}", err=True)
        sys.exit(1)
    if not FORM_LIBRARY.is_file():
        click.echo("表单组件 @json-editor/json-editor 未安装：请在生成器的源码目录中运行 make setup", err=True)
        sys.exit(1)
    try:
        gate = Gate(read_users(users) if users else None)
        settings = SubmitSettings(remote, forge_settings(os.environ, config_path(os.environ), powers))
    except GeneratorError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    if host not in LOOPBACK and not gate.needs_login:
        click.echo(
            f"监听 {host} 时其他电脑也能访问编辑器:请用 --users 指定用户文件(edit --hash-password 生成)", err=True
        )
        sys.exit(2)
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="editor-", dir=cache) as work:
        preview = PagePreview(Path(work), cache)
        editor = Editor(powers, preview, settings)
        try:
            server = EditorServer(host, port, editor, gate)
        except OSError as exc:
            click.echo(f"无法在 {host}:{port} 上启动编辑器（{exc.strerror}）：请用 --port 换一个端口", err=True)
            sys.exit(1)
        preview.start(editor.live.catalogue)
        click.echo(f"编辑器地址：http://{host}:{server.server_port}/（按 Ctrl-C 停止）")
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    click.echo("编辑器已停止。")


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt
