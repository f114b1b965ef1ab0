"""The emulator's Messages API over real HTTP: Bedrock-like validation, the deterministic answers
(echo, tools, tool results, thinking, stop sequences, max_tokens, usage), the stream's events frame
by frame, every fault kind on Messages streams, and the ``novel`` directive."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx
import pytest
from test_emulator import chunk_json, frames, post, signed

from anthropic_bedrock._aws.eventstream import EventStreamDecoder, EventStreamMessage, MessageCRCError
from anthropic_bedrock.emulator import Emulator

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake image").decode()
PDF = base64.b64encode(b"%PDF-1.4 fake document").decode()
WEATHER = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "input_schema": {
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "days": {"type": "integer"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "where": {"type": "object", "properties": {"lat": {"type": "number"}}, "required": ["lat"]},
            "verbose": {"type": "boolean"},
        },
        "required": ["city", "days", "unit", "where"],
    },
}
CLOCK = {"name": "get_time", "input_schema": {"type": "object", "properties": {}}}
WEATHER_INPUT = {"city": "emulated", "days": 1, "unit": "celsius", "where": {"lat": 1.5}}


def body(*messages: Any, max_tokens: int = 5, **extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": max_tokens,
        "messages": list(messages) or [{"role": "user", "content": "alpha beta gamma"}],
    }
    document.update(extra)
    return document


def user(*content: Any) -> dict[str, Any]:
    return {
        "role": "user",
        "content": content[0] if len(content) == 1 and isinstance(content[0], str) else list(content),
    }


def assistant(*content: Any) -> dict[str, Any]:
    return {"role": "assistant", "content": list(content)}


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def invoke(emu: Emulator, document: dict[str, Any], fault: str | None = None) -> httpx.Response:
    extra = {"x-emulator-fault": fault} if fault else None
    return post(emu, json.dumps(document).encode(), extra=extra)


def events(emu: Emulator, document: dict[str, Any], fault: str | None = None) -> list[dict[str, Any]]:
    extra = {"x-emulator-fault": fault} if fault else None
    response = post(emu, json.dumps(document).encode(), stream=True, extra=extra)
    assert response.status_code == 200, response.text
    return [chunk_json(m) for m in frames(response.content)]  # type: ignore[misc]


def message_id(document: dict[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return "msg_bdrk_" + hashlib.sha256(canonical.encode()).hexdigest()[:24]


def signature(thinking: str) -> str:
    return base64.b64encode(hashlib.sha256(("emulator:" + thinking).encode()).digest()).decode()


# -- validation --------------------------------------------------------------------------------

IMAGE = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}}
DOCUMENT = {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}}
TOOL_USE = {"type": "tool_use", "id": "toolu_1", "name": "get_time", "input": {}}


def with_image(**source: Any) -> dict[str, Any]:
    return body(user({"type": "image", "source": {**IMAGE["source"], **source}}, text("x")))  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({k: v for k, v in body().items() if k != "messages"}, "required key [messages]"),
        ({k: v for k, v in body().items() if k != "max_tokens"}, "required key [max_tokens]"),
        (body(max_tokens=0), "#/max_tokens"),
        (body(max_tokens="5"), "#/max_tokens"),
        ({**body(), "messages": []}, "#/messages: expected minimum item count"),
        (body({"role": "system", "content": "x"}), "#/messages/0/role"),
        (body({"role": "assistant", "content": "x"}), "#/messages/0/role: the first message must use the user"),
        (body({"role": "user", "content": 5}), "#/messages/0/content"),
        (body({"role": "user"}), "#/messages/0: required key [content]"),
        (body({"role": "user", "content": "x", "name": "bob"}), "#/messages/0: extraneous key [name]"),
        (body(user("  ")), "#/messages/0/content"),
        (body(user({"type": "video"})), "#/messages/0/content/0/type"),
        (body(user(text(" "))), "#/messages/0/content/0/text"),
        (body(user({"type": "text", "text": "x", "colour": 1})), "#/messages/0/content/0: extraneous key [colour]"),
        (body(user("x"), assistant(IMAGE)), "#/messages/1/content/0/type"),
        (body(user(TOOL_USE)), "#/messages/0/content/0/type"),
        (with_image(media_type="image/bmp"), "#/messages/0/content/0/source/media_type"),
        (with_image(type="url"), "#/messages/0/content/0/source/type"),
        (with_image(data="not base64!"), "#/messages/0/content/0/source/data"),
        (body(user({**DOCUMENT, "source": {**DOCUMENT["source"], "media_type": "text/plain"}})), "/source/media_type"),  # type: ignore[dict-item]
        (
            body(user({"type": "document", "source": {"type": "text", "media_type": "application/pdf", "data": "x"}})),
            "#/messages/0/content/0/source/media_type",
        ),
        (body(user(*([IMAGE] * 21))), "#/messages/0/content/20: at most 20 images"),
        (body(user(*([DOCUMENT] * 6))), "#/messages/0/content/5: at most 5 documents"),
        (body(user("x"), assistant(TOOL_USE), user(text("y")), tools=[CLOCK]), "#/messages/1/content/0: tool_use"),
        (body(user({"type": "tool_result", "tool_use_id": "toolu_9"})), "#/messages/0/content/0/tool_use_id"),
        (body(user("x"), assistant({**TOOL_USE, "id": "a b"})), "#/messages/1/content/0/id"),
        (
            body(user("x"), assistant({"type": "thinking", "thinking": "t"})),
            "#/messages/1/content/0: required key [signature]",
        ),
        (body(system=[{"type": "image"}]), "#/system/0/type"),
        (body(system=5), "#/system"),
        (body(tools=[{"name": "bad name", "input_schema": {"type": "object"}}]), "#/tools/0/name"),
        (body(tools=[{"name": "t"}]), "#/tools/0: required key [input_schema]"),
        (body(tools=[{"name": "t", "input_schema": {"type": "string"}}]), "#/tools/0/input_schema/type"),
        (body(tools=[CLOCK, CLOCK]), "#/tools/1/name: tool names must be unique"),
        (body(tools=[{"type": "shell", "name": "s"}]), "#/tools/0/type"),
        (body(tools=[{"type": "bash_20250124", "name": "shell"}]), "#/tools/0/name"),
        (
            body(tools=[{"type": "computer_20250124", "name": "computer"}]),
            "#/tools/0: required key [display_width_px] not found#/tools/0: required key [display_height_px] not found",
        ),
        (body(tools=[{**CLOCK, "type": "custom", "strict": True}]), "#/tools/0: extraneous key [strict]"),
        (body(tool_choice={"type": "auto"}), "#/tool_choice: tool_choice may only be specified while providing tools"),
        (body(tools=[CLOCK], tool_choice={"type": "some"}), "#/tool_choice/type"),
        (body(tools=[CLOCK], tool_choice={"type": "tool"}), "#/tool_choice: required key [name]"),
        (body(tools=[CLOCK], tool_choice={"type": "tool", "name": "nope"}), "#/tool_choice/name"),
        (body(tools=[CLOCK], tool_choice={"type": "auto", "name": "get_time"}), "extraneous key [name]"),
        (body(max_tokens=2000, thinking={"type": "on"}), "#/thinking/type"),
        (body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1000}), "#/thinking/budget_tokens"),
        (body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 2000}), "#/thinking/budget_tokens"),
        (body(max_tokens=2000, thinking={"type": "enabled"}), "#/thinking: required key [budget_tokens]"),
        (body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1024}, temperature=0.5), "#/temperature"),
        (body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1024}, top_k=5), "#/top_k"),
        (
            body(
                max_tokens=2000,
                thinking={"type": "enabled", "budget_tokens": 1024},
                tools=[CLOCK],
                tool_choice={"type": "any"},
            ),
            "#/tool_choice/type",
        ),
        (body(anthropic_beta="tools-2024"), "#/anthropic_beta"),
        (body(anthropic_beta=[5]), "#/anthropic_beta/0"),
        (body(anthropic_beta=[""]), "#/anthropic_beta/0: expected a non-empty beta name"),
        (body(stop_sequences=["x"] * 8192), "#/stop_sequences: expected maximum item count: 8191, found: 8192"),
        (body(metadata={"user_id": "u" * 257}), "#/metadata/user_id: expected maxLength: 256, actual: 257"),
        (body(temperature=float("inf")), "#/temperature"),
        (body(anthropic_version="2023-06-01"), "anthropic_version"),
        (body(metadata={"user": "x"}), "#/metadata: extraneous key [user]"),
        (body(stop_sequences=[1]), "#/stop_sequences/0"),
        (body(surprise=True), "#: extraneous key [surprise]"),
    ],
)
def test_validation_names_the_field(emulator: Emulator, document: dict[str, Any], field: str) -> None:
    response = invoke(emulator, document)
    assert response.status_code == 400, response.text
    assert response.headers["x-amzn-errortype"] == "ValidationException"
    assert field in response.json()["message"]


def test_every_missing_key_is_named_as_bedrock_lists_them(emulator: Emulator) -> None:
    response = invoke(emulator, {"anthropic_version": "bedrock-2023-05-31"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Malformed input request: #: required key [messages] not found#: required key [max_tokens] not found, "
        "please reformat your input and try again."
    )


def test_every_documented_block_and_option_is_accepted(emulator: Emulator) -> None:
    document = body(
        user(
            text("look"),
            {**IMAGE, "cache_control": {"type": "ephemeral"}},
            {**DOCUMENT, "title": "T", "context": "C", "citations": {"enabled": True}},
            {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain words"}},
        ),
        assistant(
            {"type": "thinking", "thinking": "hmm", "signature": "sig"},
            {"type": "redacted_thinking", "data": "opaque"},
            text("calling"),
            TOOL_USE,
        ),
        user(
            {
                "type": "tool_result",
                "tool_use_id": "toolu_1",
                "content": [text("noon"), IMAGE, DOCUMENT],
                "is_error": False,
            }
        ),
        system=[{"type": "text", "text": "be brief", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
        tools=[
            CLOCK,
            {"type": "custom", "name": "get_date", "input_schema": {"type": "object"}},
            {"type": "bash_20250124", "name": "bash"},
            {"type": "computer_20250124", "name": "computer", "display_width_px": 1024, "display_height_px": 768},
            {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 10_000},
        ],
        tool_choice={"type": "auto", "disable_parallel_tool_use": True},
        anthropic_beta=["token-efficient-tools-2025-02-19"],
        metadata={"user_id": "u-1"},
        stop_sequences=["zzz"],
        temperature=0.5,
        top_p=0.9,
        top_k=10,
    )
    response = invoke(emulator, document)
    assert response.status_code == 200, response.text


# -- answers -----------------------------------------------------------------------------------


def test_echo_answer_and_usage(emulator: Emulator) -> None:
    document = body(system="be brief")
    response = invoke(emulator, document)
    assert response.json() == {
        "id": message_id(document),
        "type": "message",
        "role": "assistant",
        "model": "anthropic.claude-v2",
        "content": [{"type": "text", "text": "alpha beta gamma alpha beta"}],
        "stop_reason": "max_tokens",
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 5},
    }
    assert response.headers["x-amzn-bedrock-input-token-count"] == "5"
    assert response.headers["x-amzn-bedrock-output-token-count"] == "5"
    ended = invoke(emulator, document, "length=2").json()
    assert (ended["content"][0]["text"], ended["stop_reason"]) == ("alpha beta", "end_turn")
    stopped = invoke(emulator, body(stop_sequences=["ta g", "gamma"])).json()
    assert (stopped["content"][0]["text"], stopped["stop_reason"], stopped["stop_sequence"]) == (
        "alpha be",
        "stop_sequence",
        "ta g",
    )


def test_input_tokens_cover_text_system_tools_images_and_documents(emulator: Emulator) -> None:
    document = body(
        user(text("one two"), IMAGE, DOCUMENT),
        assistant({"type": "thinking", "thinking": "not counted", "signature": "s"}, TOOL_USE),
        user({"type": "tool_result", "tool_use_id": "toolu_1", "content": [text("three"), IMAGE]}),
        system=[text("four five six")],
        tools=[WEATHER],
    )
    schema_words = len(json.dumps(WEATHER["input_schema"]).split())
    expected = 2 + 1000 + 2000 + (1 + 1) + 1 + 1000 + 3 + (1 + 5 + schema_words)
    response = invoke(emulator, document)
    assert response.json()["usage"]["input_tokens"] == expected
    assert response.headers["x-amzn-bedrock-input-token-count"] == str(expected)


def test_tool_named_in_the_text_is_called(emulator: Emulator) -> None:
    document = body(user("what does get_weather say for Paris"), max_tokens=100, tools=[CLOCK, WEATHER])
    message = invoke(emulator, document).json()
    assert message["content"] == [
        {"type": "text", "text": "I will use the get_weather tool."},
        {"type": "tool_use", "id": "toolu_emulator_1", "name": "get_weather", "input": WEATHER_INPUT},
    ]
    assert message["stop_reason"] == "tool_use"
    assert message["usage"]["output_tokens"] == 6 + len(json.dumps(WEATHER_INPUT).split())
    # "use a tool" picks the first tool; a name inside a longer word does not count.
    asked = invoke(emulator, body(user("please Use a tool"), max_tokens=100, tools=[CLOCK, WEATHER])).json()
    assert asked["content"][1]["name"] == "get_time" and asked["content"][1]["input"] == {}
    plain = invoke(emulator, body(user("my_get_weather_x"), tools=[WEATHER])).json()
    assert plain["stop_reason"] == "max_tokens" and [b["type"] for b in plain["content"]] == ["text"]


@pytest.mark.parametrize(
    ("choice", "name"),
    [({"type": "any"}, "get_time"), ({"type": "tool", "name": "get_weather"}, "get_weather")],
)
def test_tool_choice_forces_a_tool_without_preface(emulator: Emulator, choice: dict[str, str], name: str) -> None:
    message = invoke(emulator, body(tools=[CLOCK, WEATHER], tool_choice=choice, max_tokens=100)).json()
    assert [(b["type"], b.get("name")) for b in message["content"]] == [("tool_use", name)]
    assert message["stop_reason"] == "tool_use"


def test_tool_choice_none_answers_with_text(emulator: Emulator) -> None:
    message = invoke(emulator, body(user("get_weather"), tools=[WEATHER], tool_choice={"type": "none"})).json()
    assert message["content"] == [
        {"type": "text", "text": "get_weather get_weather get_weather get_weather get_weather"}
    ]


def test_tool_result_turn_is_answered_with_its_text(emulator: Emulator) -> None:
    first = body(user("get_weather in Paris"), max_tokens=100, tools=[WEATHER])
    call = invoke(emulator, first).json()["content"]
    second = body(
        *first["messages"],
        assistant(*call),
        user({"type": "tool_result", "tool_use_id": "toolu_emulator_1", "content": "sunny and 21C"}, text("thanks")),
        max_tokens=100,
        tools=[WEATHER],
    )
    message = invoke(emulator, second, "length=4").json()
    assert message["content"] == [{"type": "text", "text": "sunny and 21C thanks"}]
    assert message["stop_reason"] == "end_turn"


def test_thinking_comes_first_with_a_signature(emulator: Emulator) -> None:
    thinking = "The user wrote 3 words; I will echo them."
    document = body(max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 1024})
    message = invoke(emulator, document, "length=3").json()
    assert message["content"] == [
        {"type": "thinking", "thinking": thinking, "signature": signature(thinking)},
        {"type": "text", "text": "alpha beta gamma"},
    ]
    assert message["usage"]["output_tokens"] == 9 + 3
    streamed = events(emulator, document, "length=3")
    deltas = [e["delta"] for e in streamed if e["type"] == "content_block_delta" and e["index"] == 0]
    assert "".join(d["thinking"] for d in deltas if d["type"] == "thinking_delta") == thinking
    assert len(deltas) == 10 and deltas[-1] == {"type": "signature_delta", "signature": signature(thinking)}
    assert streamed[2]["content_block"] == {"type": "thinking", "thinking": "", "signature": ""}


def test_max_tokens_covers_every_block(emulator: Emulator) -> None:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    message = invoke(emulator, body(max_tokens=1025, thinking=thinking)).json()
    assert message["usage"]["output_tokens"] == 1025 and message["stop_reason"] == "max_tokens"
    assert len(message["content"][1]["text"].split()) == 1025 - 9
    # A tool input that does not fit in what is left is not sent.
    short = invoke(emulator, body(user("get_weather"), max_tokens=8, tools=[WEATHER])).json()
    assert [b["type"] for b in short["content"]] == ["text"] and short["stop_reason"] == "max_tokens"
    cut = invoke(emulator, body(user("get_weather"), max_tokens=3, tools=[WEATHER])).json()
    assert cut["content"] == [{"type": "text", "text": "I will use"}] and cut["stop_reason"] == "max_tokens"
    stopped = invoke(emulator, body(user("get_weather"), tools=[WEATHER], stop_sequences=["use"])).json()
    assert stopped["content"] == [{"type": "text", "text": "I will "}]
    assert (stopped["stop_reason"], stopped["stop_sequence"]) == ("stop_sequence", "use")


# -- streaming ---------------------------------------------------------------------------------


def test_stream_events_frame_by_frame(emulator: Emulator) -> None:
    document = body(user("get_weather now"), max_tokens=100, tools=[WEATHER])
    streamed = events(emulator, document)
    assert [e["type"] for e in streamed[:2]] == ["message_start", "ping"]
    start = streamed[0]["message"]
    assert start["id"] == message_id(document) and start["content"] == [] and start["stop_reason"] is None
    assert start["usage"]["output_tokens"] == 1
    by_index: dict[int, list[dict[str, Any]]] = {}
    for event in streamed:
        if "index" in event:
            by_index.setdefault(event["index"], []).append(event)
    text_events, tool_events = by_index[0], by_index[1]
    assert "".join(e["delta"]["text"] for e in text_events[1:-1]) == "I will use the get_weather tool."
    assert tool_events[0]["content_block"] == {
        "type": "tool_use",
        "id": "toolu_emulator_1",
        "name": "get_weather",
        "input": {},
    }
    pieces = [e["delta"]["partial_json"] for e in tool_events[1:-1]]
    assert len(pieces) > 3 and all(e["delta"]["type"] == "input_json_delta" for e in tool_events[1:-1])
    assert json.loads("".join(pieces)) == WEATHER_INPUT
    assert streamed[-2] == {
        "type": "message_delta",
        "delta": {"stop_reason": "tool_use", "stop_sequence": None},
        "usage": {"output_tokens": invoke(emulator, document).json()["usage"]["output_tokens"]},
    }
    assert streamed[-1]["type"] == "message_stop"
    assert set(streamed[-1]["amazon-bedrock-invocationMetrics"]) == {
        "inputTokenCount",
        "outputTokenCount",
        "invocationLatency",
        "firstByteLatency",
    }


# -- faults on Messages streams ----------------------------------------------------------------


def test_faults_on_messages_streams(emulator: Emulator) -> None:
    document = body(max_tokens=10)
    raw = json.dumps(document).encode()
    texts = [e["delta"]["text"] for e in events(emulator, document, "chunks=3") if e["type"] == "content_block_delta"]
    assert len(texts) == 3 and "".join(texts) == "alpha beta gamma alpha beta gamma alpha beta gamma alpha"
    assert events(emulator, document, "length=1")[-2]["delta"]["stop_reason"] == "end_turn"
    assert post(emulator, raw, stream=True, extra={"x-emulator-fault": "status=429"}).status_code == 429
    assert post(emulator, raw, stream=True, extra={"x-emulator-fault": "delay=50;pace=5"}).status_code == 200
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        post(emulator, raw, stream=True, extra={"x-emulator-fault": "reset"})
    messages = frames(
        post(
            emulator, raw, stream=True, extra={"x-emulator-fault": "exception=modelStreamErrorException;after=3"}
        ).content
    )
    assert [m.message_type for m in messages] == ["event"] * 3 + ["exception"]
    content = post(emulator, raw, stream=True, extra={"x-emulator-fault": "crc=2"}).content
    decoder = EventStreamDecoder()
    assert len(decoder.feed(content)) == 2
    with pytest.raises(MessageCRCError):
        decoder.close()
    url, headers = signed(emulator, raw, stream=True, extra={"x-emulator-fault": "cut=4"})
    got: list[EventStreamMessage] = []
    cut_decoder = EventStreamDecoder()
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, content=raw, headers=headers) as r:
        for data in r.iter_raw():
            got += cut_decoder.feed(data)
    assert len(got) == 4


# -- the novel directive -----------------------------------------------------------------------


def test_novel_kinds_in_invoke_and_stream(emulator: Emulator) -> None:
    message = invoke(emulator, body(), "novel").json()
    assert message["content"][-1] == {"type": "novel_block", "novel": {"answer": 42}}
    assert message["stop_reason"] == "novel_stop"
    streamed = events(emulator, body(), "novel")
    assert streamed[2] == {"type": "novel_event", "novel": {"answer": 42}}
    novel = [e for e in streamed if e.get("index") == 1]
    assert novel[0]["content_block"] == {"type": "novel_block", "novel": {}}
    assert novel[1]["delta"] == {"type": "novel_delta", "novel": {"answer": 42}}
    assert streamed[-2]["delta"]["stop_reason"] == "novel_stop"
    only_block = [e for e in events(emulator, body(), "novel=block") if e.get("index") == 1]
    assert only_block[0]["content_block"] == {"type": "novel_block", "novel": {"answer": 42}} and len(only_block) == 2


def test_novel_frame_and_completions(emulator: Emulator) -> None:
    raw = json.dumps(body()).encode()
    messages = frames(post(emulator, raw, stream=True, extra={"x-emulator-fault": "novel=frame"}).content)
    assert messages[1].event_type == "novelEvent" and json.loads(messages[1].payload) == {"novel": {"answer": 42}}
    assert [m.event_type for m in messages].count("chunk") == len(messages) - 1
    completion = post(emulator, extra={"x-emulator-fault": "novel=stop"}).json()
    assert completion["stop_reason"] == "novel_stop"
    bad = post(emulator, extra={"x-emulator-fault": "novel=colour"})
    assert bad.status_code == 400 and "novel" in bad.json()["message"]
