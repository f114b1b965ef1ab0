"""A small, exact byte-level BPE engine for the legacy Claude `tokenizer.json`.

The pipeline is the one that `tokenizer.json` describes, in the order the
reference `tokenizers` library runs it:

1. special (added) tokens are cut out of the raw text first; each is one token;
2. every other stretch is NFKC-normalised;
3. the byte-level pre-tokenizer splits it with the GPT-2 rule
   ``'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+``;
4. each piece is turned into UTF-8 bytes, each byte shown as one printable
   character (the GPT-2 byte-to-unicode table);
5. BPE merges are applied, lowest rank first, leftmost first among equals.

Python's `re` has no `\\p{L}`/`\\p{N}`, and the reference's notion of them (and
of `\\s`, and the Unicode version of its NFKC) differs from `unicodedata`'s, so
the character classes come from `_unicode.py`, measured from the reference.

Every step takes time linear in the text, whatever the text: merging long
pieces (`_bpe`), NFKC of long runs of combining marks (`_normalizer`), runs of
code points above U+FFFF (`_astral`).  And no single C call works on more than
a bounded slice of a long text, so a thread counting one does not hold the GIL
for long: an event loop that hands it a text keeps running.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from . import _json
from ._astral import ASTRAL_CHAR_RE, ASTRAL_RE, StandIns, bmp, char_class
from ._bpe import BYTE_CHARS, merge_heap, merge_in_rank_order, merge_short, to_bytes, to_symbols
from ._cuts import long_pieces
from ._normalizer import Normalizer

__all__ = ["Encoding", "Tokenizer"]

# Word -> count cache entries kept before the cache is emptied and refilled.
_CACHE_LIMIT = 1 << 17
# Longer pieces are not cached: they are rare, and would make the cache's
# memory unbounded.
_CACHED_PIECE = 256
# Words up to this many symbols use the list-based merge loop, longer ones
# a heap, and words from _LONG_WORD symbols on (long runs of spaces, base64,
# minified code) are merged rank by rank in linear time.
_SHORT_WORD = 16
_LONG_WORD = 256
# Segments longer than twice this are cut into parts of about this many
# characters, where that changes no token (see `_parts`): then no single C
# step (NFKC, the pre-tokenizer regex) holds the GIL long, and other threads
# (an event loop waiting for a count) keep running.
_PART = 1 << 14
# A cut that changes no token: after a printable ASCII character that is not
# a space, before a space or a line feed.
_CUT_RE = re.compile(r"(?<=[!-~])[\n ]")


class Encoding:
    """The result of `Tokenizer.encode`: token ids and their byte-level strings."""

    __slots__ = ("ids", "tokens")

    def __init__(self, ids: list[int], tokens: list[str]) -> None:
        self.ids = ids
        self.tokens = tokens

    def __len__(self) -> int:
        return len(self.ids)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Encoding):
            return NotImplemented
        return self.ids == other.ids and self.tokens == other.tokens

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Encoding(ids={self.ids!r}, tokens={self.tokens!r})"


class _Counts(dict[str, int]):
    """piece -> number of BPE tokens; filled on demand from C-level lookups."""

    __slots__ = ("_tokenizer",)

    def __init__(self, tokenizer: Tokenizer) -> None:
        super().__init__()
        self._tokenizer = tokenizer

    def __missing__(self, piece: str) -> int:
        n = self._tokenizer._count_piece(piece)
        if len(piece) <= _CACHED_PIECE:
            if len(self) >= _CACHE_LIMIT:
                self.clear()
            self[piece] = n
        return n


class Tokenizer:
    """Byte-level BPE tokenizer with NFKC normalisation and special tokens.

    Instances are immutable apart from their internal caches and are safe to
    share between threads.
    """

    def __init__(self, vocab: Mapping[str, int], merges: Sequence[str], special_tokens: Sequence[str]) -> None:
        from . import _unicode

        self._vocab: dict[str, int] = dict(vocab)
        # "left right" -> rank: keyed by the merge line itself, so building the
        # table costs one dict construction and lookups one string concatenation.
        self._ranks: dict[str, int] = {}
        for start in range(0, len(merges), _PART):  # in steps: other threads get the GIL in between
            self._ranks.update(zip(merges[start : start + _PART], range(start, start + _PART), strict=False))
        self._merges: list[str] = list(merges)  # rank -> merge line
        # Cleared for good if a long word shows that the merge table is not
        # ordered as `merge_in_rank_order` needs (never so for a trained one).
        self._rank_ordered = True
        self._special: dict[str, int] = {t: self._vocab[t] for t in special_tokens}
        if self._special:
            alternatives = sorted(self._special, key=len, reverse=True)
            self._special_re: re.Pattern[str] | None = re.compile("|".join(map(re.escape, alternatives)))
        else:
            self._special_re = None

        # BMP-only classes; text holding astral code points is matched through
        # a copy with BMP stand-ins of the same class (see `_astral`).
        letter = char_class(bmp(_unicode.LETTER))
        number = char_class(bmp(_unicode.NUMBER))
        space = char_class(bmp(_unicode.SPACE))
        self._pieces_re = re.compile(
            "'(?:[stmd]|re|ve|ll)"
            f"| ?[{letter}]+"
            f"| ?[{number}]+"
            f"| ?[^{space}{letter}{number}]+"
            f"|[{space}]+(?![^{space}])"
            f"|[{space}]+"
        )
        # Stand-ins by class: letter -> "a", number -> "0", whitespace -> "\t",
        # other -> "!".  None of them is a character that the pattern names
        # literally (the space, the apostrophe and the contraction letters).
        self._class_stand_ins = StandIns(
            [(_unicode.LETTER, "a"), (_unicode.NUMBER, "0"), (_unicode.SPACE, "\t")],
            "!",
        )
        self._normalizer = Normalizer()
        self._counts = _Counts(self)
        self._tokens_cache: dict[str, tuple[str, ...]] = {}
        self._inverse: list[str] | None = None

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_json(cls, data: bytes | str) -> Tokenizer:
        """Build from the text of a `tokenizer.json` with the layout this engine
        implements; raise `ValueError` for any other layout."""
        config: dict[str, Any] = _json.loads(data)
        normalizer = config.get("normalizer")
        if normalizer != {"type": "NFKC"}:
            raise ValueError(f"unsupported normalizer: {normalizer!r}")
        pre = config.get("pre_tokenizer") or {}
        if pre.get("type") != "ByteLevel" or pre.get("add_prefix_space") or pre.get("use_regex", True) is not True:
            raise ValueError(f"unsupported pre_tokenizer: {pre!r}")
        if config.get("post_processor") is not None:
            raise ValueError("unsupported post_processor")
        model = config.get("model") or {}
        if model.get("type") != "BPE":
            raise ValueError(f"unsupported model type: {model.get('type')!r}")
        for key in ("dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"):
            if model.get(key) is not None:
                raise ValueError(f"unsupported BPE option: {key}={model[key]!r}")
        if model.get("byte_fallback") or model.get("ignore_merges"):
            raise ValueError("unsupported BPE option: byte_fallback/ignore_merges")
        vocab: dict[str, int] = model["vocab"]
        merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
        missing = [c for c in BYTE_CHARS if c not in vocab]
        if missing:
            raise ValueError(f"vocabulary lacks byte symbols: {missing!r}")

        special: list[str] = []
        for added in config.get("added_tokens") or []:
            if added.get("normalized") or added.get("lstrip") or added.get("rstrip") or added.get("single_word"):
                raise ValueError(f"unsupported added token options: {added!r}")
            if vocab.get(added["content"]) != added["id"]:
                raise ValueError(f"added token not in vocabulary: {added!r}")
            special.append(added["content"])
        return cls(vocab, merges, special)

    # ------------------------------------------------------------------ public

    @property
    def vocab_size(self) -> int:
        return len(self._vocab)

    def count(self, text: str) -> int:
        """Number of tokens in `text` (same as `len(self.encode(text).ids)`)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        counts = self._counts.__getitem__
        total = 0
        for segment, special in self._segments(text):
            if special:
                total += 1
            else:
                for part in self._parts(segment):
                    total += sum(map(counts, self._pieces(part)))
        return total

    def count_if_cheap(self, text: str, max_bytes: int, max_new_bytes: int) -> int | None:
        """`count(text)` if that is certainly cheap, else None, having spent little.

        Cheap means at most `max_bytes` bytes of UTF-8 (and as many characters
        after NFKC, which can expand a character into 18), of which at most
        `max_new_bytes` in pieces not counted before: merging new pieces is the
        costly step, microseconds a byte at worst; the rest takes time linear
        in `max_bytes`.  For callers that must not block long, such as an
        event loop.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            return None
        known = self._counts.get
        total = 0
        size = 0
        new_bytes = 0
        new: list[str] = []
        fresh: set[str] = set()
        for segment, special in self._segments(text):
            if special:
                total += 1
                continue
            if segment.isascii():  # NFKC leaves ASCII unchanged
                pieces = self._pieces_re.findall(segment)
            else:
                normal = self._normalize(segment, ASTRAL_CHAR_RE.search(segment) is not None)
                size += len(normal)
                if size > max_bytes:
                    return None
                pieces = self._split(normal, ASTRAL_CHAR_RE.search(normal) is not None)
            counts = list(map(known, pieces))
            if None not in counts:
                total += sum(counts)  # type: ignore[arg-type]
                continue
            for piece, n in zip(pieces, counts, strict=True):
                if n is not None:
                    total += n
                    continue
                # a new piece costs once if it will be cached, else each time
                if piece not in fresh or len(piece) > _CACHED_PIECE:
                    fresh.add(piece)
                    new_bytes += len(piece.encode())
                    if new_bytes > max_new_bytes:
                        return None
                new.append(piece)
        return total + sum(map(self._counts.__getitem__, new))

    def encode(self, text: str) -> Encoding:
        """Token ids and byte-level token strings for `text`."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        tokens: list[str] = []
        for segment, special in self._segments(text):
            if special:
                tokens.append(segment)
            else:
                for part in self._parts(segment):
                    for piece in self._pieces(part):
                        tokens.extend(self._piece_tokens(piece))
        vocab = self._vocab
        return Encoding(ids=[vocab[t] for t in tokens], tokens=tokens)

    def decode(self, ids: Sequence[int]) -> str:
        """Text of the given ids; special tokens come out as their text.
        Byte sequences that are not valid UTF-8 become U+FFFD."""
        inverse = self._inverse
        if inverse is None:
            inverse = [""] * (max(self._vocab.values()) + 1)
            for token, i in self._vocab.items():
                inverse[i] = token
            self._inverse = inverse
        out = bytearray()
        for i in ids:
            token = inverse[i]
            if token in self._special:
                out += token.encode("utf-8")
            else:
                out += to_bytes(token)
        return out.decode("utf-8", errors="replace")

    # ------------------------------------------------------------------ steps

    def _segments(self, text: str) -> Iterator[tuple[str, bool]]:
        """Split out special tokens: yields (text, is_special)."""
        pattern = self._special_re
        if pattern is None:
            yield text, False
            return
        start = 0
        for match in pattern.finditer(text):
            yield text[start : match.start()], False
            yield match.group(), True
            start = match.end()
        yield text[start:], False

    @staticmethod
    def _parts(segment: str) -> Iterator[str]:
        """`segment` cut into parts of about `_PART` characters where the cut
        changes no token: after an ASCII character that NFKC keeps and that
        ends a pre-token before a space or line feed, which starts the next."""
        start = 0
        while len(segment) - start > 2 * _PART:
            match = _CUT_RE.search(segment, start + _PART, start + 2 * _PART)  # else it goes whole to `_pieces`
            if match is None:
                break
            yield segment[start : match.start()]
            start = match.start()
        if start < len(segment):
            yield segment[start:]

    def _pieces(self, segment: str) -> Iterable[str]:
        """Normalise a segment (no special tokens) and split it into pieces."""
        if len(segment) > 2 * _PART:  # text `_parts` found nowhere to cut: in slices all the same
            return long_pieces(segment, self._pieces_re.findall, self._normalize, self._split, _PART)
        if segment.isascii():  # NFKC leaves ASCII unchanged
            return self._pieces_re.findall(segment)
        text = self._normalize(segment, ASTRAL_CHAR_RE.search(segment) is not None)
        # searched again: NFKC maps a few BMP code points (U+FA6C, ...) above U+FFFF
        return self._split(text, ASTRAL_CHAR_RE.search(text) is not None)

    def _split(self, text: str, astral: bool = True) -> list[str]:
        """Pre-tokenize normalised text with the byte-level regex."""
        if not astral:
            return self._pieces_re.findall(text)
        # The matches cover the text end to end and the masked copy has the
        # same length, so only the pieces holding an astral code point need to
        # be cut again from the original text: each once, whatever the number
        # of astral code points in it.
        pieces: list[str] = self._pieces_re.findall(self._class_stand_ins.mask(text))
        ends = list(itertools.accumulate(map(len, pieces)))
        last = -1  # the last piece cut again
        for match in ASTRAL_RE.finditer(text):
            k = max(bisect.bisect_right(ends, match.start()), last)
            while True:
                if k != last:
                    pieces[k] = text[ends[k - 1] if k else 0 : ends[k]]
                    last = k
                if ends[k] >= match.end():
                    break
                k += 1
        return pieces

    def _normalize(self, text: str, astral: bool = True) -> str:
        return self._normalizer.normalize(text, astral)

    @staticmethod
    def _symbols(piece: str) -> str:
        return to_symbols(piece.encode())

    def _count_piece(self, piece: str) -> int:
        word = self._symbols(piece)
        if word in self._vocab:
            return 1  # every vocabulary entry is its own BPE result (tested)
        return len(self._bpe(word))

    def _piece_tokens(self, piece: str) -> tuple[str, ...]:
        tokens = self._tokens_cache.get(piece)
        if tokens is None:
            word = self._symbols(piece)
            tokens = (word,) if word in self._vocab else tuple(self._bpe(word))
            if len(piece) <= _CACHED_PIECE:
                if len(self._tokens_cache) >= _CACHE_LIMIT:
                    self._tokens_cache.clear()
                self._tokens_cache[piece] = tokens
        return tokens

    def _bpe(self, word: str) -> list[str]:
        """The BPE tokens of a word in byte-level characters, in the order of the
        reference: lowest rank first, then leftmost."""
        if len(word) <= _SHORT_WORD:
            return merge_short(word, self._ranks)
        if len(word) >= _LONG_WORD and self._rank_ordered:
            tokens = merge_in_rank_order(word, self._ranks, self._merges, self._vocab)
            if tokens is not None:
                return tokens
            self._rank_ordered = False
        return merge_heap(word, self._ranks)
