"""NFKC as the reference `tokenizers` library applies it, in linear time.

Two things stand between `unicodedata.normalize("NFKC", ...)` and the
reference:

- Code points newer than the reference's Unicode data (`NORMALIZER_GAPS`):
  the reference leaves them alone, and they cut the text; the parts between
  them are normalised on their own.
- Time: CPython puts combining marks in canonical order by insertion, which
  is quadratic in the length of a run of marks that is out of order (40,000
  alternating marks take seconds).  Runs that long are first decomposed and
  stably sorted by combining class here, which is the same canonical
  reordering, so `unicodedata` then finds them in order.
"""

from __future__ import annotations

import re
import unicodedata

from . import _unicode
from ._astral import ASTRAL_CHAR_RE, StandIns, bmp, char_class, translate

__all__ = ["Normalizer"]

# Runs of marks shorter than this are left to `unicodedata` as they are: its
# reordering of one costs at most about (this * 2)^2 steps.
_LONG_RUN = 16
# A BMP code point of non-zero combining class, standing in for astral ones.
_MARK_STAND_IN = "\u0300"


class _Decompositions(dict[int, str]):
    """code point -> its NFKD, for `str.translate`; filled on first sight."""

    __slots__ = ()

    def __missing__(self, cp: int) -> str:
        decomposed = self[cp] = unicodedata.normalize("NFKD", chr(cp))
        return decomposed


class Normalizer:
    """NFKC of the reference: `normalize(text)`.  Safe to share between threads."""

    def __init__(self) -> None:
        gaps = bmp(_unicode.NORMALIZER_GAPS)
        self._gaps_re = re.compile(f"[{char_class(gaps)}]+")
        gap_stand_in = next(chr(lo) for lo, _ in gaps if lo > 0x7F)
        marks = f"[{char_class(bmp(_unicode.NON_STARTER))}]"
        # written out twice so that `re` scans for the first mark in C
        self._long_run_re = re.compile(f"{marks}{marks}{{{_LONG_RUN - 1},}}")
        self._stand_ins = StandIns(
            [(_unicode.NORMALIZER_GAPS, gap_stand_in), (_unicode.NON_STARTER, _MARK_STAND_IN)], "a"
        )
        self._decompositions = _Decompositions()

    def normalize(self, text: str, astral: bool = True) -> str:
        """NFKC of `text` as the reference computes it; `astral=False` promises
        that `text` holds no code point above U+FFFF."""
        if text.isascii():
            return text
        probe = self._stand_ins.mask(text) if astral else text
        if self._gaps_re.search(probe) is None:
            return self._nfkc(text, probe)
        # Code points unknown to the reference normaliser are left as they are
        # and cut the text; the parts between them are normalised on their own.
        parts: list[str] = []
        start = 0
        for match in self._gaps_re.finditer(probe):
            parts.append(self._nfkc(text[start : match.start()], probe[start : match.start()]))
            parts.append(text[match.start() : match.end()])
            start = match.end()
        parts.append(self._nfkc(text[start:], probe[start:]))
        return "".join(parts)

    def _nfkc(self, text: str, probe: str) -> str:
        """`unicodedata` NFKC, with long runs of marks put in order first.
        `probe` is `text` masked by the stand-ins."""
        # (`is_normalized` is a quick check for most text; where it has to
        # normalise to answer, the text holds no marks out of order.)
        if unicodedata.is_normalized("NFKC", text):
            return text
        if len(text) < _LONG_RUN or self._long_run_re.search(probe) is None:
            return unicodedata.normalize("NFKC", text)
        # Decompose, then sort each long run of marks by combining class (a
        # stable sort: marks of one class keep their order).  Any stretch of
        # marks sorted so is canonically equivalent to the original, so NFKC
        # of the result is NFKC of the text.
        decomposed = translate(text, self._decompositions)
        mask = self._stand_ins.mask(decomposed) if ASTRAL_CHAR_RE.search(decomposed) else decomposed
        parts: list[str] = []
        start = 0
        combining = unicodedata.combining
        for match in self._long_run_re.finditer(mask):
            run = decomposed[match.start() : match.end()]
            if 0 in map(combining, run):
                continue  # not marks to this `unicodedata`: leave the run to it
            parts.append(decomposed[start : match.start()])
            parts.append("".join(sorted(run, key=combining)))
            start = match.end()
        parts.append(decomposed[start:])
        return unicodedata.normalize("NFKC", "".join(parts))
