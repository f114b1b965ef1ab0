"""The first stop sequence in an echo: one scan for thousands of sequences, the same answer as one
scan per sequence (the earliest start wins; at one start, the first listed)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anthropic_bedrock.emulator import _stops
from anthropic_bedrock.emulator._generate import Echo

# Regular-expression syntax included on purpose: the tree escapes what it puts in ranges and literals.
ALPHABET = "ab -]^\\[.*?()|$xyz\u00e9\u20ac"


def one_scan_per_sequence(text: str, sequences: Sequence[str]) -> tuple[int, str] | None:
    cut, stop = len(text), None
    for sequence in sequences:
        if not sequence:
            continue
        found = text.find(sequence, 0, cut + len(sequence) - 1)
        if 0 <= found < cut:
            cut, stop = found, sequence
    return None if stop is None else (cut, stop)


@contextlib.contextmanager
def always_the_tree() -> Iterator[None]:
    """Take the tree for any number of sequences, and send those over 3 characters one by one."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_stops, "_COMPILE_NS", 0)
        patch.setattr(_stops, "_TREE_SCAN_NS", 0)
        patch.setattr(_stops, "_TREE_DEPTH", 3)
        patch.setattr(_stops, "_WIDE", 2)
        yield


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet=ALPHABET, max_size=60),
    sequences=st.lists(st.text(alphabet=ALPHABET, max_size=5), max_size=30),
)
def test_the_tree_finds_what_one_scan_per_sequence_finds(text: str, sequences: list[str]) -> None:
    with always_the_tree():
        assert _stops.first_stop(text, sequences) == one_scan_per_sequence(text, sequences)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="ab ", max_size=40),
    sequences=st.lists(st.text(alphabet="ab ", max_size=4), max_size=10),
)
def test_few_sequences_are_scanned_one_by_one(text: str, sequences: list[str]) -> None:
    assert _stops.first_stop(text, sequences) == one_scan_per_sequence(text, sequences)


def test_thousands_of_sequences_take_the_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[int] = []
    tree_pattern = _stops._tree_pattern

    def counting(sequences: Sequence[str]):  # type: ignore[no-untyped-def]
        compiled.append(len(sequences))
        return tree_pattern(sequences)

    monkeypatch.setattr(_stops, "_tree_pattern", counting)
    text = " ".join(f"word{index % 997}" for index in range(120_000))
    sequences = [f"word{index}x" for index in range(8000)] + ["word996 word0", "word5 "]
    echo = Echo(text, 128_000, sequences, leading_space=False)
    assert compiled == [8002]
    assert echo.stop == "word5 "  # the earliest match, though listed last
    assert echo.text() == "word0 word1 word2 word3 word4 "


def test_at_one_start_the_first_listed_wins() -> None:
    sequences = ["cd", "abc", "ab", "abcdef", "bc"]
    with always_the_tree():
        assert _stops.first_stop("xxabcdef", sequences) == (2, "abc")
        assert _stops.first_stop("xxabcdef", list(reversed(sequences))) == (2, "abcdef")
        assert _stops.first_stop("", sequences) is None
