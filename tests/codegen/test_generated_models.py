"""The generated models: round trips, unknown fields kept, null versus missing."""

from __future__ import annotations

import json

import pytest

from anthropic_bedrock._generated.api.runtime import invoke_model, invoke_model_with_response_stream
from anthropic_bedrock._generated.models.completions_invoke_body import CompletionsInvokeBody
from anthropic_bedrock.types import Completion, CompletionChunk, InvocationMetrics, Message


def test_null_versus_missing() -> None:
    missing = Completion.from_dict({"completion": "x", "stop_reason": "max_tokens"})
    null = Completion.from_dict({"completion": "x", "stop_reason": "max_tokens", "stop": None})
    assert missing.stop is None and null.stop is None
    assert "stop" not in missing.model_fields_set
    assert "stop" in null.model_fields_set


def test_unknown_fields_are_kept_and_dumped() -> None:
    data = {"completion": "x", "stop_reason": None, "stop": None, "new_field": {"a": 1}}
    completion = Completion.from_dict(data)
    assert completion.additional_properties == {"new_field": {"a": 1}}
    assert completion["new_field"] == {"a": 1} and "new_field" in completion
    assert completion.model_dump() == data
    assert Completion.from_dict(completion.model_dump()) == completion


def test_model_dump_variants() -> None:
    completion = Completion.from_dict({"completion": "hi", "stop_reason": "stop_sequence"})
    assert completion.model_dump() == {"completion": "hi", "stop_reason": "stop_sequence", "stop": None}
    assert completion.model_dump(exclude_unset=True) == {"completion": "hi", "stop_reason": "stop_sequence"}
    assert completion.model_dump_json() == '{"completion":"hi","stop_reason":"stop_sequence","stop":null}'
    assert json.loads(completion.model_dump_json(indent=2, exclude_unset=True)) == {
        "completion": "hi",
        "stop_reason": "stop_sequence",
    }
    assert "\n  " in completion.model_dump_json(indent=2)


def test_built_by_hand_counts_given_fields() -> None:
    metrics = InvocationMetrics(output_token_count=3, invocation_latency=7)
    assert metrics.model_fields_set == {"output_token_count", "invocation_latency"}
    assert metrics.to_dict() == {"outputTokenCount": 3, "invocationLatency": 7}
    assert metrics.input_token_count is None


def test_a_wrong_json_type_is_a_type_error_naming_the_field() -> None:
    with pytest.raises(TypeError, match=r"Completion\.completion must be a string, not int"):
        Completion.from_dict({"completion": 5, "stop_reason": None, "stop": None})
    with pytest.raises(TypeError, match=r"Usage\.output_tokens must be an integer"):
        Message.from_dict(
            {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "model": "x",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": "2"},
            }
        )
    with pytest.raises(KeyError):
        Completion.from_dict({"stop_reason": None})


def test_stream_chunk_with_metrics() -> None:
    chunk = CompletionChunk.from_dict(
        {
            "completion": "",
            "stop_reason": "max_tokens",
            "stop": None,
            "amazon-bedrock-invocationMetrics": {"inputTokenCount": 3, "outputTokenCount": 5, "invocationLatency": 9},
        }
    )
    metrics = chunk.amazon_bedrock_invocation_metrics
    assert isinstance(metrics, InvocationMetrics) and metrics.output_token_count == 5
    assert metrics.first_byte_latency is None
    assert chunk.model_dump(by_alias=True)["amazon-bedrock-invocationMetrics"]["inputTokenCount"] == 3
    assert chunk.model_dump()["amazon_bedrock_invocation_metrics"]["input_token_count"] == 3  # names, as pydantic
    assert chunk.to_dict()["amazon-bedrock-invocationMetrics"]["inputTokenCount"] == 3  # JSON keys, as anthropic
    assert "amazon_bedrock_invocation_metrics" in chunk.model_fields_set


def test_request_builders_are_pure_and_encode_the_model_id() -> None:
    body: CompletionsInvokeBody = {"prompt": "p", "max_tokens_to_sample": 3, "anthropic_version": "bedrock-2023-05-31"}
    parts = invoke_model.build_request("arn:aws:bedrock:us-east-1:1:foundation-model/anthropic.claude-v2", body=body)
    assert parts.method == "POST"
    assert parts.path == "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Afoundation-model%2Fanthropic.claude-v2/invoke"
    assert parts.json == {"prompt": "p", "max_tokens_to_sample": 3, "anthropic_version": "bedrock-2023-05-31"}
    assert parts.headers["Content-Type"] == "application/json"
    stream = invoke_model_with_response_stream.build_request("m", body=body)
    assert (
        stream.path == "/model/m/invoke-with-response-stream"
        and invoke_model_with_response_stream.ENDPOINT.event_stream
    )
    assert not invoke_model.ENDPOINT.event_stream
    assert invoke_model_with_response_stream.ENDPOINT.stream_exceptions["throttlingException"] == 429


def test_response_parsers() -> None:
    ok = invoke_model.parse_response(200, b'{"completion":"a","stop_reason":null,"stop":null}', kind=Completion)
    assert isinstance(ok, Completion)
    # Error bodies are not parsed here: the overlays classify errors by status and error type.
    assert invoke_model.parse_response(429, b'{"message":"slow down"}', kind=Message) is None
    assert invoke_model.parse_response(418, b"", kind=Completion) is None
    assert invoke_model_with_response_stream.parse_response(200, b"\x00") is None
    with pytest.raises(ValueError):
        invoke_model.parse_response(200, b"not json", kind=Message)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"bytes":"eyJ9"}',
        b'{"bytes": "eyJ9"}',
        b'{"bytes":"ey\\/J9"}',
        b'{"bytes":"eyJ9","p":"abcdefgh"}',
        b'{"bytes":"eyJ9","p":""}',
        b'{"bytes":"eyJ9","p":"a\\"b"}',
        b'{"bytes":"eyJ9","p":"ab","bytes":"e30="}',
        b'{"bytes":"eyJ9","q":"ab"}',
        b'{"p":"ab","bytes":"eyJ9"}',
    ],
)
def test_chunk_envelope_fast_path_agrees_with_json(payload: bytes) -> None:
    from anthropic_bedrock._streaming.framing import _chunk_bytes

    got = _chunk_bytes(payload)
    assert (got.decode() if isinstance(got, bytes) else got) == json.loads(payload)["bytes"]


@pytest.mark.parametrize("payload", [b'{"bytes":"eyJ9"}', b'{"bytes":"eyJ9","p":"abcdefghijklmnopqrstuvwxyz012"}'])
def test_chunk_envelope_plain_and_padded_forms_skip_the_json_parser(payload: bytes) -> None:
    from anthropic_bedrock._streaming.framing import _chunk_bytes

    assert _chunk_bytes(payload) == b"eyJ9"  # bytes: sliced out, not parsed
