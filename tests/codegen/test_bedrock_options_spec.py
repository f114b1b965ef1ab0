"""The API description's Bedrock request options agree with botocore's bedrock-runtime service model:
each option's header is a header member of InvokeModel and InvokeModelWithResponseStream (and not of
CountTokens), with botocore's allowed values and limits; the generated endpoints take each header."""

from __future__ import annotations

import re
import typing
from typing import Any

import botocore.session
import pytest

from anthropic_bedrock._generated.api.runtime import count_tokens, invoke_model, invoke_model_with_response_stream
from anthropic_bedrock._generated.types import Constraint
from anthropic_bedrock._operations.bedrock_options import HEADERS, MAX_REQUEST_METADATA
from anthropic_bedrock.types import BedrockRequestOptions

# Each option and botocore's member name for it.
MEMBERS = {
    "guardrail_identifier": "guardrailIdentifier",
    "guardrail_version": "guardrailVersion",
    "trace": "trace",
    "performance_latency": "performanceConfigLatency",
    "service_tier": "serviceTier",
    "request_metadata": "requestMetadata",
}


@pytest.fixture(scope="module")
def model() -> Any:
    return botocore.session.get_session().get_service_model("bedrock-runtime")


def hints() -> dict[str, Any]:
    return typing.get_type_hints(BedrockRequestOptions, include_extras=True)


def constraint(option: str) -> Constraint:
    (found,) = [m for m in hints()[option].__metadata__ if isinstance(m, Constraint)]
    return found


@pytest.mark.parametrize("operation", ["InvokeModel", "InvokeModelWithResponseStream"])
def test_each_option_is_a_header_of_botocores_operation(model: Any, operation: str) -> None:
    members = model.operation_model(operation).input_shape.members
    for option, member in MEMBERS.items():
        shape = members[member]
        assert shape.serialization["location"] == "header"
        assert shape.serialization["name"] == HEADERS[option], option


def test_count_tokens_has_none_of_them(model: Any) -> None:
    members = model.operation_model("CountTokens").input_shape.members
    assert not {m for m, s in members.items() if s.serialization.get("location") == "header"}
    assert not count_tokens.ENDPOINT.header_parameters


def test_allowed_values_and_limits_are_botocores(model: Any) -> None:
    members = model.operation_model("InvokeModel").input_shape.members
    for option in ("trace", "performance_latency", "service_tier"):
        assert sorted(typing.get_args(hints()[option])) == sorted(members[MEMBERS[option]].enum), option
    assert members["requestMetadata"].metadata["max"] == MAX_REQUEST_METADATA
    # botocore's patterns allow the empty string (no guardrail); the description's do not.
    for option in ("guardrail_identifier", "guardrail_version"):
        ours = constraint(option).pattern
        theirs = members[MEMBERS[option]].metadata["pattern"]
        assert ours is not None
        for sample in (
            "gr1abc",
            "abc",
            "1",
            "12345678",
            "DRAFT",
            "arn:aws:bedrock:us-east-1:123456789012:guardrail/abc1",
        ):
            assert bool(re.fullmatch(theirs, sample)) == bool(re.fullmatch(ours, sample)), (option, sample)
        assert re.fullmatch(theirs, "") and not re.fullmatch(ours, "")
    assert constraint("guardrail_identifier").max_length == members["guardrailIdentifier"].metadata["max"]


@pytest.mark.parametrize("endpoint", [invoke_model.ENDPOINT, invoke_model_with_response_stream.ENDPOINT])
def test_the_generated_endpoints_take_every_header(endpoint: Any) -> None:
    assert set(HEADERS.values()) <= set(endpoint.header_parameters)
    parts = endpoint.build_request("m", body={}, **{endpoint.header_parameters[h]: "x" for h in HEADERS.values()})
    assert {h: parts.headers[h] for h in HEADERS.values()} == dict.fromkeys(HEADERS.values(), "x")
