"""An httpx transport over aiohttp: the async client's connection pool when `aiohttp` is installed.

httpx 0.28's own async pool is slow under many concurrent requests (its bookkeeping grows with
the number of requests waiting). Measured on this project's emulator, 500 concurrent requests:
about 2.4-3.0 s through httpx's pool, 0.9-1.1 s through aiohttp, 1.4-1.7 s for boto3 in 32
threads. It is a dependency of the package; `ANTHROPIC_BEDROCK_ASYNC_TRANSPORT=httpx`
keeps httpx's pool even then. Requests, signing, retries and parsing are unchanged: only the bytes
travel differently.

The URL is handed over already encoded (SigV4 signed it byte for byte), aiohttp errors become
the httpx errors the clients already handle, and httpx's timeout phases map onto aiohttp's. Where
aiohttp has no phase of its own, a timer per request stands in: a body that makes no progress for
the write timeout fails as httpx's does (aiohttp waited for ever on a server that stopped reading),
and the response head is in by the attempt's deadline (`heads`). Proxies come from the environment
as httpx reads them (`transport.proxy_mounts`), each through its own transport.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
import time
import warnings
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import httpx
import yarl

from . import heads

# A body is written in slices one byte over aiohttp's drain threshold (64 KiB), so that aiohttp
# waits for each to leave before asking for the next: the wait for the next is the write's progress.
_SLICE = 0x10001

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


class _Watch:
    """One request's timer: while a slice of the body is being written it runs out after the
    write timeout; before and after, at the head deadline (or never)."""

    def __init__(self, timer: asyncio.Timeout, write: float | None, head: float | None) -> None:
        self._timer = timer
        self._write = write
        self._loop = asyncio.get_running_loop()
        # the head deadline on the loop's clock
        self._head = None if head is None else self._loop.time() + (head - time.monotonic())
        self.writing = False

    def head(self) -> None:
        self.writing = False
        self._timer.reschedule(self._head)

    def write(self) -> None:
        if self._write is None:
            self.head()
            return
        self.writing = True
        self._timer.reschedule(self._loop.time() + self._write)

    async def slices(self, body: bytes) -> AsyncIterator[bytes]:
        for start in range(0, len(body), _SLICE):
            self.write()
            yield body[start : start + _SLICE]
        self.head()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests through an aiohttp connection pool, created in the loop on first use;
    through `proxy` (a URL, credentials included) when given."""

    def __init__(self, *, limits: httpx.Limits, ssl_context: ssl.SSLContext, proxy: str | None = None) -> None:
        self._limits = limits
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._proxy: yarl.URL | None = None
        self._proxy_headers: dict[str, str] | None = None
        if proxy is not None:
            url = yarl.URL(proxy)
            if url.user is not None:  # credentials in the URL: Basic auth to the proxy, as httpx does
                userinfo = f"{url.user}:{url.password or ''}".encode()
                self._proxy_headers = {"Proxy-Authorization": "Basic " + base64.b64encode(userinfo).decode()}
            self._proxy = url.with_user(None)

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
        content = request.content
        headers = request.headers.multi_items()
        if self._proxy_headers is not None and request.url.scheme == "http":
            headers += self._proxy_headers.items()  # forwarded, not tunnelled: the proxy reads them here
        with _as_httpx_errors(request):
            try:
                async with asyncio.timeout(None) as timer:
                    watch = _Watch(timer, phases.get("write"), heads.current())
                    if len(content) <= _SLICE:
                        watch.head()  # a body this small is handed to the socket at once
                    response = await session.request(
                        request.method,
                        yarl.URL(str(request.url), encoded=True),
                        headers=headers,
                        data=watch.slices(content) if len(content) > _SLICE else (content or None),
                        allow_redirects=False,
                        timeout=timeout,
                        proxy=self._proxy,
                        proxy_headers=self._proxy_headers,
                    )
            except TimeoutError as exc:
                if timer.expired() and watch.writing:
                    raise httpx.WriteTimeout("Timed out writing the request body.", request=request) from exc
                raise
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
