"""The answering side of one request as a handler sees it: the reply, and nothing of the router.

A :class:`Reply` is built per request. Every way out of it notes the status in the request's log
entry and adds the ``x-amzn-RequestId`` header, so a handler cannot forget either; errors come out
in Bedrock's shape (``{"message": ...}`` with ``x-amzn-ErrorType``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._connection import HttpExchange
from ._errors import error_response
from ._log import LogEntry, RequestLog

__all__ = ["Reply", "Settings"]

Headers = Sequence[tuple[str, str]]


@dataclass(slots=True)
class Settings:
    """Server options that may change while it runs."""

    error_type_suffix: bool = False


class Reply:
    """Answers one request: a whole response, a streamed one, or an abort (fault injection)."""

    __slots__ = ("_http", "_log", "_settings", "entry")

    def __init__(self, http: HttpExchange, entry: LogEntry, log: RequestLog, settings: Settings) -> None:
        self._http = http
        self._log = log
        self._settings = settings
        self.entry = entry

    @property
    def request_id(self) -> str:
        return self.entry.request_id

    @property
    def answering(self) -> bool:
        """True until the response head is sent."""
        return self._http.answering

    async def send(self, status: int, headers: Headers, body: bytes, *, cut: bool = False) -> None:
        """A whole response; ``cut`` sends the head and half the body, then drops the connection."""
        self._log.finish(self.entry, status)
        await self._http.send(status, [("x-amzn-requestid", self.request_id), *headers], body, cut=cut)

    async def send_json(self, body: bytes, status: int = 200, *, cut: bool = False) -> None:
        await self.send(status, [("content-type", "application/json")], body, cut=cut)

    async def send_error(
        self, status: int, error_type: str, message: str, extra: Headers = (), *, cut: bool = False
    ) -> None:
        headers, body = error_response(error_type, message, suffix=self._settings.error_type_suffix)
        await self.send(status, [*headers, *extra], body, cut=cut)

    def start(self, status: int, headers: Headers) -> None:
        """The head of a streamed response; send the body with :meth:`write` and :meth:`end`."""
        self._log.finish(self.entry, status)
        self._http.start(status, [("x-amzn-requestid", self.request_id), *headers])

    async def write(self, data: bytes) -> None:
        """One piece of a streamed body, flushed at once."""
        await self._http.write(data)

    async def end(self) -> None:
        await self._http.end()

    async def cut(self) -> None:
        """Drop the connection after what was written so far, before the body ends."""
        await self._http.cut()

    def reset(self) -> None:
        """Abort the connection with a TCP RST, before any response."""
        self._http.reset()
