"""Long text with nowhere to cut (base64, minified code, runs of U+FDFA) is normalised and
pre-tokenised in slices: the counts stay exact, no C call (which holds the GIL) sees more than a
slice, and an event loop waiting for a count in a worker thread keeps running."""

from __future__ import annotations

import asyncio
import base64
import random
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_bedrock.tokenizer import Tokenizer, _engine, _normalizer, async_count_tokens, get_tokenizer

from test_tokenizer_cost import STALL_BOUND, _json_text, _largest_gap_while

# Fragments around which NFKC or the pre-tokenizer could change if cut in the wrong place:
# Hangul jamo that compose (L V T), vowel signs that compose with the sign before them, a
# ligature that NFKC spreads over 18 characters with spaces, NBSP (a space once normalised),
# marks, contractions, emoji.
FRAGMENTS = [
    "a", "b", "Z", "1", "'re", "'s", "!", "  ", " ", "\n", "\t", "\u00a0", "\u3000",
    "\u1100", "\u1161", "\u11a8", "\uac00",
    "\u0b47", "\u0b3e", "\u0b57", "\u0bc6", "\u0bbe", "\u0cbf", "\u0cd5", "\u0d46", "\u0d3e", "\u09c7", "\u09be",
    "\ufdfa", "\ufb01", "e\u0301", "\u0301", "\u0316", "\u0627\u0644", "\U0001f600", "\u2460", "\uff21",
]  # fmt: skip


@pytest.fixture(scope="module")
def reference() -> Any:
    tokenizers = pytest.importorskip("tokenizers")
    return tokenizers.Tokenizer.from_str(_json_text())


@pytest.mark.parametrize("part", [3, 40])
def test_slices_change_no_token(reference: Any, monkeypatch: pytest.MonkeyPatch, part: int) -> None:
    monkeypatch.setattr(_engine, "_PART", part)  # every segment over 2 parts takes the sliced way
    tok = Tokenizer.from_json(_json_text())
    rng = random.Random(part)
    for _ in range(400):
        text = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 120)))
        expected = reference.encode(text).ids
        assert tok.encode(text).ids == expected, ascii(text)
        assert tok.count(text) == len(expected), ascii(text)


def unsplittable() -> dict[str, str]:
    rng = random.Random(17)
    return {
        "U+FDFA": "\ufdfa" * 60_000,
        "printable ASCII, no spaces": "".join(chr(rng.randint(33, 126)) for _ in range(200_000)),
        "base64": base64.b64encode(rng.randbytes(150_000)).decode(),
        "one letter": "a" * 200_000,
    }


class _Recording:
    """Wraps the pre-tokenizer pattern, keeping the longest text handed to it."""

    def __init__(self, pattern: Any) -> None:
        self._pattern = pattern
        self.longest = 0

    def findall(self, text: str) -> list[str]:
        self.longest = max(self.longest, len(text))
        found: list[str] = self._pattern.findall(text)
        return found


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Tokenizer, _Recording, list[int]]]:
    tok = Tokenizer.from_json(_json_text())
    recording = _Recording(tok._pieces_re)
    monkeypatch.setattr(tok, "_pieces_re", recording)
    normalised: list[int] = []
    normalize = unicodedata.normalize

    def recording_normalize(form: str, text: str) -> str:
        normalised.append(len(text))
        return normalize(form, text)

    monkeypatch.setattr(_normalizer.unicodedata, "normalize", recording_normalize)
    yield tok, recording, normalised


@pytest.mark.parametrize("name", list(unsplittable()))
def test_no_c_call_sees_more_than_a_slice(reference: Any, recorded: Any, name: str) -> None:
    tok, recording, normalised = recorded
    text = unsplittable()[name]
    assert tok.count(text) == len(reference.encode(text).ids)
    slice_size = 1 << 14
    # a slice, doubled while one match reaches its end (one long word): what one word needs at most
    bound = 2 * len(text) if name == "one letter" else 4 * slice_size
    assert recording.longest <= bound
    assert max(normalised, default=0) <= 2 * slice_size


def test_counting_unsplittable_text_never_stalls_the_event_loop() -> None:
    # 200,000 x U+FDFA: 3.6 million characters once normalised, which one NFKC call took
    # about a quarter of a second to make, holding the GIL.
    text = "\ufdfa" * 200_000
    expected = get_tokenizer().count(text)
    gaps = []
    for _ in range(3):
        get_tokenizer()._counts.clear()
        count, gap = asyncio.run(_largest_gap_while(lambda: async_count_tokens(text)))
        assert count == expected
        gaps.append(gap)
    assert min(gaps) < STALL_BOUND, f"the loop stalled {min(gaps) * 1000:.0f} ms"
