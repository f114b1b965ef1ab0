"""The AWS event-stream decoder: sans-IO, bytes in, messages out (the wire format is described in
`eventstream_wire`).

Bedrock's ``invoke-with-response-stream`` answers with a sequence of these frames. The decoder is
pure, so the sync and async clients share it; it checks both CRCs and every length, and a partial
frame at the end of the stream is an error. Nothing here does I/O or imports botocore.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from dataclasses import dataclass
from typing import ClassVar, Final

from .eventstream_wire import (
    CRC_LENGTH,
    I8,
    I16,
    I32,
    I64,
    MAX_HEADERS_LENGTH,
    MAX_PAYLOAD_LENGTH,
    MIN_FRAME_LENGTH,
    PRELUDE,
    PRELUDE_LENGTH,
    TYPE_BYTE,
    TYPE_BYTES,
    TYPE_FALSE,
    TYPE_INTEGER,
    TYPE_LONG,
    TYPE_SHORT,
    TYPE_STRING,
    TYPE_TIMESTAMP,
    TYPE_TRUE,
    TYPE_UUID,
    U16,
    U32,
    Byte,
    HeaderValue,
    Integer,
    Long,
    Short,
    Timestamp,
)

__all__ = [
    "EventStreamDecoder",
    "EventStreamError",
    "EventStreamMessage",
    "InvalidHeaderError",
    "InvalidLengthError",
    "MessageCRCError",
    "PreludeCRCError",
    "TruncatedStreamError",
]


class EventStreamError(Exception):
    """The byte stream is not a valid sequence of event-stream frames.

    ``kind`` says what went wrong: ``"prelude_crc"``, ``"message_crc"``, ``"length"``,
    ``"header"`` or ``"truncated"``; each kind also has its own subclass.
    """

    kind: ClassVar[str] = "invalid"


class PreludeCRCError(EventStreamError):
    """The CRC-32 of a frame's first 8 bytes does not match the prelude CRC."""

    kind = "prelude_crc"


class MessageCRCError(EventStreamError):
    """The CRC-32 of a frame does not match its trailing message CRC."""

    kind = "message_crc"


class InvalidLengthError(EventStreamError):
    """A frame's total or headers length is impossible or past the AWS limits."""

    kind = "length"


class InvalidHeaderError(EventStreamError):
    """A header block is malformed: unknown value type, overrun, or a name that is not UTF-8."""

    kind = "header"


class TruncatedStreamError(EventStreamError):
    """The stream ended inside a frame."""

    kind = "truncated"


@dataclass(slots=True, frozen=True)
class EventStreamMessage:
    """One decoded frame: its headers and raw payload."""

    headers: dict[str, HeaderValue]
    payload: bytes

    @property
    def message_type(self) -> str | None:
        """``:message-type``: ``event``, ``exception`` or ``error``."""
        value = self.headers.get(":message-type")
        return value if isinstance(value, str) else None

    @property
    def event_type(self) -> str | None:
        """``:event-type`` of an ``event`` message, e.g. ``chunk``."""
        value = self.headers.get(":event-type")
        return value if isinstance(value, str) else None

    @property
    def exception_type(self) -> str | None:
        """``:exception-type`` of an ``exception`` message, e.g. ``throttlingException``."""
        value = self.headers.get(":exception-type")
        return value if isinstance(value, str) else None


# Building messages through the slot descriptors skips the frozen dataclass __init__ (which goes
# through object.__setattr__ per field) and halves the per-frame construction cost.
_new_object = object.__new__
_set_headers = EventStreamMessage.__dict__["headers"].__set__
_set_payload = EventStreamMessage.__dict__["payload"].__set__


def _parse_headers(data: bytes, start: int, end: int) -> dict[str, HeaderValue]:
    headers: dict[str, HeaderValue] = {}
    pos = start
    try:
        while pos < end:
            name_end = pos + 1 + data[pos]
            if name_end >= end:
                raise InvalidHeaderError("header name runs past the header block")
            name = data[pos + 1 : name_end].decode()
            kind = data[name_end]
            pos = name_end + 1
            value: HeaderValue
            if kind in (TYPE_STRING, TYPE_BYTES):
                value_end = pos + 2 + U16.unpack_from(data, pos)[0]
                if value_end > end:
                    raise InvalidHeaderError(f"value of header {name!r} runs past the header block")
                raw = data[pos + 2 : value_end]
                value = raw.decode() if kind == TYPE_STRING else raw
                pos = value_end
            elif kind == TYPE_TRUE:
                value = True
            elif kind == TYPE_FALSE:
                value = False
            elif kind == TYPE_BYTE:
                value = Byte(I8.unpack_from(data, pos)[0])
                pos += 1
            elif kind == TYPE_SHORT:
                value = Short(I16.unpack_from(data, pos)[0])
                pos += 2
            elif kind == TYPE_INTEGER:
                value = Integer(I32.unpack_from(data, pos)[0])
                pos += 4
            elif kind == TYPE_LONG:
                value = Long(I64.unpack_from(data, pos)[0])
                pos += 8
            elif kind == TYPE_TIMESTAMP:
                value = Timestamp(I64.unpack_from(data, pos)[0])
                pos += 8
            elif kind == TYPE_UUID:
                value = uuid.UUID(bytes=data[pos : pos + 16])
                pos += 16
            else:
                raise InvalidHeaderError(f"header {name!r} has unknown value type {kind}")
            if pos > end:
                raise InvalidHeaderError(f"value of header {name!r} runs past the header block")
            headers[name] = value
    except UnicodeDecodeError as exc:
        raise InvalidHeaderError("header name or string value is not valid UTF-8") from exc
    except (struct.error, ValueError) as exc:
        raise InvalidHeaderError("header value runs past the header block") from exc
    return headers


# Parsed header blocks by their exact bytes. Streams repeat the same few header blocks on every
# frame (Bedrock chunk frames all carry the same three strings), so most frames skip parsing.
_HEADER_CACHE_SIZE: Final = 256
# Only blocks up to this size are kept (Bedrock's are under 100 bytes), so the cache holds at most
# 256 blocks of 1 KiB and their values (about 1 MB) whatever a stream sends: 32 MB of frames with
# large, all different header blocks once kept 82 MB for as long as the stream was open.
_CACHED_HEADERS_LENGTH: Final = 1024


class EventStreamDecoder:
    """Incremental decoder: feed it bytes as they arrive, get back every complete message.

    A frame may be split across any number of :meth:`feed` calls. Corrupt data raises an
    :class:`EventStreamError`; when a single call holds good frames before a corrupt one, the good
    messages are returned first and the error is raised by the next :meth:`feed` or :meth:`close`.
    Once failed, the decoder keeps raising the same error. Call :meth:`close` at the end of the
    stream: it raises :class:`TruncatedStreamError` when a partial frame is left over.
    """

    __slots__ = ("_buffer", "_error", "_header_cache", "_need")

    def __init__(self) -> None:
        self._buffer = bytearray()
        # Bytes the buffered frame needs in total before parsing is worth retrying.
        self._need = PRELUDE_LENGTH
        self._error: EventStreamError | None = None
        self._header_cache: dict[bytes, dict[str, HeaderValue]] = {}

    @property
    def buffered(self) -> int:
        """Bytes received that are not yet part of a complete message."""
        return len(self._buffer)

    def feed(self, data: bytes | bytearray | memoryview) -> list[EventStreamMessage]:
        """Add bytes from the stream and return the messages they complete (possibly none)."""
        if self._error is not None:
            raise self._error
        buffer = self._buffer
        if buffer:
            buffer += data
            if len(buffer) < self._need:
                return []
            source = bytes(buffer)
        else:
            source = data if type(data) is bytes else bytes(data)
        messages: list[EventStreamMessage] = []
        consumed = self._decode(source, messages)
        if consumed == len(source):
            if buffer:
                buffer.clear()
        elif buffer:
            del buffer[:consumed]
        else:
            buffer += source[consumed:] if consumed else source
        if self._error is not None and not messages:
            raise self._error
        return messages

    def close(self) -> None:
        """Declare the end of the stream; raises if it ended inside a frame or failed earlier."""
        if self._error is not None:
            raise self._error
        if self._buffer:
            self._error = TruncatedStreamError(
                f"stream ended inside a frame ({len(self._buffer)} bytes of an incomplete frame buffered)"
            )
            raise self._error

    def _decode(self, data: bytes, out: list[EventStreamMessage]) -> int:
        crc32 = zlib.crc32
        unpack_prelude = PRELUDE.unpack_from
        unpack_u32 = U32.unpack_from
        cache = self._header_cache
        append = out.append
        new_object = _new_object
        message_class = EventStreamMessage
        set_headers = _set_headers
        set_payload = _set_payload
        size = len(data)
        pos = 0
        try:
            while size - pos >= PRELUDE_LENGTH:
                total, headers_length, prelude_crc = unpack_prelude(data, pos)
                if crc32(data[pos : pos + 8]) != prelude_crc:
                    raise PreludeCRCError(
                        f"prelude CRC mismatch at offset {pos}: "
                        f"computed {crc32(data[pos : pos + 8]):#010x}, frame says {prelude_crc:#010x}"
                    )
                if total < MIN_FRAME_LENGTH or headers_length > total - MIN_FRAME_LENGTH:
                    raise InvalidLengthError(
                        f"impossible frame lengths at offset {pos}: total {total}, headers {headers_length}"
                    )
                if headers_length > MAX_HEADERS_LENGTH:
                    raise InvalidLengthError(f"headers length {headers_length} exceeds {MAX_HEADERS_LENGTH}")
                if total - headers_length - MIN_FRAME_LENGTH > MAX_PAYLOAD_LENGTH:
                    raise InvalidLengthError(
                        f"payload length {total - headers_length - MIN_FRAME_LENGTH} exceeds {MAX_PAYLOAD_LENGTH}"
                    )
                end = pos + total
                if end > size:
                    self._need = total
                    return pos
                crc_at = end - CRC_LENGTH
                if crc32(data[pos + 8 : crc_at], prelude_crc) != unpack_u32(data, crc_at)[0]:
                    raise MessageCRCError(f"message CRC mismatch in the frame at offset {pos}")
                headers_start = pos + PRELUDE_LENGTH
                headers_end = headers_start + headers_length
                block = data[headers_start:headers_end]
                parsed = cache.get(block)
                if parsed is None:
                    parsed = _parse_headers(block, 0, headers_length)
                    if headers_length <= _CACHED_HEADERS_LENGTH:
                        if len(cache) >= _HEADER_CACHE_SIZE:
                            cache.clear()
                        cache[block] = parsed
                message = new_object(message_class)
                set_headers(message, parsed.copy())
                set_payload(message, data[headers_end:crc_at])
                append(message)
                pos = end
        except EventStreamError as exc:
            self._error = exc
            # Drop the bad bytes; the error is sticky so nothing after them is ever decoded.
            return size
        self._need = PRELUDE_LENGTH
        return pos
