"""The drop-in claim for the newer request surface: structured outputs with a pydantic model, client
tool types, prompt caching with a TTL and a refusal stream run through this SDK and through
`anthropic` 2.14.0's `AnthropicBedrock` against the emulator, with equal results and equal wire
bodies (the scenarios are written as a user of `anthropic` writes them; see test_differential)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pydantic
import pytest
from test_differential import HELLO, MODEL, VERSION, clients, dump, maybe

pytest.importorskip("anthropic")


class Person(pydantic.BaseModel):
    name: str
    age: int
    tags: list[str]


async def parse_pydantic(client: Any) -> Any:
    message = await maybe(
        client.messages.parse(
            model=MODEL,
            max_tokens=100,
            messages=[{"role": "user", "content": "Ada is 36 and likes maths."}],
            output_format=Person,
            extra_body=VERSION,
        )
    )
    return dump(message), message.parsed_output, message.content[0].parsed_output, message.stop_reason


async def client_tools(client: Any) -> Any:
    message = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=100,
            tools=[
                {"type": "bash_20250124", "name": "bash"},
                {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 2000},
                {"name": "get_weather", "input_schema": {"type": "object", "properties": {}}},
            ],
            messages=[{"role": "user", "content": "Run bash to list the files."}],
            extra_body=VERSION,
        )
    )
    calls = [(block.name, block.input) for block in message.content if block.type == "tool_use"]
    return dump(message), calls, message.stop_reason


async def cache_ttl(client: Any) -> Any:
    message = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=5,
            system=[
                {
                    "type": "text",
                    "text": "You answer questions about the sea.",
                    "cache_control": {"type": "ephemeral", "ttl": "1h"},
                }
            ],
            messages=[
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "text",
                            "text": "Here is a long shared context.",
                            "cache_control": {"type": "ephemeral", "ttl": "5m"},
                        },
                        {"type": "text", "text": "tell me about the sea"},
                    ],
                }
            ],
            extra_body=VERSION,
        )
    )
    usage = message.usage
    return dump(message), usage.cache_creation.ephemeral_1h_input_tokens, usage.cache_creation.ephemeral_5m_input_tokens


async def refusal_stream(client: Any) -> Any:
    manager = client.messages.stream(
        model=MODEL,
        max_tokens=20,
        messages=HELLO,
        extra_headers={"x-emulator-fault": "refusal=cyber"},
        extra_body=VERSION,
    )
    if hasattr(manager, "__aenter__"):
        async with manager as stream:
            kinds = [event.type async for event in stream]
            final = await stream.get_final_message()
    else:
        with manager as stream:
            kinds = [event.type for event in stream]
            final = stream.get_final_message()
    return kinds, dump(final), final.stop_reason, final.stop_details.model_dump()


SCENARIOS: list[Callable[[Any], Any]] = [parse_pydantic, client_tools, cache_ttl, refusal_stream]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_same_code_same_result(emulator: Any, mode: str, scenario: Callable[[Any], Any]) -> None:
    ours, theirs = clients(emulator, mode)
    mine = asyncio.run(scenario(ours))
    bodies = [entry.json() for entry in emulator.log]
    emulator.reset()
    reference = asyncio.run(scenario(theirs))
    assert mine == reference
    assert bodies == [entry.json() for entry in emulator.log]


def test_the_answers_are_what_the_scenarios_ask(emulator: Any) -> None:
    ours, _ = clients(emulator, "sync")
    parsed = asyncio.run(parse_pydantic(ours))
    assert parsed[1] == Person(name="emulated", age=1, tags=["emulated"]) and parsed[3] == "end_turn"
    tools = asyncio.run(client_tools(ours))
    assert tools[1] == [("bash", {})] and tools[2] == "tool_use"
    cached = asyncio.run(cache_ttl(ours))
    assert cached[1:] == (6, 6)  # the system prompt's 6 words at 1h, then the first user block's 6 at 5m
    _kinds, final, reason, details = asyncio.run(refusal_stream(ours))
    assert reason == "refusal" and details == {
        "type": "refusal",
        "category": "cyber",
        "explanation": final["stop_details"]["explanation"],
    }
