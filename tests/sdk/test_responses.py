"""Raw responses (`with_raw_response`) and streaming responses (`with_streaming_response`) on every
resource, as in `anthropic`: the body as bytes, text, JSON or an iterator, `parse()`, and
`_request_id` on what comes back. One body per behaviour, sync and async."""

from __future__ import annotations

import asyncio
import copy
import inspect
import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab

from drivers import PROMPT, Driver

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": "tell me about the sea"}]

# (resource path, method, arguments, what parse() gives)
CALLS: list[tuple[str, str, dict[str, Any], type]] = [
    (
        "completions",
        "create",
        {"model": "anthropic.claude-v2", "prompt": PROMPT, "max_tokens_to_sample": 4},
        ab.types.Completion,
    ),
    ("messages", "create", {"model": MODEL, "max_tokens": 5, "messages": HELLO}, ab.types.Message),
    ("messages", "count_tokens", {"model": MODEL, "messages": HELLO}, ab.types.MessageTokensCount),
    (
        "beta.messages",
        "create",
        {"model": MODEL, "max_tokens": 5, "messages": HELLO, "betas": ["b-1"]},
        ab.types.Message,
    ),
    (
        "beta.messages",
        "count_tokens",
        {"model": MODEL, "messages": HELLO, "betas": ["b-1"]},
        ab.types.MessageTokensCount,
    ),
]
IDS = [f"{path}.{method}" for path, method, _, _ in CALLS]


def resource(client: Any, path: str) -> Any:
    for part in path.split("."):
        client = getattr(client, part)
    return client


async def maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def items(iterator: Any) -> list[Any]:
    return [item async for item in iterator] if hasattr(iterator, "__aiter__") else list(iterator)


def use(driver: Driver, manager: Any, action: Callable[[Any], Awaitable[Any]]) -> Any:
    """Enter `manager` (`with` or `async with`), run `action` on the response, leave."""

    async def body() -> Any:
        if driver.is_async:
            async with manager as response:
                return await action(response)
        with manager as response:
            return await action(response)

    return driver.run(body()) if driver.is_async else asyncio.run(body())


def streaming(driver: Driver, path: str, method: str, params: dict[str, Any]) -> Any:
    return getattr(resource(driver.client, path).with_streaming_response, method)(**params)


@pytest.mark.parametrize(("path", "method", "params", "kind"), CALLS, ids=IDS)
def test_streaming_response_parse_and_body(
    driver: Driver, emulator: Any, path: str, method: str, params: dict[str, Any], kind: type
) -> None:
    async def parse(response: Any) -> Any:
        assert response.status_code == 200 and not response.is_closed  # the body is still on the wire
        return response.request_id, await maybe(response.parse())

    request_id, parsed = use(driver, streaming(driver, path, method, params), parse)
    assert isinstance(parsed, kind)
    assert parsed._request_id == request_id == emulator.log[-1].request_id

    async def body(response: Any) -> Any:
        return await maybe(response.json()), await maybe(response.text()), await maybe(response.read())

    data, text, raw = use(driver, streaming(driver, path, method, params), body)
    assert isinstance(data, dict) and text.encode() == raw
    # The emulator answers the same request the same way: the parsed model is that JSON.
    assert parsed.to_dict() == kind.from_dict(data).to_dict()
    assert driver.busy_connections() == 0


@pytest.mark.parametrize(("path", "method", "params", "kind"), CALLS, ids=IDS)
def test_streaming_response_iterators(
    driver: Driver, path: str, method: str, params: dict[str, Any], kind: type
) -> None:
    async def whole(response: Any) -> bytes:
        return bytes(await maybe(response.read()))

    expected = use(driver, streaming(driver, path, method, params), whole)

    async def chunks(response: Any) -> bytes:
        return b"".join(await items(response.iter_bytes()))

    async def texts(response: Any) -> str:
        return "".join(await items(response.iter_text()))

    async def lines(response: Any) -> list[str]:
        return list(await items(response.iter_lines()))

    assert use(driver, streaming(driver, path, method, params), chunks) == expected
    assert use(driver, streaming(driver, path, method, params), texts) == expected.decode()
    assert use(driver, streaming(driver, path, method, params), lines) == expected.decode().splitlines()
    assert driver.busy_connections() == 0


def test_leaving_unread_releases_the_connection(driver: Driver, emulator: Any) -> None:
    async def nothing(response: Any) -> Any:
        return response

    for _ in range(3):
        response = use(
            driver,
            driver.client.messages.with_streaming_response.create(model=MODEL, max_tokens=500, messages=HELLO),
            nothing,
        )
        assert response.is_closed
        assert driver.busy_connections() == 0
    assert len(emulator.requests("invoke")) == 3


def test_streaming_response_of_a_streamed_call(driver: Driver, emulator: Any) -> None:
    async def events(response: Any) -> list[str]:
        stream = await maybe(response.parse())
        return [event.type for event in await items(stream)]

    manager = driver.client.messages.with_streaming_response.create(
        model=MODEL, max_tokens=3, messages=HELLO, stream=True
    )
    kinds = use(driver, manager, events)
    assert kinds[0] == "message_start" and kinds[-1] == "message_stop"
    assert emulator.requests("stream") and driver.busy_connections() == 0


def test_arguments_are_checked_before_the_block(driver: Driver, emulator: Any) -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        driver.client.messages.with_streaming_response.create(model=MODEL, max_tokens=0, messages=HELLO)
    assert emulator.log == []


def test_error_status_raises_on_entering(driver: Driver, emulator: Any) -> None:
    manager = driver.client.messages.with_streaming_response.create(
        model=MODEL, max_tokens=3, messages=HELLO, extra_headers={"x-emulator-fault": "status=403"}
    )

    async def unreachable(response: Any) -> None:
        raise AssertionError("the block must not run")

    with pytest.raises(ab.PermissionDeniedError) as caught:
        use(driver, manager, unreachable)
    assert caught.value.status_code == 403
    assert driver.busy_connections() == 0


@pytest.mark.parametrize(("path", "method", "params", "kind"), CALLS, ids=IDS)
def test_raw_response_body_and_request_id(
    driver: Driver, path: str, method: str, params: dict[str, Any], kind: type
) -> None:
    raw = driver.run(getattr(resource(driver.client, path).with_raw_response, method)(**params))
    assert isinstance(raw.http_response, httpx.Response) and raw.http_request.method == raw.method == "POST"
    data = driver.run(raw.json())
    text = driver.run(raw.text())
    assert isinstance(data, dict) and text == raw.http_response.text and driver.run(raw.read()) == text.encode()
    parsed = driver.run(raw.parse())
    assert isinstance(parsed, kind) and parsed.to_dict() == kind.from_dict(data).to_dict()
    assert parsed._request_id == raw.request_id == raw.headers["x-amzn-requestid"]


def test_request_id_is_kept_by_copies_and_pickles(driver: Driver) -> None:
    message = driver.run(driver.client.messages.create(model=MODEL, max_tokens=3, messages=HELLO))
    request_id = message._request_id
    assert request_id
    for twin in (pickle.loads(pickle.dumps(message)), copy.deepcopy(message), message.model_copy()):
        assert twin._request_id == request_id
    assert "_request_id" not in message.model_dump() and "_request_id" not in message.to_json()
    assert ab.types.Message.model_validate(message.to_dict())._request_id is None  # built from JSON: no call
    assert message.content[0]._request_id is None  # nested models carry none, as in anthropic


def test_request_id_of_streams_final_message(driver: Driver, emulator: Any) -> None:
    async def final() -> Any:
        manager = driver.client.messages.stream(model=MODEL, max_tokens=3, messages=HELLO)
        if driver.is_async:
            async with manager as stream:
                return await stream.get_final_message()
        with manager as stream:
            return stream.get_final_message()

    message = driver.run(final()) if driver.is_async else asyncio.run(final())
    assert message._request_id == emulator.log[-1].request_id
