"""The engine both public clients are built on: the connection pool, and a checked call's way
through send -> retry -> parse, sync and async.

Everything that decides (checking and building a call, the retry policy, classifying errors,
decoding streams) is sans-IO in the layers below; `SyncAPIClient` and `AsyncAPIClient` only move
bytes, sleep between attempts and read bodies, each in its own way. Resources are typed against
these classes, never against the public clients, and call only `_prepare` and `_call`.
"""

from __future__ import annotations

import functools
import os
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

import anyio
import httpx

from ._config import Settings
from ._constants import MAX_CONNECTIONS, MAX_KEEPALIVE_CONNECTIONS
from ._exceptions import connection_error, status_error, undecodable_body
from ._http.deadline import bound_body
from ._http.heads import bound_heads, head_deadline
from ._http.loops import abandon, loop_ref, running_loop
from ._http.offloop import prepared
from ._http.orphans import Orphans
from ._http.retry import Attempts
from ._http.transport import async_transport, proxy_mounts
from ._operations.base import Call, Operation, check_body, parse_result, prepare
from ._response import APIResponse, AsyncAPIResponse, aread_body, read_body
from ._streaming.stream import ChunkReader

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncAPIClient", "BaseClient", "Pool", "SyncAPIClient"]

LIMITS = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=MAX_KEEPALIVE_CONNECTIONS)

HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    # Building a context (loading the CA bundle) costs tens of milliseconds: do it once per process.
    return httpx.create_ssl_context()


def new_sync_http(timeout: httpx.Timeout) -> httpx.Client:
    client = httpx.Client(limits=LIMITS, timeout=timeout, verify=shared_ssl_context())
    bound_heads(client)
    return client


def new_async_http(timeout: httpx.Timeout) -> httpx.AsyncClient:
    transport = async_transport(LIMITS, shared_ssl_context())
    if transport is not None:
        # httpx mounts no environment proxies beside a transport it is given: route them as it would
        mounts = proxy_mounts(LIMITS, shared_ssl_context())
        client = httpx.AsyncClient(transport=transport, mounts=mounts, timeout=timeout)
    else:
        client = httpx.AsyncClient(limits=LIMITS, timeout=timeout, verify=shared_ssl_context())
    bound_heads(client)
    return client


class Pool(Generic[HttpT]):
    """The httpx client behind a client and its `with_options` copies, created on first request
    (so constructing a client costs no TLS set-up), or the one the caller gave.

    It holds no reference to any client (its factory is a plain function), and it has no finalizer:
    connections are released by `close()`, or by the garbage collector freeing their sockets; never
    from inside the collector, where closing could wait on a lock its own thread holds. A process
    forked from the one that made it gets connections of its own.

    An async pool belongs to the event loop it was built for (`loop`): a request from another
    loop gets a new pool (`renew`), and the old one is let go (`_http.loops`)."""

    def __init__(self, factory: Callable[[], HttpT], given: HttpT | None) -> None:
        self._factory: Callable[[], HttpT] = factory
        self._client: HttpT | None = given
        self.owned = given is None
        self._lock = threading.Lock()
        self._orphans = Orphans()
        self._pid = os.getpid()
        self._inherited: list[HttpT] = []
        self.loop: weakref.ref[asyncio.AbstractEventLoop] | None = None
        self.closed = False

    def _forked(self) -> None:
        """This process is a fork of the one that made the pool: its connections are the parent's
        sockets, which two processes cannot share (their requests would interleave on one stream).
        The child starts afresh; what it inherited is kept, never closed, as closing could end a
        connection (or a TLS session) the parent is still using."""
        if self.owned and self._client is not None:
            self._inherited.append(self._client)
            self._client = None
        self._lock = threading.Lock()  # it may have been held by a thread that did not come along
        self._orphans = Orphans()
        self._pid = os.getpid()
        self.loop = None

    def get(self) -> HttpT:
        if self._pid != os.getpid():
            self._forked()
        client = self._client
        if client is None:
            with self._lock:
                client = self._client
                if client is None:
                    client = self._client = self._factory()
        return client

    @property
    def created(self) -> HttpT | None:
        """The httpx client, if this process made it (or it was given)."""
        client: HttpT | None = self._client if self._pid == os.getpid() or not self.owned else None
        return client

    @property
    def orphans(self) -> Orphans:
        """The dropped streams of this process's connections, to be closed."""
        if self._pid != os.getpid():
            self._forked()
        return self._orphans

    def serves(self, loop: asyncio.AbstractEventLoop | None) -> bool:
        """Whether the async pool can send from `loop` as it is (a pool given by the caller, or a
        closed one, always can: replacing it is not ours to do)."""
        if self._pid != os.getpid():
            self._forked()
        if self._client is None:
            return False
        bound = self.loop
        return not self.owned or self.closed or loop is None or (bound is not None and bound() is loop)

    def renew(self, loop: asyncio.AbstractEventLoop | None) -> HttpT:
        """The pool for `loop`: the current one if it serves it, else a new one (the old one let go)."""
        with self._lock:
            old = self._client
            if old is not None and self.serves(loop):
                return old
            if old is not None and self.loop is not None:
                abandon(old)  # type: ignore[arg-type]
                self._orphans = Orphans()  # the old loop's dropped streams go with its pool
                old = None
            client = self._client = self._factory() if old is None else old  # (built, never used: keep it)
            self.loop = loop_ref(loop)
            return client


class BaseClient(Generic[HttpT]):
    """Settings, credentials and the connection pool; no I/O."""

    _settings: Settings
    _auth: httpx.Auth
    _pool: Pool[HttpT]

    def _init_engine(self, settings: Settings, auth: httpx.Auth, pool: Pool[HttpT]) -> None:
        self._settings = settings
        self._auth = auth
        self._pool = pool

    @property
    def _http(self) -> HttpT:
        return self._pool.get()

    def _prepare(
        self, operation: Operation[Any, Any], params: Mapping[str, Any], *, stream: bool | None = None
    ) -> Call[Any, Any]:
        """The checked call; raises TypeError or ValueError naming a bad argument, nothing sent."""
        return prepare(self._settings, operation, params, stream=stream)

    def _check(self, operation: Operation[Any, Any], params: Mapping[str, Any], where: str) -> Any:
        """The body `_prepare` would build from `params` given as data (a batch request's), checked
        the same way; raises TypeError or ValueError naming the place under `where`."""
        return check_body(self._settings, operation, params, where)

    @staticmethod
    def _reader(call: Call[Any, Any], response: httpx.Response) -> ChunkReader[Any, Any]:
        operation = call.operation
        endpoint = operation.stream_endpoint
        assert endpoint is not None and operation.event is not None and operation.accumulator is not None
        return ChunkReader(
            response,
            operation.event,
            operation.accumulator(),
            endpoint.stream_exceptions,
            server_sent_events=endpoint.server_sent_events,
        )


class SyncAPIClient(BaseClient[httpx.Client]):
    """The synchronous engine."""

    @staticmethod
    def _new_http(timeout: httpx.Timeout) -> httpx.Client:
        return new_sync_http(timeout)

    def _call(self, call: Call[Any, Any], *, open_body: bool = False) -> APIResponse[Any]:
        """Send a prepared call; the raw response's `parse()` gives the answer or the stream.
        `open_body` leaves a success body unread on the connection (`with_streaming_response`)."""
        response = self._send(call.request, max_retries=call.max_retries, stream=call.stream or open_body)
        pool = self._pool

        def parse() -> Any:
            if call.stream:
                return call.operation.stream_class(response, self._reader(call, response), pool)
            if open_body:
                read_body(response)
            return parse_result(call, response)

        return APIResponse(response, parse, open_body=call.stream or open_body)

    def _send(self, request: httpx.Request, *, max_retries: int, stream: bool) -> httpx.Response:
        orphans = self._pool.orphans
        if orphans:
            orphans.close_all()  # connections of streams dropped unclosed go back to the pool first
        attempts = Attempts(max_retries)
        while True:
            attempts.log_send(request)
            started = time.monotonic()
            try:
                with head_deadline(request, started):
                    response = self._http.send(request, auth=self._auth, stream=True)
            except httpx.TransportError as exc:
                time.sleep(attempts.after_error(exc, request))
                continue
            delay = attempts.after_response(response)
            if delay is None:
                break
            response.close()
            time.sleep(delay)
        if response.status_code >= 400 or not stream:
            bound_body(response, started)
            try:
                response.read()
            except httpx.TransportError as exc:
                raise connection_error(exc, request) from exc
            except httpx.DecodingError as exc:
                raise undecodable_body(response, exc) from exc
            finally:
                response.close()
            if response.status_code >= 400:
                raise status_error(response)
        else:
            orphans.attach(response)
        return response

    def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed in)."""
        self._pool.orphans.close_all()
        http = self._pool.created
        if self._pool.owned and http is not None:
            http.close()
        self._pool.closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    """The asynchronous engine: the same steps with `await`."""

    @staticmethod
    def _new_http(timeout: httpx.Timeout) -> httpx.AsyncClient:
        return new_async_http(timeout)

    async def _call(self, call: Call[Any, Any], *, open_body: bool = False) -> AsyncAPIResponse[Any]:
        """Send a prepared call; the raw response's `await parse()` gives the answer or the stream.
        `open_body` leaves a success body unread on the connection (`with_streaming_response`)."""
        response = await self._send(call.request, max_retries=call.max_retries, stream=call.stream or open_body)
        pool = self._pool

        async def parse() -> Any:
            if call.stream:
                return call.operation.async_stream_class(response, self._reader(call, response), pool)
            if open_body:
                await aread_body(response)
            return parse_result(call, response)

        return AsyncAPIResponse(response, parse, open_body=call.stream or open_body)

    async def _send(self, request: httpx.Request, *, max_retries: int, stream: bool) -> httpx.Response:
        loop = running_loop()
        if not self._pool.serves(loop):  # first request, or first from this event loop
            await prepared(functools.partial(self._pool.renew, loop))  # CA bundle, imports: in a worker thread
        orphans = self._pool.orphans
        if orphans:
            await orphans.aclose_all()  # connections of streams dropped unclosed go back to the pool first
        attempts = Attempts(max_retries)
        while True:
            attempts.log_send(request)
            started = time.monotonic()
            try:
                with head_deadline(request, started):
                    response = await self._http.send(request, auth=self._auth, stream=True)
            except httpx.TransportError as exc:
                await anyio.sleep(attempts.after_error(exc, request))
                continue
            delay = attempts.after_response(response)
            if delay is None:
                break
            await response.aclose()
            await anyio.sleep(delay)
        if response.status_code >= 400 or not stream:
            bound_body(response, started)
            try:
                await response.aread()
            except httpx.TransportError as exc:
                raise connection_error(exc, request) from exc
            except httpx.DecodingError as exc:
                raise undecodable_body(response, exc) from exc
            finally:
                await response.aclose()
            if response.status_code >= 400:
                raise status_error(response)
        else:
            orphans.attach(response)
        return response

    async def close(self) -> None:
        """Close the connection pool (unless it belongs to an `http_client` you passed in)."""
        pool = self._pool
        http = pool.created
        if pool.owned and http is not None and not pool.serves(running_loop()):
            abandon(http)  # a pool of another (finished) loop: nothing of it may run on this one
        else:
            await pool.orphans.aclose_all()
            if pool.owned and http is not None:
                await http.aclose()
        pool.closed = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
