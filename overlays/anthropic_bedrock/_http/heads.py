"""A deadline on the status line and headers of every response.

httpx applies its read timeout to each read: a server that trickles its status line and headers a
byte a second never trips a two-second timeout, so `timeout=2` took as long as the server liked
(20 bytes: 20 s). Every attempt now has its response head in by the attempt's start plus the read
timeout, on every transport: `head_deadline()` marks the attempt (a context variable, seen by the
reads the attempt makes in its thread or task); on httpx's pools a wrapper around the network
backend shortens each read to what is left and fails the next one once nothing is; the aiohttp
transport reads the same mark (`current()`). A body is bounded apart (`deadline.bound_body`), and
a stream's events never are: they come as long as the model writes.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import httpx

from .deadline import read_timeout

__all__ = ["bound_heads", "current", "head_deadline"]

_DEADLINE: ContextVar[float | None] = ContextVar("anthropic_bedrock_head_deadline", default=None)


def current() -> float | None:
    """The time (`time.monotonic()`) by which the current attempt's response head must be in."""
    return _DEADLINE.get()


@contextlib.contextmanager
def head_deadline(request: httpx.Request, started: float) -> Iterator[None]:
    """Within the block, reads of a response head end by `started` plus `request`'s read timeout."""
    seconds = read_timeout(request)
    token = _DEADLINE.set(None if seconds is None else started + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _left(timeout: float | None) -> float | None:
    """`timeout` shortened to what is left before the deadline; raises once nothing is."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        import httpcore  # loaded: a request is being read

        raise httpcore.ReadTimeout("The response head took longer than the read timeout.")
    return left if timeout is None else min(timeout, left)


class _Stream:
    """An httpcore network stream whose reads end by the deadline."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = self._inner.read(max_bytes, _left(timeout))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> _Stream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(self._inner.connect_tcp(*args, **kwargs))

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _Stream:
        return _Stream(self._inner.connect_unix_socket(*args, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream:
    """The async form of `_Stream`."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data: bytes = await self._inner.read(max_bytes, _left(timeout))
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> _AsyncStream:
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _AsyncBackend:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    async def connect_tcp(self, *args: Any, **kwargs: Any) -> _AsyncStream:
        return _AsyncStream(await self._inner.connect_tcp(*args, **kwargs))

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> _AsyncStream:
        return _AsyncStream(await self._inner.connect_unix_socket(*args, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def bound_heads(client: httpx.Client | httpx.AsyncClient) -> None:
    """Put the deadline on the httpcore pools behind `client` (its transport and proxy mounts).
    A transport of another kind (aiohttp's, a mock) is left as it is."""
    wrap = _AsyncBackend if isinstance(client, httpx.AsyncClient) else _Backend
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _Backend | _AsyncBackend):
            pool._network_backend = wrap(backend)  # type: ignore[union-attr]
