"""Long text that has no space to cut at, normalised and pre-tokenised in slices.

`Tokenizer._parts` cuts long text before a space or line feed that follows a printable ASCII
character, which changes no token. Text without one (a megabyte of base64, minified code, a run
of U+FDFA, which NFKC turns into 18 characters each) stayed whole, and then a single C call (NFKC,
the pre-tokenizer regex) held the GIL for up to seconds: an event loop waiting on a worker thread
for the count stalled that long. Here each step works on slices of about `size` characters, cut
where the cut changes nothing, so no C call sees more than a few slices:

- NFKC: a cut before a character is safe when it and the first character of its decomposition
  are starters (combining class 0) that never compose with a starter before them. Text of one
  long run of combining marks has no such place and stays whole (the normaliser makes NFKC
  linear for it anyway).
- Pre-tokenizing: the pattern matches the text end to end, and a match that ends four or more
  characters before the end of a slice is the match the whole text gives (no alternative looks
  further ahead than three characters: `'re`), so the slice's matches up to there are kept and
  the next slice starts after them. A slice whose first match reaches that far (one long word) is
  doubled until it does not, which keeps the work linear.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from ._astral import ASTRAL_CHAR_RE

__all__ = ["long_pieces", "nfkc_slices", "pieces_in_slices"]

# Starters that compose with a starter before them (NFC_Quick_Check=Maybe with combining class
# 0), from the Unicode Character Database: Hangul vowel and trailing jamo, and vowel signs and
# length marks of Indic and other Brahmic scripts. Code points newer than the reference tokenizer's
# Unicode are not normalised at all (they cut the text, see `_normalizer`), so only these matter.
_COMPOSES_BACKWARD = frozenset(
    [chr(cp) for cp in range(0x1161, 0x1176)]
    + [chr(cp) for cp in range(0x11A8, 0x11C3)]
    + [
        chr(cp)
        for cp in (
            0x09BE, 0x09D7, 0x0B3E, 0x0B56, 0x0B57, 0x0BBE, 0x0BD7, 0x0CC2, 0x0CD5, 0x0CD6, 0x0D3E,
            0x0D57, 0x0DCF, 0x0DDF, 0x0FB5, 0x0FB7, 0x102E, 0x1B35, 0x11127, 0x1133E, 0x11357,
            0x114B0, 0x114BA, 0x114BD, 0x115AF, 0x11930,
        )
    ]
)  # fmt: skip


def _stable_before(char: str) -> bool:
    """Whether NFKC of text cut right before `char` is NFKC of the two sides, joined."""
    if unicodedata.combining(char) or char in _COMPOSES_BACKWARD:
        return False
    first = unicodedata.normalize("NFKD", char)[:1]
    return first == char or not (unicodedata.combining(first) or first in _COMPOSES_BACKWARD)


def nfkc_slices(text: str, size: int) -> Iterator[str]:
    """`text` in slices of about `size` characters (or more) that NFKC normalises independently."""
    size = max(size, 1)
    start = 0
    while len(text) - start > 2 * size:
        cut = start + size
        limit = cut + size
        while cut < limit and not _stable_before(text[cut]):
            cut += 1
        if cut == limit:
            cut = next((i for i in range(limit, len(text)) if _stable_before(text[i])), len(text))
        yield text[start:cut]
        start = cut
    if start < len(text):
        yield text[start:]


def pieces_in_slices(split: Callable[[str], list[str]], parts: Iterable[str], size: int) -> Iterator[str]:
    """`split` of the text `parts` make up (the pre-tokenizer's matches, end to end), computed a
    slice at a time. The pieces are yielded one by one: a caller summing their counts in C
    (`sum(map(...))`) still gives other threads the GIL between them."""
    window = size
    buffer: list[str] = []  # the text read and not yet split, joined only once it fills a window
    buffered = 0
    for part in itertools.chain(parts, [None]):
        if part is not None:
            buffer.append(part)
            buffered += len(part)
            if buffered <= window:
                continue
        text = "".join(buffer)
        start = 0
        while start < len(text):
            end = start + window
            if end >= len(text):
                if part is None:
                    yield from split(text[start:])
                break  # or wait for more text
            found = split(text[start:end])
            keep = end - start - 4  # matches ending by here are final
            length = 0
            kept = 0
            for piece in found:
                if length + len(piece) > keep:
                    break
                length += len(piece)
                kept += 1
            if kept == 0:
                window *= 2  # one match runs (nearly) to the end of the slice: look further
                continue
            yield from found[:kept]
            start += length
            window = size
        buffer = [text[start:]]
        buffered = len(text) - start


def long_pieces(
    segment: str,
    findall: Callable[[str], list[str]],
    normalize: Callable[[str, bool], str],
    split: Callable[[str, bool], list[str]],
    size: int,
) -> Iterator[str]:
    """The pieces of a long segment the engine could not cut: NFKC (`normalize`) and the
    pre-tokenizer (`findall` for ASCII text, else `split`) in slices of about `size` characters.
    (NFKC slices are smaller: a character can become 18.)"""
    if segment.isascii():  # NFKC leaves ASCII unchanged
        return pieces_in_slices(findall, [segment], size)
    normal = (normalize(part, ASTRAL_CHAR_RE.search(part) is not None) for part in nfkc_slices(segment, size // 16))
    return pieces_in_slices(lambda part: split(part, ASTRAL_CHAR_RE.search(part) is not None), normal, size)
