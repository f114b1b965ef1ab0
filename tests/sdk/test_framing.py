"""One reader, two framings: the same events through Bedrock's event stream and through
server-sent events give the same stream and the same final message, however the bytes are split;
errors on either wire are the SDK's typed errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_message_models import EVENTS, frame

import anthropic_bedrock as ab
from anthropic_bedrock._operations.messages import MESSAGES
from anthropic_bedrock._streaming.stream import ChunkReader

URL = "https://bedrock-mantle.us-east-1.api.aws/anthropic/v1/messages"


def sse(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def reader(server_sent_events: bool, headers: dict[str, str] | None = None) -> ChunkReader[Any, Any]:
    response = httpx.Response(200, request=httpx.Request("POST", URL), headers=headers or {})
    assert MESSAGES.event is not None and MESSAGES.accumulator is not None and MESSAGES.stream_endpoint is not None
    exceptions = MESSAGES.stream_endpoint.stream_exceptions
    return ChunkReader(
        response, MESSAGES.event, MESSAGES.accumulator(), exceptions, server_sent_events=server_sent_events
    )


def read(server_sent_events: bool, body: bytes, cuts: list[int]) -> tuple[list[Any], ChunkReader[Any, Any]]:
    r = reader(server_sent_events)
    events: list[Any] = []
    start = 0
    for cut in [*sorted({c % (len(body) + 1) for c in cuts}), len(body)]:
        events += r.feed(body[start:cut])
        start = cut
    r.end()
    return events, r


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0), max_size=30))
def test_both_framings_give_the_same_events_and_message(cuts: list[int]) -> None:
    # a native stream's message_stop has no invocation metrics
    events = [{k: v for k, v in e.items() if k != "amazon-bedrock-invocationMetrics"} for e in EVENTS]
    framed, reader_a = read(False, b"".join(frame(e) for e in events), cuts)
    sent, reader_b = read(True, b"".join(sse(e) for e in events), cuts)
    assert [e.to_dict() for e in framed] == [e.to_dict() for e in sent]
    assert reader_a.acc.final({}) == reader_b.acc.final({})


def test_events_before_an_error_event_in_the_same_read_are_delivered() -> None:
    r = reader(True, {"request-id": "req-1"})
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    events = r.feed(sse(EVENTS[0]) + sse(EVENTS[2]) + sse(error))
    assert next(events).type == "message_start"
    assert next(events).type == "content_block_start"
    with pytest.raises(ab.InternalServerError) as info:
        next(events)
    assert info.value.status_code == 529 and info.value.error_type == "overloaded_error"
    assert info.value.message == "Overloaded" and info.value.request_id == "req-1"
    assert info.value.body == error


@pytest.mark.parametrize(
    ("kind", "cls", "status"),
    [
        ("rate_limit_error", ab.RateLimitError, 429),
        ("invalid_request_error", ab.BadRequestError, 400),
        ("permission_error", ab.PermissionDeniedError, 403),
        ("api_error", ab.InternalServerError, 500),
        ("a_new_error", ab.InternalServerError, 500),
    ],
)
def test_error_events_are_typed_by_their_documented_status(kind: str, cls: type, status: int) -> None:
    r = reader(True)
    with pytest.raises(cls) as info:
        list(r.feed(sse({"type": "error", "error": {"type": kind, "message": "m"}})))
    assert type(info.value) is cls and info.value.status_code == status and info.value.error_type == kind


def test_malformed_and_cut_streams_raise_typed_errors() -> None:
    with pytest.raises(ab.StreamDecodeError, match="valid event"):
        list(reader(True).feed(b'event: message_start\ndata: {"type": \n\n'))
    with pytest.raises(ab.StreamDecodeError, match="Malformed server-sent events"):
        list(reader(True).feed(b"data: \xff\n\n"))
    r = reader(True)
    list(r.feed(sse(EVENTS[0]) + sse(EVENTS[2])[:10]))
    with pytest.raises(ab.StreamInterruptedError, match="before its final event"):
        r.end()


def test_pings_comments_and_unknown_fields_are_skipped() -> None:
    body = b': keep-alive\n\nevent: ping\ndata: {"type": "ping"}\n\nnovel: 1\n\n' + sse(EVENTS[0])
    assert [e.type for e in reader(True).feed(body)] == ["message_start"]
