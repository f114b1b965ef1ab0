"""The audit's findings, on the Messages paths too (`messages.create`, `create(stream=True)`,
`messages.stream()` and `messages.count_tokens`): they share the core the completions tests cover,
and these tests hold each Messages entry point to the same promises."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab

from drivers import MODES, NESTED_JSON, TRANSPORT, Driver, busy_connections, client_kwargs, nested_json_answer

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "one two three"}]


def create(d: Driver, **kw: Any) -> Any:
    return d.run(d.client.messages.create(**{"model": MODEL, "max_tokens": 5, "messages": HELLO, **kw}))


def count(d: Driver, **kw: Any) -> Any:
    return d.run(d.client.messages.count_tokens(**{"model": MODEL, "messages": HELLO, **kw}))


def stream_helper(d: Driver, **kw: Any) -> Any:
    manager = d.client.messages.stream(**{"model": MODEL, "max_tokens": 5, "messages": HELLO, **kw})

    async def read_async() -> str:
        async with manager as s:
            return str(await s.get_final_text())

    if d.is_async:
        return d.run(read_async())
    with manager as s:
        return s.get_final_text()


CALLS = {
    "create": create,
    "stream": lambda d, **kw: d.collect(create(d, stream=True, **kw)),
    "helper": stream_helper,
    "count_tokens": count,
}


@pytest.mark.parametrize("call", CALLS, ids=str)
@pytest.mark.parametrize(
    ("headers", "error"),
    [({"X-Inject": "a\r\nY: 1"}, ValueError), ({"X-Nul": "a\0b"}, ValueError), ({"X-Number": 5}, TypeError)],
)
def test_illegal_headers_are_refused_at_once(
    driver: Driver, emulator: Any, call: str, headers: dict[str, Any], error: type
) -> None:
    started = time.monotonic()
    with pytest.raises(error, match="extra_headers"):
        CALLS[call](driver, extra_headers=headers, max_retries=6)
    assert time.monotonic() - started < 1.0 and emulator.log == []


@pytest.mark.parametrize("call", CALLS, ids=str)
@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 1e30, 10**400])
def test_unusable_timeouts_name_the_argument(driver: Driver, emulator: Any, call: str, timeout: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        CALLS[call](driver, timeout=timeout)
    assert emulator.log == []


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_query_with_a_space_is_signed_as_sent(driver: Driver, emulator: Any, call: str) -> None:
    CALLS[call](driver, extra_query={"note": "a b/c"})
    assert emulator.log[-1].path.endswith("?note=a%20b%2Fc") and emulator.log[-1].status == 200


def test_with_options_region_keeps_the_endpoint(driver: Driver, emulator: Any) -> None:
    moved = driver.client.with_options(aws_region="eu-west-1")
    assert moved.base_url == emulator.url
    driver.run(moved.messages.create(model=MODEL, max_tokens=2, messages=HELLO))
    assert "/eu-west-1/bedrock/" in emulator.log[-1].header("authorization")


def test_deeply_nested_json_is_a_typed_error(mode: str) -> None:
    nested = NESTED_JSON
    transport = httpx.MockTransport(nested_json_answer)
    http: Any = httpx.Client(transport=transport) if mode == "sync" else httpx.AsyncClient(transport=transport)
    d = Driver(mode, aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
    try:
        for call in (create, count):
            with pytest.raises(ab.APIResponseValidationError):
                call(d, extra_headers={"x-case": "body"})
            with pytest.raises(ab.InternalServerError) as info:
                call(d, extra_headers={"x-case": "error"})
            assert info.value.body == nested.decode()
        with pytest.raises(ab.StreamDecodeError):
            d.collect(create(d, stream=True, extra_headers={"x-case": "chunk"}))
        with pytest.raises(ab.RateLimitError):
            d.collect(create(d, stream=True, extra_headers={"x-case": "exception"}))
    finally:
        d.run(http.aclose()) if mode != "sync" else http.close()
        d.close()


def _small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "anthropic_bedrock._base_client.LIMITS", httpx.Limits(max_connections=4, max_keepalive_connections=4)
    )


@pytest.mark.timeout(90)
def test_dropped_message_streams_never_hang_nor_exhaust_the_pool(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small_pool(monkeypatch)
    threshold = gc.get_threshold()
    gc.set_threshold(50, 5, 5)  # the cyclic collector runs often, also inside the pool's lock
    try:
        with ab.AnthropicBedrock(**client_kwargs(emulator), timeout=httpx.Timeout(10.0, pool=5.0)) as client:
            for index in range(200):
                if index % 2:
                    for _ in client.messages.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True):
                        break
                else:
                    manager = client.messages.stream(model=MODEL, max_tokens=5, messages=HELLO)
                    next(iter(manager.__enter__()))  # entered, read once, never exited
                    del manager  # dropped: nothing refers to the stream any more
            assert client.messages.create(model=MODEL, max_tokens=2, messages=HELLO).usage.output_tokens == 2
            assert busy_connections(client._http) == 0
    finally:
        gc.set_threshold(*threshold)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("transport", [TRANSPORT[m] for m in MODES if m in TRANSPORT])
def test_dropped_async_message_streams_give_their_connections_back(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, transport: str
) -> None:
    _small_pool(monkeypatch)
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)

    async def main() -> int:
        async with ab.AsyncAnthropicBedrock(
            **client_kwargs(emulator), timeout=httpx.Timeout(10.0, pool=5.0), max_retries=0
        ) as client:
            for _ in range(200):
                await client.messages.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True)
            done = await client.messages.create(model=MODEL, max_tokens=2, messages=HELLO)
            assert done.usage.output_tokens == 2
            return busy_connections(client._http)

    assert asyncio.run(main()) == 0


@pytest.mark.timeout(90)
@pytest.mark.parametrize("mode", MODES)
def test_raw_stream_responses_dropped_unparsed_give_their_connections_back(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    _small_pool(monkeypatch)
    if mode in TRANSPORT:
        monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", TRANSPORT[mode])
    d = Driver(mode, **client_kwargs(emulator), timeout=httpx.Timeout(10.0, pool=2.0), max_retries=0)
    try:
        raw = d.client.messages.with_raw_response
        for _ in range(12):  # three times the pool: each dropped response must give its connection back
            response = d.run(raw.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True))
            assert response.status_code == 200
            del response  # never parsed: its open body is nobody's now
        parsed = d.run(raw.create(model=MODEL, max_tokens=5, messages=HELLO, stream=True))
        stream = d.run(parsed.parse())
        del parsed  # the stream owns the body now: dropping the raw response must not close it
        assert d.collect(stream)[-1].type == "message_stop"
        assert create(d, max_tokens=2).usage.output_tokens == 2
        assert busy_connections(d.client._http) == 0
    finally:
        d.close()
