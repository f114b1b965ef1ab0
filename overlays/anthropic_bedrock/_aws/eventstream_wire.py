"""The AWS event-stream wire format (``application/vnd.amazon.eventstream``): its constants and the
typed header values, shared by the decoder (`eventstream`) and the encoder (`eventstream_encoder`).
Nothing here does I/O or imports botocore.

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
from typing import Final, TypeAlias

__all__ = [
    "MAX_HEADERS_LENGTH",
    "MAX_PAYLOAD_LENGTH",
    "Byte",
    "HeaderValue",
    "Integer",
    "Long",
    "Short",
    "Timestamp",
]

# Limits AWS applies to a single frame; a length past them means a corrupt or hostile stream.
MAX_HEADERS_LENGTH: Final = 128 * 1024
MAX_PAYLOAD_LENGTH: Final = 24 * 1024 * 1024

PRELUDE_LENGTH: Final = 12
CRC_LENGTH: Final = 4
MIN_FRAME_LENGTH: Final = PRELUDE_LENGTH + CRC_LENGTH

PRELUDE = struct.Struct(">III")
U32 = struct.Struct(">I")
U16 = struct.Struct(">H")
I8 = struct.Struct(">b")
I16 = struct.Struct(">h")
I32 = struct.Struct(">i")
I64 = struct.Struct(">q")

TYPE_TRUE: Final = 0
TYPE_FALSE: Final = 1
TYPE_BYTE: Final = 2
TYPE_SHORT: Final = 3
TYPE_INTEGER: Final = 4
TYPE_LONG: Final = 5
TYPE_BYTES: Final = 6
TYPE_STRING: Final = 7
TYPE_TIMESTAMP: Final = 8
TYPE_UUID: Final = 9

EPOCH: Final = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


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
        return cls((value - EPOCH) // _dt.timedelta(milliseconds=1))

    def to_datetime(self) -> _dt.datetime:
        """The instant as an aware UTC datetime (raises OverflowError outside datetime's range)."""
        return EPOCH + _dt.timedelta(milliseconds=int(self))


HeaderValue: TypeAlias = bool | int | bytes | str | uuid.UUID | _dt.datetime | bytearray | memoryview
"""What a header value may be. Decoding yields only bool, int subclasses, bytes, str and UUID."""
