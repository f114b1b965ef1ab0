"""Character classes for Python's `re`, and stand-ins for code points above U+FFFF.

Python's `re` tests a character class with code points above U+FFFF by
walking a list of ranges, which is slow; within the BMP it uses a table.  So
the engine's patterns use BMP-only classes, and text holding astral code
points is matched through a copy in which each of them is replaced by a BMP
stand-in of the same class.  The copy has the same length, so match positions
found in it hold for the original text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

__all__ = ["ASTRAL_RE", "StandIns", "astral", "bmp", "char_class"]

# One run of astral code points; `finditer` and `sub` call back per run, not per character.
ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]+")


def char_class(ranges: Sequence[tuple[int, int]]) -> str:
    """The inside of a regex `[...]` matching exactly the given code point ranges."""
    out: list[str] = []
    for lo, hi in ranges:
        out.append(f"\\U{lo:08X}" if lo == hi else f"\\U{lo:08X}-\\U{hi:08X}")
    return "".join(out)


def bmp(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `ranges` at or below U+FFFF."""
    return [(lo, min(hi, 0xFFFF)) for lo, hi in ranges if lo <= 0xFFFF]


def astral(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `ranges` above U+FFFF."""
    return [(max(lo, 0x10000), hi) for lo, hi in ranges if hi > 0xFFFF]


class _Table(dict[int, str]):
    """code point -> stand-in, for `str.translate`; filled on first sight."""

    __slots__ = ("_default", "_groups")

    def __init__(self, groups: Sequence[tuple[list[int], list[int], str]], default: str) -> None:
        super().__init__()
        self._groups = groups
        self._default = default

    def __missing__(self, cp: int) -> str:
        stand_in = self._default
        for starts, ends, tag in self._groups:
            i = bisect.bisect_right(starts, cp) - 1
            if i >= 0 and cp <= ends[i]:
                stand_in = tag
                break
        self[cp] = stand_in
        return stand_in


class StandIns:
    """Replaces each code point above U+FFFF by a BMP stand-in that depends
    only on which group of ranges holds it: the first group, in the given
    order, that does; `default` when none does.  Lengths are kept."""

    def __init__(self, groups: Sequence[tuple[Sequence[tuple[int, int]], str]], default: str) -> None:
        tables: list[tuple[list[int], list[int], str]] = []
        for ranges, tag in groups:
            ordered = sorted(astral(ranges))
            tables.append(([lo for lo, _ in ordered], [hi for _, hi in ordered], tag))
        self._table = _Table(tables, default)

    def _run(self, match: re.Match[str]) -> str:
        return match.group().translate(self._table)

    def mask(self, text: str) -> str:
        """`text` with every astral code point replaced by its stand-in."""
        return ASTRAL_RE.sub(self._run, text)
