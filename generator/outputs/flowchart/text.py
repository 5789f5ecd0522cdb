"""Record text made safe and short enough for a chart: control characters out, lines wrapped, markup escaped."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

_NEWLINES = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# A run of visible ASCII (a number, a code, a URL) stays whole where it fits; anything else breaks per character.
_TOKEN = re.compile(r"[!-~]+|\s+|.", re.S)
_LONG_RUN_BREAKS = "/.-_?&=,;:"
# Closing punctuation never starts a line: it may overhang the width instead.
_NO_LINE_START = frozenset("，。、；：！？）」』】〕》〉…,.;:!?)]}%")


def clean(text: str) -> str:
    """The text with line breaks normalised to \\n and every control, format (bidi, zero-width) and
    surrogate character removed, tabs as spaces."""
    text = _NEWLINES.sub("\n", text).replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))


def width_of(text: str) -> int:
    """Display width in half-width units: a CJK character counts 2, Latin 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@functools.lru_cache(maxsize=8192)  # charts repeat many texts: posts, supervision, complaints, the legend
def wrap(text: str, width: int) -> tuple[str, ...]:
    """Cleaned text as lines of at most `width` half-width units (closing punctuation may overhang)."""
    lines: list[str] = []
    for paragraph in clean(text).split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width))
    return tuple(line for line in lines if line) or ("",)


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines: list[str] = []
    line, used = "", 0
    for token in _TOKEN.findall(paragraph):
        if token.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        pieces = _split_long(token, width)
        if len(pieces) > 1 and line:  # a long URL or number starts on a line of its own
            lines.append(line.rstrip())
            line, used = "", 0
        for piece in pieces:
            size = width_of(piece)
            if line and used + size > width and piece[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + piece, used + size
    lines.append(line.rstrip())
    return _no_orphan(lines)


def _no_orphan(lines: list[str]) -> list[str]:
    """A last line of one Chinese character takes the previous line's last character with it."""
    if len(lines) < 2 or width_of(lines[-1]) != 2 or len(lines[-2]) < 3:
        return lines
    moved = lines[-2][-1]
    if width_of(moved) != 2 or moved in _NO_LINE_START:
        return lines
    return [*lines[:-2], lines[-2][:-1], moved + lines[-1]]


def _split_long(token: str, width: int) -> list[str]:
    """An ASCII run longer than a line, cut after a separator (/ . - ...) where one is near the end."""
    pieces = []
    while width_of(token) > width:
        cut = max(token.rfind(ch, 0, width) for ch in _LONG_RUN_BREAKS) + 1
        cut = cut if cut > width // 2 else width
        pieces.append(token[:cut])
        token = token[cut:]
    return [*pieces, token] if token else pieces


def escape(text: str) -> str:
    """Text for a Graphviz HTML-like label: markup characters as entities, backslashes doubled, because
    Graphviz expands \\N, \\G, \\L ... even inside HTML-like labels, and "]" as an entity, because a
    label whose last cell ends in "]" is a syntax error for Graphviz 2.43 ("non-space string after </TABLE>")."""
    return html.escape(text, quote=True).replace("\\", "\\\\").replace("]", "&#93;")


def dot_id(text: str) -> str:
    """A quoted DOT id made of letters, digits, _ and - only (record ids and codes already are)."""
    return '"' + re.sub(r"[^A-Za-z0-9_-]", "_", text) + '"'
