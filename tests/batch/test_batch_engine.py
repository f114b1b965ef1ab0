"""What the engine gives batch inference: the control plane's endpoint, request checks shared with
`messages.create`, query parameters, and Bedrock's ConflictException typed (no network here)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from anthropic_bedrock import AnthropicBedrock, BadRequestError, ConflictError
from anthropic_bedrock._exceptions import make_status_error
from anthropic_bedrock._operations.batches import CREATE_JOB, GET_JOB, LIST_JOBS, STOP_JOB
from anthropic_bedrock._operations.messages import MESSAGES

KEYS = {"aws_access_key": "AKIDEXAMPLE", "aws_secret_key": "secret"}
ARN = "arn:aws:bedrock:us-west-2:123456789012:model-invocation-job/abcdefghijkl"


@pytest.fixture(autouse=True)
def _no_endpoint_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_BEDROCK_CONTROL_BASE_URL", raising=False)
    monkeypatch.delenv("ANTHROPIC_BEDROCK_BASE_URL", raising=False)


def test_the_control_plane_endpoint_follows_the_region_unless_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    client = AnthropicBedrock(aws_region="us-west-2", **KEYS)
    call = client._prepare(GET_JOB, {"jobIdentifier": ARN})
    assert str(call.request.url).startswith("https://bedrock.us-west-2.amazonaws.com/model-invocation-job/arn%3Aaws")
    moved = client.with_options(aws_region="eu-west-1")._prepare(GET_JOB, {"jobIdentifier": ARN})
    assert moved.request.url.host == "bedrock.eu-west-1.amazonaws.com"
    chosen = AnthropicBedrock(aws_region="us-west-2", control_base_url="http://127.0.0.1:9/", **KEYS)
    assert chosen.with_options(aws_region="eu-west-1")._prepare(GET_JOB, {"jobIdentifier": ARN}).request.url.port == 9
    monkeypatch.setenv("ANTHROPIC_BEDROCK_CONTROL_BASE_URL", "http://localhost:8123")
    from_env = AnthropicBedrock(**KEYS)._prepare(STOP_JOB, {"jobIdentifier": ARN}).request
    assert (from_env.method, from_env.url.host, from_env.url.port) == ("POST", "localhost", 8123)
    # The runtime endpoint is not the control plane's.
    runtime = AnthropicBedrock(aws_region="us-west-2", **KEYS)._prepare(
        MESSAGES, {"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}]}
    )
    assert runtime.request.url.host == "bedrock-runtime.us-west-2.amazonaws.com"
    with pytest.raises(ValueError, match="control_base_url must be an http"):
        AnthropicBedrock(control_base_url="ftp://x", **KEYS)
    with pytest.raises(TypeError, match="control_base_url must be a string"):
        AnthropicBedrock(control_base_url=3, **KEYS)  # type: ignore[arg-type]


def test_query_parameters_merge_with_the_clients_and_the_calls() -> None:
    client = AnthropicBedrock(default_query={"tenant": "a"}, **KEYS)
    call = client._prepare(LIST_JOBS, {"maxResults": 2, "nameContains": "b 1", "extra_query": {"x": "y"}})
    assert call.request.url.params == httpx.QueryParams(
        {"tenant": "a", "maxResults": "2", "nameContains": "b 1", "x": "y"}
    )
    assert b"nameContains=b%201" in call.request.url.raw_path  # %20, as SigV4 signs it
    with pytest.raises(ValueError, match="maxResults"):
        client._prepare(LIST_JOBS, {"maxResults": 5000})
    with pytest.raises(ValueError, match="jobIdentifier"):
        client._prepare(GET_JOB, {"jobIdentifier": "not-a-job"})
    with pytest.raises(ValueError, match="roleArn"):
        client._prepare(CREATE_JOB, {
            "jobName": "a", "roleArn": "nope", "modelId": "m",
            "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://bucket/in/"}},
            "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://bucket/out/"}},
        })  # fmt: skip


def test_a_batch_request_is_checked_and_built_exactly_as_create_would() -> None:
    client = AnthropicBedrock(default_headers={"anthropic-beta": "token-efficient-tools-2025-02-19"}, **KEYS)
    params: dict[str, Any] = {
        "max_tokens": 64,
        "system": "Be brief.",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "temperature": None,  # None means not given, as for create
    }
    body = client._check(MESSAGES, params, "requests[3].params")
    sent = json.loads(client._prepare(MESSAGES, {**params, "model": "m"}).request.content)
    assert body == sent and body["anthropic_beta"] == ["token-efficient-tools-2025-02-19"]
    for bad, place in [
        ({**params, "max_tokens": "many"}, "requests[3].params.max_tokens"),
        ({**params, "messages": [{"role": "robot", "content": "x"}]}, "requests[3].params.messages[0].role"),
        (
            {k: v for k, v in params.items() if k != "messages"},
            "requests[3].params is missing the required key 'messages'",
        ),
        ({**params, "timeout": 3}, "requests[3].params has unexpected key(s) for messages.create(): 'timeout'"),
    ]:
        with pytest.raises((TypeError, ValueError)) as info:
            client._check(MESSAGES, bad, "requests[3].params")
        assert str(info.value).startswith(place)


def test_a_conflict_exception_is_a_conflict_error_whatever_its_status() -> None:
    request = httpx.Request("POST", "https://bedrock.us-east-1.amazonaws.com/model-invocation-job/x/stop")
    headers = {"x-amzn-ErrorType": "ConflictException:http://internal.amazon.com/coral/", "x-amzn-RequestId": "r1"}
    error = make_status_error(httpx.Response(400, headers=headers, request=request), b'{"message": "ended"}')
    assert type(error) is ConflictError and error.status_code == 400 and error.message == "ended"
    other = make_status_error(
        httpx.Response(400, headers={"x-amzn-ErrorType": "ValidationException"}, request=request), b"{}"
    )
    assert type(other) is BadRequestError


def test_the_anthropic_native_clients_send_batches_to_anthropic_bedrock() -> None:
    from anthropic_bedrock import AnthropicBedrockMantle, AnthropicBedrockNative

    for client in (AnthropicBedrockMantle(**KEYS), AnthropicBedrockNative(**KEYS)):
        with pytest.raises(TypeError, match=r"use AnthropicBedrock\(\.\.\.\)\.messages\.batches"):
            client.messages.batches.retrieve("some-batch")


def test_a_batch_request_reads_files_and_names_bad_ones_under_its_place(tmp_path: Any) -> None:
    png = tmp_path / "dot.png"
    png.write_bytes(b"\x89PNG not really")
    client = AnthropicBedrock(**KEYS)
    image = {"type": "image", "source": {"type": "base64", "data": png}}
    params: dict[str, Any] = {"max_tokens": 8, "messages": [{"role": "user", "content": [image]}]}
    body = client._check(MESSAGES, params, "requests[3].params")
    source = body["messages"][0]["content"][0]["source"]
    assert source == {"type": "base64", "media_type": "image/png", "data": "iVBORyBub3QgcmVhbGx5"}
    bad = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": 7}}
    with pytest.raises(TypeError) as info:
        client._check(MESSAGES, {**params, "messages": [{"role": "user", "content": [bad]}]}, "requests[3].params")
    assert str(info.value).startswith("requests[3].params.messages[0].content[0].source.data must be")
