"""The Messages API over real HTTP against the emulator, sync and async from one test body, on
each wire format (`wires.WIRES`: InvokeModel, bedrock-mantle and bedrock-runtime's Anthropic-native
path): every test here runs against every client."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

import anthropic_bedrock as ab
from anthropic_bedrock.types import (
    Message,
    TextBlock,
    UnknownContentBlock,
    UnknownContentBlockDelta,
    UnknownMessageStreamEvent,
)

from drivers import MODES, TRANSPORT, Driver, busy_connections
from wires import INVOKE_STREAM_ERRORS, WIRES, Wire

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": "tell me about the sea"}]
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16).decode()
PDF = base64.b64encode(b"%PDF-1.4\n%%EOF\n").decode()


def create(d: Driver, **kw: Any) -> Any:
    params: dict[str, Any] = {"model": MODEL, "max_tokens": 12, "messages": HELLO}
    params.update(kw)
    return d.run(d.client.messages.create(**params))


def read_all(d: Driver, stream: Any) -> list[Any]:
    return d.collect(stream)


@pytest.fixture(params=list(WIRES))
def wire(request: pytest.FixtureRequest) -> Wire:
    return WIRES[request.param]


@pytest.fixture
def make_driver(mode: str, wire: Wire) -> Iterator[Any]:
    """The drivers of this module talk the wire format under test (`driver` builds on this one)."""
    made: list[Driver] = []

    def make(emu: Any, **overrides: Any) -> Driver:
        driver = Driver(mode, wire.client_class, **wire.client_kwargs(emu, **overrides))
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()


def test_create_round_trip(driver: Driver, emulator: Any, wire: Wire) -> None:
    message = create(driver, system="be brief", temperature=0.2, top_k=5)
    assert isinstance(message, Message)
    assert message.type == "message" and message.role == "assistant" and message.model == MODEL
    assert message.id.startswith("msg_")
    (block,) = message.content
    assert isinstance(block, TextBlock) and block.type == "text"
    assert block.text.split()[:5] == ["tell", "me", "about", "the", "sea"]
    assert message.stop_reason == "max_tokens" and message.stop_sequence is None
    assert message.usage.output_tokens == 12 and message.usage.input_tokens > 0
    assert message.response_metadata is not None and message.response_metadata.request_id
    (entry,) = wire.requests(emulator, "invoke")
    assert wire.arguments(entry) == {
        "max_tokens": 12,
        "messages": HELLO,
        "system": "be brief",
        "temperature": 0.2,
        "top_k": 5,
    }
    body = entry.json()
    if wire.native:
        assert body["model"] == MODEL and "stream" not in body and "anthropic_version" not in body
        assert entry.path == "/anthropic/v1/messages" and entry.header("anthropic-version") == "2023-06-01"
    else:
        assert body["anthropic_version"] == "bedrock-2023-05-31" and "model" not in body and "stream" not in body
        assert entry.path == "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke"
    assert f"/{wire.service}/aws4_request" in (entry.header("authorization") or "")


def test_raw_stream_events_and_final_message(driver: Driver, emulator: Any, wire: Wire) -> None:
    stream = create(driver, stream=True)
    assert isinstance(stream, ab.AsyncStream if driver.is_async else ab.Stream)
    events = read_all(driver, stream)
    kinds = [e.type for e in events]
    assert kinds[:2] == ["message_start", "content_block_start"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert "ping" not in kinds  # keep-alives are consumed
    deltas = [e.delta.text for e in events if e.type == "content_block_delta"]
    whole = create(driver)
    assert "".join(deltas) == whole.content[0].text == stream.text
    final = driver.run(stream.get_final_message())
    assert final.content == whole.content and final.stop_reason == whole.stop_reason
    assert final.usage.output_tokens == whole.usage.output_tokens
    assert final.response_metadata.request_id == stream.request_id
    if not wire.native:  # InvokeModel's last chunk carries invocation metrics; a native stream has none
        assert final.response_metadata.output_tokens == 12
        assert events[-1].amazon_bedrock_invocation_metrics.output_token_count == 12
    assert wire.calls(emulator, "stream") == 1
    if wire.native:
        assert wire.requests(emulator, "stream")[0].json()["stream"] is True


def _stream_helper(d: Driver, **kw: Any) -> dict[str, Any]:
    """Read a `messages.stream()` with each helper, the same way in both modes."""
    params: dict[str, Any] = {"model": MODEL, "max_tokens": 6, "messages": HELLO}
    params.update(kw)
    manager = d.client.messages.stream(**params)
    if d.is_async:

        async def run() -> dict[str, Any]:
            async with manager as s:
                texts = [t async for t in s.text_stream]
                final = await s.get_final_message()
                return {
                    "texts": texts,
                    "final": final,
                    "text": await s.get_final_text(),
                    "snapshot": s.current_message_snapshot,
                }

        return d.run(run())  # type: ignore[no-any-return]
    with manager as s:
        texts = list(s.text_stream)
        final = s.get_final_message()
        return {"texts": texts, "final": final, "text": s.get_final_text(), "snapshot": s.current_message_snapshot}


def test_stream_helper(driver: Driver, emulator: Any) -> None:
    got = _stream_helper(driver)
    assert len(got["texts"]) == 6
    assert "".join(got["texts"]) == got["text"] == got["final"].content[0].text
    assert got["snapshot"] == got["final"]
    assert got["final"].stop_reason == "max_tokens"


def test_stream_helper_events(driver: Driver) -> None:
    manager = driver.client.messages.stream(model=MODEL, max_tokens=3, messages=HELLO)

    async def read_async() -> list[Any]:
        async with manager as s:
            return [e async for e in s]

    if driver.is_async:
        events = driver.run(read_async())
    else:
        with manager as s:
            events = list(s)
    kinds = [e.type for e in events]
    assert kinds == [
        "message_start",
        "content_block_start",
        *["content_block_delta", "text"] * 3,
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    texts = [e for e in events if e.type == "text"]
    assert texts[-1].snapshot == "".join(t.text for t in texts)
    assert events[-3].content_block.text == texts[-1].snapshot  # content_block_stop carries the block
    assert events[-1].message.content[0].text == texts[-1].snapshot  # message_stop carries the message


def test_stop_sequences(driver: Driver) -> None:
    message = create(driver, stop_sequences=["sea"])
    assert message.stop_reason == "stop_sequence" and message.stop_sequence == "sea"
    assert "sea" not in message.content[0].text
    final = driver.run(create(driver, stop_sequences=["sea"], stream=True).get_final_message())
    assert (final.stop_reason, final.stop_sequence, final.content) == ("stop_sequence", "sea", message.content)


def test_tool_result_turn_and_media_blocks_travel_unchanged(driver: Driver, emulator: Any, wire: Wire) -> None:
    tools = [
        {
            "name": "get_weather",
            "description": "The weather in a city.",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        }
    ]
    conversation = [
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
                {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
                {"type": "text", "text": "what is the weather in Paris"},
            ],
        },
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny and mild"}]},
    ]
    message = create(driver, messages=conversation, tools=tools, tool_choice={"type": "auto"})
    assert message.content
    body = wire.arguments(wire.requests(emulator, "invoke")[-1])
    assert body["messages"] == conversation and body["tools"] == tools
    assert body["tool_choice"] == {"type": "auto"}


def test_tuples_and_iterables_are_sent_as_lists(driver: Driver, emulator: Any, wire: Wire) -> None:
    create(driver, messages=({"role": "user", "content": (b for b in [{"type": "text", "text": "hi"}])},))
    assert wire.arguments(wire.requests(emulator, "invoke")[-1])["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "hi"}]}
    ]


def test_anthropic_beta_header_travels_as_each_wire_wants(make_driver: Any, emulator: Any, wire: Wire) -> None:
    # InvokeModel: the body's `anthropic_beta`; the native wire: the `anthropic-beta` header, never the body
    d = make_driver(emulator, default_headers={"anthropic-beta": "context-1m-2025-08-07"})
    create(d)
    assert wire.betas(wire.requests(emulator, "invoke")[-1]) == ["context-1m-2025-08-07"]
    create(d, extra_headers={"Anthropic-Beta": "a-1, b-2"})
    entry = wire.requests(emulator, "invoke")[-1]
    assert wire.betas(entry) == ["a-1", "b-2"]
    assert ("anthropic_beta" in entry.json()) is not wire.native


def test_extra_body_overrides_and_extra_query(driver: Driver, emulator: Any, wire: Wire) -> None:
    create(driver, temperature=0.5, extra_body={"temperature": 0.25, "top_k": 3}, extra_query={"trace": "ab"})
    entry = wire.requests(emulator, "invoke")[-1]
    assert entry.path.endswith("?trace=ab")
    assert entry.json()["temperature"] == 0.25 and entry.json()["top_k"] == 3


def test_raw_response(driver: Driver) -> None:
    raw = driver.run(driver.client.messages.with_raw_response.create(model=MODEL, max_tokens=3, messages=HELLO))
    assert raw.status_code == 200 and raw.request_id
    message = driver.run(raw.parse()) if driver.is_async else raw.parse()
    assert isinstance(message, Message) and message.usage.output_tokens == 3


@pytest.mark.parametrize("exception", [e[0] for e in INVOKE_STREAM_ERRORS])
def test_in_stream_exceptions_are_typed(driver: Driver, emulator: Any, wire: Wire, exception: str) -> None:
    # an exception frame (InvokeModel), or an `error` event of Anthropic's type (the native wire)
    cls, status, error_type = next(e[1:] for e in wire.stream_errors if e[0] == exception)
    stream = create(driver, stream=True, extra_headers={"x-emulator-fault": f"exception={exception};after=3"})
    with pytest.raises(cls) as info:
        read_all(driver, stream)
    assert type(info.value) is cls and info.value.status_code == status
    assert info.value.error_type == error_type
    assert info.value.request_id == stream.request_id
    assert wire.calls(emulator, "stream") == 1  # nothing is retried once events reached the caller


@pytest.mark.parametrize(
    ("fault", "error"),
    [("crc=3", ab.StreamDecodeError), ("cut=4", ab.StreamInterruptedError)],
)
def test_broken_streams_raise(driver: Driver, fault: str, error: type) -> None:
    stream = create(driver, stream=True, extra_headers={"x-emulator-fault": fault})
    with pytest.raises(error):
        read_all(driver, stream)


def test_errors_before_the_first_event_are_retried(driver: Driver, emulator: Any, wire: Wire) -> None:
    emulator.push_fault("status=503", count=1, match=wire.operation("stream"))
    emulator.push_fault("reset", count=1, match=wire.operation("stream"))
    assert read_all(driver, create(driver, stream=True))[-1].type == "message_stop"
    assert wire.calls(emulator, "stream") == 3


def test_early_break_releases_the_connection(driver: Driver) -> None:
    for _ in range(50):
        stream = create(driver, max_tokens=40, stream=True, extra_headers={"x-emulator-fault": "pace=1"})
        if driver.is_async:

            async def first(s: Any = stream) -> None:
                async with s:
                    async for _ in s:
                        break

            driver.run(first())
        else:
            with stream:
                for _ in stream:
                    break
    assert driver.busy_connections() == 0
    assert create(driver, max_tokens=1).usage.output_tokens == 1


@pytest.mark.parametrize("transport", [TRANSPORT[m] for m in MODES if m in TRANSPORT])
def test_task_cancellation_releases_the_connection(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, transport: str, wire: Wire
) -> None:
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)

    async def main() -> int:
        async with getattr(ab, "Async" + wire.client_class)(**wire.client_kwargs(emulator)) as client:
            for _ in range(30):
                manager = client.messages.stream(
                    model=MODEL, max_tokens=20, messages=HELLO, extra_headers={"x-emulator-fault": "pace=200"}
                )
                started = asyncio.Event()

                async def consume(manager: Any = manager, started: asyncio.Event = started) -> None:
                    async with manager as s:
                        async for _ in s.text_stream:
                            started.set()

                task = asyncio.create_task(consume())
                await started.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            return busy_connections(client._http)

    assert asyncio.run(main()) == 0


BAD_INPUT: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"model": ""}, ValueError, "model"),
    ({"model": ".."}, ValueError, "model"),
    ({"model": "x" * 3000}, ValueError, "model"),
    ({"model": "a\ud800"}, ValueError, "model"),
    ({"max_tokens": 0}, ValueError, "max_tokens"),
    ({"max_tokens": "8"}, TypeError, "max_tokens"),
    ({"messages": []}, ValueError, "messages"),
    ({"messages": "hi"}, TypeError, "messages"),
    ({"messages": [{"role": "system", "content": "x"}]}, ValueError, r"messages\[0\]\.role"),
    ({"messages": [{"role": "user"}]}, TypeError, r"messages\[0\].*content"),
    (
        {
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": "x"}}
                    ],
                }
            ]
        },
        ValueError,
        r"messages\[0\]\.content\[0\]\.source\.media_type",
    ),
    (
        {"messages": [{"role": "user", "content": [{"type": "text"}]}]},
        TypeError,
        r"messages\[0\]\.content\[0\].*'text'",
    ),
    ({"temperature": 1.5}, ValueError, "temperature"),
    ({"temperature": 10**400}, ValueError, "temperature"),
    ({"temperature": float("nan")}, ValueError, "temperature"),
    ({"top_k": -1}, ValueError, "top_k"),
    ({"stop_sequences": "stop"}, TypeError, "stop_sequences"),
    ({"system": 5}, TypeError, "system"),
    ({"tools": [{"name": "has space", "input_schema": {}}]}, ValueError, r"tools\[0\]\.name"),
    ({"tools": [{"name": "t"}]}, TypeError, r"tools\[0\].*input_schema"),
    ({"tools": [{"type": "custom", "name": "t"}]}, TypeError, r"tools\[0\].*input_schema"),
    ({"tools": [{"type": "bash_20250124", "name": "shell"}]}, ValueError, r"tools\[0\]\.name"),
    ({"tools": [{"type": "computer_20250124", "name": "computer"}]}, TypeError, r"tools\[0\].*display_width_px"),
    ({"stop_sequences": ["s"] * 8192}, ValueError, "stop_sequences"),
    (
        {
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "a b", "name": "t", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a b"}]},
            ]
        },
        ValueError,
        r"messages\[1\]\.content\[0\]\.id",
    ),
    ({"tool_choice": {"type": "tool"}}, TypeError, r"tool_choice.*name"),
    ({"thinking": {"type": "enabled", "budget_tokens": 100}}, ValueError, r"thinking\.budget_tokens"),
    ({"messages": [{"role": "user", "content": "a\udc00"}]}, ValueError, r"messages\[0\]\.content"),
    ({"extra_body": {"metadata": {"x": float("inf")}}}, ValueError, r"metadata\.x"),
    ({"extra_body": {"stream": True}}, ValueError, "stream"),
    ({"stream": "yes"}, TypeError, "stream"),
    ({"unknown_argument": 1}, TypeError, "unknown_argument"),
    ({"timeout": -1}, ValueError, "timeout"),
    ({"max_retries": -1}, ValueError, "max_retries"),
]


@pytest.mark.parametrize(("change", "error", "name"), BAD_INPUT)
def test_bad_input_raises_before_sending(
    driver: Driver, emulator: Any, change: dict[str, Any], error: type, name: str
) -> None:
    with pytest.raises(error, match=name):
        create(driver, **change)
    with pytest.raises(error, match=name):
        driver.client.messages.stream(**{"model": MODEL, "max_tokens": 5, "messages": HELLO, **change})
    assert emulator.log == []


def test_missing_required_arguments(driver: Driver, emulator: Any) -> None:
    with pytest.raises(TypeError, match="missing required argument: 'max_tokens'"):
        driver.run(driver.client.messages.create(model=MODEL, messages=HELLO))
    with pytest.raises(TypeError, match="missing required argument: 'model'"):
        driver.run(driver.client.messages.create(max_tokens=3, messages=HELLO))
    assert emulator.log == []


def test_computer_use_tools_travel_with_custom_ones(driver: Driver, emulator: Any, wire: Wire) -> None:
    tools = [
        {"type": "computer_20250124", "name": "computer", "display_width_px": 1024, "display_height_px": 768},
        {"type": "bash_20250124", "name": "bash"},
        {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 5000},
        {"type": "custom", "name": "get_time", "input_schema": {"type": "object"}},
        {"name": "get_date", "input_schema": {"type": "object"}},
    ]
    create(driver, tools=tools, extra_headers={"anthropic-beta": "computer-use-2025-01-24"})
    entry = wire.requests(emulator, "invoke")[-1]
    assert wire.arguments(entry)["tools"] == tools and wire.betas(entry) == ["computer-use-2025-01-24"]


def test_unknown_block_types_in_requests_travel_unchecked(driver: Driver, emulator: Any, wire: Wire) -> None:
    novel = {"type": "search_result", "source": "s", "title": "t", "content": [{"type": "text", "text": "x"}]}
    with contextlib.suppress(ab.BadRequestError):  # the server, not the SDK, judges kinds it does not know
        create(driver, messages=[{"role": "user", "content": [novel, {"type": "text", "text": "hi"}]}], max_retries=0)
    assert wire.arguments(wire.requests(emulator, "invoke")[-1])["messages"][0]["content"][0] == novel


WEATHER = {
    "name": "get_weather",
    "description": "The current weather in a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}, "unit": {"enum": ["C", "F"]}},
        "required": ["city", "days", "unit"],
    },
}


def test_tool_use_then_tool_result_turn(driver: Driver, emulator: Any, wire: Wire) -> None:
    question = [{"role": "user", "content": "What is the weather in Paris? Please use get_weather."}]
    first = create(driver, max_tokens=200, tools=[WEATHER], messages=question)
    preface, call = first.content
    assert preface.type == "text" and preface.text == "I will use the get_weather tool."
    assert call.type == "tool_use" and call.name == "get_weather" and call.id == "toolu_emulator_1"
    assert call.input == {"city": "emulated", "days": 1, "unit": "C"}
    assert first.stop_reason == "tool_use"
    streamed = driver.run(
        create(driver, max_tokens=200, tools=[WEATHER], messages=question, stream=True).get_final_message()
    )
    assert streamed.content == first.content and streamed.stop_reason == "tool_use"
    follow_up = [
        *question,
        {"role": "assistant", "content": first.content},  # the answer's blocks go back as they came
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "sunny and mild"}]},
    ]
    second = create(driver, max_tokens=3, tools=[WEATHER], messages=follow_up)
    assert second.content[0].text == "sunny and mild" and second.stop_reason == "max_tokens"
    sent = wire.arguments(wire.requests(emulator, "invoke")[-1])["messages"][1]["content"]
    assert sent == [
        {"type": "text", "text": preface.text},
        {"type": "tool_use", "id": call.id, "name": "get_weather", "input": call.input},
    ]


def test_forced_tool_choice_streams_input_json(driver: Driver) -> None:
    manager = driver.client.messages.stream(
        model=MODEL, max_tokens=100, tools=[WEATHER], tool_choice={"type": "any"}, messages=HELLO
    )

    async def read_async() -> tuple[list[Any], Any]:
        async with manager as s:
            return [e async for e in s], await s.get_final_message()

    if driver.is_async:
        events, final = driver.run(read_async())
    else:
        with manager as s:
            events, final = list(s), s.get_final_message()
    pieces = [e for e in events if e.type == "input_json"]
    assert len(pieces) > 2 and pieces[-1].snapshot == {"city": "emulated", "days": 1, "unit": "C"}
    (call,) = final.content
    assert call.type == "tool_use" and call.input == pieces[-1].snapshot


def test_thinking_with_signature(driver: Driver) -> None:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    message = create(driver, max_tokens=2000, thinking=thinking)
    reasoning, text = message.content
    expected = "The user wrote 5 words; I will echo them."
    assert reasoning.type == "thinking" and reasoning.thinking == expected
    assert reasoning.signature == base64.b64encode(hashlib.sha256(f"emulator:{expected}".encode()).digest()).decode()
    assert text.type == "text" and text.text.startswith("tell me about the sea")
    final = driver.run(create(driver, max_tokens=2000, thinking=thinking, stream=True).get_final_message())
    assert final.content == message.content and final.usage.output_tokens == message.usage.output_tokens


def test_unknown_kinds_are_kept_end_to_end(driver: Driver) -> None:
    novel = {"x-emulator-fault": "novel"}
    message = create(driver, extra_headers=novel)
    assert message.stop_reason == "novel_stop"
    block = message.content[-1]
    assert isinstance(block, UnknownContentBlock) and block.type == "novel_block" and block.novel == {"answer": 42}
    assert block.model_dump() == {"type": "novel_block", "novel": {"answer": 42}}
    stream = create(driver, stream=True, extra_headers={"x-emulator-fault": "novel=block,delta,event,stop,frame"})
    events = read_all(driver, stream)
    assert any(isinstance(e, UnknownMessageStreamEvent) and e.type == "novel_event" for e in events)
    deltas = [
        e.delta for e in events if e.type == "content_block_delta" and isinstance(e.delta, UnknownContentBlockDelta)
    ]
    assert deltas and deltas[0].type == "novel_delta" and deltas[0].novel == {"answer": 42}
    final = driver.run(stream.get_final_message())
    assert final.stop_reason == "novel_stop" and final.content[-1].type == "novel_block"


def test_count_tokens(driver: Driver, emulator: Any, wire: Wire) -> None:
    tools = [WEATHER]
    system = "be brief"
    conversation = [
        {
            "role": "user",
            "content": [
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
                {"type": "text", "text": "what is this picture"},
            ],
        }
    ]
    count = driver.run(
        driver.client.messages.count_tokens(model=MODEL, messages=conversation, system=system, tools=tools)
    )
    assert isinstance(count, ab.types.MessageTokensCount)
    schema_words = len(json.dumps(WEATHER["input_schema"]).split())
    description_words = len(WEATHER["description"].split())
    # The emulator's documented count: words of the texts and system prompt, tool name, description
    # and schema, plus 1000 per image.
    assert count.input_tokens == 4 + 2 + (1 + description_words + schema_words) + 1000
    assert count.response_metadata is not None and count.response_metadata.request_id
    # The count is of exactly what `create` sends for the same arguments (with a minimal max_tokens).
    (entry,) = wire.requests(emulator, "count_tokens")
    message = create(driver, max_tokens=1, messages=conversation, system=system, tools=tools)
    sent = wire.arguments(wire.requests(emulator, "invoke")[-1])
    assert wire.counted(entry) == {k: v for k, v in sent.items() if k != "max_tokens"}
    assert message.usage.input_tokens == count.input_tokens


def test_count_tokens_with_thinking_and_tool_choice(driver: Driver, emulator: Any, wire: Wire) -> None:
    params: dict[str, Any] = {
        "model": MODEL,
        "messages": HELLO,
        "tools": [WEATHER],
        "tool_choice": {"type": "auto"},
        "thinking": {"type": "enabled", "budget_tokens": 2048},
    }
    count = driver.run(driver.client.messages.count_tokens(**params))
    entry = wire.requests(emulator, "count_tokens")[-1]
    if wire.native:  # Anthropic's count takes no max_tokens
        assert "max_tokens" not in entry.json() and entry.json()["thinking"] == params["thinking"]
    else:
        inner = json.loads(base64.b64decode(entry.json()["input"]["invokeModel"]["body"]))
        assert inner["max_tokens"] == 2049  # the smallest valid max_tokens, above the thinking budget
    assert count.input_tokens == driver.run(driver.client.messages.create(max_tokens=2049, **params)).usage.input_tokens


def test_count_tokens_errors_retries_and_raw_response(driver: Driver, emulator: Any, wire: Wire) -> None:
    emulator.push_fault("status=429", count=1, match=wire.operation("count_tokens"))
    emulator.push_fault("status=503", count=1, match=wire.operation("count_tokens"))
    assert driver.run(driver.client.messages.count_tokens(model=MODEL, messages=HELLO)).input_tokens == 5
    assert wire.calls(emulator, "count_tokens") == 3
    with pytest.raises(ab.NotFoundError):
        driver.run(driver.client.messages.count_tokens(model="nonexistent.model", messages=HELLO))
    with pytest.raises(ab.BadRequestError, match="messages" if wire.native else r"input\.invokeModel\.body"):
        driver.run(driver.client.messages.count_tokens(model=MODEL, messages=[{"role": "assistant", "content": "x"}]))
    raw = driver.run(driver.client.messages.with_raw_response.count_tokens(model=MODEL, messages=HELLO))
    assert raw.status_code == 200 and raw.request_id
    assert (driver.run(raw.parse()) if driver.is_async else raw.parse()).input_tokens == 5
    before = len(emulator.log)
    with pytest.raises(TypeError, match="max_tokens"):
        driver.run(driver.client.messages.count_tokens(model=MODEL, messages=HELLO, max_tokens=5))
    with pytest.raises(ValueError, match=r"messages\[0\]\.role"):
        driver.run(driver.client.messages.count_tokens(model=MODEL, messages=[{"role": "bot", "content": "x"}]))
    assert len(emulator.log) == before
