"""The MkDocs adapter: `mkdocs serve` watches the catalogue, so an edited record rebuilds the pages."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import load_config

ROOT = Path(__file__).resolve().parents[1]


def test_serve_watches_the_catalogue_folder(monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("QLQD_POWERS", raising=False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # on_config would set it for the whole test run
    config = load_config(str(ROOT / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    assert str(ROOT / "powers") in [str(Path(p).resolve()) for p in config.watch]
    assert config.site_name == "复兴区人民政府行政权力清单"
