"""The emulator's HTTP/1.1 server: asyncio streams with h11 doing the HTTP, one task per connection.

Routing, authentication, fault directives and answers meet here; the byte-level pieces live in
``_auth`` (SigV4), ``_bedrock`` (bodies) and ``anthropic_bedrock._eventstream`` (frames).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import json
import logging
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Final, TypedDict, Unpack
from urllib.parse import unquote

import h11

from .._eventstream import encode_frame, encode_headers
from . import _bedrock
from ._auth import Authenticator
from ._faults import ERROR_TYPES, FaultSpec, parse_fault

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

_logger = logging.getLogger("anthropic_bedrock.emulator")
_ROUTE = re.compile(r"^/model/([^/]+)/(invoke|invoke-with-response-stream)$")
_OPERATIONS: Final = {"invoke": "invoke", "invoke-with-response-stream": "stream"}
_ERROR_SUFFIX: Final = ":http://internal.amazon.com/coral/com.amazon.bedrock/"
_CHUNK_HEADERS: Final = encode_headers(
    {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
)
_DEFAULT_MESSAGES: Final = {
    "ValidationException": "The request failed validation (injected).",
    "AccessDeniedException": "You don't have access to the model with the specified model ID.",
    "ResourceNotFoundException": "Could not resolve the foundation model from the provided model identifier.",
    "ModelTimeoutException": "Model has timed out in processing the request. Try your request again.",
    "ModelErrorException": "The system encountered an unexpected error during processing. Try your request again.",
    "ThrottlingException": "Too many requests, please wait before trying again.",
    "InternalServerException": "The system encountered an unexpected error during processing. Try your request again.",
    "ServiceUnavailableException": "Bedrock is unable to process your request.",
    "throttlingException": "Too many requests, please wait before trying again.",
    "modelStreamErrorException": "The model stream failed (injected).",
    "internalServerException": "The system encountered an unexpected error during processing. Try your request again.",
    "validationException": "The request failed validation (injected).",
    "modelTimeoutException": "Model has timed out in processing the request. Try your request again.",
    "serviceUnavailableException": "Bedrock is unable to process your request.",
}


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
    error_type_suffix: bool


@dataclass(slots=True)
class LogEntry:
    """One request as received (``path`` is the raw request target, query included)."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes
    received_at: float
    request_id: str
    operation: str
    model_id: str | None = None
    fault: str | None = None
    status: int | None = None

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def json(self) -> object:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(slots=True)
class Stats:
    """Counters since start or the last ``reset()``."""

    requests: int = 0
    by_path: dict[str, int] = field(default_factory=dict)
    by_operation: dict[str, int] = field(default_factory=dict)
    by_status: dict[int, int] = field(default_factory=dict)
    signature_failures: int = 0
    faults_served: int = 0
    connections_opened: int = 0


@dataclass(slots=True)
class _QueuedFault:
    spec: FaultSpec
    remaining: int


class _Abort(Exception):
    """Leave the connection now (a reset or cut directive)."""


class Emulator:
    """A local Bedrock Runtime: a real HTTP/1.1 server on loopback.

    Start it with ``with emulator(...) as emu`` (server thread) or ``async with async_emulator(...)``
    (current event loop), or call ``start()``/``stop()`` / ``await start_async()``/``stop_async()``.
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
        error_type_suffix: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.region = region
        self.error_type_suffix = error_type_suffix
        self._auth = Authenticator(
            access_key=access_key,
            secret_key=secret_key,
            session_token=session_token,
            api_key=api_key,
            max_skew=max_clock_skew,
        )
        self._lock = threading.Lock()
        self._log: collections.deque[LogEntry] = collections.deque(maxlen=log_limit)
        self._stats = Stats()
        self._faults: list[_QueuedFault] = []
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop_event: asyncio.Event | None = None
        self._date = ("", 0)

    # -- configuration -------------------------------------------------------------------------

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
        if api_key and self.api_key:
            values["AWS_BEARER_TOKEN_BEDROCK"] = self.api_key
        return values

    # -- test API ------------------------------------------------------------------------------

    def push_fault(self, spec: str | FaultSpec, count: int = 1, *, match: str | None = None) -> None:
        """Queue ``spec`` for the next ``count`` model requests (``match``: only ``invoke`` or ``stream``)."""
        parsed = parse_fault(spec) if isinstance(spec, str) else spec
        if match is not None:
            parsed = parse_fault(f"{parsed.text};match={match}") if parsed.text else FaultSpec(match=match)
        if count < 1:
            raise ValueError("count must be >= 1")
        with self._lock:
            self._faults.append(_QueuedFault(parsed, count))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending_faults(self) -> int:
        """How many queued fault uses are left."""
        with self._lock:
            return sum(item.remaining for item in self._faults)

    def reset(self) -> None:
        """Forget the log, the counters and the queued faults."""
        with self._lock:
            self._log.clear()
            self._stats = Stats()
            self._faults.clear()

    @property
    def log(self) -> list[LogEntry]:
        """A copy of the request log, oldest first (model, control and unknown requests alike)."""
        with self._lock:
            return list(self._log)

    def requests(self, operation: str | None = None) -> list[LogEntry]:
        """Logged requests, optionally only one operation (``invoke``, ``stream``, ``unknown``, ``control``)."""
        return [entry for entry in self.log if operation is None or entry.operation == operation]

    def stats(self) -> Stats:
        """A snapshot of the counters."""
        with self._lock:
            current = self._stats
            return Stats(
                requests=current.requests,
                by_path=dict(current.by_path),
                by_operation=dict(current.by_operation),
                by_status=dict(current.by_status),
                signature_failures=current.signature_failures,
                faults_served=current.faults_served,
                connections_opened=current.connections_opened,
            )

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
        if self._server is not None:
            raise RuntimeError("emulator already started")
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self.port, backlog=2048, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop_async(self) -> None:
        """Stop listening, close every connection and wait for their tasks."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()

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

    # -- HTTP ----------------------------------------------------------------------------------

    def _http_date(self) -> str:
        now = int(time.time())
        text, second = self._date
        if second != now:
            text = email.utils.formatdate(now, usegmt=True)
            self._date = (text, now)
        return text

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        with self._lock:
            self._stats.connections_opened += 1
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                received = await self._receive(conn, reader, writer)
                if received is None:
                    break
                request, body = received
                await self._dispatch(conn, writer, request, body)
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    break
                conn.start_next_cycle()
        except (_Abort, ConnectionError, h11.LocalProtocolError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass
        except Exception:
            _logger.exception("emulator: unexpected error while serving a request")
            if conn.our_state is h11.SEND_RESPONSE:
                with contextlib.suppress(Exception):
                    headers, body = self._error("InternalServerException", "The emulator failed on this request.")
                    writer.write(
                        (
                            conn.send(
                                h11.Response(status_code=500, headers=[*headers, ("content-length", str(len(body)))])
                            )
                            or b""
                        )
                        + (conn.send(h11.Data(data=body)) or b"")
                        + (conn.send(h11.EndOfMessage()) or b"")
                    )
                    await writer.drain()
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _receive(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[h11.Request, bytes] | None:
        request: h11.Request | None = None
        body = bytearray()
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                    payload = json.dumps({"message": f"Bad request: {exc}"}).encode()
                    writer.write(
                        conn.send(
                            h11.Response(
                                status_code=exc.error_status_hint,
                                headers=[
                                    ("content-type", "application/json"),
                                    ("content-length", str(len(payload))),
                                    ("connection", "close"),
                                ],
                            )
                        )
                        + (conn.send(h11.Data(data=payload)) or b"")
                        + (conn.send(h11.EndOfMessage()) or b"")
                    )
                    await writer.drain()
                return None
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                continue
            if isinstance(event, h11.Request):
                request = event
                if conn.they_are_waiting_for_100_continue:
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])) or b"")
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                assert request is not None
                return request, bytes(body)
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None

    async def _send(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        cut: bool = False,
    ) -> None:
        headers = [*headers, ("content-length", str(len(body))), ("date", self._http_date())]
        data = conn.send(h11.Response(status_code=status, headers=headers)) or b""
        if cut:
            writer.write(data + body[: len(body) // 2])
            await writer.drain()
            raise _Abort
        writer.write(data + (conn.send(h11.Data(data=body)) or b"") + (conn.send(h11.EndOfMessage()) or b""))
        await writer.drain()

    def _error(self, error_type: str, message: str) -> tuple[list[tuple[str, str]], bytes]:
        wire_type = error_type + _ERROR_SUFFIX if self.error_type_suffix else error_type
        return [("content-type", "application/json"), ("x-amzn-errortype", wire_type)], json.dumps(
            {"message": message}
        ).encode()

    async def _send_error(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        entry: LogEntry,
        status: int,
        error_type: str,
        message: str,
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        headers, body = self._error(error_type, message)
        self._finish(entry, status)
        await self._send(conn, writer, status, [("x-amzn-requestid", entry.request_id), *headers, *(extra or [])], body)

    def _finish(self, entry: LogEntry, status: int) -> None:
        with self._lock:
            entry.status = status
            self._stats.by_status[status] = self._stats.by_status.get(status, 0) + 1

    def _take_fault(self, operation: str) -> FaultSpec | None:
        with self._lock:
            for index, item in enumerate(self._faults):
                if item.spec.applies_to(operation):
                    item.remaining -= 1
                    if item.remaining <= 0:
                        del self._faults[index]
                    return item.spec
        return None

    async def _dispatch(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, request: h11.Request, body: bytes
    ) -> None:
        received = time.time()
        started = time.perf_counter()
        target = request.target.decode("latin-1")
        method = request.method.decode("latin-1")
        headers = [(name.decode("latin-1"), _header_text(value)) for name, value in request.headers]
        path = target.partition("?")[0]
        route = _ROUTE.match(path)
        if route is not None:
            operation = _OPERATIONS[route.group(2)]
        elif path.startswith("/_emulator/"):
            operation = "control"
        else:
            operation = "unknown"
        entry = LogEntry(
            method=method,
            path=target,
            headers=headers,
            body=body,
            received_at=received,
            request_id=str(uuid.uuid4()),
            operation=operation,
        )
        with self._lock:
            self._log.append(entry)
            stats = self._stats
            stats.requests += 1
            stats.by_path[target] = stats.by_path.get(target, 0) + 1
            stats.by_operation[operation] = stats.by_operation.get(operation, 0) + 1

        if operation == "control":
            await self._control(conn, writer, entry, method, path, body)
            return
        if route is None or method != "POST":
            await self._send_error(conn, writer, entry, 404, "UnknownOperationException", "Unknown operation")
            return

        failure = self._auth.check(method, target, headers, body)
        if failure is not None:
            with self._lock:
                self._stats.signature_failures += 1
            await self._send_error(conn, writer, entry, 403, failure.error_type, failure.message)
            return

        model_id = unquote(route.group(1))
        entry.model_id = model_id
        spec: FaultSpec | None
        header_spec = entry.header("x-emulator-fault")
        if header_spec is not None:
            try:
                spec = parse_fault(header_spec)
            except ValueError as exc:
                await self._send_error(
                    conn, writer, entry, 400, "ValidationException", f"Invalid x-emulator-fault header: {exc}"
                )
                return
        else:
            spec = self._take_fault(operation)
        if spec is not None:
            entry.fault = spec.text
            with self._lock:
                self._stats.faults_served += 1
            await self._apply_pre_response(writer, spec)
            if spec.status is not None:
                await self._send_fault_status(conn, writer, entry, spec)
                return

        if not _known_model(model_id):
            await self._send_error(
                conn, writer, entry, 404, "ResourceNotFoundException", _DEFAULT_MESSAGES["ResourceNotFoundException"]
            )
            return
        try:
            invocation = _bedrock.parse_body(body)
        except _bedrock.BodyError as exc:
            await self._send_error(conn, writer, entry, 400, "ValidationException", str(exc))
            return
        result = _bedrock.answer(invocation, spec.length if spec else None)
        if operation == "invoke":
            latency = max(1, round((time.perf_counter() - started) * 1000))
            response = _bedrock.invoke_body(invocation, result, model_id)
            self._finish(entry, 200)
            await self._send(
                conn,
                writer,
                200,
                [
                    ("x-amzn-requestid", entry.request_id),
                    ("content-type", "application/json"),
                    ("x-amzn-bedrock-invocation-latency", str(latency)),
                    ("x-amzn-bedrock-input-token-count", str(invocation.input_tokens)),
                    ("x-amzn-bedrock-output-token-count", str(result.output_tokens)),
                ],
                response,
                cut=spec is not None and spec.cut is not None,
            )
            return
        await self._stream(conn, writer, entry, invocation, result, model_id, spec, started)

    async def _apply_pre_response(self, writer: asyncio.StreamWriter, spec: FaultSpec) -> None:
        if spec.delay_ms:
            await asyncio.sleep(spec.delay_ms / 1000)
        if spec.reset:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                # SO_LINGER with a zero timeout turns close() into a TCP RST.
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            raise _Abort

    async def _send_fault_status(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, entry: LogEntry, spec: FaultSpec
    ) -> None:
        assert spec.status is not None
        error_type = spec.error_type or ERROR_TYPES.get(spec.status, "InternalServerException")
        message = spec.message or _DEFAULT_MESSAGES.get(error_type, f"Injected {error_type}.")
        extra: list[tuple[str, str]] = []
        if spec.retry_after is not None:
            extra.append(("retry-after", spec.retry_after))
        if spec.retry_after_ms is not None:
            extra.append(("retry-after-ms", str(spec.retry_after_ms)))
        if spec.should_retry is not None:
            extra.append(("x-should-retry", "true" if spec.should_retry else "false"))
        headers, body = self._error(error_type, message)
        self._finish(entry, spec.status)
        await self._send(
            conn,
            writer,
            spec.status,
            [("x-amzn-requestid", entry.request_id), *headers, *extra],
            body,
            cut=spec.cut is not None,
        )

    async def _stream(
        self,
        conn: h11.Connection,
        writer: asyncio.StreamWriter,
        entry: LogEntry,
        invocation: _bedrock.Invocation,
        result: _bedrock.Answer,
        model_id: str,
        spec: FaultSpec | None,
        started: float,
    ) -> None:
        first_byte: list[float] = []

        def metrics() -> dict[str, int]:
            now = time.perf_counter()
            return {
                "inputTokenCount": invocation.input_tokens,
                "outputTokenCount": result.output_tokens,
                "invocationLatency": max(1, round((now - started) * 1000)),
                "firstByteLatency": max(1, round(((first_byte[0] if first_byte else now) - started) * 1000)),
            }

        self._finish(entry, 200)
        head = conn.send(
            h11.Response(
                status_code=200,
                headers=[
                    ("x-amzn-requestid", entry.request_id),
                    ("content-type", "application/vnd.amazon.eventstream"),
                    ("x-amzn-bedrock-content-type", "application/json"),
                    ("date", self._http_date()),
                ],
            )
        )
        writer.write(head or b"")
        chunks = spec.chunks if spec else None
        pace = spec.pace_ms / 1000 if spec else 0.0
        for index, frame in enumerate(self._frames(invocation, result, model_id, chunks, metrics, spec)):
            if spec is not None and spec.cut is not None and index >= spec.cut:
                await writer.drain()
                raise _Abort
            if index and pace:
                await asyncio.sleep(pace)
            if not first_byte:
                first_byte.append(time.perf_counter())
            writer.write(conn.send(h11.Data(data=frame)) or b"")
            await writer.drain()
        if spec is not None and spec.cut is not None:
            # A cut past the last frame still drops the connection before the end of the body.
            await writer.drain()
            raise _Abort
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()

    def _frames(
        self,
        invocation: _bedrock.Invocation,
        result: _bedrock.Answer,
        model_id: str,
        chunks: int | None,
        metrics: _bedrock.Metrics,
        spec: FaultSpec | None,
    ) -> Iterator[bytes]:
        payloads = _bedrock.chunk_payloads(invocation, result, model_id, chunks, metrics)
        for index, frame in enumerate(_exception_after(payloads, spec)):
            if spec is not None and spec.crc == index:
                # Flip every bit of the trailing message CRC.
                frame = frame[:-4] + bytes(b ^ 0xFF for b in frame[-4:])
            yield frame

    async def _control(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, entry: LogEntry, method: str, path: str, body: bytes
    ) -> None:
        headers = [("x-amzn-requestid", entry.request_id), ("content-type", "application/json")]
        if path == "/_emulator/faults" and method == "POST":
            try:
                document = json.loads(body or b"{}")
                items = document if isinstance(document, list) else [document]
                for item in items:
                    if not isinstance(item, dict) or not isinstance(item.get("spec"), str):
                        raise ValueError('each fault needs {"spec": "<spec>", "count": <n>, "match": ...}')
                    count = item.get("count", 1)
                    if not isinstance(count, int):
                        raise ValueError("count must be an integer")
                    self.push_fault(item["spec"], count, match=item.get("match"))
            except ValueError as exc:
                await self._send_error(conn, writer, entry, 400, "ValidationException", str(exc))
                return
            self._finish(entry, 200)
            await self._send(conn, writer, 200, headers, json.dumps({"pending": self.pending_faults()}).encode())
        elif path == "/_emulator/faults" and method == "DELETE":
            self.clear_faults()
            self._finish(entry, 200)
            await self._send(conn, writer, 200, headers, b'{"pending": 0}')
        elif path == "/_emulator/stats" and method == "GET":
            stats = self.stats()
            document = {
                "requests": stats.requests,
                "by_path": stats.by_path,
                "by_operation": stats.by_operation,
                "by_status": {str(k): v for k, v in stats.by_status.items()},
                "signature_failures": stats.signature_failures,
                "faults_served": stats.faults_served,
                "connections_opened": stats.connections_opened,
                "pending_faults": self.pending_faults(),
            }
            self._finish(entry, 200)
            await self._send(conn, writer, 200, headers, json.dumps(document).encode())
        elif path == "/_emulator/reset" and method == "POST":
            self.reset()
            self._finish(entry, 200)
            await self._send(conn, writer, 200, headers, b"{}")
        else:
            await self._send_error(conn, writer, entry, 404, "UnknownOperationException", "Unknown operation")


def _exception_after(payloads: Iterator[bytes], spec: FaultSpec | None) -> Iterator[bytes]:
    """Chunk frames, with an exception frame in place of the rest when the spec asks for one."""
    for index, payload in enumerate(payloads):
        if spec is not None and spec.exception is not None and index >= spec.after:
            break
        yield encode_frame(_CHUNK_HEADERS, payload)
    if spec is None or spec.exception is None:
        return
    message = spec.message or _DEFAULT_MESSAGES.get(spec.exception, "Injected stream exception.")
    document: dict[str, object] = {"message": message}
    if spec.exception == "modelStreamErrorException":
        document.update(originalStatusCode=500, originalMessage=message)
    yield encode_frame(
        encode_headers(
            {
                ":exception-type": spec.exception,
                ":content-type": "application/json",
                ":message-type": "exception",
            }
        ),
        json.dumps(document).encode(),
    )


def _header_text(value: bytes) -> str:
    try:
        return value.decode()
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _known_model(model_id: str) -> bool:
    """Anthropic model ids, inference profiles and ARNs are known; anything ``nonexistent`` is not."""
    lowered = model_id.lower()
    if "nonexistent" in lowered or "does-not-exist" in lowered:
        return False
    if "anthropic" in lowered or "claude" in lowered:
        return True
    return lowered.startswith("arn:") and any(
        kind in lowered
        for kind in (":provisioned-model/", ":custom-model/", ":application-inference-profile/", ":imported-model/")
    )


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
