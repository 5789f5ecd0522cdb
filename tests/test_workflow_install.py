"""Installing the generator the way the CI example does, in a fresh virtual environment, then running the example's
commands from it; and `python -m generator` from a Python without the generator's packages saying how to enter one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from workflow_fixture import FIXTURE

from generator.__main__ import advice, missing_module

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "examples" / "ci" / "check-pull-request.yml"
BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c")  # how GitHub Actions runs a step's script


def sh(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def steps() -> dict[str, str]:
    """The CI example's steps that run a script, by name."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return {s["name"]: s["run"] for s in workflow["jobs"]["check"]["steps"] if "run" in s}


def step_env(venv: Path, **extra: str) -> dict[str, str]:
    """The environment of a CI step after setup-python: `python` is the venv's."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env['PATH']}", **extra}


def copy_checkout(target: Path) -> Path:
    """The files a clone of this checkout has (tracked, or new and not ignored), as they are in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A new venv with the generator installed by the example's install step, from a copy of this working tree.

    The copy stands for the git URL (an in-tree build would write build/ into the repository); `-c constraints.txt`
    makes pip choose the versions the test suite runs with."""
    base = tmp_path_factory.mktemp("install")
    source = copy_checkout(base / "qlqd-generator")
    venv = base / "venv"
    made = sh(sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    script = steps()["安装生成器"] + f" -c {ROOT / 'constraints.txt'}"
    installed = sh(*BASH, script, cwd=base, env=step_env(venv, GENERATOR=source.as_uri()))
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv


@pytest.mark.slow
def test_the_installed_generator_checks_the_sample_catalogue(venv):
    done = sh(venv / "bin" / "python", "-m", "generator", "check", "--strict", ROOT / "powers", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.endswith("0 个错误, 0 个警告\n")
    assert sh(venv / "bin" / "qlqd", "--version").stdout.strip().endswith("0.1.0")  # the console script too


@pytest.mark.slow
def test_the_installed_generator_has_its_templates(venv, tmp_path):
    out, cache = tmp_path / "site", tmp_path / "cache"
    done = sh(venv / "bin" / "python", "-m", "generator", "pdf", "--powers", FIXTURE, "--out", out, "--cache", cache)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "pdf" / "FX01TJ-XK-0001.pdf").stat().st_size > 0 and (out / "pdf" / "catalogue.pdf").is_file()


def git(repo: Path, *args: str) -> str:
    config = ["-c", "user.name=测试", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"]
    done = sh("git", *config, *args, cwd=repo)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def pull_request(tmp_path) -> Path:
    """A clone (origin/main: the fixture catalogue) on a branch whose commit changes a power and records it."""
    upstream = tmp_path / "upstream"
    shutil.copytree(FIXTURE, upstream / "powers")
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "add", "powers")
    git(upstream, "commit", "-q", "-m", "初始清单")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(upstream), str(work))
    git(work, "switch", "-q", "-c", "tjj-shorten")
    record = work / "powers" / "tjj" / "FX01TJ-XK-0001.yaml"
    text = record.read_text(encoding="utf-8").replace("promised: 10  # 比法定时限缩短一半", "promised: 8")
    record.write_text(text + "  - date: 2024-06-15\n    note: 承诺时限缩短为8个工作日\n", encoding="utf-8")
    git(work, "commit", "-q", "-am", "统计局:缩短承诺时限")
    return work


def run_step(name: str, venv: Path, work: Path) -> subprocess.CompletedProcess:
    summary = work.parent / "summary.md"
    return sh(*BASH, steps()[name], cwd=work, env=step_env(venv, BASE_REF="main", GITHUB_STEP_SUMMARY=summary))


@pytest.mark.slow
def test_the_ci_steps_report_and_pass_a_good_request(venv, pull_request):
    report = run_step("生成变更报告", venv, pull_request)
    assert report.returncode == 0, report.stderr
    text = (pull_request / "diff-report.md").read_text(encoding="utf-8")
    assert text.startswith("## 权力清单变更报告\n") and "| 10 | 8 |" in text
    assert "没有需要特别注意的变更" in text  # shorter, and recorded in a new revision entry
    assert (pull_request.parent / "summary.md").read_text(encoding="utf-8") == text
    for name in ("检查格式", "检查内容"):
        done = run_step(name, venv, pull_request)
        assert done.returncode == 0, name + done.stdout + done.stderr


@pytest.mark.slow
def test_the_ci_check_fails_a_misordered_revision(venv, pull_request):
    record = pull_request / "powers" / "tjj" / "FX01TJ-XK-0001.yaml"
    text = record.read_text(encoding="utf-8").replace("- date: 2024-01-01", "- date: 2024-07-01")  # before 06-15
    record.write_text(text, encoding="utf-8")
    done = run_step("检查内容", venv, pull_request)
    assert done.returncode == 1
    assert done.stdout.endswith("5 个事项, 0 个错误, 1 个警告\n") and "W204 修订记录应按日期从旧到新排列" in done.stdout


# --- outside the environment --------------------------------------------------------------------

OUTSIDE = "无法运行生成器:当前的 Python({python})中没有它需要的软件包「click」。"


def test_a_python_without_the_packages_says_how_to_enter_the_environment():
    """The venv's interpreter without its site-packages (-S) stands for any Python the generator is not installed in."""
    done = sh(sys.executable, "-E", "-S", "-m", "generator", "check", cwd=ROOT)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == advice(OUTSIDE.format(python=sys.executable), windows=False) + "\n"
    assert "source .venv/bin/activate" in done.stderr and "Traceback" not in done.stderr


def test_the_system_python_says_how_to_enter_the_environment():
    system = Path("/usr/bin/python3")
    fits = "import sys, importlib.util as u; print(sys.version_info >= (3, 11) and u.find_spec('click') is None)"
    if not system.exists() or sh(system, "-E", "-s", "-c", fits).stdout.strip() != "True":
        pytest.skip("no /usr/bin/python3 3.11+ without click on this machine")
    done = sh(system, "-E", "-s", "-m", "generator", "check", cwd=ROOT)
    assert done.returncode == 2 and OUTSIDE.format(python=system) in done.stderr
    assert "Traceback" not in done.stderr


def test_an_old_python_is_told_which_version_is_needed():
    pretend = "import runpy, sys; sys.version_info = (3, 8, 10); runpy.run_module('generator', run_name='__main__')"
    done = sh(sys.executable, "-E", "-S", "-c", pretend, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.startswith(f"生成器需要 Python 3.11 或更高版本,当前的 Python({sys.executable})是 3.8.10。\n")


def test_the_advice_names_the_commands_of_each_system():
    assert "    source .venv/bin/activate\n" in advice("问题", windows=False)
    windows = advice("问题", windows=True)
    assert "    .venv\\Scripts\\activate\n" in windows
    assert "直接使用虚拟环境中的 Python:.venv\\Scripts\\python -m generator" in windows


@pytest.mark.parametrize(
    ("name", "package"), [("click", "click"), ("ruamel.yaml", "ruamel"), ("generator.nothing", None), (None, None)]
)
def test_only_a_missing_package_is_explained(name, package):
    assert missing_module(ModuleNotFoundError("…", name=name)) == package
