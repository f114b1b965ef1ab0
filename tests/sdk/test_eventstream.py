"""Property and example tests for the event-stream codec, cross-checked against botocore's decoder."""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct
import uuid
import zlib

import pytest
from botocore.eventstream import ChecksumMismatch, EventStreamBuffer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anthropic_bedrock._aws.eventstream import (
    EventStreamDecoder,
    EventStreamError,
    EventStreamMessage,
    InvalidHeaderError,
    InvalidLengthError,
    MessageCRCError,
    PreludeCRCError,
    TruncatedStreamError,
)
from anthropic_bedrock._aws.eventstream_encoder import encode_frame, encode_headers, encode_message
from anthropic_bedrock._aws.eventstream_wire import Byte, HeaderValue, Integer, Long, Short, Timestamp

header_values: st.SearchStrategy[HeaderValue] = st.one_of(
    st.booleans(),
    st.integers(-(2**7), 2**7 - 1).map(Byte),
    st.integers(-(2**15), 2**15 - 1).map(Short),
    st.integers(-(2**31), 2**31 - 1).map(Integer),
    st.integers(-(2**63), 2**63 - 1).map(Long),
    st.binary(max_size=40),
    st.text(max_size=40),
    st.integers(-(2**63), 2**63 - 1).map(Timestamp),
    st.uuids(),
)
header_names = st.text(min_size=1, max_size=20).filter(lambda name: len(name.encode()) <= 255)
messages = st.builds(
    EventStreamMessage,
    headers=st.dictionaries(header_names, header_values, max_size=8),
    payload=st.binary(max_size=300),
)


def decode_all(chunks: list[bytes]) -> list[EventStreamMessage]:
    decoder = EventStreamDecoder()
    out: list[EventStreamMessage] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    decoder.close()
    return out


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(data)) for cut in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return pieces


def encode_all(items: list[EventStreamMessage]) -> bytes:
    return b"".join(encode_message(item.headers, item.payload) for item in items)


@settings(max_examples=150, deadline=None)
@given(st.lists(messages, max_size=6), st.lists(st.integers(0, 4000), max_size=12))
def test_roundtrip_split_anywhere(items: list[EventStreamMessage], cuts: list[int]) -> None:
    decoded = decode_all(split_at(encode_all(items), cuts))
    assert decoded == items
    for got, want in zip(decoded, items, strict=True):
        # Wire types survive: re-encoding gives the same bytes.
        assert encode_message(got.headers, got.payload) == encode_message(want.headers, want.payload)


@settings(max_examples=60, deadline=None)
@given(st.lists(messages, min_size=1, max_size=3), st.data())
def test_any_flipped_byte_raises(items: list[EventStreamMessage], data: st.DataObject) -> None:
    stream = bytearray(encode_all(items))
    index = data.draw(st.integers(0, len(stream) - 1), label="index")
    stream[index] ^= data.draw(st.integers(1, 255), label="xor")
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=4), label="cuts")
    with pytest.raises(EventStreamError):
        decode_all(split_at(bytes(stream), cuts))


def test_every_single_byte_flip_raises() -> None:
    stream = encode_message({":message-type": "event", "n": Short(3)}, b'{"bytes":"e30="}')
    for index in range(len(stream)):
        corrupt = bytearray(stream)
        corrupt[index] ^= 0x01
        with pytest.raises(EventStreamError):
            decode_all([bytes(corrupt)])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(messages, min_size=1, max_size=4), st.data())
def test_truncation_raises_on_close(items: list[EventStreamMessage], data: st.DataObject) -> None:
    frames = [encode_message(item.headers, item.payload) for item in items]
    stream = b"".join(frames)
    boundaries = {0}
    for frame in frames:
        boundaries.add(max(boundaries) + len(frame))
    end = data.draw(st.integers(0, len(stream)), label="end")
    decoder = EventStreamDecoder()
    decoded = decoder.feed(stream[:end])
    if end in boundaries:
        decoder.close()
        assert decoded == items[: len(decoded)]
    else:
        with pytest.raises(TruncatedStreamError) as caught:
            decoder.close()
        assert caught.value.kind == "truncated"
        assert decoded == items[: len(decoded)]


@settings(max_examples=100, deadline=None)
@given(st.lists(messages, max_size=5), st.lists(st.integers(0, 3000), max_size=6))
def test_botocore_decodes_our_frames(items: list[EventStreamMessage], cuts: list[int]) -> None:
    buffer = EventStreamBuffer()
    decoded = []
    for chunk in split_at(encode_all(items), cuts):
        buffer.add_data(chunk)
        decoded += list(buffer)
    assert len(decoded) == len(items)
    for got, want in zip(decoded, items, strict=True):
        assert got.payload == want.payload
        expected = {
            name: value.bytes if isinstance(value, uuid.UUID) else value for name, value in want.headers.items()
        }
        assert got.headers == expected


def test_botocore_frames_decode_with_ours() -> None:
    # A frame built by hand from the format description, one header of each type.
    def header(name: bytes, kind: int, raw: bytes) -> bytes:
        return bytes([len(name)]) + name + bytes([kind]) + raw

    block = b"".join(
        [
            header(b"t", 0, b""),
            header(b"f", 1, b""),
            header(b"b", 2, struct.pack(">b", -1)),
            header(b"s", 3, struct.pack(">h", -2)),
            header(b"i", 4, struct.pack(">i", -3)),
            header(b"l", 5, struct.pack(">q", -4)),
            header(b"a", 6, struct.pack(">H", 2) + b"\x00\xff"),
            header(b"str", 7, struct.pack(">H", 3) + b"abc"),
            header(b"ts", 8, struct.pack(">q", 1_700_000_000_123)),
            header(b"u", 9, uuid.UUID(int=7).bytes),
        ]
    )
    payload = b"payload"
    total = 16 + len(block) + len(payload)
    head = struct.pack(">II", total, len(block))
    body = head + struct.pack(">I", zlib.crc32(head)) + block + payload
    frame = body + struct.pack(">I", zlib.crc32(body))
    assert frame == encode_frame(block, payload)

    buffer = EventStreamBuffer()
    buffer.add_data(frame)
    (theirs,) = list(buffer)
    (ours,) = decode_all([frame])
    assert ours.payload == theirs.payload == payload
    assert ours.headers["u"] == uuid.UUID(int=7)
    assert {k: (v.bytes if isinstance(v, uuid.UUID) else v) for k, v in ours.headers.items()} == theirs.headers
    assert type(ours.headers["b"]) is Byte and type(ours.headers["ts"]) is Timestamp
    assert Timestamp(ours.headers["ts"]).to_datetime() == dt.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.UTC)


def test_message_properties_and_bedrock_chunk() -> None:
    inner = json.dumps({"completion": " Hi", "stop_reason": None, "stop": None}).encode()
    payload = json.dumps({"bytes": base64.b64encode(inner).decode()}).encode()
    frame = encode_message(
        {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}, payload
    )
    (message,) = decode_all([frame])
    assert (message.message_type, message.event_type, message.exception_type) == ("event", "chunk", None)
    exception = encode_message({":message-type": "exception", ":exception-type": "throttlingException"}, b"{}")
    (message,) = decode_all([exception])
    assert message.exception_type == "throttlingException"


def test_one_byte_at_a_time_and_header_cache_isolation() -> None:
    frame = encode_message({":message-type": "event"}, b"x")
    decoder = EventStreamDecoder()
    got: list[EventStreamMessage] = []
    for index in range(len(frame) * 3):
        got += decoder.feed((frame * 3)[index : index + 1])
        if index < len(frame) - 1:
            assert decoder.buffered == index + 1
    decoder.close()
    assert len(got) == 3
    got[0].headers["mutated"] = True
    assert "mutated" not in got[1].headers
    assert "mutated" not in decode_all([frame])[0].headers


def test_good_messages_before_corruption_are_returned_first() -> None:
    good = encode_message({"a": "b"}, b"1")
    bad = bytearray(encode_message({"a": "b"}, b"2"))
    bad[-1] ^= 0xFF
    decoder = EventStreamDecoder()
    assert [m.payload for m in decoder.feed(good + bad)] == [b"1"]
    with pytest.raises(MessageCRCError) as caught:
        decoder.feed(good)
    assert caught.value.kind == "message_crc"
    with pytest.raises(MessageCRCError):
        decoder.close()


def test_error_kinds() -> None:
    frame = bytearray(encode_message({"a": "b"}, b"payload"))
    prelude = bytearray(frame)
    prelude[0] ^= 0x10
    with pytest.raises(PreludeCRCError):
        EventStreamDecoder().feed(bytes(prelude))

    def framed(total: int, headers_length: int, rest: bytes = b"") -> bytes:
        head = struct.pack(">II", total, headers_length)
        return head + struct.pack(">I", zlib.crc32(head)) + rest

    with pytest.raises(InvalidLengthError) as caught:
        EventStreamDecoder().feed(framed(15, 0))
    assert caught.value.kind == "length"
    with pytest.raises(InvalidLengthError):
        EventStreamDecoder().feed(framed(20, 5))
    with pytest.raises(InvalidLengthError):
        EventStreamDecoder().feed(framed(16 + 200 * 1024, 200 * 1024))
    with pytest.raises(InvalidLengthError):
        EventStreamDecoder().feed(framed(16 + 30 * 1024 * 1024, 0))

    for block in (b"\x01a\x0a", b"\x01a\x07\x00\x09abc", b"\x05ab", b"\x01\xff\x00", b"\x01a\x04\x00"):
        with pytest.raises(InvalidHeaderError) as caught_header:
            EventStreamDecoder().feed(encode_frame(block, b""))
        assert caught_header.value.kind == "header"


def test_encoder_rejects_what_the_format_cannot_carry() -> None:
    with pytest.raises(ValueError):
        encode_headers({"": "x"})
    with pytest.raises(ValueError):
        encode_headers({"x" * 256: "x"})
    with pytest.raises(ValueError):
        encode_headers({"x": "y" * 70000})
    with pytest.raises(ValueError):
        encode_headers({"x": Byte(300)})
    with pytest.raises(TypeError):
        encode_headers({"x": 1.5})  # type: ignore[dict-item]
    assert encode_headers({"x": 2**40})[2] == 5  # plain ints too large for int32 go out as long
    assert encode_headers({"x": 7})[2] == 4
    moment = dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=dt.UTC)
    (message,) = decode_all([encode_message({"t": moment, "n": dt.datetime(1970, 1, 1)}, b"")])
    assert Timestamp(message.headers["t"]).to_datetime() == moment
    assert message.headers["n"] == 0


def test_empty_feeds_and_close_on_empty_stream() -> None:
    decoder = EventStreamDecoder()
    assert decoder.feed(b"") == []
    assert decoder.feed(bytearray()) == []
    decoder.close()
    frame = encode_message({}, b"")
    assert decode_all([memoryview(frame)]) == [EventStreamMessage({}, b"")]  # type: ignore[list-item]


def test_botocore_rejects_corrupted_crc() -> None:
    frame = bytearray(encode_message({"a": "b"}, b"x"))
    frame[-2] ^= 0xFF
    buffer = EventStreamBuffer()
    buffer.add_data(bytes(frame))
    with pytest.raises(ChecksumMismatch):
        list(buffer)
