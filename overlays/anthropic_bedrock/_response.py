"""`with_raw_response` and `with_streaming_response` results: the HTTP response (status, headers,
body as bytes, text, JSON or an iterator) and `parse()`, named as in `anthropic`.

A raw response of a plain call holds its body already read; one from `with_streaming_response`
(a context manager) leaves it on the connection until the caller reads it: `iter_bytes()`,
`iter_text()`, `iter_lines()`, `read()`, `text()`, `json()` or `parse()`. Leaving the `with` block
releases the connection either way.
"""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx

from ._exceptions import connection_error, request_id, undecodable_body
from ._http.orphans import watch
from ._json import loads
from .types import ResponseMetadata

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncResponseContextManager",
    "ResponseContextManager",
    "aread_body",
    "read_body",
]

T = TypeVar("T")
R = TypeVar("R", bound="APIResponse[Any]")
AR = TypeVar("AR", bound="AsyncAPIResponse[Any]")


def read_body(response: httpx.Response) -> bytes:
    """The whole body (read once, kept); a connection failure is the SDK's `APIConnectionError`, a
    body its Content-Encoding does not decode an `APIResponseValidationError`."""
    try:
        return response.read()
    except httpx.TransportError as exc:
        raise connection_error(exc, response.request) from exc
    except httpx.DecodingError as exc:
        raise undecodable_body(response, exc) from exc


async def aread_body(response: httpx.Response) -> bytes:
    """The async form of `read_body`."""
    try:
        return await response.aread()
    except httpx.TransportError as exc:
        raise connection_error(exc, response.request) from exc
    except httpx.DecodingError as exc:
        raise undecodable_body(response, exc) from exc


class _RawBase:
    http_response: httpx.Response
    _finalizer: weakref.finalize[Any, Any] | None

    def _guard(self, open_body: bool) -> None:
        # An open (streamed) body belongs to this object until `parse()` hands it to a stream: if
        # it is dropped unparsed, the connection goes back at the client's next request.
        self._finalizer = watch(self, self.http_response, None) if open_body else None

    def _hand_over(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        return request_id(self.http_response.headers)

    @property
    def metadata(self) -> ResponseMetadata:
        """Request id, token counts and latency from the headers."""
        return ResponseMetadata.from_headers(self.http_response.headers)

    @property
    def url(self) -> httpx.URL:
        return self.http_response.request.url

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def http_version(self) -> str:
        return self.http_response.http_version

    @property
    def elapsed(self) -> timedelta:
        """The time from sending the request to the end of the body (httpx's measure)."""
        return self.http_response.elapsed

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.url}>"


class APIResponse(_RawBase, Generic[T]):
    """The raw response of a call; `parse()` gives what the plain call would have returned."""

    def __init__(self, http_response: httpx.Response, parser: Callable[[], T], *, open_body: bool = False) -> None:
        self.http_response = http_response
        self._parser = parser
        self._parsed: list[T] = []
        self._guard(open_body)

    def parse(self) -> T:
        if not self._parsed:
            self._hand_over()
            self._parsed.append(self._parser())
        return self._parsed[0]

    def read(self) -> bytes:
        """The whole body as bytes."""
        return read_body(self.http_response)

    def text(self) -> str:
        """The whole body decoded as text."""
        self.read()
        return self.http_response.text

    def json(self) -> object:
        """The whole body decoded as JSON."""
        return loads(self.read())

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body as it arrives (decoded from any content encoding)."""
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_response.request) from exc

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as text, as it arrives."""
        try:
            yield from self.http_response.iter_text(chunk_size)
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_response.request) from exc

    def iter_lines(self) -> Iterator[str]:
        """The body line by line, as it arrives."""
        try:
            yield from self.http_response.iter_lines()
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_response.request) from exc

    def close(self) -> None:
        """Release the connection (the body, if unread, is dropped)."""
        self._hand_over()
        self.http_response.close()


class AsyncAPIResponse(_RawBase, Generic[T]):
    """The async form of `APIResponse`: `await response.parse()`, `async for` over its body."""

    def __init__(
        self, http_response: httpx.Response, parser: Callable[[], Awaitable[T]], *, open_body: bool = False
    ) -> None:
        self.http_response = http_response
        self._parser = parser
        self._parsed: list[T] = []
        self._guard(open_body)

    async def parse(self) -> T:
        if not self._parsed:
            self._hand_over()
            self._parsed.append(await self._parser())
        return self._parsed[0]

    async def read(self) -> bytes:
        """The whole body as bytes."""
        return await aread_body(self.http_response)

    async def text(self) -> str:
        """The whole body decoded as text."""
        await self.read()
        return self.http_response.text

    async def json(self) -> object:
        """The whole body decoded as JSON."""
        return loads(await self.read())

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives (decoded from any content encoding)."""
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_response.request) from exc

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body as text, as it arrives."""
        try:
            async for chunk in self.http_response.aiter_text(chunk_size):
                yield chunk
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_response.request) from exc

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body line by line, as it arrives."""
        try:
            async for line in self.http_response.aiter_lines():
                yield line
        except httpx.TransportError as exc:
            raise connection_error(exc, self.http_response.request) from exc

    async def close(self) -> None:
        """Release the connection (the body, if unread, is dropped)."""
        self._hand_over()
        await self.http_response.aclose()


class ResponseContextManager(Generic[R]):
    """What `with_streaming_response.<method>(...)` returns: `with ... as response:` sends the call
    (its arguments were checked already) and gives the response with its body unread; leaving the
    block releases the connection."""

    def __init__(self, send: Callable[[], R]) -> None:
        self._send = send
        self._response: R | None = None

    def __enter__(self) -> R:
        self._response = self._send()
        return self._response

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncResponseContextManager(Generic[AR]):
    """The async form of `ResponseContextManager`: `async with ... as response:`."""

    def __init__(self, send: Callable[[], Awaitable[AR]]) -> None:
        self._send = send
        self._response: AR | None = None

    async def __aenter__(self) -> AR:
        self._response = await self._send()
        return self._response

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            await self._response.close()
