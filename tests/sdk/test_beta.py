"""`client.beta.messages`: the Messages calls with `betas` and the beta-only request fields, over
the same operations and engine. One body per behaviour, sync and async."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._operations.beta import BETA_MESSAGES, merge_betas
from anthropic_bedrock._operations.messages import MESSAGES

from drivers import Driver

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": "tell me about the sea"}]
CONTEXT = {"edits": [{"type": "clear_tool_uses_20250919", "keep": {"type": "tool_uses", "value": 3}}]}
BETA = "context-management-2025-06-27"


def test_create_sends_betas_and_beta_fields_in_the_body(driver: Driver, emulator: Any) -> None:
    message = driver.run(
        driver.client.beta.messages.create(
            model=MODEL, max_tokens=4, messages=HELLO, betas=[BETA], context_management=CONTEXT
        )
    )
    assert isinstance(message, ab.types.beta.BetaMessage) and message.content[0].text == "tell me about the"
    body = emulator.requests("invoke")[0].json()
    assert body["anthropic_beta"] == [BETA]
    assert body["context_management"] == CONTEXT  # unknown keys inside travel as given
    assert "betas" not in body


def test_betas_merge_with_headers_once_each_in_order(make_driver: Any, emulator: Any) -> None:
    driver = make_driver(emulator, default_headers={"anthropic-beta": "client-beta, shared"})
    driver.run(
        driver.client.beta.messages.create(
            model=MODEL,
            max_tokens=2,
            messages=HELLO,
            betas=["first", "shared", "first"],
            extra_headers={"Anthropic-Beta": "call-beta,shared"},
        )
    )
    driver.run(driver.client.beta.messages.create(model=MODEL, max_tokens=2, messages=HELLO, betas=["only"]))
    driver.run(driver.client.messages.create(model=MODEL, max_tokens=2, messages=HELLO))
    merged, from_client, plain = (entry.json()["anthropic_beta"] for entry in emulator.requests("invoke"))
    # The call's header replaces the client's (as any header does); `betas` come first.
    assert merged == ["first", "shared", "call-beta"]
    assert from_client == ["only", "client-beta", "shared"]
    assert plain == ["client-beta", "shared"]  # client.messages is unchanged


def test_merge_betas() -> None:
    assert merge_betas([], {}) == ([], {})
    assert merge_betas(["a", "b"], {"x": "1", "anthropic-beta": " b , c,,"}) == (["a", "b", "c"], {"x": "1"})


def test_stream_and_raw_stream_carry_betas(driver: Driver, emulator: Any) -> None:
    async def helper() -> str:
        manager = driver.client.beta.messages.stream(model=MODEL, max_tokens=3, messages=HELLO, betas=["s-1"])
        if driver.is_async:
            async with manager as stream:
                return str(await stream.get_final_text())
        with manager as stream:
            return stream.get_final_text()

    text = driver.run(helper()) if driver.is_async else asyncio.run(helper())
    assert text == "tell me about"
    events = driver.collect(
        driver.run(
            driver.client.beta.messages.create(model=MODEL, max_tokens=2, messages=HELLO, stream=True, betas=["s-2"])
        )
    )
    assert events[-1].type == "message_stop"
    assert [entry.json()["anthropic_beta"] for entry in emulator.requests("stream")] == [["s-1"], ["s-2"]]


def test_count_tokens_counts_the_beta_body(driver: Driver, emulator: Any) -> None:
    count = driver.run(
        driver.client.beta.messages.count_tokens(model=MODEL, messages=HELLO, betas=[BETA], context_management=CONTEXT)
    )
    assert count.input_tokens == 5
    (entry,) = emulator.requests("count_tokens")
    inner = json.loads(base64.b64decode(entry.json()["input"]["invokeModel"]["body"]))
    assert inner["anthropic_beta"] == [BETA] and inner["context_management"] == CONTEXT


def test_raw_and_nested_spellings(driver: Driver, emulator: Any) -> None:
    beta = driver.client.beta
    raw = driver.run(beta.with_raw_response.messages.create(model=MODEL, max_tokens=2, messages=HELLO, betas=["r"]))
    assert driver.run(raw.parse())._request_id == raw.request_id
    raw = driver.run(beta.messages.with_raw_response.count_tokens(model=MODEL, messages=HELLO, betas=["r"]))
    assert driver.run(raw.parse()).input_tokens == 5
    assert beta.with_streaming_response.messages is beta.messages.with_streaming_response
    assert beta.with_raw_response.messages is beta.messages.with_raw_response


def test_beta_arguments_are_checked(driver: Driver, emulator: Any) -> None:
    beta = driver.client.beta.messages
    bad: list[tuple[dict[str, Any], type[Exception], str]] = [
        ({"betas": "context-management-2025-06-27"}, TypeError, r"betas must be a list, not str"),
        ({"betas": [7]}, TypeError, r"betas\[0\] must be a string"),
        ({"context_management": []}, TypeError, "context_management must be a dict"),
        (
            {"not_a_field": 1},
            TypeError,
            r"beta\.messages\.create\(\) got unexpected keyword argument\(s\): 'not_a_field'",
        ),
        ({"messages": [{"role": "robot", "content": "x"}]}, ValueError, r"messages\[0\]\.role"),
    ]
    for arguments, error, message in bad:
        with pytest.raises(error, match=message):
            driver.run(beta.create(**{"model": MODEL, "max_tokens": 2, "messages": HELLO, **arguments}))
    with pytest.raises(TypeError, match="betas must be a list"):
        driver.run(beta.count_tokens(model=MODEL, messages=HELLO, betas="b"))
    assert emulator.log == []


def test_a_beta_field_without_its_beta_is_bedrocks_to_refuse(driver: Driver, emulator: Any) -> None:
    with pytest.raises(ab.BadRequestError, match="context_management"):
        driver.run(
            driver.client.beta.messages.create(
                model=MODEL, max_tokens=2, messages=HELLO, context_management=CONTEXT, max_retries=0
            )
        )
    assert len(emulator.log) == 1


def test_one_request_path() -> None:
    # Same endpoints, parsers, streams and input handling: only the name, arguments and body hook differ.
    for field in ("endpoint", "stream_endpoint", "result", "event", "accumulator", "stream_class", "inputs"):
        assert getattr(BETA_MESSAGES, field) is getattr(MESSAGES, field), field
    assert BETA_MESSAGES.keys > MESSAGES.keys
    assert BETA_MESSAGES.keys - MESSAGES.keys == {
        "betas",
        "context_management",
        "mcp_servers",
        "compaction",
        "thread",
        "fallbacks",
        "billing_policy",
        "fallback_credit_token",
    }
