"""Messages API models and stream accumulation without a server: forward compatibility (kinds this
SDK does not know are kept, never raise), and what a stream builds up event by event."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._aws.eventstream_encoder import encode_message
from anthropic_bedrock._operations.messages import MESSAGES
from anthropic_bedrock._streaming.messages import RawMessageStream
from anthropic_bedrock._streaming.stream import ChunkReader
from anthropic_bedrock.types import (
    ContentBlockDeltaEvent,
    Message,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    UnknownContentBlock,
    UnknownContentBlockDelta,
    UnknownMessageStreamEvent,
)

MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "m",
    "content": [],
    "stop_reason": None,
    "stop_sequence": None,
    "usage": {"input_tokens": 9, "output_tokens": 1},
}


def test_unknown_block_and_stop_reason_are_kept() -> None:
    novel = {"type": "server_tool_use", "id": "srv_1", "name": "web_search", "input": {"q": "x"}}
    data = {
        **MESSAGE,
        "content": [{"type": "text", "text": "hi", "citations": None}, novel],
        "stop_reason": "brand_new_reason",
        "usage": {"input_tokens": 9, "output_tokens": 4, "inference_geo": "us"},
        "container": {"id": "c"},
    }
    message = Message.from_dict(data)
    text, unknown = message.content
    assert isinstance(text, TextBlock) and text.citations is None
    assert isinstance(unknown, UnknownContentBlock)
    assert unknown.type == "server_tool_use" and unknown.name == "web_search" and unknown.input == {"q": "x"}
    assert unknown["id"] == "srv_1"
    assert message.stop_reason == "brand_new_reason"
    assert message.usage["inference_geo"] == "us" and message["container"] == {"id": "c"}
    assert message.model_dump(exclude_unset=True) == data
    assert message.model_dump()["usage"]["cache_read_input_tokens"] is None  # every documented field, as pydantic
    assert Message.from_dict(message.model_dump()) == message
    with pytest.raises(AttributeError):
        _ = unknown.no_such_field


def test_a_block_missing_its_required_fields_is_an_error() -> None:
    with pytest.raises(KeyError):
        Message.from_dict({**MESSAGE, "content": [{"type": "text"}]})
    with pytest.raises(TypeError, match=r"ToolUseBlock\.input must be an object"):
        Message.from_dict({**MESSAGE, "content": [{"type": "tool_use", "id": "t", "name": "n", "input": []}]})


def frame(event: dict[str, Any]) -> bytes:
    payload = json.dumps({"bytes": base64.b64encode(json.dumps(event).encode()).decode()}).encode()
    return encode_message(
        {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}, payload
    )


def stream_of(events: list[dict[str, Any]]) -> RawMessageStream:
    body = b"".join(frame(e) for e in events)
    request = httpx.Request(
        "POST", "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke-with-response-stream"
    )
    response = httpx.Response(200, stream=httpx.ByteStream(body), request=request, headers={"x-amzn-requestid": "r1"})
    assert MESSAGES.event is not None and MESSAGES.accumulator is not None
    exceptions = MESSAGES.stream_endpoint.stream_exceptions
    return RawMessageStream(response, ChunkReader(response, MESSAGES.event, MESSAGES.accumulator(), exceptions))


def delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


EVENTS: list[dict[str, Any]] = [
    {"type": "message_start", "message": MESSAGE},
    {"type": "ping"},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": "", "signature": ""}},
    delta(0, type="thinking_delta", thinking="Let me "),
    delta(0, type="thinking_delta", thinking="think."),
    delta(0, type="signature_delta", signature="c2ln"),
    {"type": "content_block_stop", "index": 0},
    {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
    delta(1, type="text_delta", text="Checking "),
    delta(1, type="brand_new_delta", payload=[1, 2]),
    delta(1, type="text_delta", text="now."),
    {"type": "content_block_stop", "index": 1},
    {"type": "brand_new_event", "detail": {"x": 1}},
    {
        "type": "content_block_start",
        "index": 2,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}},
    },
    delta(2, type="input_json_delta", partial_json=""),
    delta(2, type="input_json_delta", partial_json='{"city": "Pa'),
    delta(2, type="input_json_delta", partial_json='ris", "days": 2}'),
    {"type": "content_block_stop", "index": 2},
    {"type": "content_block_start", "index": 3, "content_block": {"type": "mystery_block", "data": "kept"}},
    {"type": "content_block_stop", "index": 3},
    {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {"output_tokens": 42, "input_tokens": 11, "cache_read_input_tokens": 5},
    },
    {
        "type": "message_stop",
        "amazon-bedrock-invocationMetrics": {"inputTokenCount": 11, "outputTokenCount": 42, "invocationLatency": 7},
    },
]


def test_stream_accumulates_tools_thinking_usage_and_keeps_unknown_kinds() -> None:
    stream = stream_of(EVENTS)
    events = list(stream)
    assert "ping" not in [e.type for e in events]
    assert isinstance(events[-10], UnknownMessageStreamEvent) and events[-10].detail == {"x": 1}
    novel_delta = next(
        e for e in events if isinstance(e, ContentBlockDeltaEvent) and isinstance(e.delta, UnknownContentBlockDelta)
    )
    assert novel_delta.delta.type == "brand_new_delta" and novel_delta.delta.payload == [1, 2]
    message = stream.get_final_message()
    thinking, text, tool, mystery = message.content
    assert isinstance(thinking, ThinkingBlock) and (thinking.thinking, thinking.signature) == ("Let me think.", "c2ln")
    assert isinstance(text, TextBlock) and text.text == "Checking now."
    assert isinstance(tool, ToolUseBlock) and tool.input == {"city": "Paris", "days": 2}
    assert isinstance(mystery, UnknownContentBlock) and mystery.data == "kept"
    assert message.stop_reason == "tool_use"
    assert message.usage.output_tokens == 42 and message.usage.input_tokens == 11
    assert message.usage.cache_read_input_tokens == 5
    assert message.response_metadata == ab.ResponseMetadata("r1", 11, 42, 7)
    assert stream.text == "Checking now."


def test_message_stream_helper_events_and_snapshots() -> None:
    from anthropic_bedrock._streaming.message_stream import MessageStream

    stream = MessageStream(stream_of(EVENTS))
    seen = list(stream)
    kinds = [e.type for e in seen]
    assert kinds.count("text") == 2 and kinds.count("thinking") == 2 and kinds.count("signature") == 1
    assert kinds.count("input_json") == 3
    snapshots = [e.snapshot for e in seen if e.type == "input_json"]
    assert snapshots[-1] == {"city": "Paris", "days": 2} and snapshots[0] == {}
    assert [e.snapshot for e in seen if e.type == "text"] == ["Checking ", "Checking now."]
    stops = [e for e in seen if e.type == "content_block_stop"]
    assert [type(s.content_block).__name__ for s in stops] == [
        "ThinkingBlock",
        "TextBlock",
        "ToolUseBlock",
        "UnknownContentBlock",
    ]
    assert seen[-1].type == "message_stop" and seen[-1].message.stop_reason == "tool_use"
    assert stream.get_final_text() == "Checking now."
    assert stream.current_message_snapshot == stream.get_final_message()


def test_a_stream_without_its_final_event_is_interrupted() -> None:
    stream = stream_of(EVENTS[:-1])
    with pytest.raises(ab.StreamInterruptedError, match="before its final event"):
        list(stream)


def test_get_final_text_needs_a_text_block() -> None:
    from anthropic_bedrock._streaming.message_stream import MessageStream

    only_tool = [EVENTS[0], *EVENTS[13:18], EVENTS[-2], EVENTS[-1]]
    with pytest.raises(RuntimeError, match="tool_use"):
        MessageStream(stream_of(only_tool)).get_final_text()
