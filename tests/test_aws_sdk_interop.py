"""AWS's own SDK (botocore, the engine under boto3) against the emulator: an independent check that
the emulator speaks Bedrock's wire protocol, and that the README's boto3 recipe works."""

from __future__ import annotations

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
