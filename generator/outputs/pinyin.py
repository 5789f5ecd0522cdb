"""The pinyin of power names, for the A–Z index and the kiosk: read with pypinyin's phrase dictionary,
so that polyphonic characters read as they do in the name (行政 xíng, 银行 háng, 重新 chóng, 单位 dān)."""

from __future__ import annotations

from functools import cache

from pypinyin import Style, lazy_pinyin

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
OTHER = "#"  # the group of names that start with neither a Chinese character nor a Latin letter


@cache
def reading(name: str) -> str:
    """The name in pinyin with tone marks, syllables separated by spaces: 行政许可 → xíng zhèng xǔ kě."""
    return " ".join(part.strip() for part in lazy_pinyin(name, style=Style.TONE) if part.strip())


@cache
def plain(name: str) -> str:
    """The name in pinyin without tones, in lower case: the sort key's first part."""
    return " ".join(part.strip().lower() for part in lazy_pinyin(name) if part.strip())


def initial(name: str) -> str:
    """The capital letter the name is listed under, or # when it starts with neither hanzi nor a letter."""
    first = plain(name)[:1].upper()
    return first if first in LETTERS else OTHER


def sort_key(name: str) -> tuple[str, str]:
    """Order by pinyin, then by the characters themselves, so that the order is total and stable."""
    return plain(name), name
