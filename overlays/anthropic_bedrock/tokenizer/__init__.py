"""The legacy Claude tokenizer behind `count_tokens` (loaded on first use).

    >>> from anthropic_bedrock.tokenizer import count_tokens
    >>> count_tokens("Hello world!")
    3

The vocabulary (`tokenizer.json`, see NOTICE) is read on the first call, once
per process, under a lock; importing this package does not read it.  The engine
is pure Python and gives the same tokens as the `tokenizers` library does with
the same file.
"""

from __future__ import annotations

import threading
from importlib import resources

from ._engine import Encoding, Tokenizer

__all__ = ["Encoding", "Tokenizer", "async_count_tokens", "count_tokens", "get_tokenizer"]

# `async_count_tokens` counts a text on the event loop only if that is
# certainly cheap (`Tokenizer.count_if_cheap`): at most this many bytes of
# UTF-8 (and characters after NFKC), of which at most this many in pieces not
# counted before.  Anything else goes to a worker thread.  The slowest inline
# call measured over the slowest kinds of text at these bounds
# (scripts/bench_tokenizer.py --inline) took at most 4.9 ms on a busy 2-core
# machine.
_INLINE_BYTES = 4096
_INLINE_NEW_BYTES = 512

_lock = threading.Lock()
_tokenizer: Tokenizer | None = None


def _load() -> Tokenizer:
    data = resources.files(__name__).joinpath("tokenizer.json").read_bytes()
    return Tokenizer.from_json(data)


def get_tokenizer() -> Tokenizer:
    """The process-wide tokenizer, loaded on first use (thread-safe)."""
    global _tokenizer
    tokenizer = _tokenizer
    if tokenizer is None:
        with _lock:
            tokenizer = _tokenizer
            if tokenizer is None:
                tokenizer = _tokenizer = _load()
    return tokenizer


def count_tokens(text: str) -> int:
    """Number of tokens in `text` under the legacy Claude tokenizer."""
    return get_tokenizer().count(text)


async def async_count_tokens(text: str) -> int:
    """`count_tokens` for async code: the first load, and any counting that is
    not certainly cheap, run in a worker thread so the event loop is not blocked."""
    import asyncio  # here, not at the top: it is slow to import, and loaded already when this runs

    tokenizer = _tokenizer
    if tokenizer is None:
        tokenizer = await asyncio.to_thread(get_tokenizer)
    count = tokenizer.count_if_cheap(text, _INLINE_BYTES, _INLINE_NEW_BYTES)
    if count is None:
        count = await asyncio.to_thread(tokenizer.count, text)
    return count
