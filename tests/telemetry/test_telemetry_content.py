"""Message content is recorded only when the user opts in, in the conventions' shapes; secrets never."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from telemetry_harness import (
    BODY,
    MESSAGE,
    MODEL,
    SERVER,
    STREAM_URL,
    Pipeline,
    call,
    headers,
    message_events,
    read_stream,
    send,
)

from anthropic_bedrock._telemetry import CHAT, extract

CONTENT_KEYS = {
    "gen_ai.system_instructions",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.tool.definitions",
}
ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
IMAGE_DATA = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

TOOLS_BODY = {
    **BODY,
    "tools": [
        {"name": "get_weather", "description": "Weather by city", "input_schema": {"type": "object"}},
        {"type": "web_search_20250305", "name": "web_search"},
    ],
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Weather where this photo was taken?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": IMAGE_DATA}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Looks like Paris.", "signature": "c2ln"},
                {"type": "tool_use", "id": "toolu_0", "name": "get_weather", "input": {"city": "Paris"}},
            ],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_0", "content": "rain, 14°C"}]},
    ],
}


@pytest.fixture
def otel() -> Iterator[Pipeline]:
    pipeline = Pipeline()
    yield pipeline
    pipeline.shutdown()


def record(otel: Pipeline, capture: bool | None, body: dict[str, object] = TOOLS_BODY) -> dict[str, object]:
    observer = otel.telemetry(capture).start(CHAT, MODEL, body, server=SERVER)
    call(observer, [(200, headers())], answer=MESSAGE, answer_headers=headers())
    return dict(otel.span(f"chat {MODEL}").attributes or {})


def test_no_content_by_default(otel: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)
    attributes = record(otel, None)
    assert not CONTENT_KEYS & attributes.keys()
    assert "Paris" not in repr(attributes) and "photo" not in repr(attributes)


@pytest.mark.parametrize(
    ("value", "captured"),
    [
        ("true", True),
        ("SPAN_ONLY", True),
        ("span_and_event", True),
        ("false", False),
        ("EVENT_ONLY", False),
        ("NO_CONTENT", False),
    ],
)
def test_the_environment_variable_opts_in(
    otel: Pipeline, monkeypatch: pytest.MonkeyPatch, value: str, captured: bool
) -> None:
    monkeypatch.setenv(ENV, value)
    attributes = record(otel, None)
    assert bool(CONTENT_KEYS & attributes.keys()) is captured


def test_the_client_argument_wins_over_the_environment(otel: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "true")
    assert not CONTENT_KEYS & record(otel, False).keys()


def test_captured_content_follows_the_conventions_schemas(otel: Pipeline) -> None:
    attributes = record(otel, True)
    assert json.loads(str(attributes["gen_ai.system_instructions"])) == [
        {"type": "text", "content": "Answer in one sentence."}
    ]
    assert json.loads(str(attributes["gen_ai.input.messages"])) == [
        {
            "role": "user",
            "parts": [
                {"type": "text", "content": "Weather where this photo was taken?"},
                {"type": "image", "mime_type": "image/png"},
            ],
        },
        {
            "role": "assistant",
            "parts": [
                {"type": "reasoning", "content": "Looks like Paris."},
                {"type": "tool_call", "id": "toolu_0", "name": "get_weather", "arguments": {"city": "Paris"}},
            ],
        },
        {"role": "user", "parts": [{"type": "tool_call_response", "id": "toolu_0", "response": "rain, 14°C"}]},
    ]
    assert json.loads(str(attributes["gen_ai.tool.definitions"])) == [
        {"type": "function", "name": "get_weather"},
        {"type": "web_search_20250305", "name": "web_search"},
    ]
    assert json.loads(str(attributes["gen_ai.output.messages"])) == [
        {"role": "assistant", "parts": [{"type": "text", "content": "Paris."}], "finish_reason": "end_turn"}
    ]
    assert IMAGE_DATA not in repr(attributes)  # binary data is never copied


def test_streamed_output_is_rebuilt_with_tool_arguments(otel: Pipeline) -> None:
    observer = otel.telemetry(True).start(CHAT, MODEL, BODY, server=SERVER, stream=True)
    send(observer, [(200, headers())], url=STREAM_URL)
    read_stream(observer, message_events())
    output = json.loads(str((otel.span(f"chat {MODEL}").attributes or {})["gen_ai.output.messages"]))
    assert output == [
        {
            "role": "assistant",
            "parts": [
                {"type": "text", "content": "Let me check."},
                {"type": "tool_call", "id": "toolu_1", "name": "get_weather", "arguments": {"city": "Paris"}},
            ],
            "finish_reason": "tool_use",
        }
    ]


def test_a_stream_cut_inside_tool_arguments_keeps_the_raw_text(otel: Pipeline) -> None:
    observer = otel.telemetry(True).start(CHAT, MODEL, BODY, server=SERVER, stream=True)
    read_stream(observer, message_events()[:8], error=ConnectionResetError())
    output = json.loads(str((otel.span(f"chat {MODEL}").attributes or {})["gen_ai.output.messages"]))
    assert output[0]["parts"][1]["arguments"] == '{"city": '


def test_secrets_never_reach_a_span(otel: Pipeline) -> None:
    secret_url = (
        "https://AKIDEXAMPLE:wJalrXUtnFEMI@bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke"
        "?X-Amz-Credential=AKIDEXAMPLE%2F20250101&X-Amz-Signature=deadbeef&X-Amz-Security-Token=FQoGZXIvYXdzE&trace=1"
    )
    observer = otel.telemetry(True).start(CHAT, MODEL, BODY, server=SERVER)
    observer.attempt("POST", secret_url)
    observer.attempt_done(
        200,
        headers(
            "req-1",
            authorization="AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101, Signature=deadbeef",
            **{"x-amz-security-token": "FQoGZXIvYXdzE"},
        ),
    )
    observer.response(MESSAGE)
    observer.end()
    everything = repr([dict(span.attributes or {}) for span in otel.spans()])
    for secret in ("AKIDEXAMPLE", "wJalrXUtnFEMI", "deadbeef", "FQoGZXIvYXdzE"):
        assert secret not in everything
    url = (otel.span("POST").attributes or {})["url.full"]
    assert url == (
        "https://REDACTED:REDACTED@bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke"
        "?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&trace=1"
    )


def test_redact_url_leaves_a_plain_url_alone() -> None:
    url = "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/invoke?a=1"
    assert extract.redact_url(url) is url
