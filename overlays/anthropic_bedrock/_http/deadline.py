"""A deadline on reading a whole response body.

httpx applies its timeouts per operation: a server that trickles a byte a second never trips a
two-second read timeout, so `timeout=2` could take minutes. For calls that return a whole body, the
SDK also bounds the attempt as a whole: the body must be in by the attempt's start plus the read
timeout. The check runs as data arrives, so a read that stalls completely is still caught by the
read timeout itself. Streams are not bounded this way: they last as long as the model writes, and
only the gap between two reads is limited.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx


def _late(request: httpx.Request, seconds: float) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(f"The response body took longer than the {seconds:g} s timeout.", request=request)


class _SyncBody(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, request: httpx.Request, started: float, seconds: float) -> None:
        self._inner = inner
        self._request = request
        self._deadline = started + seconds
        self._seconds = seconds

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise _late(self._request, self._seconds)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncBody(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request, started: float, seconds: float) -> None:
        self._inner = inner
        self._request = request
        self._deadline = started + seconds
        self._seconds = seconds

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise _late(self._request, self._seconds)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def read_timeout(request: httpx.Request) -> float | None:
    """The read timeout the request is sent with (None: no limit)."""
    value = request.extensions.get("timeout", {}).get("read")
    return float(value) if isinstance(value, int | float) else None


def bound_body(response: httpx.Response, started: float) -> None:
    """Make reading `response`'s body fail with httpx.ReadTimeout once the attempt that began at
    `started` (time.monotonic()) has lasted longer than its read timeout."""
    seconds = read_timeout(response.request)
    if seconds is None:
        return
    stream = response.stream
    if isinstance(stream, httpx.SyncByteStream) and isinstance(stream, httpx.AsyncByteStream):
        return  # a body already in memory (a mock transport's)
    if isinstance(stream, httpx.SyncByteStream):
        response.stream = _SyncBody(stream, response.request, started, seconds)
    elif isinstance(stream, httpx.AsyncByteStream):
        response.stream = _AsyncBody(stream, response.request, started, seconds)
