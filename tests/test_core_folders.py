"""How the outputs' cache folders are kept: files written whole or not at all, pruned to what a build used."""

from __future__ import annotations

import os

import pytest

from generator.core.folders import keep_only, write_atomic


def test_a_file_is_written_whole_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "page.html"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_a_write_cut_short_leaves_the_old_file_and_a_partial_one_the_prune_removes(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_bytes(b"old")

    def killed(source: object, destination: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert len(list(tmp_path.iterdir())) == 2
    keep_only(tmp_path, {"page.html"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_keep_only_removes_what_the_build_did_not_use_and_accepts_a_missing_folder(tmp_path):
    for name in ("used", "unused", ".hidden"):
        (tmp_path / name).write_bytes(b"")
    keep_only(tmp_path, {"used"})
    assert [p.name for p in tmp_path.iterdir()] == ["used"]
    keep_only(tmp_path / "never-made", {"used"})
