"""Bedrock's request options through AWS's own SDK (botocore, the engine under boto3) and through
this SDK against the emulator: the same headers on the wire, and botocore reads back the tier and
latency the emulator reports, as it reads Bedrock's."""

from __future__ import annotations

import json
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

from anthropic_bedrock import AnthropicBedrock

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
MESSAGES = [{"role": "user", "content": "red green blue"}]
BODY = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 5, "messages": MESSAGES}
METADATA = {"team": "search", "run": "nightly"}
BOTO_OPTIONS = {
    "guardrailIdentifier": "gr1abc",
    "guardrailVersion": "3",
    "trace": "ENABLED_FULL",
    "performanceConfigLatency": "optimized",
    "serviceTier": "flex",
    "requestMetadata": json.dumps(METADATA, separators=(",", ":")),
}
OUR_OPTIONS = {
    "guardrail_identifier": "gr1abc",
    "guardrail_version": "3",
    "trace": "ENABLED_FULL",
    "performance_latency": "optimized",
    "service_tier": "flex",
    "request_metadata": METADATA,
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


@pytest.fixture
def client(emulator: Any) -> Any:
    with AnthropicBedrock(
        aws_access_key=emulator.access_key,
        aws_secret_key=emulator.secret_key,
        aws_region=emulator.region,
        base_url=emulator.url,
    ) as client:
        yield client


def option_headers(entry: Any) -> dict[str, str]:
    skip = ("x-amzn-bedrock-accept",)
    return {name: value for name, value in entry.headers if name.startswith("x-amzn-bedrock-") and name not in skip}


def test_invoke_model_sends_the_same_headers(runtime: Any, client: Any, emulator: Any) -> None:
    boto = runtime.invoke_model(modelId=MODEL, body=json.dumps(BODY), **BOTO_OPTIONS)
    answer = json.loads(boto["body"].read())
    assert (boto["serviceTier"], boto["performanceConfigLatency"]) == ("flex", "optimized")
    message = client.messages.create(model=MODEL, max_tokens=5, messages=MESSAGES, **OUR_OPTIONS)
    boto_entry, our_entry = emulator.requests("invoke")
    assert option_headers(boto_entry) == option_headers(our_entry)
    assert len(option_headers(our_entry)) == 6
    assert boto_entry.json() == our_entry.json()
    # Both read what Bedrock (here the emulator) reports.
    meta = message.response_metadata
    assert (meta.service_tier, meta.performance_latency) == (boto["serviceTier"], boto["performanceConfigLatency"])
    assert meta.guardrail_action == answer["amazon-bedrock-guardrailAction"] == "NONE"
    assert meta.trace.to_dict() == answer["amazon-bedrock-trace"]


def test_streams_send_the_same_headers(runtime: Any, client: Any, emulator: Any) -> None:
    boto = runtime.invoke_model_with_response_stream(modelId=MODEL, body=json.dumps(BODY), **BOTO_OPTIONS)
    events = [json.loads(event["chunk"]["bytes"]) for event in boto["body"]]
    assert (boto["serviceTier"], boto["performanceConfigLatency"]) == ("flex", "optimized")
    with client.messages.stream(model=MODEL, max_tokens=5, messages=MESSAGES, **OUR_OPTIONS) as stream:
        final = stream.get_final_message()
    boto_entry, our_entry = emulator.requests("stream")
    assert option_headers(boto_entry) == option_headers(our_entry)
    assert final.response_metadata.guardrail_action == events[-1]["amazon-bedrock-guardrailAction"] == "NONE"
    assert final.response_metadata.service_tier == boto["serviceTier"]


def test_a_first_party_tier_is_refused_here_before_sending_and_by_the_emulator_for_botocore(
    runtime: Any, client: Any, emulator: Any
) -> None:
    with pytest.raises(ValueError, match="Bedrock's tiers are 'priority', 'default', 'flex' and 'reserved'"):
        client.messages.create(model=MODEL, max_tokens=5, messages=MESSAGES, service_tier="auto")
    assert emulator.log == []
    # botocore checks no enumeration before sending; Bedrock (here the emulator) refuses the value.
    with pytest.raises(runtime.exceptions.ValidationException, match="Value 'auto' at 'serviceTier'"):
        runtime.invoke_model(modelId=MODEL, body=json.dumps(BODY), serviceTier="auto")
