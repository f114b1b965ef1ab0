"""Streams (and raw responses of streamed calls never parsed) dropped without being closed: their
connections are released by the next request.

A stream's finalizer may run from the cyclic garbage collector, which fires wherever memory is
allocated, even inside httpcore's connection pool while it holds its non-reentrant lock. Closing a
response there deadlocks a sync client, and an async client cannot await in a finalizer at all.
So a finalizer only parks the stream's response and chunk iterator in an `Orphans` queue owned by
the connection pool (a deque append: no lock, no I/O), and the next request on that pool closes
them first, in ordinary code, before it asks the pool for a connection.

The finalizer is a `weakref.finalize` rather than `__del__` on purpose: its registry holds the
response and the suspended iterator strongly until the stream is gone, so the collector never
finds them in a dead cycle and never runs their own finalizers (which would close the connection
under whatever lock happens to be held).
"""

from __future__ import annotations

import contextlib
import weakref
from collections import deque
from collections.abc import AsyncGenerator, Generator
from typing import Any

import anyio
import httpx

_EXTENSION = "anthropic_bedrock.orphans"

# The stream's suspended reader; None for a raw response whose body nobody has started to read.
Chunks = Generator[Any] | AsyncGenerator[Any] | None


class Orphans:
    """The responses (and chunk iterators) of dropped streams of one connection pool, to be closed."""

    __slots__ = ("__weakref__", "_queue")

    def __init__(self) -> None:
        self._queue: deque[tuple[httpx.Response, Chunks]] = deque()

    def __len__(self) -> int:
        return len(self._queue)

    def adopt(self, response: httpx.Response, chunks: Chunks) -> None:
        """Park a dropped stream's parts. Runs in finalizers: no lock, no I/O."""
        self._queue.append((response, chunks))

    def _next(self) -> tuple[httpx.Response, Chunks] | None:
        try:
            return self._queue.popleft()
        except IndexError:  # another thread took the last one
            return None

    def close_all(self) -> None:
        """Close every parked sync stream; called before a request, outside any pool lock."""
        while self._queue:
            item = self._next()
            if item is None:
                return
            response, chunks = item
            # A stream nobody reads any more has no one to report a failure to.
            if chunks is not None:
                with contextlib.suppress(Exception):
                    chunks.close()  # type: ignore[union-attr]
            with contextlib.suppress(Exception):
                response.close()

    async def aclose_all(self) -> None:
        """Close every parked async stream; shielded so a cancelled request still releases them."""
        while self._queue:
            item = self._next()
            if item is None:
                return
            response, chunks = item
            with anyio.CancelScope(shield=True):
                if chunks is not None:
                    with contextlib.suppress(Exception):
                        await chunks.aclose()  # type: ignore[union-attr]
                with contextlib.suppress(Exception):
                    await response.aclose()

    def attach(self, response: httpx.Response) -> None:
        """Mark `response` as belonging to this pool, so a stream built on it can find its queue."""
        response.extensions[_EXTENSION] = self


def watch(stream: object, response: httpx.Response, chunks: Chunks) -> weakref.finalize[Any, Any] | None:
    """Arrange for `response` and `chunks` to be parked in their pool's queue once `stream` is
    garbage; None when the response came from no client of this SDK (nothing to park them in)."""
    orphans = response.extensions.get(_EXTENSION)
    if not isinstance(orphans, Orphans):
        return None
    finalizer = weakref.finalize(stream, orphans.adopt, response, chunks)
    finalizer.atexit = False  # at interpreter exit the sockets go anyway
    return finalizer
