"""The drop-in claim for `AnthropicBedrockMantle`: the same user programs run through this SDK's
client and `anthropic` 2.14.0's class of the same name against the emulator's Anthropic-native
paths, and give equal results and identical wire bodies (headers differ: signatures, user agents,
and `anthropic-version`, which `anthropic` sets to its own `2026-10-21`).

The programs are `test_differential`'s, less the InvokeModel-only `anthropic_version` body
override they carry for `anthropic`'s `AnthropicBedrock` (Anthropic's wire format refuses it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

anthropic = pytest.importorskip("anthropic")

from test_differential import HELLO, MODEL, SCENARIOS  # noqa: E402

import anthropic_bedrock as ab  # noqa: E402


def _without_version(params: dict[str, Any]) -> dict[str, Any]:
    extra = {k: v for k, v in (params.pop("extra_body", None) or {}).items() if k != "anthropic_version"}
    return {**params, **({"extra_body": extra} if extra else {})}


class _Messages:
    def __init__(self, messages: Any) -> None:
        self._messages = messages

    def create(self, **params: Any) -> Any:
        return self._messages.create(**_without_version(params))

    def stream(self, **params: Any) -> Any:
        return self._messages.stream(**_without_version(params))


class UserView:
    """A client as the shared programs use it (`messages.create`, `messages.stream`)."""

    def __init__(self, client: Any) -> None:
        self.messages = _Messages(client.messages)


def clients(emu: Any, mode: str) -> tuple[Any, Any]:
    kwargs = {
        "aws_access_key": emu.access_key,
        "aws_secret_key": emu.secret_key,
        "aws_region": emu.region,
        "base_url": emu.url + "/anthropic",
    }
    if mode == "sync":
        return ab.AnthropicBedrockMantle(**kwargs), anthropic.AnthropicBedrockMantle(**kwargs)
    return ab.AsyncAnthropicBedrockMantle(**kwargs), anthropic.AsyncAnthropicBedrockMantle(**kwargs)


def signed_for(entry: Any) -> str:
    return (entry.header("authorization") or "").split("/")[3]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
def test_same_code_same_result_same_body(emulator: Any, mode: str, scenario: Callable[[Any], Any]) -> None:
    ours, theirs = clients(emulator, mode)
    mine = asyncio.run(scenario(UserView(ours)))
    sent = list(emulator.log)
    emulator.reset()
    reference = asyncio.run(scenario(UserView(theirs)))
    assert mine == reference
    theirs_sent = list(emulator.log)
    assert [e.json() for e in sent] == [e.json() for e in theirs_sent]
    assert [e.path for e in sent] == [e.path for e in theirs_sent]
    assert {signed_for(e) for e in sent + theirs_sent} == {"bedrock-mantle"}
    for mine_entry, their_entry in zip(sent, theirs_sent, strict=True):
        assert mine_entry.header("anthropic-beta") == their_entry.header("anthropic-beta")
        assert mine_entry.header("content-type") == their_entry.header("content-type")


def test_count_tokens_agree(emulator: Any) -> None:
    ours, theirs = clients(emulator, "sync")
    tools = [{"name": "get_weather", "input_schema": {"type": "object"}}]
    mine = ours.messages.count_tokens(model=MODEL, messages=HELLO, system="be brief", tools=tools)
    reference = theirs.messages.count_tokens(model=MODEL, messages=HELLO, system="be brief", tools=tools)
    assert mine.input_tokens == reference.input_tokens > 0
    first, second = emulator.log
    assert first.json() == second.json() and first.path == second.path == "/anthropic/v1/messages/count_tokens"


def test_api_keys_travel_alike(emulator: Any) -> None:
    base = emulator.url + "/anthropic"
    ours = ab.AnthropicBedrockMantle(api_key=emulator.api_key, base_url=base)
    theirs = anthropic.AnthropicBedrockMantle(api_key=emulator.api_key, base_url=base, aws_region=emulator.region)
    assert ours.messages.create(model=MODEL, max_tokens=3, messages=HELLO).content[0].text == (
        theirs.messages.create(model=MODEL, max_tokens=3, messages=HELLO).content[0].text
    )
    first, second = emulator.log
    assert first.header("authorization") == second.header("authorization") == f"Bearer {emulator.api_key}"


def test_errors_share_the_status_class_and_request_id(emulator: Any) -> None:
    ours, theirs = clients(emulator, "sync")
    fault = {"x-emulator-fault": "status=429"}
    with pytest.raises(ab.RateLimitError) as mine:
        ours.messages.create(model=MODEL, max_tokens=3, messages=HELLO, extra_headers=fault, max_retries=0)
    with pytest.raises(anthropic.RateLimitError) as reference:
        theirs.with_options(max_retries=0).messages.create(
            model=MODEL, max_tokens=3, messages=HELLO, extra_headers=fault
        )
    assert mine.value.error_type == reference.value.body["error"]["type"] == "rate_limit_error"
    assert mine.value.request_id == emulator.log[0].request_id
    assert reference.value.request_id == emulator.log[1].request_id


def test_in_stream_errors_are_typed_here_generic_there(emulator: Any) -> None:
    fault = {"x-emulator-fault": "exception=overloaded_error;after=2"}
    ours, theirs = clients(emulator, "sync")
    with pytest.raises(ab.InternalServerError) as mine:
        list(ours.messages.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True, extra_headers=fault))
    assert mine.value.status_code == 529 and mine.value.error_type == "overloaded_error"
    with pytest.raises(anthropic.APIStatusError) as reference:
        list(theirs.messages.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True, extra_headers=fault))
    # anthropic raises its error with the stream's 200 status, so not its OverloadedError (529).
    assert reference.value.status_code == 200
