"""Streamed completions: Bedrock's event stream turned into typed chunks as each frame arrives.

`ChunkReader` is the sans-IO part (bytes in, chunks or typed errors out); `Stream` and
`AsyncStream` only move bytes from the connection into it. Nothing is buffered beyond the frame
being read, so a chunk reaches the caller while the server is still producing the next one.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType
from typing import Self, cast

import anyio
import httpx

from . import _exceptions as errors
from ._eventstream import EventStreamDecoder, EventStreamError, EventStreamMessage
from ._json import loads
from ._orphans import watch
from .types import Completion, CompletionChunk, ResponseMetadata, Unset

_PREFIX = b'{"bytes":"'
_SUFFIX = b'"}'


def _chunk_bytes(payload: bytes) -> str | bytes:
    """The base64 text of a chunk event's `{"bytes": ...}` payload.

    Base64 needs no JSON escaping, so the plain form is sliced out directly (the common case,
    measurably faster than a JSON parse per chunk); anything else goes through the JSON parser.
    """
    if payload.startswith(_PREFIX) and payload.endswith(_SUFFIX):
        inner = payload[len(_PREFIX) : -len(_SUFFIX)]
        if b'"' not in inner and b"\\" not in inner:
            return inner
    value = loads(payload)["bytes"]
    if not isinstance(value, str):
        raise TypeError(f"the chunk's bytes field is a {type(value).__name__}, not a string")
    return value


class ChunkReader:
    """Feed it the raw body; it returns the chunks in order and raises the typed error for an
    exception message, a corrupt frame, or a stream that ends mid-frame."""

    __slots__ = ("_decoder", "_response", "last", "text_parts")

    def __init__(self, response: httpx.Response) -> None:
        self._decoder = EventStreamDecoder()
        self._response = response
        self.text_parts: list[str] = []
        self.last: CompletionChunk | None = None

    def feed(self, data: bytes) -> Iterator[CompletionChunk]:
        try:
            messages = self._decoder.feed(data)
        except EventStreamError as exc:
            raise errors.StreamDecodeError(f"Corrupt event stream: {exc}", self._response.request) from exc
        # One read may hold several frames: the chunks before an exception frame still reach the caller.
        for message in messages:
            chunk = self._chunk(message)
            if chunk is not None:
                yield chunk

    def end(self) -> None:
        """The body ended; raise if it stopped inside a frame."""
        try:
            self._decoder.close()
        except EventStreamError as exc:
            raise errors.StreamInterruptedError(
                f"The event stream ended in the middle of a message: {exc}", self._response.request
            ) from exc

    def interrupted(self, exc: Exception) -> errors.APIError:
        if isinstance(exc, httpx.TimeoutException):
            return errors.APITimeoutError(self._response.request, "Timed out while reading the event stream.")
        return errors.StreamInterruptedError(
            f"The connection broke during the event stream: {exc or type(exc).__name__}", self._response.request
        )

    def _chunk(self, message: EventStreamMessage) -> CompletionChunk | None:
        kind = message.message_type
        if kind == "event":
            if message.event_type != "chunk":
                return None  # an event type this SDK does not know yet: skip, as AWS SDKs do
            try:
                chunk = CompletionChunk.from_dict(loads(base64.b64decode(_chunk_bytes(message.payload), validate=True)))
            except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as exc:
                raise errors.StreamDecodeError(
                    f"A chunk event did not hold a valid completion chunk: {exc!r}", self._response.request
                ) from exc
            self.text_parts.append(chunk.completion)
            self.last = chunk
            return chunk
        if kind == "exception":
            raise self._exception(message.exception_type or "unknownException", message.payload)
        if kind == "error":
            code = message.headers.get(":error-code")
            text = message.headers.get(":error-message")
            raise errors.StreamDecodeError(
                f"The event stream reported an error: {code!s}: {text!s}", self._response.request
            )
        return None

    def _exception(self, exception_type: str, payload: bytes) -> errors.APIStatusError:
        return errors.make_status_error(
            self._response,
            payload,
            error_type=exception_type[:1].upper() + exception_type[1:],
            status_code=errors.STREAM_EXCEPTION_STATUS.get(exception_type, 500),
        )

    def final_completion(self) -> Completion:
        last = self.last
        completion = Completion(
            completion="".join(self.text_parts),
            stop_reason=last.stop_reason if last else None,
            stop=last.stop if last else None,
            response_metadata=ResponseMetadata.from_headers(self._response.headers),
        )
        if last is not None:
            completion.additional_properties.update(last.additional_properties)
            metrics = last.amazon_bedrock_invocation_metrics
            if not isinstance(metrics, Unset):
                completion.additional_properties["amazon-bedrock-invocationMetrics"] = metrics.to_dict()
        return completion


class _StreamBase:
    response: httpx.Response
    _reader: ChunkReader

    @property
    def request_id(self) -> str | None:
        value: str | None = self.response.headers.get("x-amzn-requestid")
        return value

    @property
    def text(self) -> str:
        """The text received so far."""
        return "".join(self._reader.text_parts)

    @property
    def last_chunk(self) -> CompletionChunk | None:
        """The latest chunk; at the end it carries `stop_reason`, `stop` and the invocation metrics."""
        return self._reader.last


def _read(reader: ChunkReader, response: httpx.Response) -> Generator[CompletionChunk]:
    """The chunks of `response`. A module function, so that it holds no reference to its `Stream`
    (no cycle: a dropped stream is freed at once by reference counting). No `finally` either:
    releasing the connection is the stream's job, never something a finalizer may do."""
    try:
        for data in response.iter_raw():
            yield from reader.feed(data)
    except httpx.TransportError as exc:
        raise reader.interrupted(exc) from exc
    reader.end()


async def _aread(reader: ChunkReader, response: httpx.Response) -> AsyncGenerator[CompletionChunk]:
    """The async form of `_read`. The raw iterator is closed here on every exit, so no generator of
    ours is left for the event loop to finalize."""
    async with contextlib.aclosing(cast("AsyncGenerator[bytes]", response.aiter_raw())) as raw:
        try:
            async for data in raw:
                for chunk in reader.feed(data):
                    yield chunk
        except httpx.TransportError as exc:
            raise reader.interrupted(exc) from exc
    reader.end()


class Stream(_StreamBase):
    """Chunks of a streamed completion, read as they arrive. Close it (or use `with`) when
    stopping early so the connection goes back to the pool; a stream dropped unclosed gives its
    connection back at the client's next request."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._reader = ChunkReader(response)
        self._chunks = _read(self._reader, response)
        self._finalizer = watch(self, response, self._chunks)

    def __iter__(self) -> Iterator[CompletionChunk]:
        return self

    def __next__(self) -> CompletionChunk:
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

    def get_final_completion(self) -> Completion:
        """Read the rest of the stream and return it as one `Completion`."""
        self.until_done()
        return self._reader.final_completion()

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


class AsyncStream(_StreamBase):
    """The async form of `Stream`: `async for`, `await close()`, `async with`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._reader = ChunkReader(response)
        self._chunks = _aread(self._reader, response)
        self._finalizer = watch(self, response, self._chunks)

    def __aiter__(self) -> AsyncIterator[CompletionChunk]:
        return self

    async def __anext__(self) -> CompletionChunk:
        try:
            return await self._chunks.__anext__()
        except BaseException:  # the end, an error or a cancellation: release the connection now
            with anyio.CancelScope(shield=True):
                await self.close()
            raise

    async def until_done(self) -> None:
        async for _ in self:
            pass

    async def get_final_text(self) -> str:
        await self.until_done()
        return self.text

    async def get_final_completion(self) -> Completion:
        await self.until_done()
        return self._reader.final_completion()

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
