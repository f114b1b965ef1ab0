"""The tokenizer's cost: linear in the text, exact on the inputs that make it
work hardest, and never a long stall for an event loop.

How the regressions are caught without fragile timings:

- Work counts where the quadratic behaviour has a direct measure: the
  characters that `_split` slices out of the text, and the length of the runs
  of combining marks out of canonical order that reach `unicodedata` (whose
  reordering is an insertion sort).
- Elsewhere, the time for 8n characters against the time for n: about 8 for
  linear work, 64 for quadratic; the bound, 24, leaves room for noise on a
  shared machine and still fails any quadratic step.
- Event-loop stalls: a task that sleeps 1 ms in a loop records its largest
  gap while `async_count_tokens` runs; the smallest such gap over three runs
  must stay under 50 ms (a real stall shows in every run; a scheduling hiccup
  of the machine does not).
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable
from importlib import resources
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anthropic_bedrock.tokenizer import Tokenizer, _bpe, _engine, _json, async_count_tokens, count_tokens, get_tokenizer

LOWER = "abcdefghijklmnopqrstuvwxyz"


def _json_text() -> str:
    return resources.files("anthropic_bedrock.tokenizer").joinpath("tokenizer.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def reference() -> Any:
    tokenizers = pytest.importorskip("tokenizers")
    return tokenizers.Tokenizer.from_str(_json_text())


def _random(seed: int, n: int, pick: Callable[[random.Random], str]) -> str:
    rng = random.Random(seed)
    return "".join(pick(rng) for _ in range(n))


# Kinds of text that make the engine work hardest, n characters long.
HARD: dict[str, Callable[[int], str]] = {
    "'a' + emoji run": lambda n: "a" + "\U0001f600" * (n - 1),
    "spaces": lambda n: " " * n,
    "one word of one letter": lambda n: "a" * n,
    "one word of random letters": lambda n: _random(1, n, lambda r: r.choice(LOWER)),
    "random emoji": lambda n: _random(2, n, lambda r: chr(r.randint(0x1F300, 0x1F6FF))),
    "random CJK ext. B": lambda n: _random(3, n, lambda r: chr(r.randint(0x20000, 0x2A6DF))),
    "random digits": lambda n: _random(4, n, lambda r: r.choice("0123456789")),
    "random whitespace": lambda n: _random(5, n, lambda r: r.choice(" \t\n\r\x0b\x0c\u00a0\u3000")),
    "alternating marks": lambda n: "a" + "\u0301\u0316" * ((n - 1) // 2),
    "emoji and punctuation": lambda n: "a" + "\U0001f600!" * (n // 2),
    "a pattern, then random letters": lambda n: "ab" * (n // 4) + _random(6, n // 2, lambda r: r.choice(LOWER)),
}


# ----------------------------------------------------------------- exactness


@pytest.mark.parametrize("kind", HARD)
def test_hard_texts_match_reference(reference: Any, kind: str) -> None:
    tok = get_tokenizer()
    for n in (300, 5000):
        text = HARD[kind](n)
        expected = reference.encode(text)
        assert tok.count(text) == len(expected.ids)
        assert tok.encode(text).ids == expected.ids


_LONG_WORD = st.one_of(
    # repeated short patterns (str.replace passes), then maybe something else
    st.tuples(st.text(alphabet="ab \u00e9\U0001f600", min_size=1, max_size=4), st.integers(70, 400)).map(
        lambda t: t[0] * t[1]
    ),
    st.text(alphabet=LOWER[:6], min_size=256, max_size=900),
    st.text(alphabet=" \t\n", min_size=256, max_size=900),
    st.lists(st.sampled_from(["ab" * 200, "x" * 300, "\U0001f600" * 80, "qzj", "é"]), min_size=1, max_size=5).map(
        "".join
    ),
)


@settings(max_examples=150, deadline=None)
@given(text=_LONG_WORD)
def test_long_words_match_reference(reference: Any, text: str) -> None:
    tok = get_tokenizer()
    expected = reference.encode(text)
    assert tok.encode(text).ids == expected.ids
    assert tok.count(text) == len(expected.ids)


@settings(max_examples=150, deadline=None)
@given(text=_LONG_WORD)
def test_rank_order_merging_agrees_with_the_heap(text: str) -> None:
    tok = get_tokenizer()
    for piece in tok._split(tok._normalize(text)):
        word = tok._symbols(piece)
        assert _bpe.merge_in_rank_order(word, tok._ranks, tok._merges, tok._vocab) == _bpe.merge_heap(word, tok._ranks)


def _toy_tokenizer_json(merges: list[str]) -> str:
    """A byte-level BPE over the 256 byte symbols plus the given merges."""
    vocab = {c: i for i, c in enumerate(_bpe.BYTE_CHARS)}
    for line in merges:
        vocab.setdefault(line.replace(" ", ""), len(vocab))
    return json.dumps(
        {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [],
            "normalizer": {"type": "NFKC"},
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "vocab": vocab,
                "merges": merges,
            },
        }
    )


def test_a_merge_table_out_of_rank_order_falls_back_on_the_heap() -> None:
    tokenizers = pytest.importorskip("tokenizers")
    # "x ab" ranks before "a b": merging "a b" makes a pair of lower rank,
    # which rank-by-rank passes cannot do in the reference's order.
    data = _toy_tokenizer_json(["x ab", "a b", "b c", "c a"])
    reference = tokenizers.Tokenizer.from_str(data)
    # a repeated pattern (str.replace passes), and random letters (buckets)
    for text in ["xab" * 100, _random(7, 600, lambda r: r.choice("abcdefghijx")) + "xab"]:
        tok = Tokenizer.from_json(data)
        word = tok._symbols(text)
        assert _bpe.merge_in_rank_order(word, tok._ranks, tok._merges, tok._vocab) is None
        assert tok.encode(text).ids == reference.encode(text).ids
        assert tok._rank_ordered is False


def test_cutting_long_segments_into_parts_changes_no_token(reference: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_engine, "_PART", 3)
    rng = random.Random(8)
    fragments = ["a", "b'", "'s", " ", "  ", "\n", "\n\n ", "!", "1", "\u00e9", "e\u0301", "\ufb01", "\U0001f600", "x "]
    tok = Tokenizer.from_json(_json_text())
    for _ in range(300):
        text = "".join(rng.choice(fragments) for _ in range(rng.randint(1, 40)))
        assert tok.encode(text).ids == reference.encode(text).ids, text
        assert tok.count(text) == len(reference.encode(text).ids), text


@settings(max_examples=200, deadline=None)
@given(
    marks=st.lists(
        st.sampled_from(["\u0301", "\u0316", "\u0334", "\u05b0", "\u0f73", "\u0f71", "\uff9e", "\U0001d165", "\u0344"]),
        min_size=16,
        max_size=120,
    ),
    base=st.sampled_from(["a", "e", "\u0915", "\u30cf", " ", ""]),
)
def test_long_runs_of_marks_normalise_as_the_reference(reference: Any, base: str, marks: list[str]) -> None:
    text = base + "".join(marks) + "x"
    assert get_tokenizer()._normalize(text) == reference.normalizer.normalize_str(text)
    assert count_tokens(text) == len(reference.encode(text).ids)


def test_sliced_json_loading_matches_json_loads() -> None:
    text = _json_text()
    assert _json.loads(text) == json.loads(text)
    assert _json._loads_sliced(text) == json.loads(text)
    # strings that look like cuts: `","`, `,"` after a digit, escaped quotes,
    # brackets, and keys named like the large values
    rng = random.Random(9)
    alphabet = ['"', ",", "\\", ":", "{", "}", "[", "]", " ", "1", "a", "\u00e9", "vocab", "merges"]

    def word() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6)))

    document = {
        "added_tokens": [{"content": '","'}],
        "model": {
            "vocab": {word() + str(i): i for i in range(20000)},
            "merges": [word() for _ in range(20000)],
        },
        "after": {"vocab": 1, "merges": 2},
    }
    for indent in (None, 2):
        dumped = json.dumps(document, indent=indent, ensure_ascii=False)
        assert _json.loads(dumped) == document
    for other in ['{"model": {"vocab": {}, "merges": []}}', '{"model": {"merges": [["a", "b"]], "vocab": {"a": 0}}}']:
        assert _json.loads(other) == json.loads(other)


# ----------------------------------------------------------------- linear work


class _CountingText(str):
    """A str that adds up the lengths of the slices taken from it."""

    sliced = 0

    def __getitem__(self, key: Any) -> str:
        out = str.__getitem__(self, key)
        if isinstance(key, slice):
            self.sliced += len(out)
        return out


@pytest.mark.parametrize("text", ["a" + "\U0001f600" * 4000, "a" + "\U0001f600!" * 2000, "\U00020000x" * 2000])
def test_split_cuts_each_piece_once(text: str) -> None:
    counting = _CountingText(text)
    pieces = get_tokenizer()._split(counting)
    assert "".join(pieces) == text
    # each character at most once (it was once per astral code point: n^2)
    assert counting.sliced <= len(text)


def _unordered_mark_runs(text: str, nfkd: Callable[[str, str], str]) -> int:
    """The length of the longest run of marks, after decomposition, that is not
    in canonical order: what CPython's NFKC sorts by insertion."""
    longest = run = 0
    previous = 0
    ordered = True
    for char in "".join(nfkd("NFKD", c) for c in text):
        ccc = unicodedata.combining(char)
        if ccc == 0:
            run, ordered, previous = 0, True, 0
            continue
        ordered = ordered and previous <= ccc
        previous = ccc
        run += 1
        if not ordered:
            longest = max(longest, run)
    return longest


def test_long_runs_of_marks_reach_unicodedata_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    real = unicodedata.normalize
    seen: list[int] = []

    def recording(form: str, text: str) -> str:
        if form == "NFKC":
            seen.append(_unordered_mark_runs(text, real))
        return real(form, text)

    monkeypatch.setattr(unicodedata, "normalize", recording)
    text = "a" + "\u0301\u0316" * 3000 + " b" + "\u0f73\u0f71" * 2000 + "\U0001d165\u0316" * 100
    get_tokenizer()._normalize(text)
    assert seen
    assert max(seen) < 64


def _best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize(
    ("kind", "n"),
    [
        ("'a' + emoji run", 20_000),
        ("emoji and punctuation", 20_000),
        ("spaces", 100_000),
        ("one word of random letters", 8_000),
        ("random emoji", 3_000),
        ("alternating marks", 4_000),
    ],
)
def test_counting_time_grows_linearly(kind: str, n: int) -> None:
    tok = get_tokenizer()
    small, large = HARD[kind](n), HARD[kind](8 * n)
    tok.count(small)  # warm-up
    ratio = _best_time(lambda: tok.count(large)) / _best_time(lambda: tok.count(small))
    assert ratio < 24, f"{kind}: 8x the text took {ratio:.1f}x the time"


# ----------------------------------------------------------------- event loop


def test_count_if_cheap_counts_only_what_is_cheap() -> None:
    tok = Tokenizer.from_json(_json_text())
    text = "The quick brown fox jumps over the lazy dog. " * 40  # 1,800 bytes, few distinct pieces
    assert tok.count_if_cheap(text, 4096, 512) == tok.count(text)
    assert tok.count_if_cheap("a<EOT>b", 4096, 512) == 3
    assert tok.count_if_cheap("x" * 5000, 4096, 512) is None  # too long
    assert tok.count_if_cheap("\U0001f600" * 1100, 4096, 512) is None  # 4,400 bytes
    assert tok.count_if_cheap("\ufdfa" * 300, 4096, 512) is None  # 5,400 characters after NFKC
    fresh = _random(10, 3000, lambda r: r.choice(LOWER + " "))
    assert tok.count_if_cheap(fresh, 4096, 512) is None  # too many new pieces
    tok.count(fresh)
    assert tok.count_if_cheap(fresh, 4096, 512) == tok.count(fresh)  # now known
    with pytest.raises(TypeError):
        tok.count_if_cheap(b"abc", 4096, 512)  # type: ignore[arg-type]


async def _largest_gap_while(awaitable: Callable[[], Any]) -> tuple[Any, float]:
    """Await `awaitable()` while a task sleeps 1 ms in a loop; return its
    result and the largest gap between the task's wake-ups."""
    gaps = [0.0]
    done = False

    async def ticker() -> None:
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.005)
    result = await awaitable()
    done = True
    await task
    return result, max(gaps)


STALL_BOUND = 0.050

# The audit's cases (65,536 characters, which were counted on the loop), and
# more of the slowest kinds of text.
LOOP_CASES = {
    "65,536 spaces": " " * 65536,
    "'a' + 65,535 emoji": "a" + "\U0001f600" * 65535,
    "alternating marks": HARD["alternating marks"](65536),
    "one word of random letters": HARD["one word of random letters"](65536),
    "random emoji": HARD["random emoji"](16384),
    "just over the inline bounds": HARD["one word of random letters"](600),
}


@pytest.mark.parametrize("name", LOOP_CASES)
def test_counting_never_stalls_the_event_loop(name: str) -> None:
    text = LOOP_CASES[name]
    expected = get_tokenizer().count(text)
    gaps = []
    for _ in range(3):
        get_tokenizer()._counts.clear()  # the slow path every time
        count, gap = asyncio.run(_largest_gap_while(lambda: async_count_tokens(text)))
        assert count == expected
        gaps.append(gap)
    assert min(gaps) < STALL_BOUND, f"{name}: the loop stalled {min(gaps) * 1000:.0f} ms"


def test_the_first_count_does_not_stall_the_event_loop() -> None:
    # A fresh interpreter each time: the vocabulary is loaded on first use.
    code = textwrap.dedent(
        """
        import asyncio, time
        import anthropic_bedrock.tokenizer as t

        async def main():
            gaps = [0.0]
            done = False
            async def ticker():
                last = time.perf_counter()
                while not done:
                    await asyncio.sleep(0.001)
                    now = time.perf_counter()
                    gaps.append(now - last)
                    last = now
            task = asyncio.create_task(ticker())
            await asyncio.sleep(0.005)
            count = await t.async_count_tokens("Hello world!")
            done = True
            await task
            print(count, max(gaps))

        asyncio.run(main())
        """
    )
    gaps = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
        count, gap = out.stdout.split()
        assert count == "3"
        gaps.append(float(gap))
    assert min(gaps) < STALL_BOUND, f"the first count stalled the loop {min(gaps) * 1000:.0f} ms"
