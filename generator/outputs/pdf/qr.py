"""QR codes to a power's page, as tiny PNG data URIs: one pixel a module, drawn without smoothing."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=256)  # a card and a poster of the same power, rendered by the same worker
def qr_uri(url: str) -> str:
    """A QR code (error correction M, 4-module quiet zone) as a 1-bit PNG data URI."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=1, border=4)
