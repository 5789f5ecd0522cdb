"""The attachments of the edition's powers (blank and sample filled-in forms), copied into the site beside each
power's page under their stable names (wording.attachment_path). An edition holds attachments only for the
powers it shows in full: a confidential or internal power's files never reach the public site."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from generator.core.edition import Edition
from generator.core.problems import GeneratorError
from generator.outputs.wording import attachment_path


class AttachmentGone(GeneratorError):
    """An attachment that check accepted was removed or replaced by a link before it could be copied."""


def copy_attachments(edition: Edition, site_dir: Path, advance: Callable[[int], None] = lambda _: None) -> list[str]:
    """Copy every attachment of the edition into site_dir; the site paths written, sorted."""
    written = []
    for power in edition.powers():
        for attachment in power.attachments:
            source = attachment.source
            if source.is_symlink() or not source.is_file():  # check resolved it: a link now means it changed since
                raise AttachmentGone(f"附件 {power.dept_slug}/{attachment.written} 在检查后被删除或改动,请重新生成")
            path = attachment_path(power.code, attachment.name)
            target = site_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(path)
            advance(1)
    return sorted(written)
