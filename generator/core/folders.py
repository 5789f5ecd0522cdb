"""Folders that builds and previews leave behind: whether their process still runs, and removing them without
waiting. Removing a site of many thousand pages takes tens of seconds on a busy disk; nothing should wait for it.
And the two ways every cache folder of the outputs is kept: files written whole or not at all, and pruned to what a
build used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

_REMOVE = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"


def running(pid: int) -> bool:
    """True if a process with this id exists (this one included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_in_background(folder: Path) -> None:
    """Remove folder in a process of its own that outlives this one; the caller goes on at once."""
    detached = {"start_new_session": True} if os.name == "posix" else {"creationflags": 0x00000008}  # DETACHED
    subprocess.Popen(
        [sys.executable, "-c", _REMOVE, str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        **detached,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write data to path whole or not at all: into a partial file beside it, renamed over it (a killed build leaves
    only the partial file, which the folder's next keep_only removes)."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def keep_only(folder: Path, used: set[str]) -> None:
    """Remove every file of folder whose name is not in used: what this build did not use, and partial files."""
    if folder.is_dir():
        for path in folder.iterdir():
            if path.name not in used:
                path.unlink(missing_ok=True)
