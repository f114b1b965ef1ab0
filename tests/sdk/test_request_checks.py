"""Arguments are checked before anything is sent, and answers are checked when they arrive, for
every operation: a wrong argument is a TypeError or ValueError naming it (never an OverflowError,
UnicodeEncodeError or a transport error), and a wrong answer an APIResponseValidationError."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._operations.encoding import encode_body

from drivers import PROMPT, Driver

COMPLETION = {"model": "anthropic.claude-v2", "prompt": PROMPT, "max_tokens_to_sample": 5}
MESSAGE = {
    "model": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "max_tokens": 5,
    "messages": [{"role": "user", "content": "hi"}],
}

CASES: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    ("completions", {"temperature": 10**400}, ValueError, "temperature"),
    ("completions", {"top_p": float("inf")}, ValueError, "top_p"),
    ("completions", {"prompt": "a\ud800b"}, ValueError, "prompt"),
    ("completions", {"stop_sequences": ["ok", "\udfff"]}, ValueError, r"stop_sequences\[1\]"),
    ("completions", {"metadata": {"user_id": "\ud800"}}, ValueError, r"metadata\.user_id"),
    ("completions", {"extra_body": {"x": [1, float("nan")]}}, ValueError, r"x\[1\]"),
    ("completions", {"extra_body": {"x": object()}}, TypeError, "x"),
    ("completions", {"max_tokens_to_sample": 4097}, ValueError, "max_tokens_to_sample"),
    ("completions", {"model": "."}, ValueError, "model"),
    ("completions", {"model": "m" * 100_000}, ValueError, "model"),
    ("completions", {"model": "anthropic.claude-v2\n"}, ValueError, "model"),
    ("completions", {"model": "\ud800"}, ValueError, "model"),
    ("messages", {"temperature": -(10**400)}, ValueError, "temperature"),
    ("messages", {"top_k": 2.5}, TypeError, "top_k"),
    ("messages", {"system": [{"type": "text", "text": "\udc80"}]}, ValueError, r"system\[0\]\.text"),
    (
        "messages",
        {"tools": [{"name": "t", "input_schema": {"type": "object", "x": float("nan")}}]},
        ValueError,
        r"tools\[0\]\.input_schema\.x",
    ),
    ("messages", {"metadata": {"user_id": "u" * 300}}, ValueError, r"metadata\.user_id"),
    ("messages", {"model": ".."}, ValueError, "model"),
]


@pytest.mark.parametrize(("operation", "change", "error", "name"), CASES)
def test_bad_arguments_name_the_place_and_send_nothing(
    driver: Driver, emulator: Any, operation: str, change: dict[str, Any], error: type, name: str
) -> None:
    params = {**(COMPLETION if operation == "completions" else MESSAGE), **change}
    with pytest.raises(error, match=name):
        driver.run(getattr(driver.client, operation).create(**params))
    assert emulator.log == []


def test_explicit_none_means_not_given(driver: Driver, emulator: Any) -> None:
    driver.run(driver.client.messages.create(**MESSAGE, temperature=None, system=None, tools=None))
    assert set(emulator.requests("invoke")[-1].json()) == {"anthropic_version", "max_tokens", "messages"}


def test_encoding_is_compact_utf8_json() -> None:
    assert encode_body({"a": "é", "b": [1, 2.5, None, True]}) == '{"a":"é","b":[1,2.5,null,true]}'.encode()
    with pytest.raises(ValueError, match="nested too deeply"):
        deep: Any = []
        for _ in range(100_000):
            deep = [deep]
        encode_body({"d": deep})


@pytest.mark.parametrize(
    ("operation", "body", "cause"),
    [
        ("completions", {"completion": 5, "stop_reason": None, "stop": None}, TypeError),
        ("completions", {"unexpected": True}, KeyError),
        (
            "messages",
            {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "model": "x",
                "content": "hi",
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
            TypeError,
        ),
        (
            "messages",
            {
                "id": "m",
                "type": "not_a_message",
                "role": "assistant",
                "model": "x",
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 1, "output_tokens": 1},
            },
            ValueError,
        ),
        ("messages", [1, 2], TypeError),
    ],
)
def test_a_wrong_answer_is_a_validation_error(operation: str, body: object, cause: type) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    client = ab.AnthropicBedrock(aws_access_key="a", aws_secret_key="b", http_client=httpx.Client(transport=transport))
    params = COMPLETION if operation == "completions" else MESSAGE
    with pytest.raises(ab.APIResponseValidationError) as info:
        getattr(client, operation).create(**params)
    assert info.value.status_code == 200 and isinstance(info.value.__cause__, cause)


STRICT_BASE = {"max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.parametrize(
    ("change", "where", "rule"),
    [
        ({"service_tier": "default"}, "#", "extraneous"),
        ({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}, "#/tools/0/type", "kind"),
        (
            {"messages": [{"role": "user", "content": [{"type": "search_result"}]}]},
            "#/messages/0/content/0/type",
            "kind",
        ),
        ({"messages": ({"role": "user", "content": "hi"},)}, "#/messages", "type"),  # never turned into a list
    ],
)
def test_strict_checks_refuse_what_the_description_does_not_know(change: dict[str, Any], where: str, rule: str) -> None:
    from anthropic_bedrock._operations.checks import CheckError, pointer
    from anthropic_bedrock._operations.validation import checker
    from anthropic_bedrock.types import MessageRequest

    body = {**STRICT_BASE, **change}
    checker(MessageRequest)(body, None)  # the SDK lets it travel: Bedrock may know more than this release
    with pytest.raises(CheckError) as info:
        checker(MessageRequest, strict=True)(body, None)
    assert (pointer(info.value.path), info.value.rule) == (where, rule)


def test_a_tool_without_type_is_custom_and_what_is_there_is_checked_first() -> None:
    from anthropic_bedrock._operations.checks import CheckError, pointer
    from anthropic_bedrock._operations.validation import checker
    from anthropic_bedrock.types import MessageRequest

    check = checker(MessageRequest, strict=True)
    check({**STRICT_BASE, "tools": [{"name": "t", "input_schema": {"type": "object"}}]}, None)
    with pytest.raises(CheckError, match="input_schema") as info:
        check({**STRICT_BASE, "tools": [{"name": "t"}]}, None)
    assert (pointer(info.value.path), info.value.rule) == ("#/tools/0", "missing")
    # A wrong kind says more than the keys another kind would need.
    with pytest.raises(CheckError) as info:
        check({**STRICT_BASE, "system": [{"type": "image"}]}, None)
    assert (pointer(info.value.path), info.value.rule) == ("#/system/0/type", "const")
    with pytest.raises(CheckError) as info:
        check({"messages": []}, None)
    assert info.value.rule == "min_items"
    with pytest.raises(CheckError) as info:
        check({}, None)
    assert info.value.info["keys"] == ("messages", "max_tokens")
