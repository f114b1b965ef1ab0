"""The emulated model's tokens and its echo, generated lazily.

A token is a whitespace-separated word; a word longer than :data:`TOKEN_CHARS` characters is
several tokens, one per 64-character slice (so a 20,000-character word is 313 tokens, not one
token that an answer could repeat thousands of times). The echo cycles the tokens of a text until a
token limit, and is cut just before the first stop sequence. Nothing is materialised beyond one
cycle of the text plus the longest stop sequence: the pieces are produced as they are sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Final

from ._stops import first_stop

__all__ = ["TOKEN_CHARS", "Echo", "count_tokens", "group_pieces"]

TOKEN_CHARS: Final = 64


def count_tokens(text: str) -> int:
    """Tokens in ``text``: its words, a long word counting once per 64-character slice."""
    return sum(-(-len(word) // TOKEN_CHARS) for word in text.split())


def _cycle(text: str) -> list[str]:
    """One pass of the echo: a piece per token, each word's first slice led by a space."""
    pieces: list[str] = []
    for word in text.split():
        for start in range(0, len(word), TOKEN_CHARS):
            pieces.append((" " if start == 0 else "") + word[start : start + TOKEN_CHARS])
    return pieces


class Echo:
    """``limit`` tokens of ``text`` cycled, cut before the earliest stop sequence.

    ``leading_space`` keeps the space before the first word (text completions start with one; a
    Messages text block does not). After construction ``tokens`` is the number of pieces
    :meth:`pieces` yields, ``stop`` the stop sequence that cut the text (or None), and ``exhausted``
    whether the text ran out of words before the limit (an empty text).
    """

    __slots__ = ("_cut", "_cycle", "_limit", "_strip_first", "exhausted", "stop", "tokens")

    def __init__(self, text: str, limit: int, stop_sequences: Sequence[str] = (), *, leading_space: bool) -> None:
        self._cycle = _cycle(text)
        self._strip_first = not leading_space
        self.exhausted = not self._cycle
        self._limit = 0 if self.exhausted else limit
        self._cut: int | None = None
        self.stop: str | None = None
        self.tokens = self._limit
        sequences = [s for s in stop_sequences if s]
        if sequences and self._limit:
            self._find_stop(sequences)

    def _piece(self, index: int) -> str:
        piece = self._cycle[index % len(self._cycle)]
        return piece[1:] if index == 0 and self._strip_first else piece

    def _find_stop(self, sequences: list[str]) -> None:
        # The text after the first piece repeats with the period of one cycle, so the earliest match
        # of any sequence starts within the first piece plus one cycle: scanning that much plus the
        # longest sequence finds it, however many tokens the limit allows.
        period = sum(len(piece) for piece in self._cycle)
        horizon = len(self._piece(0)) + period + max(len(s) for s in sequences)
        parts: list[str] = []
        starts: list[int] = []
        size = 0
        for index in range(self._limit):
            if size >= horizon:
                break
            piece = self._piece(index)
            starts.append(size)
            parts.append(piece)
            size += len(piece)
        # The earliest match wins; between matches at one position, the first listed.
        found = first_stop("".join(parts), sequences)
        if found is not None:
            cut, self.stop = found
            self._cut = cut
            self.tokens = sum(1 for start in starts if start < cut)

    def pieces(self) -> Iterator[str]:
        """The answer's pieces, one per token, the last one shortened by a stop sequence."""
        used = 0
        cut = self._cut
        for index in range(self.tokens):
            piece = self._piece(index)
            if cut is not None and used + len(piece) > cut:
                yield piece[: cut - used]
                return
            used += len(piece)
            yield piece

    def text(self) -> str:
        return "".join(self.pieces())


def group_pieces(pieces: Iterator[str], total: int, groups: int | None) -> Iterator[str]:
    """``pieces`` (``total`` of them) joined into exactly ``groups`` strings, or one per piece (at least one)."""
    if groups is None:
        produced = False
        for piece in pieces:
            produced = True
            yield piece
        if not produced:
            yield ""
        return
    for index in range(groups):
        size = (index + 1) * total // groups - index * total // groups
        yield "".join(next(pieces) for _ in range(size))
