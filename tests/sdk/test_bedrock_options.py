"""Bedrock's own request options as keyword arguments, over real HTTP against the emulator: each one
reaches the wire as Bedrock's header, what Bedrock reports comes back in `response_metadata`, and
bad values are refused before anything is sent. One body for sync and async."""

from __future__ import annotations

import json
from typing import Any

import pytest

from drivers import Driver

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": "tell me about the sea"}]
BLOCKED = [{"role": "user", "content": "this is forbidden"}]
OPTIONS: dict[str, Any] = {
    "guardrail_identifier": "gr1abc",
    "guardrail_version": "DRAFT",
    "trace": "ENABLED",
    "performance_latency": "optimized",
    "service_tier": "priority",
    "request_metadata": {"team": "search", "job": "nightly run #7", "owner": "zoë"},
}
WIRE = {
    "x-amzn-bedrock-guardrailidentifier": "gr1abc",
    "x-amzn-bedrock-guardrailversion": "DRAFT",
    "x-amzn-bedrock-trace": "ENABLED",
    "x-amzn-bedrock-performanceconfig-latency": "optimized",
    "x-amzn-bedrock-service-tier": "priority",
    "x-amzn-bedrock-request-metadata": '{"team":"search","job":"nightly run #7","owner":"zo\\u00eb"}',
}


def bedrock_headers(entry: Any) -> dict[str, str]:
    return {n: v for n, v in entry.headers if n.startswith("x-amzn-bedrock-") and n != "x-amzn-bedrock-accept"}


def test_each_option_reaches_the_wire_and_comes_back(driver: Driver, emulator: Any) -> None:
    message = driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=HELLO, **OPTIONS))
    assert bedrock_headers(emulator.log[-1]) == WIRE
    meta = message.response_metadata
    assert (meta.service_tier, meta.performance_latency, meta.guardrail_action) == ("priority", "optimized", "NONE")
    assert meta.trace is not None and meta.trace.guardrail == {"input": {"gr1abc": {}}, "outputs": []}
    assert message["amazon-bedrock-guardrailAction"] == "NONE"  # the body's own field, kept as it came
    assert message.content[0].text.startswith("tell me")


def test_streams_carry_the_options_and_what_bedrock_reports(driver: Driver, emulator: Any) -> None:
    async_ = driver.is_async
    manager = driver.client.messages.stream(model=MODEL, max_tokens=5, messages=BLOCKED, **OPTIONS)

    async def read_async() -> Any:
        async with manager as stream:
            return await stream.get_final_message()

    def read_sync() -> Any:
        with manager as stream:
            return stream.get_final_message()

    final = driver.run(read_async()) if async_ else read_sync()
    assert bedrock_headers(emulator.requests("stream")[-1]) == WIRE
    meta = final.response_metadata
    assert (meta.service_tier, meta.performance_latency, meta.guardrail_action) == (
        "priority",
        "optimized",
        "INTERVENED",
    )
    assert meta.trace.guardrail["input"]["gr1abc"]["wordPolicy"]["customWords"][0]["match"] == "forbidden"
    assert meta.input_tokens == 3 and meta.output_tokens == final.usage.output_tokens
    assert [block.text for block in final.content] == ["Sorry, the model cannot answer this question."]
    # The raw stream's final message says the same.
    raw = driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=BLOCKED, stream=True, **OPTIONS))
    driver.collect(raw)
    again = driver.run(raw.get_final_message()).response_metadata
    varying = {"request_id", "invocation_latency_ms"}
    assert again.model_dump(exclude=varying) == meta.model_dump(exclude=varying)


def test_a_guardrail_blocks_the_trigger_word_and_options_left_out_send_nothing(driver: Driver, emulator: Any) -> None:
    blocked = driver.run(
        driver.client.messages.create(
            model=MODEL, max_tokens=20, messages=BLOCKED, guardrail_identifier="gr1abc", guardrail_version="1"
        )
    )
    assert blocked.response_metadata.guardrail_action == "INTERVENED" and blocked.response_metadata.trace is None
    assert blocked.stop_reason == "end_turn"
    plain = driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=BLOCKED, trace=None))
    assert bedrock_headers(emulator.log[-1]) == {}
    meta = plain.response_metadata
    assert (meta.guardrail_action, meta.trace, meta.service_tier, meta.performance_latency) == (None, None, None, None)


@pytest.mark.parametrize(
    ("options", "error", "text"),
    [
        (
            {"service_tier": "auto"},
            ValueError,
            "service_tier 'auto' is a tier of Anthropic's own API; Bedrock's tiers are",
        ),
        ({"service_tier": "standard_only"}, ValueError, "'priority', 'default', 'flex' and 'reserved'"),
        ({"service_tier": "gold"}, ValueError, "service_tier must be one of"),
        ({"trace": "on"}, ValueError, "trace must be one of 'DISABLED', 'ENABLED', 'ENABLED_FULL', got 'on'"),
        ({"trace": True}, TypeError, "trace must be a string"),
        ({"performance_latency": "fast"}, ValueError, "performance_latency must be one of"),
        ({"guardrail_identifier": "gr1abc"}, TypeError, "guardrail_version is missing"),
        ({"guardrail_version": "1"}, TypeError, "guardrail_identifier is missing"),
        ({"guardrail_identifier": "GR 1", "guardrail_version": "1"}, ValueError, "guardrail_identifier must match"),
        ({"guardrail_identifier": "gr1", "guardrail_version": "v1"}, ValueError, "guardrail_version must match"),
        ({"request_metadata": ["a"]}, TypeError, "request_metadata must be a dict"),
        ({"request_metadata": {"a": 1}}, TypeError, "request_metadata['a'] must be a string, not int"),
        (
            {"request_metadata": {"a": "x" * 8500}},
            ValueError,
            "request_metadata is 8508 characters as JSON; Bedrock takes at most 8500",
        ),
    ],
)
def test_bad_options_are_refused_before_sending(
    driver: Driver, emulator: Any, options: dict[str, Any], error: type, text: str
) -> None:
    with pytest.raises(error) as info:
        driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=HELLO, **options))
    assert text in str(info.value)
    with pytest.raises(error):
        driver.client.messages.stream(model=MODEL, max_tokens=5, messages=HELLO, **options)
    assert emulator.log == []


def test_request_metadata_fits_at_the_limit(driver: Driver, emulator: Any) -> None:
    metadata = {"a": "x" * 8492}  # {"a":"..."} is 8,500 characters
    driver.run(driver.client.messages.create(model=MODEL, max_tokens=5, messages=HELLO, request_metadata=metadata))
    assert json.loads(bedrock_headers(emulator.log[-1])["x-amzn-bedrock-request-metadata"]) == metadata


def test_count_tokens_takes_no_bedrock_options(driver: Driver, emulator: Any) -> None:
    with pytest.raises(TypeError, match=r"'guardrail_identifier'.*messages.count_tokens\(\) takes none of Bedrock's"):
        driver.run(
            driver.client.messages.count_tokens(
                model=MODEL, messages=HELLO, guardrail_identifier="gr1", guardrail_version="1"
            )
        )
    assert emulator.log == []


def test_the_emulator_refuses_what_bedrock_refuses(driver: Driver, emulator: Any) -> None:
    import anthropic_bedrock as ab

    client = driver.client.with_options(max_retries=0)
    with pytest.raises(ab.BadRequestError, match="Value 'on' at 'trace' failed to satisfy constraint"):
        driver.run(
            client.messages.create(
                model=MODEL, max_tokens=5, messages=HELLO, extra_headers={"X-Amzn-Bedrock-Trace": "on"}
            )
        )
