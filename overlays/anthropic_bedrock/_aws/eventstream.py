"""Sans-IO codec for the AWS event-stream binary framing (``application/vnd.amazon.eventstream``).

Bedrock's ``invoke-with-response-stream`` answers with a sequence of these frames. The decoder is
pure (bytes in, messages out), so the sync and async clients share it, and the encoder lets the
local emulator produce byte-exact frames. Nothing here does I/O or imports botocore.

Frame layout (all integers big-endian)::

    +-----------------+------------------+----------------+---------+---------+---------------+
    | total length u32| headers length u32| prelude CRC u32| headers | payload | message CRC u32|
    +-----------------+------------------+----------------+---------+---------+---------------+
     <---------------- prelude (12 bytes) ---------------->

* The prelude CRC is CRC-32 (the zlib/IEEE polynomial) of the first 8 bytes.
* The message CRC is CRC-32 of every byte of the frame before it (prelude CRC included).
* ``total length`` counts the whole frame, both CRCs included, so it is at least 16.

Each header is ``name length u8 | name (UTF-8) | value type u8 | value``, where the value type is:

====  ==========  ==================================================
type  name        value bytes
====  ==========  ==================================================
0     bool true   none
1     bool false  none
2     byte        int8
3     short       int16
4     integer     int32
5     long        int64
6     byte array  u16 length, bytes
7     string      u16 length, UTF-8 bytes
8     timestamp   int64 milliseconds since the Unix epoch
9     uuid        16 bytes
====  ==========  ==================================================

Decoded header values are ``bool``, ``bytes``, ``str``, :class:`uuid.UUID`, or one of the ``int``
subclasses :class:`Byte`, :class:`Short`, :class:`Integer`, :class:`Long` and :class:`Timestamp`
(which compare equal to plain ints but remember their wire type, so a decoded message re-encodes
to the same bytes). The encoder also accepts plain ``int`` (sent as integer, or long when it does
not fit in 32 bits), ``bytearray``/``memoryview`` (byte array) and ``datetime`` (timestamp).
"""

from __future__ import annotations

import datetime as _dt
import struct
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Final, TypeAlias

__all__ = [
    "MAX_HEADERS_LENGTH",
    "MAX_PAYLOAD_LENGTH",
    "Byte",
    "EventStreamDecoder",
    "EventStreamError",
    "EventStreamMessage",
    "HeaderValue",
    "Integer",
    "InvalidHeaderError",
    "InvalidLengthError",
    "Long",
    "MessageCRCError",
    "PreludeCRCError",
    "Short",
    "Timestamp",
    "TruncatedStreamError",
    "encode_frame",
    "encode_headers",
    "encode_message",
]

# Limits AWS applies to a single frame; a length past them means a corrupt or hostile stream.
MAX_HEADERS_LENGTH: Final = 128 * 1024
MAX_PAYLOAD_LENGTH: Final = 24 * 1024 * 1024

_PRELUDE_LENGTH: Final = 12
_CRC_LENGTH: Final = 4
_MIN_FRAME_LENGTH: Final = _PRELUDE_LENGTH + _CRC_LENGTH

_PRELUDE = struct.Struct(">III")
_U32 = struct.Struct(">I")
_U16 = struct.Struct(">H")
_I8 = struct.Struct(">b")
_I16 = struct.Struct(">h")
_I32 = struct.Struct(">i")
_I64 = struct.Struct(">q")

_TYPE_TRUE: Final = 0
_TYPE_FALSE: Final = 1
_TYPE_BYTE: Final = 2
_TYPE_SHORT: Final = 3
_TYPE_INTEGER: Final = 4
_TYPE_LONG: Final = 5
_TYPE_BYTES: Final = 6
_TYPE_STRING: Final = 7
_TYPE_TIMESTAMP: Final = 8
_TYPE_UUID: Final = 9

_EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


class Byte(int):
    """An int sent as the event-stream ``byte`` type (int8)."""

    __slots__ = ()


class Short(int):
    """An int sent as the event-stream ``short`` type (int16)."""

    __slots__ = ()


class Integer(int):
    """An int sent as the event-stream ``integer`` type (int32)."""

    __slots__ = ()


class Long(int):
    """An int sent as the event-stream ``long`` type (int64)."""

    __slots__ = ()


class Timestamp(int):
    """An event-stream ``timestamp``: milliseconds since the Unix epoch (int64).

    Kept as an int so that every value on the wire decodes, even those outside ``datetime``'s range.
    """

    __slots__ = ()

    @classmethod
    def from_datetime(cls, value: _dt.datetime) -> Timestamp:
        """Milliseconds since the epoch of an aware datetime (a naive one is taken as UTC)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return cls((value - _EPOCH) // _dt.timedelta(milliseconds=1))

    def to_datetime(self) -> _dt.datetime:
        """The instant as an aware UTC datetime (raises OverflowError outside datetime's range)."""
        return _EPOCH + _dt.timedelta(milliseconds=int(self))


HeaderValue: TypeAlias = bool | int | bytes | str | uuid.UUID | _dt.datetime | bytearray | memoryview
"""What a header value may be. Decoding yields only bool, int subclasses, bytes, str and UUID."""


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
            if kind in (_TYPE_STRING, _TYPE_BYTES):
                value_end = pos + 2 + _U16.unpack_from(data, pos)[0]
                if value_end > end:
                    raise InvalidHeaderError(f"value of header {name!r} runs past the header block")
                raw = data[pos + 2 : value_end]
                value = raw.decode() if kind == _TYPE_STRING else raw
                pos = value_end
            elif kind == _TYPE_TRUE:
                value = True
            elif kind == _TYPE_FALSE:
                value = False
            elif kind == _TYPE_BYTE:
                value = Byte(_I8.unpack_from(data, pos)[0])
                pos += 1
            elif kind == _TYPE_SHORT:
                value = Short(_I16.unpack_from(data, pos)[0])
                pos += 2
            elif kind == _TYPE_INTEGER:
                value = Integer(_I32.unpack_from(data, pos)[0])
                pos += 4
            elif kind == _TYPE_LONG:
                value = Long(_I64.unpack_from(data, pos)[0])
                pos += 8
            elif kind == _TYPE_TIMESTAMP:
                value = Timestamp(_I64.unpack_from(data, pos)[0])
                pos += 8
            elif kind == _TYPE_UUID:
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
        self._need = _PRELUDE_LENGTH
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
        unpack_prelude = _PRELUDE.unpack_from
        unpack_u32 = _U32.unpack_from
        cache = self._header_cache
        append = out.append
        new_object = _new_object
        message_class = EventStreamMessage
        set_headers = _set_headers
        set_payload = _set_payload
        size = len(data)
        pos = 0
        try:
            while size - pos >= _PRELUDE_LENGTH:
                total, headers_length, prelude_crc = unpack_prelude(data, pos)
                if crc32(data[pos : pos + 8]) != prelude_crc:
                    raise PreludeCRCError(
                        f"prelude CRC mismatch at offset {pos}: "
                        f"computed {crc32(data[pos : pos + 8]):#010x}, frame says {prelude_crc:#010x}"
                    )
                if total < _MIN_FRAME_LENGTH or headers_length > total - _MIN_FRAME_LENGTH:
                    raise InvalidLengthError(
                        f"impossible frame lengths at offset {pos}: total {total}, headers {headers_length}"
                    )
                if headers_length > MAX_HEADERS_LENGTH:
                    raise InvalidLengthError(f"headers length {headers_length} exceeds {MAX_HEADERS_LENGTH}")
                if total - headers_length - _MIN_FRAME_LENGTH > MAX_PAYLOAD_LENGTH:
                    raise InvalidLengthError(
                        f"payload length {total - headers_length - _MIN_FRAME_LENGTH} exceeds {MAX_PAYLOAD_LENGTH}"
                    )
                end = pos + total
                if end > size:
                    self._need = total
                    return pos
                crc_at = end - _CRC_LENGTH
                if crc32(data[pos + 8 : crc_at], prelude_crc) != unpack_u32(data, crc_at)[0]:
                    raise MessageCRCError(f"message CRC mismatch in the frame at offset {pos}")
                headers_start = pos + _PRELUDE_LENGTH
                headers_end = headers_start + headers_length
                block = data[headers_start:headers_end]
                parsed = cache.get(block)
                if parsed is None:
                    parsed = _parse_headers(block, 0, headers_length)
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
        self._need = _PRELUDE_LENGTH
        return pos


def _encode_header_value(name: str, value: HeaderValue, out: bytearray) -> None:
    if isinstance(value, bool):
        out.append(_TYPE_TRUE if value else _TYPE_FALSE)
    elif isinstance(value, str):
        raw = value.encode()
        if len(raw) > 0xFFFF:
            raise ValueError(f"string value of header {name!r} is longer than 65535 bytes")
        out.append(_TYPE_STRING)
        out += _U16.pack(len(raw))
        out += raw
    elif isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        if len(raw) > 0xFFFF:
            raise ValueError(f"byte array value of header {name!r} is longer than 65535 bytes")
        out.append(_TYPE_BYTES)
        out += _U16.pack(len(raw))
        out += raw
    elif isinstance(value, Timestamp):
        out.append(_TYPE_TIMESTAMP)
        out += _I64.pack(value)
    elif isinstance(value, Byte):
        out.append(_TYPE_BYTE)
        out += _I8.pack(value)
    elif isinstance(value, Short):
        out.append(_TYPE_SHORT)
        out += _I16.pack(value)
    elif isinstance(value, Long):
        out.append(_TYPE_LONG)
        out += _I64.pack(value)
    elif isinstance(value, int):
        if -(2**31) <= value < 2**31:
            out.append(_TYPE_INTEGER)
            out += _I32.pack(value)
        else:
            out.append(_TYPE_LONG)
            out += _I64.pack(value)
    elif isinstance(value, uuid.UUID):
        out.append(_TYPE_UUID)
        out += value.bytes
    elif isinstance(value, _dt.datetime):
        out.append(_TYPE_TIMESTAMP)
        out += _I64.pack(Timestamp.from_datetime(value))
    else:
        raise TypeError(f"header {name!r} has a value of unsupported type {type(value).__name__}")


def encode_headers(headers: Mapping[str, HeaderValue]) -> bytes:
    """The header block for ``headers``, in their iteration order."""
    out = bytearray()
    for name, value in headers.items():
        raw_name = name.encode()
        if not 0 < len(raw_name) <= 255:
            raise ValueError(f"header name {name!r} must be 1 to 255 bytes of UTF-8")
        out.append(len(raw_name))
        out += raw_name
        try:
            _encode_header_value(name, value, out)
        except struct.error as exc:
            raise ValueError(f"value of header {name!r} does not fit its wire type") from exc
    return bytes(out)


def encode_frame(header_block: bytes, payload: bytes) -> bytes:
    """A complete frame from an already encoded header block (see :func:`encode_headers`)."""
    if len(header_block) > MAX_HEADERS_LENGTH:
        raise ValueError(f"header block of {len(header_block)} bytes exceeds {MAX_HEADERS_LENGTH}")
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_LENGTH}")
    total = _MIN_FRAME_LENGTH + len(header_block) + len(payload)
    head = struct.pack(">II", total, len(header_block))
    prelude_crc = zlib.crc32(head)
    body = head + _U32.pack(prelude_crc) + header_block + payload
    return body + _U32.pack(zlib.crc32(body))


def encode_message(headers: Mapping[str, HeaderValue], payload: bytes) -> bytes:
    """One event-stream frame carrying ``headers`` and ``payload``."""
    return encode_frame(encode_headers(headers), payload)
