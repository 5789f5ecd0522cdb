"""Defects that cannot sensibly live in git: huge, binary, re-encoded or symlinked files.

Each builder takes the case's work folder (the catalogue is `work/powers`, already copied from
tests/bad/_base and patched) and plants its one defect there.
"""

from __future__ import annotations

import codecs
import shutil
from collections.abc import Callable
from pathlib import Path

INSPECTION = "tjj/FX01TJ-JC-0001.yaml"  # the smallest record of the base catalogue
LONG_STEPS = 3000  # longer than Python's recursion limit: graph walks must not recurse per step


def _record(work: Path) -> Path:
    return work / "powers" / INSPECTION


def _text(work: Path) -> str:
    return _record(work).read_text(encoding="utf-8")


def _with_name(work: Path, name: str) -> str:
    return _text(work).replace("name: 统计执法检查", f"name: {name}", 1)


def gbk(work: Path) -> None:
    _record(work).write_bytes(_text(work).encode("gbk"))


def utf16(work: Path) -> None:
    _record(work).write_bytes(_text(work).encode("utf-16"))  # with a BOM, as Windows tools write it


def utf8_bom(work: Path) -> None:
    _record(work).write_bytes(codecs.BOM_UTF8 + _text(work).encode("utf-8"))


def crlf(work: Path) -> None:
    _record(work).write_bytes(_text(work).replace("\n", "\r\n").encode("utf-8"))


def nul_byte(work: Path) -> None:
    _record(work).write_text(_with_name(work, "统计执法\x00检查"), encoding="utf-8")


def terminal_colours(work: Path) -> None:
    _record(work).write_text(_with_name(work, "\x1b[31m统计执法检查\x1b[0m"), encoding="utf-8")


def deep_nesting(work: Path) -> None:
    depth = 100_000  # deep enough to overflow the C stack of an unguarded parser
    _record(work).write_text(_with_name(work, "[" * depth + "]" * depth), encoding="utf-8")


def file_over_limit(work: Path) -> None:
    _record(work).write_text(_text(work) + "# " + "注" * 400_000 + "\n", encoding="utf-8")


def alias_repeats_long_text(work: Path) -> None:
    """Each alias is one node but repeats 100 000 characters: a bomb the node count alone misses."""
    repeats = "".join("  - *long\n" for _ in range(100))
    _record(work).write_text(
        _text(work) + "accountability:\n  - &long " + "长" * 100_000 + "\n" + repeats, encoding="utf-8"
    )


def _procedure(steps: list[str]) -> str:
    return "procedure:\n  trigger: 依职权\n  steps:\n" + "".join(steps)


def _replace_procedure(work: Path, steps: list[str]) -> None:
    head, tail = _text(work).split("procedure:", 1)
    _record(work).write_text(head + _procedure(steps) + "status:" + tail.split("status:", 1)[1], encoding="utf-8")


def long_cycle(work: Path) -> None:
    """A chain of LONG_STEPS steps whose last step leads back to the one before it."""
    last = LONG_STEPS - 1
    steps = [
        f"    - {{id: s{i}, name: 步骤{i}, post: 执法人员, next: s{i + 1 if i < last else i - 1}}}\n"
        for i in range(LONG_STEPS)
    ]
    _replace_procedure(work, steps)


def long_procedure(work: Path) -> None:
    """A valid chain of LONG_STEPS steps under a promised time limit: the longest path is walked."""
    last = LONG_STEPS - 1
    steps = [
        f"    - {{id: s{i}, name: 步骤{i}, post: 执法人员, days: 0" + (f", next: s{i + 1}}}\n" if i < last else "}\n")
        for i in range(LONG_STEPS)
    ]
    _replace_procedure(work, steps)
    text = _text(work).replace("status:", "time_limit:\n  statutory: 30\n  promised: 15\nstatus:", 1)
    _record(work).write_text(text, encoding="utf-8")


def _outside(work: Path) -> Path:
    outside = work / "outside"
    outside.mkdir(exist_ok=True)
    return outside


def symlink_file_out(work: Path) -> None:
    """A record that is a symlink to a file outside the catalogue (it could be any file on the machine)."""
    secret = _outside(work) / "secret.yaml"
    secret.write_text(_text(work).replace("JC-0001", "JC-0002"), encoding="utf-8")
    (work / "powers" / "tjj" / "FX01TJ-JC-0002.yaml").symlink_to(Path("..", "..", "outside", "secret.yaml"))


def symlink_folder_out(work: Path) -> None:
    """A department folder that is a symlink to a folder outside the catalogue."""
    shutil.copytree(work / "powers" / "tjj", _outside(work) / "ext")
    (work / "powers" / "ext").symlink_to(Path("..", "outside", "ext"), target_is_directory=True)


def symlink_loop(work: Path) -> None:
    """Two records that are symlinks to each other."""
    folder = work / "powers" / "tjj"
    (folder / "FX01TJ-JC-0002.yaml").symlink_to("FX01TJ-JC-0003.yaml")
    (folder / "FX01TJ-JC-0003.yaml").symlink_to("FX01TJ-JC-0002.yaml")


ATTACHMENT = Path("powers", "scjg", "forms", "申请书.pdf")  # the form the attachment cases' record names


def attachment_oversize(work: Path) -> None:
    """A form one byte over the limit (a real PDF header, so that only its size is wrong)."""
    path = work / ATTACHMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 8))


def attachment_symlink_out(work: Path) -> None:
    """A form that is a symlink to a file outside the catalogue (it would be published as the form)."""
    secret = _outside(work) / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4\nsecret\n")
    path = work / ATTACHMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(Path("..", "..", "..", "outside", "secret.pdf"))


def missing_folder(work: Path) -> None:
    shutil.rmtree(work / "powers")


BUILDERS: dict[str, Callable[[Path], None]] = {
    "E001-gbk-file": gbk,
    "E001-utf16-file": utf16,
    "E002-deep-nesting": deep_nesting,
    "E005-alias-repeats-long-text": alias_repeats_long_text,
    "E006-file-over-limit": file_over_limit,
    "E009-symlink-file-out": symlink_file_out,
    "E009-symlink-folder-out": symlink_folder_out,
    "E010-nul-byte": nul_byte,
    "E010-terminal-colour-codes": terminal_colours,
    "E017-missing-folder": missing_folder,
    "E018-symlink-loop": symlink_loop,
    "E211-cycle-at-end-of-long-procedure": long_cycle,
    "E235-attachment-oversize": attachment_oversize,
    "E236-attachment-symlink-out": attachment_symlink_out,
    "ok-utf8-bom": utf8_bom,
    "ok-windows-line-endings": crlf,
    "ok-long-procedure": long_procedure,
}
