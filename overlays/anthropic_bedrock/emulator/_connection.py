"""One HTTP/1.1 connection of the emulator: h11 over asyncio streams, request by request.

:func:`serve_connection` reads requests off the socket and hands each to a handler with an
:class:`HttpExchange`, the handler's only way to answer: a whole response, or a head then body
pieces for a stream, or an abort (TCP RST or a cut mid-body) for fault injection.

Bounds: a connection with no request under way is closed after ``idle_timeout`` seconds, a
request line and headers must arrive within ``header_timeout`` of their first byte, and a body may
pause at most ``idle_timeout`` between reads (h11 itself caps the head at 16 KiB). A body over the
route's limit is not kept: it is read and dropped (up to twice the limit, then the connection is
closed after the answer), and the handler sees only its first KiB and its size.

What the head already tells is decided before the body is read (an :class:`Admission`): a request
refused whatever its body (unknown path, failed authentication) keeps only its first KiB, and the
bodies held before their signature can be checked share one :class:`BodyBudget`. Past it, a body
is dropped as it arrives and the request is answered 503, so clients that trickle large bodies
they cannot sign hold a bounded amount of memory between them.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import logging
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import h11

from ._log import KEPT_PREFIX

__all__ = [
    "Abort",
    "Admission",
    "BodyBudget",
    "Handler",
    "HttpExchange",
    "Received",
    "Timeouts",
    "http_date",
    "serve_connection",
]

_logger = logging.getLogger("anthropic_bedrock.emulator")
_date_cache: tuple[str, int] = ("", 0)


class Abort(Exception):
    """Leave the connection now (a reset or cut directive)."""


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds a connection may idle between requests, and may take to send a request's head."""

    idle: float = 60.0
    header: float = 10.0


@dataclass(frozen=True, slots=True)
class Admission:
    """What the server decided from a request's head, before reading its body.

    ``limit``: the largest body the request may have. ``keep`` False: the answer does not depend
    on the body, so only its first KiB is kept. ``unverified``: the body is held before it can be
    authenticated, so it counts against the :class:`BodyBudget`. ``note``: whatever the deciding
    side wants back with the request.
    """

    limit: int
    keep: bool = True
    unverified: bool = False
    note: object = None


class BodyBudget:
    """Bytes of not yet authenticated bodies the server holds, across every connection (one loop)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, size: int) -> bool:
        if self.used + size > self.limit:
            return False
        self.used += size
        return True

    def give(self, size: int) -> None:
        self.used -= size


@dataclass(frozen=True, slots=True)
class Received:
    """One request off the wire.

    ``body`` is only the first KiB when ``oversize``, when the admission did not keep it, or when
    ``shed`` (the body budget was spent); ``size`` is the full length.
    """

    request: h11.Request
    body: bytes
    size: int
    oversize: bool
    admission: Admission
    shed: bool = False


def http_date() -> str:
    """The ``Date`` header value, formatted once per second."""
    global _date_cache
    now = int(time.time())
    text, second = _date_cache
    if second != now:
        text = email.utils.formatdate(now, usegmt=True)
        _date_cache = (text, now)
    return text


class HttpExchange:
    """The answering side of one request on an h11 connection."""

    def __init__(self, conn: h11.Connection, writer: asyncio.StreamWriter) -> None:
        self.conn = conn
        self.writer = writer

    async def send(self, status: int, headers: list[tuple[str, str]], body: bytes, cut: bool = False) -> None:
        """A whole response; ``cut`` sends the head and half the body, then drops the connection."""
        conn = self.conn
        headers = [*headers, ("content-length", str(len(body))), ("date", http_date())]
        data = conn.send(h11.Response(status_code=status, headers=headers)) or b""
        if cut:
            self.writer.write(data + body[: len(body) // 2])
            await self.writer.drain()
            raise Abort
        self.writer.write(data + (conn.send(h11.Data(data=body)) or b"") + (conn.send(h11.EndOfMessage()) or b""))
        await self.writer.drain()

    def start(self, status: int, headers: list[tuple[str, str]]) -> None:
        """The head of a streamed (chunked) response; send pieces with :meth:`write`."""
        head = self.conn.send(h11.Response(status_code=status, headers=[*headers, ("date", http_date())]))
        self.writer.write(head or b"")

    async def write(self, data: bytes) -> None:
        """One piece of a streamed body, flushed at once."""
        self.writer.write(self.conn.send(h11.Data(data=data)) or b"")
        await self.writer.drain()

    async def end(self) -> None:
        """Finish a streamed body."""
        self.writer.write(self.conn.send(h11.EndOfMessage()) or b"")
        await self.writer.drain()

    async def cut(self) -> None:
        """Drop the connection after what was written so far, before the body ends."""
        await self.writer.drain()
        raise Abort

    @property
    def answering(self) -> bool:
        """True until the response head is sent."""
        return self.conn.our_state is h11.SEND_RESPONSE

    def reset(self) -> None:
        """Abort the connection with a TCP RST, before any response."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            # SO_LINGER with a zero timeout turns close() into a TCP RST.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()
        raise Abort


Handler = Callable[[HttpExchange, Received], Awaitable[None]]
Admit = Callable[[h11.Request], Admission]


async def serve_connection(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    handler: Handler,
    admit: Admit,
    timeouts: Timeouts,
    budget: BodyBudget,
) -> None:
    """Serve requests on one connection until the peer closes it, it idles, or a response cannot be reused."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conn = h11.Connection(h11.SERVER)
    exchange = HttpExchange(conn, writer)
    try:
        while True:
            received = await _receive(conn, reader, writer, admit, timeouts, budget)
            if received is None:
                break
            await handler(exchange, received)
            if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                break
            conn.start_next_cycle()
    except (Abort, ConnectionError, TimeoutError, h11.LocalProtocolError, asyncio.IncompleteReadError):
        pass
    except asyncio.CancelledError:
        pass
    except Exception:
        _logger.exception("emulator: unexpected error while serving a request")
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _receive(
    conn: h11.Connection,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    admit: Admit,
    timeouts: Timeouts,
    budget: BodyBudget,
) -> Received | None:
    """The next request, or None when the connection should close (closed, idle, slow or malformed)."""
    body = _Body(budget)
    try:
        return await _next_request(conn, reader, writer, admit, timeouts, body)
    finally:
        body.release()


class _Body:
    """The body being read: all of it, or only its first KiB once it is not to be kept."""

    __slots__ = ("budget", "data", "keep", "shed", "size", "taken", "unverified")

    def __init__(self, budget: BodyBudget) -> None:
        self.budget = budget
        self.data = bytearray()
        self.size = 0
        self.keep = True
        self.unverified = False
        self.shed = False
        self.taken = 0

    def add(self, data: bytes) -> None:
        self.size += len(data)
        if self.keep and self.unverified and not self.budget.take(len(data)):
            self.keep = False
            self.shed = True
        elif self.keep and self.unverified:
            self.taken += len(data)
        if self.keep:
            self.data += data
        else:
            self.drop()
            if len(self.data) < KEPT_PREFIX:
                self.data += data[: KEPT_PREFIX - len(self.data)]

    def drop(self) -> None:
        """Keep only the first KiB from now on."""
        self.keep = False
        del self.data[KEPT_PREFIX:]
        self.release()

    def release(self) -> None:
        self.budget.give(self.taken)
        self.taken = 0


async def _next_request(
    conn: h11.Connection,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    admit: Admit,
    timeouts: Timeouts,
    body: _Body,
) -> Received | None:
    loop = asyncio.get_running_loop()
    request: h11.Request | None = None
    admission = Admission(0)
    oversize = False
    # Bytes of the next request may already be buffered (pipelining): its head is then under way.
    head_deadline = loop.time() + timeouts.header if conn.trailing_data[0] else None
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                await _send_bad_request(conn, writer, exc)
            return None
        if event is h11.NEED_DATA:
            # Between requests a connection may idle; once a request has begun, its head is on a clock.
            heading = request is None and head_deadline is not None
            wait = head_deadline - loop.time() if heading and head_deadline is not None else timeouts.idle
            if wait <= 0:
                return None
            async with asyncio.timeout(wait):
                data = await reader.read(65536)
            if request is None and head_deadline is None:
                head_deadline = loop.time() + timeouts.header
            conn.receive_data(data)
            continue
        if isinstance(event, h11.Request):
            request = event
            admission = admit(request)
            body.keep, body.unverified = admission.keep, admission.unverified
            declared = _content_length(request)
            if declared is not None and declared > admission.limit:
                oversize = True
                body.drop()
            if conn.they_are_waiting_for_100_continue:
                if oversize or not admission.keep:
                    # Answer at once: the client holds the body back until told to send it.
                    return Received(request, b"", declared or 0, oversize, admission)
                writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])) or b"")
        elif isinstance(event, h11.Data):
            assert request is not None
            body.add(event.data)
            if not oversize and body.size > admission.limit:
                oversize = True
                body.drop()
            if oversize and body.size > 2 * admission.limit:
                return Received(request, bytes(body.data), body.size, True, admission, body.shed)
        elif isinstance(event, h11.EndOfMessage):
            assert request is not None
            return Received(request, bytes(body.data), body.size, oversize, admission, body.shed)
        elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
            return None


def _content_length(request: h11.Request) -> int | None:
    for name, value in request.headers:
        if name == b"content-length":
            return int(value)  # h11 has checked it is digits
    return None


async def _send_bad_request(conn: h11.Connection, writer: asyncio.StreamWriter, exc: h11.RemoteProtocolError) -> None:
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
