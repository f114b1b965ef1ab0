"""Character classes for Python's `re`, and stand-ins for code points above U+FFFF.

Python's `re` tests a character class with code points above U+FFFF by
walking a list of ranges, which is slow; within the BMP it uses a table.  So
the engine's patterns use BMP-only classes, and text holding astral code
points is matched through a copy in which each of them is replaced by a BMP
stand-in of the same class.  The copy has the same length, so match positions
found in it hold for the original text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

__all__ = ["ASTRAL_CHAR_RE", "ASTRAL_RE", "StandIns", "astral", "bmp", "char_class", "translate"]

# One run of astral code points; `finditer` and `sub` call back per run, not per character.
ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]+")
# One astral code point: `search` scans for it several times faster than for a run.
ASTRAL_CHAR_RE = re.compile("[\U00010000-\U0010ffff]")
# Longer runs are translated in slices this long.
_SLICE = 1 << 12


def translate(text: str, table: Mapping[int, str]) -> str:
    """`text.translate(table)`, long texts a slice at a time so that other
    threads get the GIL in between."""
    if len(text) <= _SLICE:
        return text.translate(table)
    return "".join([text[i : i + _SLICE].translate(table) for i in range(0, len(text), _SLICE)])


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


class _Translation(dict[int, str]):
    """code point -> stand-in, for `str.translate`; filled on first sight
    from a table of one byte per astral code point."""

    __slots__ = ("_stand_ins", "_table")

    def __init__(self, table: bytes, stand_ins: list[str]) -> None:
        super().__init__()
        self._table = table
        self._stand_ins = stand_ins

    def __missing__(self, cp: int) -> str:
        stand_in = self[cp] = self._stand_ins[self._table[cp - 0x10000]]
        return stand_in


class StandIns:
    """Replaces each code point above U+FFFF by a BMP stand-in that depends
    only on which group of ranges holds it: the first group, in the given
    order, that does; `default` when none does.  Lengths are kept.

    Runs of astral code points go through `str.translate` with a cache of the
    code points met so far; a new one is looked up in a table of one byte per
    astral code point (1 MB), not searched for in the ranges.
    """

    def __init__(self, groups: Sequence[tuple[Sequence[tuple[int, int]], str]], default: str) -> None:
        table = bytearray(0x100000)  # index into stand_ins, 0 = default
        # later groups first, so that earlier ones win where they overlap
        for index, (ranges, _) in reversed(list(enumerate(groups, start=1))):
            for lo, hi in astral(ranges):
                table[lo - 0x10000 : hi + 1 - 0x10000] = bytes([index]) * (hi + 1 - lo)
        self._translation = _Translation(bytes(table), [default, *(tag for _, tag in groups)])

    def _run(self, match: re.Match[str]) -> str:
        return translate(match.group(), self._translation)

    def mask(self, text: str) -> str:
        """`text` with every astral code point replaced by its stand-in."""
        return ASTRAL_RE.sub(self._run, text)
