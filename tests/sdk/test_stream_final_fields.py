"""What a stream's final message keeps of `message_delta`: a refusal's `stop_details`, and fields the
API description does not know, as the non-streamed answer keeps them. Over real HTTP against the
emulator (its `refusal` and `novel=field` directives), sync and async from one body."""

from __future__ import annotations

from typing import Any

import pytest

from anthropic_bedrock.types import RefusalStopDetails

from drivers import Driver

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": "tell me about the sea"}]
DETAILS = {"type": "refusal", "category": "cyber", "explanation": "The emulated model declined to continue."}


def streamed(d: Driver, fault: str) -> tuple[Any, Any]:
    """The helper stream's final message and the raw stream's, for the same request."""
    kw: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 20,
        "messages": HELLO,
        "extra_headers": {"x-emulator-fault": fault},
    }
    manager = d.client.messages.stream(**kw)

    async def helper_async() -> Any:
        async with manager as stream:
            return await stream.get_final_message()

    def helper_sync() -> Any:
        with manager as stream:
            return stream.get_final_message()

    helper = d.run(helper_async()) if d.is_async else helper_sync()
    raw = d.run(d.client.messages.create(**kw, stream=True))
    events = d.collect(raw)
    assert events[-1].type == "message_stop"
    return helper, d.run(raw.get_final_message())


def test_a_refusal_keeps_stop_details(driver: Driver) -> None:
    created = driver.run(
        driver.client.messages.create(
            model=MODEL, max_tokens=20, messages=HELLO, extra_headers={"x-emulator-fault": "refusal=cyber"}
        )
    )
    for message in (created, *streamed(driver, "refusal=cyber")):
        assert message.stop_reason == "refusal"
        assert isinstance(message.stop_details, RefusalStopDetails)
        assert message.stop_details.to_dict() == DETAILS
        assert message.to_dict()["stop_details"] == DETAILS
        assert [block.text for block in message.content] == ["tell me about"]
    # Without a category, the category is null, and still kept.
    helper, _ = streamed(driver, "refusal")
    assert helper.stop_details.category is None and helper.stop_details.explanation


@pytest.mark.parametrize("fault", ["novel=field", "novel=field;refusal"])
def test_unknown_message_delta_fields_reach_the_final_message(driver: Driver, fault: str) -> None:
    created = driver.run(
        driver.client.messages.create(
            model=MODEL, max_tokens=20, messages=HELLO, extra_headers={"x-emulator-fault": fault}
        )
    )
    assert created["novel_field"] == {"answer": 42}
    for message in streamed(driver, fault):
        assert message["novel_field"] == {"answer": 42}
        assert message.additional_properties == created.additional_properties
        assert message.to_dict() == {**created.to_dict(), "id": message.id}
