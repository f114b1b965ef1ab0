"""Response models behave like `anthropic`'s pydantic models wherever user code touches them:
the dump and copy helpers with pydantic's and `anthropic`'s signatures and defaults, parsing
classmethods, `model_fields`, equality, `copy` and pickling. Differential checks compare the output
with `anthropic`'s own models built from the same JSON."""

from __future__ import annotations

import copy
import inspect
import json
import pickle
from typing import Any

import pytest

from anthropic_bedrock.types import (
    CompletionChunk,
    InvocationMetrics,
    Message,
    TextBlock,
    ToolUseBlock,
    UnknownContentBlock,
    Usage,
)

anthropic_types = pytest.importorskip("anthropic.types")

TOOL_MESSAGE: dict[str, Any] = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [
        {"type": "thinking", "thinking": "Use the tool.", "signature": "c2ln"},
        {"type": "text", "text": 'Looking it up: héllo ✓ "quoted"\n'},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris", "days": [1, 2]}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {"input_tokens": 12, "output_tokens": 7, "cache_read_input_tokens": 0},
}
PLAIN_MESSAGE: dict[str, Any] = {  # no stop_sequence key at all, a null in usage, a key no model names
    "id": "msg_2",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "content": [{"type": "text", "text": "Hi.", "citations": None}, {"type": "redacted_thinking", "data": "eA=="}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 3, "output_tokens": 1, "cache_creation_input_tokens": None},
    "x-trace": None,
}
PAYLOADS = [TOOL_MESSAGE, PLAIN_MESSAGE]


def reference(data: dict[str, Any]) -> Any:
    """`anthropic`'s Message for `data`, built as its client builds a response (no validation)."""
    from anthropic._models import construct_type

    return construct_type(type_=anthropic_types.Message, value=data)


# ------------------------------------------------------------------ signatures and defaults


def parameters(function: Any) -> dict[str, tuple[Any, Any]]:
    return {name: (p.kind, p.default) for name, p in inspect.signature(function).parameters.items() if name != "self"}


@pytest.mark.parametrize("name", ["to_json", "to_dict"])
def test_to_json_and_to_dict_have_anthropics_signature_and_defaults(name: str) -> None:
    assert parameters(getattr(Message, name)) == parameters(getattr(anthropic_types.Message, name))


@pytest.mark.parametrize("name", ["model_dump", "model_dump_json"])
def test_model_dump_takes_pydantics_arguments_with_its_defaults(name: str) -> None:
    ours = parameters(getattr(Message, name))
    theirs = parameters(getattr(anthropic_types.Message, name))
    wanted = ["mode", "include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"]
    wanted += ["round_trip", "warnings", "context", "serialize_as_any"]
    if name == "model_dump_json":
        wanted = [*wanted[1:], "indent", "ensure_ascii"]
    for argument in wanted:
        assert ours[argument] == theirs[argument], argument


# ------------------------------------------------------------------ differential against anthropic's models


@pytest.mark.parametrize("data", PAYLOADS, ids=["tools", "plain"])
def test_to_json_and_to_dict_give_what_anthropic_gives(data: dict[str, Any]) -> None:
    ours, theirs = Message.from_dict(data), reference(data)
    assert json.loads(ours.to_json()) == json.loads(theirs.to_json()) == data  # what came, nulls and extras kept
    assert json.loads(ours.to_json(indent=None)) == json.loads(theirs.to_json(indent=None))
    assert ours.to_dict() == theirs.to_dict() == data
    for flags in ({"exclude_none": True}, {"exclude_unset": False, "exclude_none": True}, {"use_api_names": False}):
        assert ours.to_dict(**flags) == theirs.to_dict(**flags), flags
        assert json.loads(ours.to_json(**flags)) == json.loads(theirs.to_json(**flags)), flags
    # The same text, line for line, but for the order of the keys (declaration order in each SDK):
    # two-space indent, ": " and "," separators, non-ASCII and escapes written as pydantic writes them.
    for indent in (2, 4):
        assert lines(ours.to_json(indent=indent)) == lines(theirs.to_json(indent=indent))
    assert parse_event({"type": "ping"}).to_json() == reference_event({"type": "ping"}).to_json()
    assert parse_event({"type": "ping"}).to_json(indent=None) == '{"type":"ping"}'


def lines(text: str) -> list[str]:
    return sorted(line.rstrip(",") for line in text.splitlines())


def reference_event(data: dict[str, Any]) -> Any:
    from anthropic._models import construct_type

    return construct_type(type_=anthropic_types.RawMessageStreamEvent, value=data)


def parse_event(data: dict[str, Any]) -> Any:
    from anthropic_bedrock._generated.models.message_stream_event import parse_message_stream_event

    return parse_message_stream_event(data)


def without_their_extra_fields(theirs: Any, ours: Any) -> Any:
    """`theirs` minus the keys of fields `anthropic` 2.14 lists and this description does not, which
    must be None; every key of `ours` must be there."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        assert ours.keys() <= theirs.keys(), ours.keys() - theirs.keys()
        for key in theirs.keys() - ours.keys():
            assert theirs[key] is None, key
        return {k: without_their_extra_fields(theirs[k], ours[k]) for k in ours}
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return [without_their_extra_fields(t, o) for t, o in zip(theirs, ours, strict=True)]
    return theirs


@pytest.mark.parametrize("data", PAYLOADS, ids=["tools", "plain"])
@pytest.mark.parametrize("mode", ["json", "python"])
def test_model_dump_gives_what_anthropic_gives(data: dict[str, Any], mode: str) -> None:
    ours, theirs = Message.from_dict(data), reference(data)
    full = ours.model_dump(mode=mode)
    assert full == without_their_extra_fields(theirs.model_dump(mode=mode), full)
    text = next(block for block in full["content"] if block["type"] == "text")
    assert text["citations"] is None  # every documented field, None when missing
    for flags in (
        {"exclude_unset": True},
        {"exclude_none": True},
        {"exclude_defaults": True},
        {"by_alias": True, "exclude_none": True},
        {"include": {"id": True, "usage": {"input_tokens"}, "content": {0: True, 1: {"type"}}}},
        {"exclude": {"content": {"__all__": {"type"}}, "usage": True}, "exclude_none": True},
        {"include": {"content": {"__all__": {"type"}, 1: {"text"}}}},
    ):
        assert ours.model_dump(mode=mode, **flags) == theirs.model_dump(mode=mode, **flags), flags
    assert json.loads(ours.model_dump_json(exclude_none=True)) == json.loads(theirs.model_dump_json(exclude_none=True))
    assert ours.model_dump_json(exclude_unset=True, indent=2).count("\n") == theirs.model_dump_json(
        exclude_unset=True, indent=2
    ).count("\n")


# ------------------------------------------------------------------ dumps


def test_names_and_json_keys_differ_where_the_description_renames() -> None:
    metrics = InvocationMetrics.from_dict({"inputTokenCount": 3, "outputTokenCount": 5, "invocationLatency": 9})
    assert metrics.model_dump(exclude_unset=True) == {
        "input_token_count": 3,
        "output_token_count": 5,
        "invocation_latency": 9,
    }
    assert metrics.model_dump(by_alias=True, exclude_none=True) == metrics.to_dict()
    assert metrics.to_dict() == {"inputTokenCount": 3, "outputTokenCount": 5, "invocationLatency": 9}
    assert metrics.to_dict(use_api_names=False) == metrics.model_dump(exclude_unset=True)
    assert json.loads(metrics.model_dump_json(by_alias=True))["firstByteLatency"] is None


def test_a_dump_is_a_copy() -> None:
    message = Message.from_dict(TOOL_MESSAGE)
    dumped = message.model_dump()
    dumped["content"][2]["input"]["days"].append(3)
    dumped["usage"]["input_tokens"] = 0
    assert message.content[2].input == {"city": "Paris", "days": [1, 2]}  # type: ignore[union-attr]
    assert message.usage.input_tokens == 12


def test_bad_dump_arguments_are_refused() -> None:
    message = Message.from_dict(TOOL_MESSAGE)
    with pytest.raises(ValueError, match="mode must be 'python' or 'json', not 'xml'"):
        message.model_dump(mode="xml")
    with pytest.raises(TypeError, match="include must be a set or a dict, not str"):
        message.model_dump(include="id")  # type: ignore[arg-type]


def test_unknown_kinds_dump_what_came() -> None:
    block = {"type": "server_tool_use", "id": "s1", "name": "web_search", "input": {"q": "x"}}
    message = Message.from_dict({**PLAIN_MESSAGE, "content": [block]})
    unknown = message.content[0]
    assert isinstance(unknown, UnknownContentBlock) and unknown.name == "web_search"
    assert unknown.to_dict() == block and message.to_dict()["content"] == [block]
    assert unknown.model_dump(exclude={"input"}) == {"type": "server_tool_use", "id": "s1", "name": "web_search"}


# ------------------------------------------------------------------ copies, parsing, construct


def test_model_copy_updates_fields_and_fields_set() -> None:
    message = Message.from_dict(PLAIN_MESSAGE)
    shallow = message.model_copy()
    assert shallow == message and shallow is not message and shallow.usage is message.usage
    deep = message.model_copy(deep=True)
    assert deep == message and deep.usage is not message.usage
    updated = message.model_copy(update={"stop_sequence": "END", "note": 1})
    assert updated.stop_sequence == "END" and updated["note"] == 1
    assert {"stop_sequence", "note"} <= updated.model_fields_set
    assert "note" not in message.additional_properties and message.stop_sequence is None
    assert "stop_sequence" not in message.model_fields_set
    assert updated.to_dict()["stop_sequence"] == "END"
    metrics = InvocationMetrics(output_token_count=1, invocation_latency=2)
    assert metrics.model_copy(update={"inputTokenCount": 4}).input_token_count == 4  # a JSON key works too


def test_model_validate_and_validate_json() -> None:
    message = Message.model_validate(TOOL_MESSAGE)
    assert message == Message.from_dict(TOOL_MESSAGE) and isinstance(message, Message)
    assert Message.model_validate(message) is message
    assert Message.model_validate_json(json.dumps(TOOL_MESSAGE)) == message
    assert Message.model_validate_json(json.dumps(TOOL_MESSAGE).encode()) == message
    with pytest.raises(ValueError, match="Message: the required key 'usage' is missing"):
        Message.model_validate({k: v for k, v in TOOL_MESSAGE.items() if k != "usage"})
    with pytest.raises(ValueError, match=r"Usage\.input_tokens must be an integer, not str"):
        Message.model_validate({**TOOL_MESSAGE, "usage": {"input_tokens": "1", "output_tokens": 1}})
    with pytest.raises(ValueError, match="Message is parsed from a dict, not list"):
        Message.model_validate([])
    with pytest.raises(ValueError):
        Message.model_validate_json("{not json")


def test_construct_builds_nested_models_without_checking() -> None:
    built = Message.construct(**TOOL_MESSAGE)
    assert built == Message.from_dict(TOOL_MESSAGE)
    assert [type(b).__name__ for b in built.content] == ["ThinkingBlock", "TextBlock", "ToolUseBlock"]
    assert built.model_fields_set == Message.from_dict(TOOL_MESSAGE).model_fields_set
    odd = Message.model_construct(id=5, content=[{"type": "novel", "x": 1}], usage={"input_tokens": "many"})
    assert odd.id == 5 and isinstance(odd.content[0], UnknownContentBlock) and odd.content[0].x == 1
    assert odd.usage.input_tokens == "many" and odd.stop_sequence is None  # type: ignore[comparison-overlap]
    assert odd.model_fields_set == {"id", "content", "usage"}
    with pytest.raises(AttributeError):
        odd.model  # noqa: B018  a required field not given stays unset, as in pydantic
    chosen = TextBlock.model_construct(_fields_set={"type", "text"}, type="text", text="t", citations=None)
    assert chosen.to_dict() == {"type": "text", "text": "t"}  # citations given, but not among the fields set


def test_model_fields() -> None:
    fields = Message.model_fields
    assert list(fields) == [
        "id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage", "stop_details"
    ]  # fmt: skip
    assert fields["usage"].annotation is Usage and fields["usage"].is_required()
    assert fields["id"].alias == "id" and fields["id"].annotation is str
    assert not TextBlock.model_fields["citations"].is_required() and TextBlock.model_fields["citations"].default is None
    assert InvocationMetrics.model_fields["input_token_count"].alias == "inputTokenCount"
    assert Message.from_dict(TOOL_MESSAGE).model_fields.keys() == fields.keys()
    assert CompletionChunk.model_fields["amazon_bedrock_invocation_metrics"].alias == "amazon-bedrock-invocationMetrics"


def test_equality() -> None:
    assert Message.from_dict(TOOL_MESSAGE) == Message.from_dict(TOOL_MESSAGE)
    assert Message.from_dict(TOOL_MESSAGE) != Message.from_dict({**TOOL_MESSAGE, "id": "other"})
    assert Message.from_dict(PLAIN_MESSAGE) != Message.from_dict({**PLAIN_MESSAGE, "x-trace": "t"})
    assert Message.from_dict(TOOL_MESSAGE) != reference(TOOL_MESSAGE)
    block = ToolUseBlock(type="tool_use", id="t", name="n", input={})
    assert block == ToolUseBlock.from_dict({"type": "tool_use", "id": "t", "name": "n", "input": {}})


@pytest.mark.parametrize("clone", [copy.deepcopy, lambda m: pickle.loads(pickle.dumps(m))], ids=["deepcopy", "pickle"])
def test_deepcopy_and_pickle_keep_everything(clone: Any) -> None:
    data = {**PLAIN_MESSAGE, "content": [*PLAIN_MESSAGE["content"], {"type": "novel", "payload": [1]}]}
    message = Message.from_dict(data)
    again = clone(message)
    assert again == message and again is not message
    assert again.additional_properties == {"x-trace": None}
    assert again.model_fields_set == message.model_fields_set and "stop_sequence" not in again.model_fields_set
    assert again.to_dict() == data
    unknown = again.content[2]
    assert isinstance(unknown, UnknownContentBlock) and unknown.payload == [1]
    assert again.content[2].additional_properties is not message.content[2].additional_properties
