"""The drop-in claim, tested: the same user code runs through this SDK and through `anthropic`'s
`AnthropicBedrock` (a dev-only dependency) against the emulator, and gives equal results.

Each scenario is written once, as a user of `anthropic` would write it, and takes the client as its
only argument; sync and async clients run the same scenarios. Where this SDK differs on purpose, a
test says so and checks both sides of the difference.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest

anthropic = pytest.importorskip("anthropic")

import anthropic_bedrock as ab  # noqa: E402

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
# anthropic 2.x sends its own API version in the body; Bedrock documents bedrock-2023-05-31, which is
# what this SDK sends and what the emulator accepts. The override is part of the shared user code.
VERSION = {"anthropic_version": "bedrock-2023-05-31"}
HELLO = [{"role": "user", "content": "tell me about the sea"}]
TOOLS = [
    {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
]


def normalized(value: Any) -> Any:
    """A dump without what legitimately differs: ids the server makes up, and fields one SDK's
    models list and the other's do not (None in the dump)."""
    if isinstance(value, dict):
        return {k: normalized(v) for k, v in value.items() if v is not None and k != "id"}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    return value


def dump(model: Any) -> Any:
    return normalized(model.model_dump())


# ---------------------------------------------------------------- scenarios (anthropic's user code)


async def plain(client: Any) -> Any:
    message = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=9,
            system="Answer briefly.",
            stop_sequences=["zzz"],
            metadata={"user_id": "u-1"},
            messages=HELLO,
            extra_body=VERSION,
        )
    )
    return dump(message), message.content[0].text, message.usage.input_tokens, message.stop_reason


async def raw_stream(client: Any) -> Any:
    stream = await maybe(
        client.messages.create(model=MODEL, max_tokens=6, messages=HELLO, stream=True, extra_body=VERSION)
    )
    events = [e async for e in stream] if hasattr(stream, "__aiter__") else list(stream)
    return [(e.type, getattr(getattr(e, "delta", None), "text", None)) for e in events]


async def helper_stream(client: Any) -> Any:
    manager = client.messages.stream(model=MODEL, max_tokens=5, messages=HELLO, extra_body=VERSION)
    if hasattr(manager, "__aenter__"):
        async with manager as stream:
            kinds = [event.type async for event in stream]
            final = await stream.get_final_message()
            text = await stream.get_final_text()
    else:
        with manager as stream:
            kinds = [event.type for event in stream]
            final = stream.get_final_message()
            text = stream.get_final_text()
    return kinds, dump(final), text


async def text_stream(client: Any) -> Any:
    manager = client.messages.stream(
        model=MODEL, max_tokens=7, messages=HELLO, stop_sequences=["sea"], extra_body=VERSION
    )
    if hasattr(manager, "__aenter__"):
        async with manager as stream:
            pieces = [t async for t in stream.text_stream]
            snapshot = stream.current_message_snapshot
    else:
        with manager as stream:
            pieces = list(stream.text_stream)
            snapshot = stream.current_message_snapshot
    return pieces, dump(snapshot)


async def tool_result_turn(client: Any) -> Any:
    conversation = [
        {"role": "user", "content": "What is the weather in Paris?"},
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me look."},
                {"type": "tool_use", "id": "toolu_01", "name": "get_weather", "input": {"city": "Paris"}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01", "content": [{"type": "text", "text": "sunny"}]}
            ],
        },
    ]
    message = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=4,
            tools=TOOLS,
            tool_choice={"type": "auto"},
            messages=conversation,
            extra_headers={"anthropic-beta": "token-efficient-tools-2025-02-19"},
            extra_body=VERSION,
        )
    )
    return dump(message)


async def tool_call(client: Any) -> Any:
    message = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=300,
            tools=TOOLS,
            messages=[{"role": "user", "content": "Use get_weather for Paris."}],
            extra_body=VERSION,
        )
    )
    calls = [block for block in message.content if block.type == "tool_use"]
    return dump(message), [(call.id, call.name, call.input) for call in calls], message.stop_reason


async def tool_call_streamed(client: Any) -> Any:
    manager = client.messages.stream(
        model=MODEL,
        max_tokens=300,
        tools=TOOLS,
        tool_choice={"type": "tool", "name": "get_weather"},
        messages=HELLO,
        extra_body=VERSION,
    )
    if hasattr(manager, "__aenter__"):
        async with manager as stream:
            events = [(e.type, getattr(e, "partial_json", None)) async for e in stream]
            final = await stream.get_final_message()
    else:
        with manager as stream:
            events = [(e.type, getattr(e, "partial_json", None)) for e in stream]
            final = stream.get_final_message()
    return events, dump(final), final.content[0].input


async def thinking(client: Any) -> Any:
    stream = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=1500,
            thinking={"type": "enabled", "budget_tokens": 1024},
            messages=HELLO,
            stream=True,
            extra_body=VERSION,
        )
    )
    events = [e async for e in stream] if hasattr(stream, "__aiter__") else list(stream)
    deltas = [
        (e.delta.type, getattr(e.delta, "thinking", None), getattr(e.delta, "signature", None))
        for e in events
        if e.type == "content_block_delta"
    ]
    message = await maybe(
        client.messages.create(
            model=MODEL,
            max_tokens=1500,
            thinking={"type": "enabled", "budget_tokens": 1024},
            messages=HELLO,
            extra_body=VERSION,
        )
    )
    block = message.content[0]
    return deltas, dump(message), block.type, block.thinking, block.signature


SCENARIOS: list[Callable[[Any], Any]] = [
    plain,
    raw_stream,
    helper_stream,
    text_stream,
    tool_result_turn,
    tool_call,
    tool_call_streamed,
    thinking,
]


async def maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def clients(emu: Any, mode: str) -> tuple[Any, Any]:
    kwargs = {
        "aws_access_key": emu.access_key,
        "aws_secret_key": emu.secret_key,
        "aws_region": emu.region,
        "base_url": emu.url,
    }
    if mode == "sync":
        return ab.AnthropicBedrock(**kwargs), anthropic.AnthropicBedrock(**kwargs)
    return ab.AsyncAnthropicBedrock(**kwargs), anthropic.AsyncAnthropicBedrock(**kwargs)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_same_code_same_result(emulator: Any, mode: str, scenario: Callable[[Any], Any]) -> None:
    ours, theirs = clients(emulator, mode)
    mine = asyncio.run(scenario(ours))
    bodies = [entry.json() for entry in emulator.log]
    emulator.reset()
    reference = asyncio.run(scenario(theirs))
    assert mine == reference
    # The wire agrees too: the same JSON body for the same user code.
    assert bodies == [entry.json() for entry in emulator.log]


# ---------------------------------------------------------------- where this SDK differs on purpose


def test_in_stream_errors_are_typed_here_generic_there(emulator: Any) -> None:
    fault = {"x-emulator-fault": "exception=throttlingException;after=2"}
    ours, theirs = clients(emulator, "sync")
    with pytest.raises(ab.RateLimitError) as mine:
        list(ours.messages.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True, extra_headers=fault))
    assert mine.value.status_code == 429 and mine.value.error_type == "ThrottlingException"
    with pytest.raises(anthropic.APIStatusError) as reference:
        list(
            theirs.messages.create(
                model=MODEL, max_tokens=5, messages=HELLO, stream=True, extra_headers=fault, extra_body=VERSION
            )
        )
    # anthropic reports a generic status error; it is not its RateLimitError.
    assert not isinstance(reference.value, anthropic.RateLimitError)


def test_unknown_block_kinds_get_their_own_class_here(emulator: Any) -> None:
    novel = {"x-emulator-fault": "novel=block,event"}
    ours, theirs = clients(emulator, "sync")
    mine = ours.messages.create(model=MODEL, max_tokens=3, messages=HELLO, extra_headers=novel)
    block = mine.content[-1]
    assert isinstance(block, ab.types.UnknownContentBlock) and not isinstance(block, ab.types.TextBlock)
    assert (block.type, block.novel) == ("novel_block", {"answer": 42})
    with pytest.warns(UserWarning):  # pydantic's serializer complains about the mis-typed block
        reference = theirs.messages.create(
            model=MODEL, max_tokens=3, messages=HELLO, extra_headers=novel, extra_body=VERSION
        )
        reference.model_dump()
    # anthropic parses the unknown kind as a TextBlock whose text is None: code that dispatches on
    # the class takes it for text.
    assert isinstance(reference.content[-1], anthropic.types.TextBlock) and reference.content[-1].text is None
    # Both keep unknown stream events in the raw stream.
    kinds = [
        e.type
        for e in ours.messages.create(model=MODEL, max_tokens=3, messages=HELLO, stream=True, extra_headers=novel)
    ]
    assert "novel_event" in kinds


def test_count_tokens_works_here_and_is_refused_there(emulator: Any) -> None:
    ours, theirs = clients(emulator, "sync")
    with pytest.raises(anthropic.AnthropicError, match="not supported"):
        theirs.messages.count_tokens(model=MODEL, messages=HELLO)
    assert emulator.log == []
    ours.messages.count_tokens(model=MODEL, messages=HELLO)
    assert emulator.requests("count_tokens")


def test_bad_input_is_refused_here_before_sending(emulator: Any) -> None:
    bad = [
        {
            "role": "user",
            "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": "AA=="}}],
        }
    ]
    ours, theirs = clients(emulator, "sync")
    with pytest.raises(ValueError, match=r"messages\[0\]\.content\[0\]\.source\.media_type"):
        ours.messages.create(model=MODEL, max_tokens=5, messages=bad)
    assert emulator.log == []
    with pytest.raises(anthropic.BadRequestError):  # anthropic sends it, and Bedrock (here the emulator) says no
        theirs.with_options(max_retries=0).messages.create(model=MODEL, max_tokens=5, messages=bad, extra_body=VERSION)
    assert len(emulator.log) == 1
