"""Where the first of many stop sequences occurs in a text, without one scan of the text per sequence.

A request may carry 8,191 stop sequences; looking for each in a megabyte of echoed text is 8,191
scans (seconds of work). Short sequences are merged into one regular expression shaped as their
prefix tree, so the text is scanned once and each position costs a walk down that tree (a node
with many branches is split in halves by character range, so a wide node costs a few range checks,
not one check per branch). Long sequences, few by nature, are still found one by one (``str.find``
is linear in the text for any one of them, where a tree walk could go as deep as the sequence).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

__all__ = ["first_stop"]

# Rough costs in nanoseconds, measured on CPython 3.11: compiling the tree per character of its
# sequences, scanning with it per character of text, and one ``str.find`` per character of text.
_COMPILE_NS: Final = 6000
_TREE_SCAN_NS: Final = 300
_FIND_NS: Final = 1
# Sequences up to this long go into the tree (a position's walk is at most this deep).
_TREE_DEPTH: Final = 64
# A node with more branches than this is split in halves by character range.
_WIDE: Final = 8

_Node = dict[str, "_Node"]
_END: Final = ""  # marks a node where a sequence ends


def first_stop(text: str, sequences: Sequence[str]) -> tuple[int, str] | None:
    """The earliest start of any sequence in ``text`` and that sequence (at one start, the first listed).

    Empty sequences are ignored. The sequence must lie wholly inside ``text``.
    """
    ranked = [sequence for sequence in dict.fromkeys(sequences) if sequence]
    rank = {sequence: index for index, sequence in enumerate(ranked)}
    best: tuple[int, int] | None = None  # (start, rank)
    one_by_one = ranked
    short = [sequence for sequence in ranked if len(sequence) <= _TREE_DEPTH]
    # The tree pays off only with many sequences (hundreds at least): compiling it is slow.
    tree_cost = _COMPILE_NS * sum(map(len, short)) + _TREE_SCAN_NS * len(text)
    if short and tree_cost < _FIND_NS * len(short) * len(text):
        one_by_one = [sequence for sequence in ranked if len(sequence) > _TREE_DEPTH]
        found = _tree_pattern(short).search(text)
        if found is not None:
            start = found.start()
            best = (start, min(rank[s] for s in short if text.startswith(s, start)))
    for sequence in one_by_one:
        # A match starting after the best one so far cannot win: stop the scan there.
        end = len(text) if best is None else best[0] + len(sequence)
        start = text.find(sequence, 0, end)
        if start >= 0 and (best is None or (start, rank[sequence]) < best):
            best = (start, rank[sequence])
    if best is None:
        return None
    return best[0], ranked[best[1]]


def _tree_pattern(sequences: Sequence[str]) -> re.Pattern[str]:
    root: _Node = {}
    for sequence in sequences:
        node = root
        for char in sequence:
            node = node.setdefault(char, {})
        node[_END] = {}
    return re.compile(_node_pattern(root), re.DOTALL)


def _node_pattern(node: _Node) -> str:
    """What may follow a node: one of its branches, optional where a sequence ends here."""
    branches = sorted((char, child) for char, child in node.items() if char != _END)
    if not branches:
        return ""
    body = _branches_pattern(branches)
    return f"(?:{body})?" if _END in node else body


def _branch_pattern(char: str, child: _Node) -> str:
    # A run of nodes with one branch each and no sequence ending is one literal (no nested groups,
    # which the pattern compiler is slow on).
    run = [char]
    while len(child) == 1 and _END not in child:
        ((char, child),) = child.items()
        run.append(char)
    return re.escape("".join(run)) + _node_pattern(child)


def _branches_pattern(branches: list[tuple[str, _Node]]) -> str:
    if len(branches) <= _WIDE:
        return "(?:" + "|".join(_branch_pattern(char, child) for char, child in branches) + ")"
    # Sorted branches: the left half holds exactly the characters from its first to its last.
    half = len(branches) // 2
    low, high = re.escape(branches[0][0]), re.escape(branches[half - 1][0])
    return f"(?:(?=[{low}-{high}]){_branches_pattern(branches[:half])}|{_branches_pattern(branches[half:])})"
