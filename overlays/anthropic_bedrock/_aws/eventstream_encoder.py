"""The AWS event-stream encoder: byte-exact frames from headers and a payload, so the local
emulator (and the tests) can produce what Bedrock sends (the format is in `eventstream_wire`)."""

from __future__ import annotations

import datetime as _dt
import struct
import uuid
import zlib
from collections.abc import Mapping

from .eventstream_wire import (
    I8,
    I16,
    I32,
    I64,
    MAX_HEADERS_LENGTH,
    MAX_PAYLOAD_LENGTH,
    MIN_FRAME_LENGTH,
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
    Long,
    Short,
    Timestamp,
)

__all__ = ["encode_frame", "encode_headers", "encode_message"]


def _encode_header_value(name: str, value: HeaderValue, out: bytearray) -> None:
    if isinstance(value, bool):
        out.append(TYPE_TRUE if value else TYPE_FALSE)
    elif isinstance(value, str):
        raw = value.encode()
        if len(raw) > 0xFFFF:
            raise ValueError(f"string value of header {name!r} is longer than 65535 bytes")
        out.append(TYPE_STRING)
        out += U16.pack(len(raw))
        out += raw
    elif isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        if len(raw) > 0xFFFF:
            raise ValueError(f"byte array value of header {name!r} is longer than 65535 bytes")
        out.append(TYPE_BYTES)
        out += U16.pack(len(raw))
        out += raw
    elif isinstance(value, Timestamp):
        out.append(TYPE_TIMESTAMP)
        out += I64.pack(value)
    elif isinstance(value, Byte):
        out.append(TYPE_BYTE)
        out += I8.pack(value)
    elif isinstance(value, Short):
        out.append(TYPE_SHORT)
        out += I16.pack(value)
    elif isinstance(value, Long):
        out.append(TYPE_LONG)
        out += I64.pack(value)
    elif isinstance(value, int):
        if -(2**31) <= value < 2**31:
            out.append(TYPE_INTEGER)
            out += I32.pack(value)
        else:
            out.append(TYPE_LONG)
            out += I64.pack(value)
    elif isinstance(value, uuid.UUID):
        out.append(TYPE_UUID)
        out += value.bytes
    elif isinstance(value, _dt.datetime):
        out.append(TYPE_TIMESTAMP)
        out += I64.pack(Timestamp.from_datetime(value))
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
    total = MIN_FRAME_LENGTH + len(header_block) + len(payload)
    head = struct.pack(">II", total, len(header_block))
    prelude_crc = zlib.crc32(head)
    body = head + U32.pack(prelude_crc) + header_block + payload
    return body + U32.pack(zlib.crc32(body))


def encode_message(headers: Mapping[str, HeaderValue], payload: bytes) -> bytes:
    """One event-stream frame carrying ``headers`` and ``payload``."""
    return encode_frame(encode_headers(headers), payload)
