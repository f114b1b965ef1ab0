"""Byte-pair merging in the order of the reference `tokenizers` library.

A *word* is one pre-token written in byte-level characters (one character per
UTF-8 byte, see `BYTE_CHARS`).  The reference merges the adjacent pair of
lowest rank, the leftmost first among equal ranks, until no pair is a merge.
Three ways to get that result:

- `merge_short`: a list of pair ranks, rescanned after each merge; best for
  the short words that make up ordinary text.
- `merge_heap`: a heap of (rank, position); O(n log n) for any merge table.
- `merge_in_rank_order`: passes, one per merge rank, that together take time
  about linear in the word (a pass by `str.replace` must merge at least
  1/_PRODUCTIVE of what is left, or the passes go on by position).  When every
  pair that a merge creates ranks after that merge (true of a trained merge
  table, and checked as the merging goes), the reference's order is the same
  as applying the merges one rank at a time, each to all its occurrences from
  left to right.  Long words are merged that way, first with `str.replace`
  over a string of token codes while each rank still merges a fair share of
  the word (runs of spaces, repeated emoji), then position by position with
  one bucket of positions per rank.  It returns None if the merge table turns
  out not to be ordered that way, and the caller falls back on the heap.
"""

from __future__ import annotations

import codecs
import heapq
import itertools
import operator
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TypeVar

__all__ = [
    "BYTE_CHARS",
    "merge_heap",
    "merge_in_rank_order",
    "merge_short",
    "to_bytes",
    "to_symbols",
]

_T = TypeVar("_T")

# Rank of a pair that is not a merge: above every real rank.
_NO_MERGE = 1 << 62
# Words at least this long are merged by `str.replace` passes first if a
# sample of _SAMPLE symbols shows them repetitive.
_REPLACE_WORD = 256
_SAMPLE = 512
# Steps over a whole long word (one C call each) are taken this many symbols
# at a time, so that other threads get the GIL in between.
_SLICE = 1 << 12
# A `str.replace` pass that merges fewer than 1/_PRODUCTIVE of the symbols
# costs more than merging its occurrences one by one: switch to buckets then.
_PRODUCTIVE = 256


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


BYTE_CHARS = _byte_to_unicode()
# A charmap codec between bytes and byte-level characters: table lookups in C.
_DECODING_TABLE = "".join(BYTE_CHARS)
_ENCODING_MAP = codecs.charmap_build(_DECODING_TABLE)
# Token codes of the one-byte tokens: the byte value itself.
_BYTE_CODES = {c: chr(b) for b, c in enumerate(BYTE_CHARS)}


def to_symbols(data: bytes) -> str:
    """Bytes as byte-level characters, one per byte."""
    return codecs.charmap_decode(data, None, _DECODING_TABLE)[0]


def to_bytes(symbols: str) -> bytes:
    """The bytes that byte-level characters stand for."""
    return codecs.charmap_encode(symbols, None, _ENCODING_MAP)[0]


def merge_short(word: str, ranks: Mapping[str, int]) -> list[str]:
    """Merge the lowest-ranked adjacent pair (leftmost among equals) until
    none is left, keeping the list of pair ranks up to date."""
    get = ranks.get
    parts = list(word)
    pair_ranks = list(map(get, map(" ".join, itertools.pairwise(parts)), itertools.repeat(_NO_MERGE)))
    while pair_ranks:
        best = min(pair_ranks)
        if best == _NO_MERGE:
            break
        i = pair_ranks.index(best)
        merged = parts[i] + parts[i + 1]
        parts[i : i + 2] = [merged]
        del pair_ranks[i]
        if i < len(pair_ranks):
            pair_ranks[i] = get(merged + " " + parts[i + 1], _NO_MERGE)
        if i > 0:
            pair_ranks[i - 1] = get(parts[i - 1] + " " + merged, _NO_MERGE)
    return parts


def merge_heap(word: str, ranks: Mapping[str, int]) -> list[str]:
    """Heap-driven merging, (rank, position) first: right for any merge table.

    Heap entries are `rank << shift | position` (ints compare fast); an entry
    is stale when the pair now at its position has another rank.
    """
    get = ranks.get
    symbols = list(word)
    n = len(symbols)
    shift = n.bit_length()
    mask = (1 << shift) - 1
    # pair_ranks[i]: rank of the pair that starts at position i, if any
    pair_ranks = list(map(get, map(" ".join, itertools.pairwise(symbols)), itertools.repeat(_NO_MERGE)))
    heap = [rank << shift | i for i, rank in enumerate(pair_ranks) if rank != _NO_MERGE]
    heapq.heapify(heap)
    pop = heapq.heappop
    push = heapq.heappush
    # A linked list over the positions, with a sentinel at n (see `_merge_by_buckets`).
    symbols.append("")
    pair_ranks += [_NO_MERGE, _NO_MERGE]
    nxt = list(range(1, n + 2))
    prv = list(range(-1, n))
    prv[0] = n
    while heap:
        entry = pop(heap)
        i = entry & mask
        if pair_ranks[i] != entry >> shift:
            continue  # stale
        j = nxt[i]
        merged = symbols[i] + symbols[j]
        symbols[i] = merged
        symbols[j] = ""
        pair_ranks[j] = _NO_MERGE
        k = nxt[j]
        nxt[i] = k
        prv[k] = i
        rank = pair_ranks[i] = get(merged + " " + symbols[k], _NO_MERGE)
        if rank != _NO_MERGE:
            push(heap, rank << shift | i)
        p = prv[i]
        if p != n:
            rank = pair_ranks[p] = get(symbols[p] + " " + merged, _NO_MERGE)
            if rank != _NO_MERGE:
                push(heap, rank << shift | p)
    del symbols[n]
    return list(filter(None, symbols))


def merge_in_rank_order(
    word: str, ranks: Mapping[str, int], merges: Sequence[str], vocab: Mapping[str, int]
) -> list[str] | None:
    """Merging of a long word, rank by rank (see the module text).

    `merges[r]` is the merge line ("left right") of rank r and `vocab` gives
    each token a distinct number.  Returns None when a merge creates a pair of
    lower rank than its own, i.e. the table is not ordered as this needs.
    """
    if len(word) >= _REPLACE_WORD and _repetitive(word):
        code = "".join([to_bytes(word[i : i + _SLICE]).decode("latin-1") for i in range(0, len(word), _SLICE)])
        return _merge_by_replacing(code, ranks, merges, vocab)
    return _merge_by_buckets(_sliced_list(word), ranks, merges)


def _repetitive(word: str) -> bool:
    """Whether a sample of the word (its start or its middle) holds few
    distinct pairs, as a run of one character or of one short pattern does:
    then the first passes of `_merge_by_replacing` merge much at a time."""
    for start in (0, len(word) // 2):
        sample = word[start : start + _SAMPLE]
        if len(set(map(operator.add, sample, sample[1:]))) * 16 <= len(sample):
            return True
    return False


def _merge_by_replacing(
    code: str, ranks: Mapping[str, int], merges: Sequence[str], vocab: Mapping[str, int]
) -> list[str] | None:
    """Rank passes with `str.replace` over a string of token codes.

    Each symbol is one character: a one-byte token is coded by its byte value
    (`code` starts as the word's bytes, as latin-1), any other token by 256 +
    its id, so a pair of symbols is a two-character substring and one pass
    merges all its occurrences, left to right, in C.
    """
    get = ranks.get
    size = len(code)
    names = dict(zip(map(chr, range(256)), BYTE_CHARS, strict=True))  # code -> token
    pairs: set[str] = set()
    for start in range(0, size, _SLICE):
        part = code[start : start + _SLICE + 1]
        pairs.update(map(operator.add, part, part[1:]))
    heap: list[int] = []
    for pair in pairs:
        rank = get(names[pair[0]] + " " + names[pair[1]])
        if rank is not None:
            heap.append(rank)
    heapq.heapify(heap)
    wasted = 0  # characters scanned by passes that found nothing
    while heap:
        rank = heapq.heappop(heap)
        left, right = merges[rank].split(" ")
        token = left + right
        merged = chr(vocab[token] + 256)
        pair = (_BYTE_CODES.get(left) or chr(vocab[left] + 256)) + (_BYTE_CODES.get(right) or chr(vocab[right] + 256))
        replaced = code.replace(pair, merged)
        count = len(code) - len(replaced)
        if not count:
            wasted += len(code)
            if wasted > 2 * size:
                return _merge_by_buckets(_tokens_of(code, names), ranks, merges)
            continue
        code = replaced
        names[merged] = token
        if count * _PRODUCTIVE < len(code):
            return _merge_by_buckets(_tokens_of(code, names), ranks, merges)
        # The new pairs hold the new symbol; its neighbours are the ends of the
        # pieces between its occurrences (a few extra candidates do no harm:
        # a pass over a pair that is not there changes nothing).
        # (Split a slice at a time: the ends of the cut pieces are more extra
        # candidates, and every true neighbour is still the end of a piece.)
        pieces: set[str] = set()
        for start in range(0, len(code), _SLICE):
            pieces.update(code[start : start + _SLICE].split(merged))
        neighbours = set()
        for piece in pieces:
            if piece:
                neighbours.add(names[piece[-1]] + " " + token)
                neighbours.add(token + " " + names[piece[0]])
        if "" in pieces:
            neighbours.add(token + " " + token)
        for new_rank in map(get, neighbours):
            if new_rank is not None:
                if new_rank < rank:
                    return None
                heapq.heappush(heap, new_rank)
    return _tokens_of(code, names)


def _sliced_list(items: Sequence[_T]) -> list[_T]:
    """`list(items)`, built a slice at a time so that other threads get the
    GIL in between."""
    out: list[_T] = []
    for start in range(0, len(items), _SLICE):
        out += items[start : start + _SLICE]
    return out


def _tokens_of(code: str, names: Mapping[str, str]) -> list[str]:
    """The tokens that a string of token codes stands for."""
    tokens: list[str] = []
    for start in range(0, len(code), _SLICE):
        tokens += map(names.__getitem__, code[start : start + _SLICE])
    return tokens


def _merge_by_buckets(symbols: list[str], ranks: Mapping[str, int], merges: Sequence[str]) -> list[str] | None:
    """Rank passes over a linked list of symbols, each pass left to right."""
    get = ranks.get
    n = len(symbols)
    # rank -> positions of the pairs of that rank not yet merged (some may be
    # stale), and a heap of those ranks.
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    for i, rank in enumerate(map(get, map(" ".join, itertools.pairwise(symbols)), itertools.repeat(_NO_MERGE))):
        buckets[rank].append(i)
    buckets.pop(_NO_MERGE, None)
    heap = list(buckets)
    heapq.heapify(heap)
    pop = heapq.heappop
    push = heapq.heappush
    # A linked list over the positions, with a sentinel at n that is never
    # equal to a merge's left or right part: symbols[n] = "", prv[0] = n.
    symbols.append("")
    nxt = _sliced_list(range(1, n + 2))
    prv = _sliced_list(range(-1, n))
    prv[0] = n
    while heap:
        rank = pop(heap)
        positions = buckets.pop(rank)
        positions.sort()
        left, right = merges[rank].split(" ")
        merged = left + right
        merged_left = merged + " "
        merged_right = " " + merged
        for i in positions:
            if symbols[i] != left:
                continue  # stale: merged since it was queued
            j = nxt[i]
            if symbols[j] != right:
                continue
            symbols[i] = merged
            symbols[j] = ""
            k = nxt[j]
            nxt[i] = k
            prv[k] = i
            new_rank = get(merged_left + symbols[k])
            if new_rank is not None:
                if new_rank < rank:
                    return None
                bucket = buckets.get(new_rank)
                if bucket is None:
                    buckets[new_rank] = [i]
                    push(heap, new_rank)
                else:
                    bucket.append(i)
            p = prv[i]
            new_rank = get(symbols[p] + merged_right)
            if new_rank is not None:
                if new_rank < rank:
                    return None
                bucket = buckets.get(new_rank)
                if bucket is None:
                    buckets[new_rank] = [p]
                    push(heap, new_rank)
                else:
                    bucket.append(p)
    del symbols[n]
    out: list[str] = []
    for start in range(0, n, _SLICE):
        out += filter(None, symbols[start : start + _SLICE])
    return out
