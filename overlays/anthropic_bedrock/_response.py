"""`with_raw_response` results: the HTTP response (status, headers) and `parse()`."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import httpx

from ._exceptions import request_id
from ._http.orphans import watch
from .types import ResponseMetadata

T = TypeVar("T")


class _RawBase:
    http_response: httpx.Response
    _finalizer: weakref.finalize[Any, Any] | None

    def _guard(self, open_body: bool) -> None:
        # An open (streamed) body belongs to this object until `parse()` hands it to a stream: if
        # it is dropped unparsed, the connection goes back at the client's next request.
        self._finalizer = watch(self, self.http_response, None) if open_body else None

    def _hand_over(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        return request_id(self.http_response.headers)

    @property
    def metadata(self) -> ResponseMetadata:
        """Request id, token counts and latency from the headers."""
        return ResponseMetadata.from_headers(self.http_response.headers)

    @property
    def url(self) -> httpx.URL:
        return self.http_response.request.url

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] {self.url}>"


class APIResponse(_RawBase, Generic[T]):
    """The raw response of a call; `parse()` gives what the plain call would have returned."""

    def __init__(self, http_response: httpx.Response, parser: Callable[[], T], *, open_body: bool = False) -> None:
        self.http_response = http_response
        self._parser = parser
        self._parsed: list[T] = []
        self._guard(open_body)

    def parse(self) -> T:
        if not self._parsed:
            self._hand_over()
            self._parsed.append(self._parser())
        return self._parsed[0]


class AsyncAPIResponse(_RawBase, Generic[T]):
    """The async form of `APIResponse`: `await response.parse()`."""

    def __init__(
        self, http_response: httpx.Response, parser: Callable[[], Awaitable[T]], *, open_body: bool = False
    ) -> None:
        self.http_response = http_response
        self._parser = parser
        self._parsed: list[T] = []
        self._guard(open_body)

    async def parse(self) -> T:
        if not self._parsed:
            self._hand_over()
            self._parsed.append(await self._parser())
        return self._parsed[0]
