"""The emulator's Anthropic-native side (``emulator._sse``): bodies, SSE streams and errors.

The same deterministic answer is checked on both wire formats: the events read back through the
SDK's SSE decoder and ``invoke_event`` must equal the events of the InvokeModel chunk frames.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anthropic_bedrock._http.sse import SSEDecoder, SSEEncodingError
from anthropic_bedrock._streaming.anthropic_sse import AnthropicErrorInfo, invoke_event, parse_error
from anthropic_bedrock.emulator import _bedrock
from anthropic_bedrock.emulator._faults import parse_fault
from anthropic_bedrock.emulator._sse import (
    ERROR_TYPES,
    NativeError,
    StreamFaults,
    count_tokens_body,
    error_response,
    parse_request,
    sse_frames,
    stream_events,
)

VERSION = "2023-06-01"
BODY: dict[str, Any] = {
    "model": "anthropic.claude-sonnet-4-5",
    "max_tokens": 2000,
    "messages": [{"role": "user", "content": "Please use a tool, or echo alpha beta gamma"}],
    "tools": [
        {
            "name": "lookup",
            "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
        }
    ],
    "thinking": {"type": "enabled", "budget_tokens": 1024},
}


def raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def invoke_events(body: dict[str, Any], chunks: int | None = None) -> list[dict[str, Any]]:
    """The events of the InvokeModel stream for the same request (model and stream out of the body)."""
    document = {k: v for k, v in body.items() if k not in ("model", "stream")} | {
        "anthropic_version": "bedrock-2023-05-31"
    }
    invocation = _bedrock.parse_document(document)
    result = _bedrock.answer(invocation)
    payloads = _bedrock.chunk_payloads(invocation, result, body["model"], chunks, lambda: {"inputTokenCount": 1})
    events = [json.loads(base64.b64decode(json.loads(p)["bytes"])) for p in payloads]
    events[-1].pop("amazon-bedrock-invocationMetrics")
    return events


def native_frames(body: dict[str, Any], faults: StreamFaults | None = None) -> list[bytes]:
    request = parse_request(raw(body), VERSION, None)
    result = _bedrock.answer(request.invocation)
    payloads = _bedrock.chunk_payloads(request.invocation, result, request.model, None, dict)
    return list(sse_frames(stream_events(payloads), faults or StreamFaults()))


def read_back(pieces: list[bytes]) -> list[object]:
    decoder = SSEDecoder()
    out: list[object] = []
    for piece in pieces:
        for event in decoder.feed(piece):
            meaning = invoke_event(event)
            if meaning is not None:
                out.append(json.loads(meaning) if isinstance(meaning, str) else meaning)
    assert decoder.close() is False
    return out


@given(st.lists(st.integers(0, 5000), max_size=20))
@settings(max_examples=60, deadline=None)
def test_both_wire_formats_carry_the_same_events(cuts: list[int]) -> None:
    stream = b"".join(native_frames(BODY))
    points = sorted({min(cut, len(stream)) for cut in cuts})
    pieces = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    expected = [event for event in invoke_events(BODY) if event["type"] != "ping"]
    assert read_back(pieces) == expected
    assert [e["type"] for e in expected][:3] == ["message_start", "content_block_start", "content_block_delta"]


def test_sse_lines_are_anthropics() -> None:
    frames = native_frames({"model": "claude", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]})
    assert frames[0].startswith(b'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_bdrk_')
    assert frames[1] == b'event: ping\ndata: {"type":"ping"}\n\n'
    assert frames[-1] == b'event: message_stop\ndata: {"type":"message_stop"}\n\n'


def test_an_error_event_ends_the_stream() -> None:
    faults = StreamFaults.from_spec(parse_fault("exception=serviceUnavailableException;after=3"))
    events = read_back(native_frames(BODY, faults))
    assert len(events) == 3  # message_start, (ping skipped), two more
    error = events[-1]
    assert isinstance(error, AnthropicErrorInfo)
    assert (error.error_type, error.status, error.message) == ("overloaded_error", 529, "Overloaded")


def test_malformed_events() -> None:
    frames = native_frames(BODY, StreamFaults.from_spec(parse_fault("crc=2")))
    with pytest.raises(ValueError):  # the JSON of event 2 is cut in half
        read_back(frames)
    frames = native_frames(BODY, StreamFaults(malformed=0, malformed_utf8=True))
    with pytest.raises(SSEEncodingError):
        SSEDecoder().feed(b"".join(frames))
    frames = native_frames(BODY, StreamFaults.from_spec(parse_fault("novel=frame")))
    assert b"novel-field: 42" in frames[1]
    assert read_back(frames) == [event for event in invoke_events(BODY) if event["type"] != "ping"]


@pytest.mark.parametrize(
    ("body", "version", "message"),
    [
        (BODY, None, "anthropic-version: header is required"),
        (BODY, "latest", "is not a valid version"),
        ({**BODY, "model": None}, VERSION, "model: Field required"),
        ({k: v for k, v in BODY.items() if k != "model"}, VERSION, "model: Field required"),
        ({**BODY, "anthropic_version": "bedrock-2023-05-31"}, VERSION, "anthropic_version: Extra inputs"),
        ({**BODY, "anthropic_beta": ["x"]}, VERSION, "anthropic_beta: Extra inputs"),
        ({**BODY, "stream": "yes"}, VERSION, "stream: Input should be a valid boolean"),
        (
            {"model": "claude", "prompt": "\n\nHuman: hi\n\nAssistant:", "max_tokens_to_sample": 5},
            VERSION,
            "messages: Field required",
        ),
        ({**BODY, "max_tokens": 0}, VERSION, "max_tokens"),
    ],
)
def test_bad_requests(body: dict[str, Any], version: str | None, message: str) -> None:
    with pytest.raises(NativeError, match=message) as caught:
        parse_request(raw(body), version, None)
    assert (caught.value.status, caught.value.error_type) == (400, "invalid_request_error")


def test_betas_come_from_the_header_and_stream_from_the_body() -> None:
    request = parse_request(raw({**BODY, "stream": True}), "2026-10-21", "a-beta, other-beta")
    assert request.stream and request.model == "anthropic.claude-sonnet-4-5"
    assert not parse_request(raw(BODY), VERSION, None).stream


def test_count_tokens_matches_invoke_usage() -> None:
    body = {k: v for k, v in BODY.items() if k != "max_tokens"}
    model, answer = count_tokens_body(raw(body), VERSION, None)
    invoke = json.loads(_bedrock.invoke_body(*_invoke_answer(BODY), model))
    assert model == BODY["model"] and json.loads(answer) == {"input_tokens": invoke["usage"]["input_tokens"]}
    with pytest.raises(NativeError, match="max_tokens: Extra inputs"):
        count_tokens_body(raw(BODY), VERSION, None)


def _invoke_answer(body: dict[str, Any]) -> tuple[_bedrock.Invocation, _bedrock.Answer]:
    request = parse_request(raw(body), VERSION, None)
    return request.invocation, _bedrock.answer(request.invocation)


@pytest.mark.parametrize("status", sorted(ERROR_TYPES))
def test_error_answers_read_back_with_their_status(status: int) -> None:
    headers, body = error_response(status, None, None, "req-1")
    info = parse_error(body)  # as an in-stream error: the status comes from the type alone
    assert (info.status, info.error_type, info.request_id) == (status, ERROR_TYPES[status], "req-1")
    assert ("request-id", "req-1") in headers


# -- the shell, over real HTTP --------------------------------------------------------------------
