"""The emulator's newer Messages surface over raw HTTP (no SDK in between, so what the SDK refuses
before sending reaches it too): structured outputs answered and refused as Bedrock does, Bedrock's
option headers checked and echoed, the guardrail, refusals, prompt-cache usage, ``novel=field``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_emulator_messages import body, events, invoke, text, user

from anthropic_bedrock.emulator import Emulator

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "when": {"type": "string", "format": "date-time"},
        "size": {"enum": ["s", "m"]},
        "parts": {"type": "array", "items": {"$ref": "#/$defs/Part"}},
        "maybe": {"anyOf": [{"type": "null"}, {"type": "integer"}]},
    },
    "required": ["name", "when", "size", "parts", "maybe"],
    "additionalProperties": False,
    "$defs": {
        "Part": {
            "type": "object",
            "properties": {"ok": {"type": "boolean"}},
            "required": ["ok"],
            "additionalProperties": False,
        }
    },
}
VALUE = {"name": "emulated", "when": "2025-01-01T00:00:00Z", "size": "s", "parts": [{"ok": True}], "maybe": 1}


def structured(schema: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return body(max_tokens=100, output_config={"format": {"type": "json_schema", "schema": schema}}, **extra)


def test_structured_output_answers_a_value_valid_against_the_schema(emulator: Emulator) -> None:
    response = invoke(emulator, structured(SCHEMA))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert json.loads(answer["content"][0]["text"]) == VALUE and answer["stop_reason"] == "end_turn"
    streamed = events(emulator, structured(SCHEMA))
    pieces = "".join(e["delta"]["text"] for e in streamed if e["type"] == "content_block_delta")
    assert json.loads(pieces) == VALUE
    cut = invoke(emulator, structured(SCHEMA) | {"max_tokens": 2}).json()
    assert cut["stop_reason"] == "max_tokens" and cut["content"][0]["text"] == '{"name": "emulated",'


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        (
            {"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}},
            "#/output_config/format/schema/properties/age/minimum",
        ),
        ({"type": "object", "additionalProperties": True}, "#/output_config/format/schema/additionalProperties"),
        (
            {
                "type": "object",
                "properties": {"n": {"$ref": "#/$defs/N"}},
                "$defs": {"N": {"type": "object", "properties": {"n": {"$ref": "#/$defs/N"}}}},
            },
            "recursive",
        ),
        ({"type": "string", "format": "regex"}, "#/output_config/format/schema/format"),
    ],
)
def test_schemas_bedrock_refuses_are_refused(emulator: Emulator, schema: dict[str, Any], pointer: str) -> None:
    response = invoke(emulator, structured(schema))
    assert response.status_code == 400 and response.headers["x-amzn-errortype"] == "ValidationException"
    assert pointer in response.json()["message"]


def test_structured_outputs_refuse_citations(emulator: Emulator) -> None:
    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "d"},
        "citations": {"enabled": True},
    }
    response = invoke(emulator, structured(SCHEMA) | {"messages": [user(document, text("sum up"))]})
    assert response.status_code == 400
    assert "#/messages/0/content/0/citations: enables citations" in response.json()["message"]


def test_new_kinds_are_validated(emulator: Emulator) -> None:
    search = {
        "type": "search_result",
        "source": "https://example.com",
        "title": "T",
        "content": [text("found words")],
        "citations": {"enabled": True},
    }
    ok = invoke(
        emulator,
        body(
            user(search, text("use it")),
            tools=[{"type": "memory_20250818", "name": "memory"}],
            thinking={"type": "adaptive"},
        ),
    )
    assert ok.status_code == 200, ok.text
    # the title, its text block, the user's text, the tool's name
    assert ok.json()["usage"]["input_tokens"] == 1 + 2 + 2 + 1
    bad = invoke(emulator, body(user({**search, "title": 3})))
    assert bad.status_code == 400 and "#/messages/0/content/0/title" in bad.json()["message"]
    wrong = invoke(emulator, body(tools=[{"type": "computer_20250124", "name": "computer"}]))
    assert wrong.status_code == 400 and "display_width_px" in wrong.json()["message"]


HEADERS = {
    "X-Amzn-Bedrock-GuardrailIdentifier": "gr1abc",
    "X-Amzn-Bedrock-GuardrailVersion": "2",
    "X-Amzn-Bedrock-Trace": "ENABLED",
    "X-Amzn-Bedrock-PerformanceConfig-Latency": "optimized",
    "X-Amzn-Bedrock-Service-Tier": "reserved",
    "X-Amzn-Bedrock-Request-Metadata": '{"k":"v"}',
}


def test_option_headers_are_echoed_and_the_guardrail_blocks_its_word(emulator: Emulator) -> None:
    from test_emulator import post

    response = post(emulator, json.dumps(body(user("nothing forbidden here"))).encode(), extra=HEADERS)
    assert response.status_code == 200, response.text
    assert (
        response.headers["x-amzn-bedrock-service-tier"],
        response.headers["x-amzn-bedrock-performanceconfig-latency"],
    ) == ("reserved", "optimized")
    answer = response.json()
    assert answer["amazon-bedrock-guardrailAction"] == "INTERVENED"
    assert answer["content"] == [{"type": "text", "text": "Sorry, the model cannot answer this question."}]
    assert answer["amazon-bedrock-trace"]["guardrail"]["input"]["gr1abc"]["wordPolicy"]["customWords"] == [
        {"match": "forbidden", "action": "BLOCKED"}
    ]
    calm = post(emulator, json.dumps(body(user("forbiddenness is fine"))).encode(), extra=HEADERS).json()
    assert calm["amazon-bedrock-guardrailAction"] == "NONE" and calm["content"][0]["text"].startswith("forbiddenness")
    streamed = post(emulator, json.dumps(body(user("forbidden"))).encode(), stream=True, extra=HEADERS)
    assert streamed.headers["x-amzn-bedrock-service-tier"] == "reserved"


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"X-Amzn-Bedrock-Service-Tier": "auto"},
            "Value 'auto' at 'serviceTier' failed to satisfy constraint: Member must satisfy enum value set: [default, flex, priority, reserved]",
        ),
        ({"X-Amzn-Bedrock-PerformanceConfig-Latency": "fast"}, "at 'performanceConfigLatency'"),
        ({"X-Amzn-Bedrock-GuardrailIdentifier": "gr1abc"}, "A guardrail version is required"),
        (
            {"X-Amzn-Bedrock-GuardrailIdentifier": "x", "X-Amzn-Bedrock-GuardrailVersion": "v2"},
            "at 'guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern",
        ),
        ({"X-Amzn-Bedrock-Request-Metadata": "x" * 8501}, "Member must have length less than or equal to 8500"),
        ({"X-Amzn-Bedrock-Request-Metadata": '{"a": 1}'}, "JSON object of string keys and string values"),
    ],
)
def test_bad_option_headers_are_refused(emulator: Emulator, headers: dict[str, str], message: str) -> None:
    from test_emulator import post

    response = post(emulator, json.dumps(body()).encode(), extra=headers)
    assert response.status_code == 400 and response.headers["x-amzn-errortype"] == "ValidationException"
    assert message in response.json()["message"]


def test_refusal_directive(emulator: Emulator) -> None:
    answer = invoke(emulator, body(max_tokens=20), fault="refusal=bio").json()
    assert answer["stop_reason"] == "refusal" and answer["content"] == [text("alpha beta gamma")]
    assert answer["stop_details"] == {
        "type": "refusal",
        "category": "bio",
        "explanation": "The emulated model declined to continue.",
    }
    delta = next(e for e in events(emulator, body(max_tokens=20), fault="refusal") if e["type"] == "message_delta")
    assert delta["delta"]["stop_reason"] == "refusal" and delta["delta"]["stop_details"]["category"] is None


def test_prompt_cache_writes_by_ttl(emulator: Emulator) -> None:
    document = body(
        user({**text("one two three"), "cache_control": {"type": "ephemeral"}}, text("four five")),
        system=[{**text("sys words"), "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
        tools=[{"name": "t", "input_schema": {"type": "object"}}],
    )
    usage = invoke(emulator, document).json()["usage"]
    # tool (1 + 2) and system (2) up to the 1h breakpoint, then 3 words up to the 5m one; 2 words after
    assert usage == {
        "input_tokens": 2,
        "output_tokens": 5,
        "cache_creation_input_tokens": 8,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 5},
    }


def test_novel_field(emulator: Emulator) -> None:
    assert invoke(emulator, body(), fault="novel=field").json()["novel_field"] == {"answer": 42}
    delta = next(e for e in events(emulator, body(), fault="novel=field") if e["type"] == "message_delta")
    assert delta["delta"]["novel_field"] == {"answer": 42}


def test_strict_tool_use_is_accepted(emulator: Emulator) -> None:
    tool = {"name": "t", "input_schema": {"type": "object", "additionalProperties": False}, "strict": True}
    assert invoke(emulator, body(tools=[tool])).status_code == 200
    wrong = invoke(emulator, body(tools=[{**tool, "strict": "yes"}]))
    assert wrong.status_code == 400 and "#/tools/0/strict" in wrong.json()["message"]
