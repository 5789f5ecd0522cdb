"""`python -m generator`: the command line, or how to enter the environment when run from a Python without it.

Kept to syntax and modules of Python 3.7 and later, so that an old or bare interpreter gets the advice, not a traceback.
"""

from __future__ import annotations

import os
import sys

MIN_PYTHON = (3, 11)


def advice(problem: str, windows: bool) -> str:
    """The problem, then how to enter the generator's virtual environment on this system."""
    if windows:
        activate, python = r".venv\Scripts\activate", r".venv\Scripts\python -m generator …"
    else:
        activate, python = "source .venv/bin/activate", ".venv/bin/python -m generator …"
    return "\n".join(
        [
            problem,
            "生成器安装在虚拟环境 .venv 中。请先在仓库目录中进入虚拟环境再运行:",
            f"    {activate}",
            f"或者直接使用虚拟环境中的 Python:{python}",
            "还没有虚拟环境时,按编辑指南「安装生成器」一节安装(生成器的源代码目录中也可以运行 make setup)。",
        ]
    )


def missing_module(exc: ModuleNotFoundError) -> str | None:
    """The package that is not installed, or None when the missing module is part of the generator itself."""
    top = (exc.name or "").split(".")[0]
    return None if top in ("", "generator") else top


def fail(message: str) -> None:
    """The message on stderr, exit 2 as for a usage error: the catalogue was not looked at."""
    print(message, file=sys.stderr)
    sys.exit(2)


def main() -> None:
    windows = os.name == "nt"
    if sys.version_info < MIN_PYTHON:
        found = ".".join(map(str, sys.version_info[:3]))
        problem = f"生成器需要 Python 3.11 或更高版本,当前的 Python({sys.executable})是 {found}。"
        fail(advice(problem, windows))
    try:
        from generator.commands import main as cli
    except ModuleNotFoundError as exc:
        package = missing_module(exc)
        if package is None:
            raise
        problem = f"无法运行生成器:当前的 Python({sys.executable})中没有它需要的软件包「{package}」。"
        fail(advice(problem, windows))
    cli()


if __name__ == "__main__":
    main()
