"""AWS's own SDK (botocore, the engine under boto3) against the emulator: an independent check that
the emulator speaks Bedrock's wire protocol, and that the README's boto3 recipe works."""

from __future__ import annotations

import base64
import json
from typing import Any

import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

BODY = {
    "prompt": "\n\nHuman: red green blue\n\nAssistant:",
    "max_tokens_to_sample": 5,
    "anthropic_version": "bedrock-2023-05-31",
}


@pytest.fixture
def runtime(emulator: Any) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "bedrock-runtime",
        endpoint_url=emulator.url,
        region_name=emulator.region,
        aws_access_key_id=emulator.access_key,
        aws_secret_access_key=emulator.secret_key,
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_invoke_model(runtime: Any, emulator: Any) -> None:
    result = runtime.invoke_model(
        modelId="arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v2",
        body=json.dumps(BODY),
        contentType="application/json",
        accept="application/json",
    )
    body = json.loads(result["body"].read())
    assert body["completion"].split() == ["red", "green", "blue", "red", "green"]
    assert body["stop_reason"] == "max_tokens"
    assert emulator.signature_failures == 0


def test_invoke_model_with_response_stream(runtime: Any) -> None:
    result = runtime.invoke_model_with_response_stream(modelId="anthropic.claude-v2", body=json.dumps(BODY))
    chunks = [json.loads(event["chunk"]["bytes"]) for event in result["body"]]
    assert "".join(c["completion"] for c in chunks).split() == ["red", "green", "blue", "red", "green"]
    assert chunks[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"] == 5


def test_errors_parse_as_bedrock_errors(runtime: Any, emulator: Any) -> None:
    emulator.push_fault("status=429")
    with pytest.raises(ClientError) as info:
        runtime.invoke_model(modelId="anthropic.claude-v2", body=json.dumps(BODY))
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    assert type(info.value).__name__ == "ThrottlingException"


def test_in_stream_exception_reaches_botocore(runtime: Any) -> None:
    runtime.meta.events.register(
        "before-call.bedrock-runtime.InvokeModelWithResponseStream",
        lambda params, **_: params["headers"].__setitem__("x-emulator-fault", "exception=throttlingException;after=1"),
    )
    result = runtime.invoke_model_with_response_stream(modelId="anthropic.claude-v2", body=json.dumps(BODY))
    with pytest.raises(ClientError) as info:
        list(result["body"])
    assert info.value.response["Error"]["Code"] == "throttlingException"


# -- Messages API and CountTokens --------------------------------------------------------------

IMAGE_PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image").decode()
CLOCK_TOOL = {"name": "get_time", "description": "Current time", "input_schema": {"type": "object", "properties": {}}}
MESSAGES_BODY = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 6,
    "system": "answer briefly",
    "messages": [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "red green blue"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": IMAGE_PNG}},
            ],
        }
    ],
    "tools": [CLOCK_TOOL],
    "tool_choice": {"type": "none"},
}
# 3 words + 1000 for the image + 2 system words + tool: "get_time" 1, "Current time" 2, schema 4 words
MESSAGES_INPUT_TOKENS = 3 + 1000 + 2 + 1 + 2 + 4


def test_messages_invoke_model(runtime: Any) -> None:
    result = runtime.invoke_model(modelId="us.anthropic.claude-sonnet-4-20250514-v1:0", body=json.dumps(MESSAGES_BODY))
    message = json.loads(result["body"].read())
    assert message["content"] == [{"type": "text", "text": "red green blue red green blue"}]
    assert message["stop_reason"] == "max_tokens"
    assert message["usage"] == {"input_tokens": MESSAGES_INPUT_TOKENS, "output_tokens": 6}


def test_messages_stream(runtime: Any) -> None:
    body = {**MESSAGES_BODY, "tool_choice": {"type": "any"}, "max_tokens": 50}
    result = runtime.invoke_model_with_response_stream(modelId="anthropic.claude-3-haiku", body=json.dumps(body))
    events = [json.loads(event["chunk"]["bytes"]) for event in result["body"]]
    assert [e["type"] for e in events[:3]] == ["message_start", "ping", "content_block_start"]
    assert events[2]["content_block"]["name"] == "get_time"
    assert "".join(e["delta"]["partial_json"] for e in events if e["type"] == "content_block_delta") == "{}"
    assert events[-2]["delta"]["stop_reason"] == "tool_use"
    assert events[-1]["amazon-bedrock-invocationMetrics"]["inputTokenCount"] == MESSAGES_INPUT_TOKENS


def test_count_tokens(runtime: Any, emulator: Any) -> None:
    result = runtime.count_tokens(
        modelId="anthropic.claude-3-haiku", input={"invokeModel": {"body": json.dumps(MESSAGES_BODY).encode()}}
    )
    assert result["inputTokens"] == MESSAGES_INPUT_TOKENS
    (entry,) = emulator.requests("count_tokens")
    assert entry.status == 200
    assert emulator.signature_failures == 0


def test_count_tokens_agrees_with_this_sdk(runtime: Any, emulator: Any) -> None:
    from anthropic_bedrock import AnthropicBedrock

    boto = runtime.count_tokens(
        modelId="anthropic.claude-3-haiku", input={"invokeModel": {"body": json.dumps(MESSAGES_BODY).encode()}}
    )["inputTokens"]
    with AnthropicBedrock(
        aws_access_key=emulator.access_key,
        aws_secret_key=emulator.secret_key,
        aws_region=emulator.region,
        base_url=emulator.url,
    ) as client:
        ours = client.messages.count_tokens(
            model="anthropic.claude-3-haiku",
            messages=MESSAGES_BODY["messages"],
            system=MESSAGES_BODY["system"],
            tools=MESSAGES_BODY["tools"],
            tool_choice=MESSAGES_BODY["tool_choice"],
        ).input_tokens
    assert ours == boto == MESSAGES_INPUT_TOKENS
    # Both sent the same inner body, but for max_tokens (ours the smallest valid one).
    boto_entry, ours_entry = emulator.requests("count_tokens")
    inner = [json.loads(base64.b64decode(e.json()["input"]["invokeModel"]["body"])) for e in (boto_entry, ours_entry)]
    assert {**inner[0], "max_tokens": 1} == inner[1]


def test_count_tokens_validation_error(runtime: Any) -> None:
    with pytest.raises(ClientError) as info:
        runtime.count_tokens(modelId="anthropic.claude-3-haiku", input={"invokeModel": {"body": b"{}"}})
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "required key [anthropic_version]" in info.value.response["Error"]["Message"]
