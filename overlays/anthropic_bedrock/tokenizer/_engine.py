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
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

__all__ = ["Encoding", "Tokenizer"]

# Word -> count cache entries kept before the cache is emptied and refilled.
_CACHE_LIMIT = 1 << 17
# Words up to this many symbols use the list-based merge loop; longer
# ones (long runs of spaces, base64, minified code) use a heap.
_SHORT_WORD = 16
# Rank of a pair that is not a merge: above every real rank.
_NO_MERGE = 1 << 62


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


def _byte_to_unicode() -> list[str]:
    """GPT-2's reversible mapping of the 256 byte values to printable characters."""
    keep = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    table = [""] * 256
    for b in keep:
        table[b] = chr(b)
    shift = 0
    for b in range(256):
        if not table[b]:
            table[b] = chr(256 + shift)
            shift += 1
    return table


_BYTE_CHARS = _byte_to_unicode()
# Applied to `piece.encode("utf-8").decode("latin-1")`: byte value -> its character.
_BYTE_TRANSLATION = {b: c for b, c in enumerate(_BYTE_CHARS) if chr(b) != c}
# The reverse, for decoding: byte character -> the byte value as a latin-1 character.
_UNICODE_TO_BYTE = {ord(c): b for b, c in enumerate(_BYTE_CHARS) if chr(b) != c}


def _char_class(ranges: Sequence[tuple[int, int]]) -> str:
    """The inside of a regex `[...]` matching exactly the given code point ranges."""
    out: list[str] = []
    for lo, hi in ranges:
        out.append(f"\\U{lo:08X}" if lo == hi else f"\\U{lo:08X}-\\U{hi:08X}")
    return "".join(out)


def _bmp(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(lo, min(hi, 0xFFFF)) for lo, hi in ranges if lo <= 0xFFFF]


def _astral(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(max(lo, 0x10000), hi) for lo, hi in ranges if hi > 0xFFFF]


_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")


class _StandIns:
    """Replaces each code point above U+FFFF by a BMP stand-in that depends
    only on which of the given ranges holds it (`default` when none does).

    Lengths are kept, so positions found in the result hold for the input.
    """

    def __init__(self, tagged: Sequence[tuple[int, int, str]], default: str) -> None:
        self._ranges = sorted(tagged)
        self._starts = [lo for lo, _, _ in self._ranges]
        self._default = default
        self._cache: dict[str, str] = {}

    def _stand_in(self, match: re.Match[str]) -> str:
        char = match.group()
        stand_in = self._cache.get(char)
        if stand_in is None:
            cp = ord(char)
            i = bisect.bisect_right(self._starts, cp) - 1
            stand_in = self._default
            if i >= 0:
                _, hi, tag = self._ranges[i]
                if cp <= hi:
                    stand_in = tag
            self._cache[char] = stand_in
        return stand_in

    def mask(self, text: str) -> str:
        return _ASTRAL_RE.sub(self._stand_in, text)


class _Counts(dict[str, int]):
    """piece -> number of BPE tokens; filled on demand from C-level lookups."""

    __slots__ = ("_tokenizer",)

    def __init__(self, tokenizer: Tokenizer) -> None:
        super().__init__()
        self._tokenizer = tokenizer

    def __missing__(self, piece: str) -> int:
        n = self._tokenizer._count_piece(piece)
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
        self._ranks: dict[str, int] = dict(zip(merges, range(len(merges)), strict=True))
        self._special: dict[str, int] = {t: self._vocab[t] for t in special_tokens}
        if self._special:
            alternatives = sorted(self._special, key=len, reverse=True)
            self._special_re: re.Pattern[str] | None = re.compile("|".join(map(re.escape, alternatives)))
        else:
            self._special_re = None

        # Python's `re` tests a character class with code points above U+FFFF
        # by walking a list of ranges, which is slow; within the BMP it uses a
        # table.  So the pattern uses BMP-only classes, and text containing
        # astral code points is matched through a copy in which each of them is
        # replaced by a BMP stand-in of the same class (same length, so the
        # match positions hold for the original text).
        letter = _char_class(_bmp(_unicode.LETTER))
        number = _char_class(_bmp(_unicode.NUMBER))
        space = _char_class(_bmp(_unicode.SPACE))
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
        self._class_stand_ins = _StandIns(
            [(lo, hi, "a") for lo, hi in _astral(_unicode.LETTER)]
            + [(lo, hi, "0") for lo, hi in _astral(_unicode.NUMBER)]
            + [(lo, hi, "\t") for lo, hi in _astral(_unicode.SPACE)],
            "!",
        )
        gaps = _bmp(_unicode.NORMALIZER_GAPS)
        self._gaps_re = re.compile(f"[{_char_class(gaps)}]+")
        gap_stand_in = next(chr(lo) for lo, _ in gaps if lo > 0x7F)
        self._gap_stand_ins = _StandIns([(lo, hi, gap_stand_in) for lo, hi in _astral(_unicode.NORMALIZER_GAPS)], "a")
        self._counts = _Counts(self)
        self._tokens_cache: dict[str, tuple[str, ...]] = {}
        self._inverse: list[str] | None = None

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_json(cls, data: bytes | str) -> Tokenizer:
        """Build from the text of a `tokenizer.json` with the layout this engine
        implements; raise `ValueError` for any other layout."""
        config: dict[str, Any] = json.loads(data)
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
        missing = [c for c in _BYTE_CHARS if c not in vocab]
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
            elif segment:
                total += sum(map(counts, self._pieces(segment)))
        return total

    def encode(self, text: str) -> Encoding:
        """Token ids and byte-level token strings for `text`."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        tokens: list[str] = []
        for segment, special in self._segments(text):
            if special:
                tokens.append(segment)
            elif segment:
                for piece in self._pieces(segment):
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
                out += token.translate(_UNICODE_TO_BYTE).encode("latin-1")
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

    def _pieces(self, segment: str) -> list[str]:
        """Normalise a segment (no special tokens) and split it into pieces."""
        if segment.isascii():  # NFKC leaves ASCII unchanged
            return self._pieces_re.findall(segment)
        text = self._normalize(segment, _ASTRAL_RE.search(segment) is not None)
        # searched again: NFKC maps a few BMP code points (U+FA6C, ...) above U+FFFF
        return self._split(text, _ASTRAL_RE.search(text) is not None)

    def _split(self, text: str, astral: bool = True) -> list[str]:
        """Pre-tokenize normalised text with the byte-level regex."""
        if not astral:
            return self._pieces_re.findall(text)
        # The matches cover the text end to end and the masked copy has the
        # same length, so only the pieces holding an astral code point need to
        # be cut again from the original text.
        pieces: list[str] = self._pieces_re.findall(self._class_stand_ins.mask(text))
        ends = list(itertools.accumulate(map(len, pieces)))
        for match in _ASTRAL_RE.finditer(text):
            k = bisect.bisect_right(ends, match.start())
            pieces[k] = text[ends[k - 1] if k else 0 : ends[k]]
        return pieces

    def _normalize(self, text: str, astral: bool = True) -> str:
        if text.isascii():
            return text
        probe = self._gap_stand_ins.mask(text) if astral else text
        if self._gaps_re.search(probe) is None:
            return unicodedata.normalize("NFKC", text)
        # Code points unknown to the reference normaliser are left as they are
        # and cut the text; the parts between them are normalised on their own.
        parts: list[str] = []
        start = 0
        for match in self._gaps_re.finditer(probe):
            parts.append(unicodedata.normalize("NFKC", text[start : match.start()]))
            parts.append(text[match.start() : match.end()])
            start = match.end()
        parts.append(unicodedata.normalize("NFKC", text[start:]))
        return "".join(parts)

    @staticmethod
    def _symbols(piece: str) -> str:
        return piece.encode("utf-8").decode("latin-1").translate(_BYTE_TRANSLATION)

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
            if len(self._tokens_cache) >= _CACHE_LIMIT:
                self._tokens_cache.clear()
            self._tokens_cache[piece] = tokens
        return tokens

    def _bpe(self, word: str) -> list[str]:
        # Both give the order of the reference: lowest rank first, then leftmost.
        return self._bpe_long(word) if len(word) > _SHORT_WORD else self._bpe_short(word)

    def _bpe_short(self, word: str) -> list[str]:
        """Merge the lowest-ranked adjacent pair (leftmost among equals) until
        none is left, keeping the list of pair ranks up to date."""
        get = self._ranks.get
        parts = list(word)
        ranks = list(map(get, map(" ".join, itertools.pairwise(parts)), itertools.repeat(_NO_MERGE)))
        while ranks:
            best = min(ranks)
            if best == _NO_MERGE:
                break
            i = ranks.index(best)
            merged = parts[i] + parts[i + 1]
            parts[i : i + 2] = [merged]
            del ranks[i]
            if i < len(ranks):
                ranks[i] = get(merged + " " + parts[i + 1], _NO_MERGE)
            if i > 0:
                ranks[i - 1] = get(parts[i - 1] + " " + merged, _NO_MERGE)
        return parts

    def _bpe_long(self, word: str) -> list[str]:
        """Heap-driven merging for long words: O(n log n) instead of O(n^2)."""
        ranks = self._ranks
        symbols = list(word)
        n = len(symbols)
        nxt = [*range(1, n), -1]
        prv = [-1, *range(n - 1)]
        alive = [True] * n
        heap: list[tuple[int, int, str, str]] = []
        for i in range(n - 1):
            rank = ranks.get(symbols[i] + " " + symbols[i + 1])
            if rank is not None:
                heap.append((rank, i, symbols[i], symbols[i + 1]))
        heapq.heapify(heap)
        while heap:
            _rank, i, left, right = heapq.heappop(heap)
            j = nxt[i]
            if not alive[i] or j < 0 or symbols[i] != left or symbols[j] != right:
                continue  # stale entry
            merged = left + right
            symbols[i] = merged
            alive[j] = False
            k = nxt[j]
            nxt[i] = k
            if k >= 0:
                prv[k] = i
                rank = ranks.get(merged + " " + symbols[k])
                if rank is not None:
                    heapq.heappush(heap, (rank, i, merged, symbols[k]))
            p = prv[i]
            if p >= 0:
                rank = ranks.get(symbols[p] + " " + merged)
                if rank is not None:
                    heapq.heappush(heap, (rank, p, symbols[p], merged))
        out: list[str] = []
        i = 0
        while i >= 0:
            out.append(symbols[i])
            i = nxt[i]
        return out
