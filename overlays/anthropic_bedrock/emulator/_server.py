"""The emulator's server object: configuration, the test API, and its lifecycle.

:class:`Emulator` listens on loopback and owns the state tests look at (request log, counters,
fault queue). What happens on a connection lives elsewhere: ``_connection`` (HTTP/1.1 with h11),
``_routes`` (logging, authentication, faults) dispatching through ``_table`` to the operations
(``_invoke``, ``_count_tokens``, ``_control``), ``_bedrock`` (bodies) and ``_auth`` (SigV4).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Final, TypedDict, Unpack

from ._aio import Worker
from ._auth import Authenticator
from ._batch_runner import BatchLimits
from ._batch_service import BatchService
from ._connection import BodyBudget, Timeouts, serve_connection
from ._faults import FaultQueue, FaultSpec
from ._handler import ServerState
from ._listener import Listener
from ._log import LogEntry, RequestLog, Stats
from ._reply import Settings
from ._routes import Router
from ._table import OPERATIONS

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_API_KEY",
    "DEFAULT_REGION",
    "DEFAULT_SECRET_KEY",
    "Emulator",
    "EmulatorConfig",
    "LogEntry",
    "Stats",
    "async_emulator",
    "emulator",
]

DEFAULT_ACCESS_KEY: Final = "AKIDEMULATOR000000"
DEFAULT_SECRET_KEY: Final = "emulator-secret-key"
DEFAULT_API_KEY: Final = "ABSKemulator-api-key"
DEFAULT_REGION: Final = "us-east-1"


class EmulatorConfig(TypedDict, total=False):
    """Keyword arguments of :class:`Emulator` (and of :func:`emulator` / :func:`async_emulator`)."""

    host: str
    port: int
    access_key: str
    secret_key: str
    session_token: str | None
    api_key: str | None
    region: str
    max_clock_skew: float
    log_limit: int
    log_bytes: int
    error_type_suffix: bool
    idle_timeout: float
    header_timeout: float
    unauthenticated_bytes: int
    reuse_port: bool
    s3: bool
    batch_pace: float
    batch_limits: BatchLimits | None


class Emulator:
    """A local Bedrock Runtime: a real HTTP/1.1 server on loopback.

    Start it with ``with emulator(...) as emu`` (server thread) or ``async with async_emulator(...)``
    (current event loop), or call ``start()``/``stop()`` / ``await start_async()``/``stop_async()``.

    Bounds: the log keeps at most ``log_limit`` entries and about ``log_bytes`` bytes; a connection
    idle for ``idle_timeout`` seconds is closed, as is one whose request head takes longer than
    ``header_timeout`` seconds to arrive; request bodies held before they can be authenticated take
    at most ``unauthenticated_bytes`` between them (past that, such requests are answered 503). With
    ``reuse_port``, several emulator processes may listen on one port (``SO_REUSEPORT``), each taking
    a share of the connections.

    Batch inference (the control plane's model invocation jobs, on the same port) needs ``s3=True``:
    the emulator then starts moto's S3 server on loopback with a bucket (``s3_url``, ``bucket``),
    and its jobs read and write there, ``batch_pace`` seconds per record, within ``batch_limits``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_key: str = DEFAULT_ACCESS_KEY,
        secret_key: str = DEFAULT_SECRET_KEY,
        session_token: str | None = None,
        api_key: str | None = DEFAULT_API_KEY,
        region: str = DEFAULT_REGION,
        max_clock_skew: float = 300.0,
        log_limit: int = 10_000,
        log_bytes: int = 64 << 20,
        error_type_suffix: bool = False,
        idle_timeout: float = 60.0,
        header_timeout: float = 10.0,
        unauthenticated_bytes: int = 64 << 20,
        reuse_port: bool = False,
        s3: bool = False,
        batch_pace: float = 0.0,
        batch_limits: BatchLimits | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.reuse_port = reuse_port
        self.region = region
        self._auth = Authenticator(
            access_key=access_key,
            secret_key=secret_key,
            session_token=session_token,
            api_key=api_key,
            max_skew=max_clock_skew,
        )
        self._log = RequestLog(log_limit, log_bytes)
        self._faults = FaultQueue()
        self._settings = Settings(error_type_suffix=error_type_suffix)
        self._worker = Worker()
        self._batch = BatchService(region=region, pace=batch_pace, limits=batch_limits) if s3 else None
        state = ServerState(self._log, self._faults, self._worker, self._batch)
        self._router = Router(OPERATIONS, self._auth, state, self._settings)
        self._timeouts = Timeouts(idle=idle_timeout, header=header_timeout)
        self._budget = BodyBudget(unauthenticated_bytes)
        self._listener: Listener | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_event: asyncio.Event | None = None

    # -- configuration -------------------------------------------------------------------------

    @property
    def error_type_suffix(self) -> bool:
        """Append the Coral namespace to ``x-amzn-ErrorType`` (as some AWS front ends do)."""
        return self._settings.error_type_suffix

    @error_type_suffix.setter
    def error_type_suffix(self, value: bool) -> None:
        self._settings.error_type_suffix = value

    @property
    def access_key(self) -> str:
        return self._auth.access_key

    @property
    def secret_key(self) -> str:
        return self._auth.secret_key

    @property
    def session_token(self) -> str | None:
        return self._auth.session_token

    @property
    def api_key(self) -> str | None:
        return self._auth.api_key

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (valid once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def batch(self) -> BatchService:
        """Batch inference (with ``s3=True``): ``s3_url``, ``bucket``, ``role_arn`` and ``jobs``."""
        if self._batch is None:
            raise RuntimeError("this emulator runs no batch inference: construct it with s3=True")
        return self._batch

    @property
    def s3_url(self) -> str:
        """The S3 server's URL, such as ``http://127.0.0.1:54322`` (with ``s3=True``, once started)."""
        return self.batch.s3_url

    def env(self, *, api_key: bool = False) -> dict[str, str]:
        """Environment variables that point the SDK (and boto3) at this emulator.

        ``api_key=True`` adds ``AWS_BEARER_TOKEN_BEDROCK``, which makes boto3 (and clients that follow
        it) use the API key instead of SigV4.
        """
        values = {
            "ANTHROPIC_BEDROCK_BASE_URL": self.url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_REGION": self.region,
        }
        if self.session_token:
            values["AWS_SESSION_TOKEN"] = self.session_token
        if self._batch is not None and self._batch.started:
            # botocore's own setting for S3's endpoint, which the SDK's batch transfers follow too.
            values["ANTHROPIC_BEDROCK_CONTROL_BASE_URL"] = self.url
            values["AWS_ENDPOINT_URL_S3"] = self.s3_url
        if api_key and self.api_key:
            values["AWS_BEARER_TOKEN_BEDROCK"] = self.api_key
        return values

    # -- test API ------------------------------------------------------------------------------

    def push_fault(self, spec: str | FaultSpec, count: int = 1, *, match: str | None = None) -> None:
        """Queue ``spec`` for the next ``count`` model requests (``match``: only ``invoke``, ``stream`` or ``count_tokens``)."""
        self._faults.push(spec, count, match=match)

    def clear_faults(self) -> None:
        self._faults.clear()

    def pending_faults(self) -> int:
        """How many queued fault uses are left."""
        return self._faults.pending()

    def reset(self) -> None:
        """Forget the log, the counters and the queued faults (and with ``s3=True``, every batch job and S3 object)."""
        self._log.reset()
        self._faults.clear()
        if self._batch is not None and self._batch.started:
            self._batch.reset()

    @property
    def log(self) -> list[LogEntry]:
        """A copy of the request log, oldest first (model, control and unknown requests alike)."""
        return self._log.entries()

    def requests(self, operation: str | None = None) -> list[LogEntry]:
        """Logged requests, optionally one operation (``invoke``, ``stream``, ``count_tokens``, ``unknown``, ``control``)."""
        return [entry for entry in self.log if operation is None or entry.operation == operation]

    def stats(self) -> Stats:
        """A snapshot of the counters."""
        return self._log.stats()

    @property
    def request_counts(self) -> dict[str, int]:
        """Requests per raw path."""
        return self.stats().by_path

    @property
    def signature_failures(self) -> int:
        """Requests refused by authentication (any 403 the auth check produced)."""
        return self.stats().signature_failures

    @property
    def faults_served(self) -> int:
        """Requests that carried out a fault directive (from the header or the queue)."""
        return self.stats().faults_served

    # -- lifecycle: current event loop ---------------------------------------------------------

    async def start_async(self) -> None:
        """Listen on the running event loop."""
        if self._listener is not None:
            raise RuntimeError("emulator already started")
        if self._batch is not None:
            await asyncio.to_thread(self._batch.start)  # moto takes about a second to start
        listener = Listener(self._serve_connection)
        self.port = await listener.start(self.host, self.port, reuse_port=self.reuse_port)
        self._listener = listener
        self._loop = asyncio.get_running_loop()

    async def stop_async(self) -> None:
        """Stop listening, close every connection and wait for their tasks."""
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.close()
        self._worker.close()
        if self._batch is not None:
            await asyncio.to_thread(self._batch.stop)

    async def __aenter__(self) -> Emulator:
        await self.start_async()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop_async()

    async def serve_until_stopped(self, on_ready: Callable[[Emulator], None] | None = None) -> None:
        """Start, call ``on_ready(self)``, then serve until :meth:`request_stop` is called (from any thread)."""
        self._stop_event = asyncio.Event()
        await self.start_async()
        if on_ready is not None:
            on_ready(self)
        try:
            await self._stop_event.wait()
        finally:
            await self.stop_async()

    def request_stop(self) -> None:
        """Ask :meth:`serve_until_stopped` to return; safe from any thread and from signal handlers."""
        loop, event = self._loop, self._stop_event
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)

    # -- lifecycle: own thread -----------------------------------------------------------------

    def start(self) -> None:
        """Serve from a background thread with its own event loop; returns once listening."""
        if self._thread is not None:
            raise RuntimeError("emulator already started")
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self._thread_serve(ready))
            except BaseException as exc:
                failure.append(exc)
            finally:
                ready.set()
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=main, name="bedrock-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]

    async def _thread_serve(self, ready: threading.Event) -> None:
        self._stop_event = asyncio.Event()
        await self.start_async()
        ready.set()
        try:
            await self._stop_event.wait()
        finally:
            await self.stop_async()

    def stop(self) -> None:
        """Stop the server thread and wait for it."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self.request_stop()
        thread.join()

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- connections ---------------------------------------------------------------------------

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._log.count_connection()
        await serve_connection(reader, writer, self._router.handle, self._router.admit, self._timeouts, self._budget)


@contextlib.contextmanager
def emulator(**config: Unpack[EmulatorConfig]) -> Iterator[Emulator]:
    """Run an :class:`Emulator` in a background thread for the ``with`` block."""
    server = Emulator(**config)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def async_emulator(**config: Unpack[EmulatorConfig]) -> AsyncIterator[Emulator]:
    """Run an :class:`Emulator` on the current event loop for the ``async with`` block."""
    server = Emulator(**config)
    await server.start_async()
    try:
        yield server
    finally:
        await server.stop_async()
