"""How a stream's bytes are cut into events: the AWS binary event stream, or server-sent events.

InvokeModel streams its events as event-stream frames whose ``chunk`` payload is
``{"bytes": base64(event JSON)}``; the Anthropic-native Messages endpoints stream the very same
event JSON as the ``data`` of server-sent events. A framing turns the raw body into that JSON
text, one event at a time, and raises the SDK's typed error for whatever else the wire carries (an
exception frame, an ``error`` event, a corrupt frame, a malformed line). Everything after the JSON
text (the event parser, the accumulator, the stream helpers) is shared by both, in
:class:`~.stream.ChunkReader`.

A framing is sans-IO: :meth:`Framing.feed` takes the bytes of one read and returns its complete
frames, :meth:`Framing.payload` gives one frame's JSON text (None for a frame the caller never
sees), :meth:`Framing.close` judges the end of the body.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import httpx

from .. import _exceptions as errors
from .._aws.eventstream import EventStreamDecoder, EventStreamError, EventStreamMessage, TruncatedStreamError
from .._http.sse import ServerSentEvent, SSEDecoder, SSEError
from .._json import loads
from .anthropic_sse import AnthropicErrorInfo, invoke_event

__all__ = ["EventStreamFraming", "Framing", "SSEFraming"]

_PREFIX = b'{"bytes":"'
_SUFFIX = b'"}'
_PADDING = b'","p":"'


class Framing(Protocol):
    """Raw body in, event JSON out; typed errors for everything else."""

    def feed(self, data: bytes) -> Sequence[Any]:
        """The frames `data` completes (raises StreamDecodeError for a corrupt stream)."""
        ...

    def payload(self, frame: Any) -> str | None:
        """One frame's event JSON, or None for a frame the caller never sees; raises the typed
        error an error frame stands for."""
        ...

    def close(self) -> None:
        """The body ended: raise if it stopped inside a frame."""
        ...


def _chunk_bytes(payload: bytes) -> str | bytes:
    """The base64 text of a chunk event's `{"bytes": ...}` payload.

    Base64 needs no JSON escaping, so the plain form, alone or followed by a `"p"` padding string
    (Bedrock pads some event streams so that their sizes do not tell token lengths), is sliced out
    directly: measurably faster than a JSON parse per chunk. Anything else goes through the JSON
    parser.
    """
    if payload.startswith(_PREFIX) and payload.endswith(_SUFFIX) and b"\\" not in payload:
        end = payload.find(b'"', len(_PREFIX))
        if end == len(payload) - len(_SUFFIX) or (
            payload.startswith(_PADDING, end) and payload.find(b'"', end + len(_PADDING)) == len(payload) - len(_SUFFIX)
        ):
            return payload[len(_PREFIX) : end]
    value = loads(payload)["bytes"]
    if not isinstance(value, str):
        raise TypeError(f"the chunk's bytes field is a {type(value).__name__}, not a string")
    return value


class EventStreamFraming:
    """Bedrock's binary event stream (`application/vnd.amazon.eventstream`): `chunk` events carry
    the event JSON in base64; `exception` messages raise the class their `:exception-type` maps to
    through `exceptions` (from the API description)."""

    __slots__ = ("_decoder", "_exceptions", "_response")

    def __init__(self, response: httpx.Response, exceptions: Mapping[str, int]) -> None:
        self._decoder = EventStreamDecoder()
        self._response = response
        self._exceptions = exceptions

    def feed(self, data: bytes) -> list[EventStreamMessage]:
        try:
            return self._decoder.feed(data)
        except EventStreamError as exc:
            raise errors.StreamDecodeError(f"Corrupt event stream: {exc}", self._response.request) from exc

    def payload(self, message: EventStreamMessage) -> str | None:
        # The header dict read directly: the typed properties cost as much again, on every event.
        headers = message.headers
        kind = headers.get(":message-type")
        if kind == "event":
            if headers.get(":event-type") != "chunk":
                return None  # an event type this SDK does not know yet: skip, as AWS SDKs do
            try:
                # strict base64 without the wrapper's overhead; str, not bytes, for the JSON decoder,
                # which would otherwise sniff the encoding of every chunk
                return binascii.a2b_base64(_chunk_bytes(message.payload), strict_mode=True).decode()
            except (ValueError, KeyError, TypeError, binascii.Error) as exc:
                raise errors.StreamDecodeError(
                    f"A chunk event did not hold a valid event: {exc!r}", self._response.request
                ) from exc
        if kind == "exception":
            exception_type = message.exception_type or "unknownException"
            raise errors.make_status_error(
                self._response,
                message.payload,
                error_type=exception_type[:1].upper() + exception_type[1:],
                status_code=self._exceptions.get(exception_type, 500),
            )
        if kind == "error":
            code = headers.get(":error-code")
            text = headers.get(":error-message")
            raise errors.StreamDecodeError(
                f"The event stream reported an error: {code!s}: {text!s}", self._response.request
            )
        return None

    def close(self) -> None:
        try:
            self._decoder.close()
        except TruncatedStreamError as exc:
            raise errors.StreamInterruptedError(
                f"The event stream ended in the middle of a message: {exc}", self._response.request
            ) from exc
        except EventStreamError as exc:  # a corrupt frame that shared its read with good ones
            raise errors.StreamDecodeError(f"Corrupt event stream: {exc}", self._response.request) from exc


class SSEFraming:
    """Server-sent events (`text/event-stream`, the Anthropic-native endpoints): each event's
    `data` is the event JSON; `ping` is skipped; an `error` event raises the class of the status
    Anthropic documents for its type (`overloaded_error`: 529, an `InternalServerError`)."""

    __slots__ = ("_decoder", "_response")

    def __init__(self, response: httpx.Response) -> None:
        self._decoder = SSEDecoder()
        self._response = response

    def feed(self, data: bytes) -> list[ServerSentEvent]:
        try:
            return self._decoder.feed(data)
        except SSEError as exc:
            raise errors.StreamDecodeError(f"Malformed server-sent events: {exc}", self._response.request) from exc

    def payload(self, event: ServerSentEvent) -> str | None:
        meaning = invoke_event(event)
        if isinstance(meaning, AnthropicErrorInfo):
            cls = errors.status_error_class(meaning.status)
            raise cls(
                meaning.message,
                response=self._response,
                body=meaning.body,
                error_type=meaning.error_type,
                status_code=meaning.status,
            )
        return meaning

    def close(self) -> None:
        try:
            self._decoder.close()  # an event cut off by the end is dropped; the reader judges completeness
        except SSEError as exc:
            raise errors.StreamDecodeError(f"Malformed server-sent events: {exc}", self._response.request) from exc
