"""The two sides of a `diff`: each a catalogue folder, or the --powers folder at a git revision."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from pathlib import Path

from generator.core.problems import GeneratorError


class DiffError(GeneratorError):
    """A side cannot be opened; the message says why, in Chinese."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise DiffError("找不到 git 命令:比较修订版本需要安装 Git") from None


def open_side(spec: str, powers: Path, stack: ExitStack) -> Path:
    """The catalogue folder for spec: spec itself when it is a folder, else --powers at git revision spec."""
    if Path(spec).is_dir():
        return Path(spec)
    cwd = Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise DiffError(f"「{spec}」不是目录,当前目录也不在 Git 仓库中,无法当作修订版本")
    commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}"], cwd)
    if commit.returncode != 0:
        raise DiffError(f"「{spec}」既不是目录,也不是 Git 仓库中的修订版本(分支、标签或提交)")
    root = Path(top.stdout.decode().strip()).resolve()
    try:
        rel = (cwd / powers).resolve().relative_to(root).as_posix()
    except ValueError:
        raise DiffError(f"权力清单目录 {powers} 不在 Git 仓库 {root} 中") from None
    archive = _git(["archive", "--format=tar", commit.stdout.decode().strip(), "--", rel], root)
    if archive.returncode != 0:
        raise DiffError(f"修订版本「{spec}」中没有 {rel}/ 目录")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qlqd-diff-")))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise DiffError(f"无法取出修订版本「{spec}」的文件:{exc}") from None
    return folder / rel
