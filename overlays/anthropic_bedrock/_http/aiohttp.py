"""An httpx transport over aiohttp: the async client's connection pool when `aiohttp` is installed.

httpx 0.28's own async pool is slow under many concurrent requests (its bookkeeping grows with
the number of requests waiting). Measured on this project's emulator, 500 concurrent requests:
about 2.4-3.0 s through httpx's pool, 0.9-1.1 s through aiohttp, 1.4-1.7 s for boto3 in 32
threads. It is a dependency of the package; `ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=httpx`
keeps httpx's pool even then. Requests, signing, retries and parsing are unchanged: only the bytes
travel differently.

The URL is handed over already encoded (SigV4 signed it byte for byte), aiohttp errors become
the httpx errors the clients already handle, and httpx's timeout phases map onto aiohttp's.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import warnings
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import httpx
import yarl

# aiohttp reads a response ahead of its reader until twice this much is buffered. Its default
# (256 KiB) buffers a whole answer, so each stream a caller reads slowly held its unread events in
# memory rather than in the socket: 200 open streams, 193 KB of RSS each; at 4 KiB, 63 KB each
# (boto3: 59 KB), with no more CPU per event. Many frames still come over per read.
_READ_BUFSIZE = 4 * 1024


@contextlib.contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    """aiohttp's exceptions as the httpx ones the clients retry and report."""
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "Timed out connecting.", request=request) from exc
    except (TimeoutError, aiohttp.SocketTimeoutError) as exc:
        raise httpx.ReadTimeout(str(exc) or "Timed out reading.", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    except aiohttp.ClientResponseError as exc:
        raise httpx.RemoteProtocolError(str(exc), request=request) from exc
    except (aiohttp.ClientPayloadError, aiohttp.ClientConnectionError) as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.TransportError(str(exc) or type(exc).__name__, request=request) from exc


class _Body(httpx.AsyncByteStream):
    """The response body as it arrives. An iterator object rather than an async generator, so
    nothing is left for the event loop to finalize when reading stops early."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        with _as_httpx_errors(self._request):
            chunk = await self._response.content.readany()
        if not chunk:
            raise StopAsyncIteration
        return chunk

    async def aclose(self) -> None:
        # Back to the pool when the body was read to its end; otherwise the connection is closed.
        self._response.release()


def _close_dropped(connector: aiohttp.BaseConnector) -> None:
    """The transport was dropped without `aclose()`, or the interpreter is exiting with it open.
    Close its idle sockets now, as aiohttp itself would when the pool is collected, but say so with
    a ResourceWarning (as for an unclosed httpx pool or socket) instead of an error logged through
    the event loop."""
    if _in_use(connector):
        return
    warnings.warn(
        "an AsyncAnthropicBedrock client was not closed (close() or `async with`); its connections are closed now",
        ResourceWarning,
        stacklevel=2,
    )
    _close_quietly(connector)


def _in_use(connector: aiohttp.BaseConnector) -> bool:
    """Closed already, or a stream may still read on one of its connections (it outlives its
    client, or its loop is only paused): then the pool is left to aiohttp, unless its loop is
    closed and nothing can read any more."""
    return connector.closed or bool(getattr(connector, "_acquired", None) and not connector._loop.is_closed())


def _close_quietly(connector: aiohttp.BaseConnector) -> None:
    """Close the pool without awaiting, as aiohttp's own finalizer does: on a closed loop it only
    marks the pool closed (its sockets go with the garbage collector); on a loop another thread
    runs, the close is handed to that loop. Either way aiohttp has nothing left to report."""
    loop = connector._loop
    with contextlib.suppress(Exception):
        if loop.is_running() and loop is not asyncio._get_running_loop():
            loop.call_soon_threadsafe(connector._close)
        else:
            connector._close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through an aiohttp connection pool, created in the loop on first use."""

    def __init__(self, *, limits: httpx.Limits, ssl_context: ssl.SSLContext) -> None:
        self._limits = limits
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def _new_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections or 0,
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=self._ssl,
        )
        # Also at interpreter exit, for a client never closed (a module-level one): aiohttp would
        # otherwise print "Unclosed client session" to stderr as the interpreter shuts down.
        self._finalizer = weakref.finalize(self, _close_dropped, connector)
        # No automatic headers or decompression: httpx already chose the headers that were signed.
        return aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding"),
            read_bufsize=_READ_BUFSIZE,
        )

    @property
    def connections_in_use(self) -> int:
        """Connections checked out of the pool (for tests and diagnostics)."""
        session = self._session
        if session is None or session.connector is None:
            return 0
        return len(getattr(session.connector, "_acquired", ()))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session
        if session is None or session.closed:
            session = self._session = self._new_session()
        phases = request.extensions.get("timeout", {})
        connect, pool = phases.get("connect"), phases.get("pool")
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's `connect` covers waiting for a pooled connection and opening one.
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=phases.get("read"),
        )
        with _as_httpx_errors(request):
            response = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=request.headers.multi_items(),
                data=request.content or None,
                allow_redirects=False,
                timeout=timeout,
            )
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_Body(response, request),
            request=request,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": (response.reason or "").encode()},
        )

    def abandon(self) -> None:
        """Let go of the pool without awaiting on its event loop (the client moved on to another
        loop): its idle connections are closed, quietly; one a stream still reads on stays open."""
        session, self._session = self._session, None
        if self._finalizer is not None:
            self._finalizer.detach()
        if session is not None and session.connector is not None and not _in_use(session.connector):
            _close_quietly(session.connector)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
