"""提交审核: a saved record committed on a branch of its own, pushed, and (where a forge is set up) a merge request.

The commit is made without touching the clerk's working tree or current branch: a temporary index starts from the
branch's last commit (or HEAD for a new branch), takes the record's file and the code ledger as they are on disk,
and `git commit-tree` + `git update-ref` put the commit on `qlqd/<code>`. It is pushed to the configured remote
(`--remote`, else `origin` when there is one); without a remote the branch stays local and the answer says how to
push it. The forge (forge.py) opens a pull/merge request whose description is the `diff` report."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from generator.core.ledger import LEDGER_FILE
from generator.core.model import PowerRecord
from generator.core.problems import GeneratorError
from generator.editing.diff import compare
from generator.editing.diff_markdown import to_markdown
from generator.editing.forge import Forge, open_request

BRANCH_PREFIX = "qlqd/"
GIT_SECONDS = 120  # a push over a slow line; a hung git is stopped rather than waited for forever


class SubmitRefused(GeneratorError):
    """Submitting failed (no repository, nothing changed, push refused); the message says why, in Chinese."""


@dataclass(frozen=True)
class SubmitSettings:
    remote: str | None = None  # a remote's name or URL; None: origin, when the repository has it
    forge: Forge | None = None


@dataclass
class Submitted:
    """What 提交审核 did, for the clerk."""

    branch: str
    commit: str
    remote: str  # "" when the branch stayed local
    request_url: str  # the merge request opened, "" when none
    message: str


def branch_name(record: PowerRecord) -> str:
    return BRANCH_PREFIX + record.code


def commit_message(record: PowerRecord, is_new: bool, user: str) -> str:
    """The Chinese commit message: what changed, in one line, and who submitted it from the editor."""
    verb = "新增" if is_new else "修改"
    return f"{verb}权力事项 {record.code} {record.name}\n\n由 {user} 通过表单编辑器提交审核。\n"


def _git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, timeout=GIT_SECONDS, env=env, check=False
        )
    except FileNotFoundError:
        raise SubmitRefused("找不到 git 命令:提交审核需要安装 Git") from None
    except subprocess.TimeoutExpired:
        raise SubmitRefused(f"git {args[0]} 超过 {GIT_SECONDS} 秒没有完成,已停止") from None
    if check and done.returncode != 0:
        raise SubmitRefused(f"git {args[0]} 失败:{done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def repository_of(root: Path) -> Path:
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True, check=False)
    if top.returncode != 0:
        raise SubmitRefused(f"权力清单目录 {root} 不在 Git 仓库中,无法提交审核;请先保存,再请管理员提交")
    return Path(top.stdout.strip()).resolve()


def submit_record(root: Path, rel: str, record: PowerRecord, user: str, settings: SubmitSettings) -> Submitted:
    """Commit the record's file (and the code ledger) on its branch, push it, open the merge request."""
    repo = repository_of(root)
    catalogue_dir = root.resolve().relative_to(repo)
    files = [(catalogue_dir / rel).as_posix(), (catalogue_dir / LEDGER_FILE).as_posix()]
    branch = branch_name(record)
    head = _git(repo, "rev-parse", "--verify", "HEAD")
    tip = _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
    parent = tip or head
    is_new = not _exists_at(repo, head, files[0])
    tree = _tree_with(repo, parent, [f for f in files if (repo / f).is_file()])
    if tree == _git(repo, "rev-parse", f"{parent}^{{tree}}"):
        raise SubmitRefused(f"「{record.name}」没有尚未提交的修改:请先保存修改,再提交审核")
    commit = _git(
        repo, "commit-tree", tree, "-p", parent, "-m", commit_message(record, is_new, user), env=_author(repo, user)
    )
    _git(repo, "update-ref", f"refs/heads/{branch}", commit, tip or "")
    remote = settings.remote or ("origin" if "origin" in _git(repo, "remote").split() else "")
    if not remote:
        how = f"git push <远程仓库> {branch}"
        return Submitted(branch, commit, "", "", f"已在本机创建分支 {branch}(尚未设置远程仓库)。请管理员推送:{how}")
    _git(repo, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
    url = ""
    if settings.forge is not None:
        title = commit_message(record, is_new, user).splitlines()[0]
        body = _diff_report(repo, catalogue_dir, head, commit)
        url = open_request(settings.forge, branch, title, body)
    opened = f",已创建合并请求:{url}" if url else ""
    return Submitted(branch, commit, remote, url, f"已提交到分支 {branch} 并推送到 {remote}{opened}。")


def _exists_at(repo: Path, commit: str, path: str) -> bool:
    return bool(_git(repo, "ls-tree", "--name-only", commit, "--", path, check=False))


def _tree_with(repo: Path, parent: str, files: list[str]) -> str:
    """The tree of parent with these files as they are on disk, made in an index of its own."""
    with tempfile.TemporaryDirectory(prefix="qlqd-submit-") as scratch:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(scratch) / "index")}
        _git(repo, "read-tree", parent, env=env)
        for path in files:
            blob = _git(repo, "hash-object", "-w", "--", path)
            _git(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        return _git(repo, "write-tree", env=env)


def _author(repo: Path, user: str) -> dict[str, str]:
    """The committer: the repository's git identity, or the editor's user where git has none."""
    env = dict(os.environ)
    if not _git(repo, "config", "user.name", check=False):
        env.setdefault("GIT_AUTHOR_NAME", user)
        env.setdefault("GIT_COMMITTER_NAME", user)
    if not _git(repo, "config", "user.email", check=False):
        env.setdefault("GIT_AUTHOR_EMAIL", "editor@qlqd.invalid")
        env.setdefault("GIT_COMMITTER_EMAIL", "editor@qlqd.invalid")
    return env


def _diff_report(repo: Path, catalogue_dir: Path, old: str, new: str) -> str:
    """The `diff` report of the change, in Markdown, for the merge request's description."""
    with ExitStack() as stack:
        old_root = _catalogue_at(repo, catalogue_dir, old, stack)
        new_root = _catalogue_at(repo, catalogue_dir, new, stack)
        return to_markdown(compare(old_root, new_root, old[:8], new[:8]))


def _catalogue_at(repo: Path, catalogue_dir: Path, commit: str, stack: ExitStack) -> Path:
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "--", catalogue_dir.as_posix()],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="qlqd-submit-")))
    if archive.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(folder, filter="data")
    return folder / catalogue_dir
