"""The emulator's listening socket and accept loop.

asyncio's own accept loop (``asyncio.start_server``) reacts to running out of descriptors by
logging a traceback for every pending connection, up to the listen backlog, each time it retries:
with 2,000 idle clients under ``ulimit -n 1024`` that was 211 MB of stderr in 30 s, which blocks
the server when stderr is an unread pipe. This loop backs off instead and logs one line per
:data:`LOG_EVERY` seconds saying how many accepts failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Final

__all__ = ["LOG_EVERY", "Listener"]

LOG_EVERY: Final = 5.0
_RETRY_AFTER: Final = 0.1  # seconds to wait before accepting again when out of descriptors
_RESOURCE_ERRORS: Final = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
_logger = logging.getLogger("anthropic_bedrock.emulator")

ConnectionHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Listener:
    """Accepts connections on ``host:port`` and runs ``handler`` for each in its own task."""

    def __init__(self, handler: ConnectionHandler) -> None:
        self._handler = handler
        self._sock: socket.socket | None = None
        self._accepting: asyncio.Task[None] | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._failures = 0
        self._last_log = 0.0

    async def start(self, host: str, port: int, backlog: int = 2048, reuse_port: bool = False) -> int:
        """Listen on the running loop; returns the bound port.

        With ``reuse_port``, several processes can listen on the same port (``SO_REUSEPORT``) and
        the kernel spreads the connections over them: a load test can give the server more than
        one core."""
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if reuse_port:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
            sock.listen(backlog)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._accepting = asyncio.get_running_loop().create_task(self._accept_loop(sock))
        return int(sock.getsockname()[1])

    async def close(self) -> None:
        """Stop accepting, cancel every connection's task and wait for them."""
        sock, self._sock = self._sock, None
        accepting, self._accepting = self._accepting, None
        if accepting is not None:
            accepting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await accepting
        if sock is not None:
            sock.close()
        tasks = list(self._connections)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _accept_loop(self, sock: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _ = await loop.sock_accept(sock)
            except OSError as exc:
                if exc.errno in _RESOURCE_ERRORS:
                    self._note_failure(exc)
                    await asyncio.sleep(_RETRY_AFTER)
                # Anything else (a client that gave up before the accept) concerns one connection only.
                continue
            task = loop.create_task(self._serve(conn))
            self._connections.add(task)
            task.add_done_callback(self._connections.discard)

    def _note_failure(self, exc: OSError) -> None:
        self._failures += 1
        now = time.monotonic()
        if now - self._last_log >= LOG_EVERY:
            _logger.warning(
                "emulator: cannot accept connections (%s); %d failed attempt(s) since the last report",
                exc.strerror or exc,
                self._failures,
            )
            self._failures = 0
            self._last_log = now

    async def _serve(self, conn: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        conn.setblocking(False)
        reader = asyncio.StreamReader(loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
        try:
            transport, _ = await loop.connect_accepted_socket(lambda: protocol, conn)
        except BaseException:
            conn.close()
            raise
        writer = asyncio.StreamWriter(transport, protocol, reader, loop)
        await self._handler(reader, writer)
