"""fmt's first pass: every block mapping's keys in canonical order, by moving whole lines, so that the comments
above a key travel with it."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from generator.editing.model_keys import Model, key_rank, sub_model


def is_flow(node: Any) -> bool:
    """True for a mapping or list written inline ({a: 1} or [a, b])."""
    return bool(node.fa.flow_style())


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _lead(lines: list[str], line: int, lower: int) -> int:
    """First line of the comments directly above line (no blank line between)."""
    while line > lower and _is_comment(lines[line - 1]):
        line -= 1
    return line


def _within(lines_of: list[int], start: int, end: int) -> bool:
    return all(start <= n < end for n in lines_of) and lines_of == sorted(lines_of)


def reorder(lines: list[str], node: Any, model: Model, start: int, end: int) -> list[str]:
    """Lines start..end holding node, with every block mapping's keys in canonical order."""
    if isinstance(node, CommentedMap) and node and not is_flow(node):
        return _reorder_map(lines, node, model, start, end)
    if isinstance(node, CommentedSeq) and node and not is_flow(node):
        return _reorder_seq(lines, node, model, start, end)
    return lines[start:end]


def _reorder_seq(lines: list[str], node: CommentedSeq, model: Model, start: int, end: int) -> list[str]:
    items = [node.lc.item(i)[0] for i in range(len(node))]
    if not _within(items, start, end):
        return lines[start:end]
    leads = [_lead(lines, n, start if i == 0 else items[i - 1] + 1) for i, n in enumerate(items)]
    out = lines[start : leads[0]]
    for i, item in enumerate(node):
        stop = leads[i + 1] if i + 1 < len(node) else end
        out += lines[leads[i] : items[i]]
        if isinstance(item, CommentedMap) and item and not is_flow(item):
            out += _reorder_map(lines, item, model, items[i], stop)
        else:
            out += lines[items[i] : stop]
    return out


def _reorder_map(lines: list[str], node: CommentedMap, model: Model, start: int, end: int) -> list[str]:
    keys = list(node)
    at = [node.lc.key(k)[0] for k in keys]
    if not _within(at, start, end) or len(set(at)) != len(at):
        return lines[start:end]
    leads = []
    for i, line in enumerate(at):
        after_block = i > 0 and isinstance(node[keys[i - 1]], (LiteralScalarString, FoldedScalarString))
        leads.append(line if after_block else _lead(lines, line, start if i == 0 else at[i - 1] + 1))
    tail = end  # blank lines closing the mapping stay at its end, whichever key comes last
    while tail > at[-1] + 1 and not lines[tail - 1].strip():
        tail -= 1
    pieces = []
    for i, key in enumerate(keys):
        stop = leads[i + 1] if i + 1 < len(keys) else tail
        value = reorder(lines, node[key], sub_model(model, key), at[i] + 1, stop)
        pieces.append((lines[leads[i] : at[i] + 1] + value, at[i] - leads[i]))
    rank = key_rank(model, keys)
    order = sorted(range(len(keys)), key=rank.__getitem__)
    if order != sorted(order):
        pieces = _move_dash(lines, node, keys, at, pieces, order)
    return lines[start : leads[0]] + [line for piece, _ in pieces for line in piece] + lines[tail:end]


def _move_dash(lines: list[str], node: CommentedMap, keys: list, at: list[int], pieces: list, order: list[int]) -> list:
    """Reorder pieces; in a list item ("- key: …") the dash moves to the new first key."""
    column = node.lc.key(keys[0])[1]
    prefix = lines[at[0]][:column]
    if not prefix.strip():
        return [pieces[i] for i in order]
    first, key_line = pieces[0]
    first = [*first[:key_line], " " * column + first[key_line][column:], *first[key_line + 1 :]]
    pieces = [(first, key_line), *pieces[1:]]
    new_first, new_line = pieces[order[0]]
    if new_first[new_line][:column].strip():
        return pieces  # an unusual layout: keep the order rather than risk it
    new_first = [*new_first[:new_line], prefix + new_first[new_line][column:], *new_first[new_line + 1 :]]
    pieces[order[0]] = (new_first, new_line)
    return [pieces[i] for i in order]
