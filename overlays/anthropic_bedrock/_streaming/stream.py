"""The generic stream: a streamed answer turned into typed events as each frame arrives.

`ChunkReader` is the sans-IO part (bytes in, events or typed errors out), over either framing
(`.framing`: Bedrock's binary event stream, or server-sent events). What an event is and what
accumulates from it comes from the operation (`Accumulator`); this module knows nothing of
completions or messages, whose streams subclass `Stream` / `AsyncStream` with their own helpers
(`get_final_completion`, `get_final_message`). `Stream` and `AsyncStream` only move bytes from the
connection into the reader. Nothing is buffered beyond the frame being read, so an event reaches the
caller while the server is still producing the next one.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator, Mapping
from types import TracebackType
from typing import Any, Generic, Protocol, Self, TypeVar, cast

import anyio
import httpx

from .. import _exceptions as errors
from .._http.orphans import watch
from .._json import loads
from .framing import EventStreamFraming, Framing, SSEFraming

__all__ = ["Accumulator", "AsyncStream", "ChunkReader", "Stream"]

T = TypeVar("T")
A = TypeVar("A", bound="Accumulator[Any, Any]")
T_contra = TypeVar("T_contra", contravariant=True)
F_co = TypeVar("F_co", covariant=True)


class Accumulator(Protocol[T_contra, F_co]):
    """What a stream keeps of its events, to answer `text` and build the final result."""

    @property
    def complete(self) -> bool:
        """Whether the final event (the one that ends a well-formed stream) has arrived."""
        ...

    @property
    def text(self) -> str: ...

    def add(self, event: T_contra) -> None: ...

    def final(self, headers: Mapping[str, str]) -> F_co:
        """The whole answer, once the stream is complete (`headers`: the response's)."""
        ...


class ChunkReader(Generic[T, A]):
    """Feed it the raw body; it returns the events in order and raises the typed error for an
    exception message, a corrupt frame, or a stream that ends mid-frame or before its final event.

    `decode` turns one event's JSON into an event (None for an event the caller never sees, such as
    a keep-alive); `acc` keeps what the stream has said so far; `exceptions` maps each in-stream
    `:exception-type` to the HTTP status it stands for (from the API description). The wire's
    framing (`.framing`) is Bedrock's binary event stream, or with `server_sent_events`
    server-sent events (the Anthropic-native endpoints): both carry the same event JSON."""

    __slots__ = ("_decode", "_framing", "_response", "acc")

    def __init__(
        self,
        response: httpx.Response,
        decode: Callable[[Any], T | None],
        acc: A,
        exceptions: Mapping[str, int],
        *,
        server_sent_events: bool = False,
    ) -> None:
        self._framing: Framing = (
            SSEFraming(response) if server_sent_events else EventStreamFraming(response, exceptions)
        )
        self._response = response
        self._decode = decode
        self.acc = acc

    def feed(self, data: bytes) -> Iterator[T]:
        """The events completed by `data`, one at a time: each is added to `acc` just before it is
        handed out, so snapshots taken while iterating match what the caller has seen."""
        framing = self._framing
        # One read may hold several frames: each event is handed out (and the events before an
        # exception frame reach the caller) before the next frame is looked at.
        for frame in framing.feed(data):
            text = framing.payload(frame)
            if text is None:
                continue
            try:
                event = self._decode(loads(text))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise errors.StreamDecodeError(
                    f"A chunk event did not hold a valid event: {exc!r}", self._response.request
                ) from exc
            if event is not None:
                self.acc.add(event)
                yield event

    def end(self) -> None:
        """The body ended; raise if it stopped inside a frame or before the final event."""
        self._framing.close()
        if not self.acc.complete:
            raise errors.StreamInterruptedError(
                "The event stream ended before its final event: the answer is incomplete.", self._response.request
            )

    def interrupted(self, exc: Exception) -> errors.APIError:
        if isinstance(exc, httpx.TimeoutException):
            return errors.APITimeoutError(self._response.request, "Timed out while reading the event stream.")
        return errors.StreamInterruptedError(
            f"The connection broke during the event stream: {exc or type(exc).__name__}", self._response.request
        )


class _StreamBase(Generic[T]):
    response: httpx.Response
    _reader: ChunkReader[T, Any]
    _owner: object

    @property
    def request_id(self) -> str | None:
        return errors.request_id(self.response.headers)

    @property
    def text(self) -> str:
        """The text received so far."""
        text: str = self._reader.acc.text
        return text


def _read(reader: ChunkReader[T, Any], response: httpx.Response) -> Generator[T]:
    """The events of `response`. A module function, so that it holds no reference to its `Stream`
    (no cycle: a dropped stream is freed at once by reference counting). No `finally` either:
    releasing the connection is the stream's job, never something a finalizer may do."""
    try:
        for data in response.iter_raw():
            yield from reader.feed(data)
    except httpx.TransportError as exc:
        raise reader.interrupted(exc) from exc
    reader.end()


async def _aread(reader: ChunkReader[T, Any], response: httpx.Response) -> AsyncGenerator[T]:
    """The async form of `_read`. The raw iterator is closed here on every exit, so no generator of
    ours is left for the event loop to finalize."""
    async with contextlib.aclosing(cast("AsyncGenerator[bytes]", response.aiter_raw())) as raw:
        try:
            async for data in raw:
                for event in reader.feed(data):
                    yield event
        except httpx.TransportError as exc:
            raise reader.interrupted(exc) from exc
    reader.end()


class Stream(_StreamBase[T]):
    """Events of a streamed answer, read as they arrive. Close it (or use `with`) when stopping
    early so the connection goes back to the pool; a stream dropped unclosed gives its connection
    back at the client's next request.

    `owner` is whatever the connection comes from (the client's pool): the stream holds it, so a
    client that goes out of scope while its stream is read does not take the connections with it."""

    def __init__(self, response: httpx.Response, reader: ChunkReader[T, Any], owner: object = None) -> None:
        self.response = response
        self._reader = reader
        self._owner = owner
        self._chunks = _read(reader, response)
        self._finalizer = watch(self, response, self._chunks)

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        try:
            return next(self._chunks)
        except BaseException:  # the end, an error or an interrupt: release the connection now
            self.close()
            raise

    def until_done(self) -> None:
        """Read the rest of the stream."""
        for _ in self:
            pass

    def get_final_text(self) -> str:
        """Read the rest of the stream and return the whole text."""
        self.until_done()
        return self.text

    def close(self) -> None:
        """Stop reading and release the connection."""
        if self._finalizer is not None:
            self._finalizer.detach()
        self._chunks.close()
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncStream(_StreamBase[T]):
    """The async form of `Stream`: `async for`, `await close()`, `async with`."""

    def __init__(self, response: httpx.Response, reader: ChunkReader[T, Any], owner: object = None) -> None:
        self.response = response
        self._reader = reader
        self._owner = owner
        self._chunks = _aread(reader, response)
        self._finalizer = watch(self, response, self._chunks)

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return await self._chunks.__anext__()
        except BaseException:  # the end, an error or a cancellation: release the connection now
            with anyio.CancelScope(shield=True):
                await self.close()
            raise

    async def until_done(self) -> None:
        """Read the rest of the stream."""
        async for _ in self:
            pass

    async def get_final_text(self) -> str:
        """Read the rest of the stream and return the whole text."""
        await self.until_done()
        return self.text

    async def close(self) -> None:
        """Stop reading and release the connection."""
        if self._finalizer is not None:
            self._finalizer.detach()
        await self._chunks.aclose()
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
