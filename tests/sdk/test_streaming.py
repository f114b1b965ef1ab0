"""Streamed completions over real HTTP against the emulator, sync and async from one body."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import httpx
import pytest

import anthropic_bedrock as ab

from drivers import MODES, PROMPT, TRANSPORT, Driver, busy_connections, client_kwargs

MODEL = "anthropic.claude-v2"


def stream(d: Driver, **kw: Any) -> Any:
    params: dict[str, Any] = {"model": MODEL, "prompt": PROMPT, "max_tokens_to_sample": 12, "stream": True}
    params.update(kw)
    return d.run(d.client.completions.create(**params))


def calls(emu: Any, operation: str = "stream") -> int:
    return int(emu.stats().by_operation.get(operation, 0))


def test_chunks_in_order_and_text_matches_invoke(driver: Driver, emulator: Any) -> None:
    s = stream(driver)
    assert isinstance(s, ab.AsyncStream if driver.is_async else ab.Stream)
    chunks = driver.collect(s)
    assert len(chunks) == 12
    assert all(isinstance(c, ab.CompletionChunk) for c in chunks)
    assert all(c.stop_reason is None for c in chunks[:-1])
    last = chunks[-1]
    assert last.stop_reason == "max_tokens"
    metrics = last.amazon_bedrock_invocation_metrics
    assert not isinstance(metrics, ab.types.Unset) and metrics.output_token_count == 12
    whole = driver.run(driver.client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=12))
    assert "".join(c.completion for c in chunks) == whole.completion == s.text
    assert s.request_id


def test_final_completion_helpers(driver: Driver) -> None:
    s = stream(driver, stop_sequences=["sea"])
    final = driver.run(s.get_final_completion())
    assert final.stop_reason == "stop_sequence" and final.stop == "sea"
    assert final.completion == s.text and "sea" not in final.completion
    assert "amazon-bedrock-invocationMetrics" in final.additional_properties
    s2 = stream(driver)
    assert driver.run(s2.get_final_text()) == s2.text != ""


def test_paced_chunks_arrive_without_buffering(driver: Driver) -> None:
    s = stream(driver, extra_headers={"x-emulator-fault": "pace=1000;chunks=3"})
    arrivals: list[float] = []

    if driver.is_async:

        async def read() -> None:
            async for _ in s:
                arrivals.append(time.monotonic())

        driver.run(read())
    else:
        for _ in s:
            arrivals.append(time.monotonic())
    assert len(arrivals) == 3
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    # Each chunk is sent 1 s after the previous one; it must reach us within 50 ms of that.
    for gap in gaps:
        assert 0.95 <= gap <= 1.05, gaps


EXCEPTIONS = [
    ("throttlingException", ab.RateLimitError, 429),
    ("validationException", ab.BadRequestError, 400),
    ("modelTimeoutException", ab.RequestTimeoutError, 408),
    ("modelStreamErrorException", ab.FailedDependencyError, 424),
    ("internalServerException", ab.InternalServerError, 500),
    ("serviceUnavailableException", ab.ServiceUnavailableError, 503),
]


@pytest.mark.parametrize(("exception", "cls", "status"), EXCEPTIONS)
def test_in_stream_exceptions(driver: Driver, emulator: Any, exception: str, cls: type, status: int) -> None:
    s = stream(driver, extra_headers={"x-emulator-fault": f"exception={exception};after=2;message=boom%20here"})
    seen: list[Any] = []
    with pytest.raises(cls) as info:
        if driver.is_async:

            async def read() -> None:
                async for c in s:
                    seen.append(c)

            driver.run(read())
        else:
            for c in s:
                seen.append(c)
    assert len(seen) == 2
    assert info.value.status_code == status
    assert info.value.message == "boom here"
    assert info.value.error_type == exception[0].upper() + exception[1:]
    assert calls(emulator) == 1  # nothing is retried once chunks reached the caller


def test_crc_fault_raises(driver: Driver) -> None:
    s = stream(driver, extra_headers={"x-emulator-fault": "crc=3"})
    with pytest.raises(ab.StreamDecodeError, match="CRC"):
        driver.collect(s)


def test_cut_stream_raises(driver: Driver) -> None:
    s = stream(driver, extra_headers={"x-emulator-fault": "cut=3"})
    with pytest.raises(ab.StreamInterruptedError):
        driver.collect(s)


def test_errors_before_first_byte_are_retried(driver: Driver, emulator: Any) -> None:
    emulator.push_fault("status=503", count=1, match="stream")
    emulator.push_fault("reset", count=1, match="stream")
    assert len(driver.collect(stream(driver))) == 12
    assert calls(emulator) == 3
    emulator.reset()
    emulator.push_fault("status=429", count=3, match="stream")
    with pytest.raises(ab.RateLimitError):
        stream(driver, max_retries=1)
    assert calls(emulator) == 2


def test_raw_streaming_response(driver: Driver) -> None:
    raw = driver.run(
        driver.client.completions.with_raw_response.create(
            model=MODEL, prompt=PROMPT, max_tokens_to_sample=5, stream=True
        )
    )
    assert raw.headers["content-type"] == "application/vnd.amazon.eventstream"
    s = driver.run(raw.parse()) if driver.is_async else raw.parse()
    assert len(driver.collect(s)) == 5


def test_early_close_releases_connection(driver: Driver) -> None:
    for _ in range(100):
        s = stream(driver, max_tokens_to_sample=50, extra_headers={"x-emulator-fault": "pace=1"})
        if driver.is_async:

            async def first(s: Any = s) -> None:
                async with s:
                    async for _ in s:
                        break

            driver.run(first())
        else:
            with s:
                for _ in s:
                    break
    assert driver.busy_connections() == 0
    assert driver.run(driver.client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=2)).completion


ASYNC_TRANSPORTS = [TRANSPORT[m] for m in MODES if m in TRANSPORT]


@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
def test_task_cancellation_releases_connection(emulator: Any, monkeypatch: pytest.MonkeyPatch, transport: str) -> None:
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)

    async def main() -> int:
        async with ab.AsyncAnthropicBedrock(**client_kwargs(emulator)) as client:
            for _ in range(100):
                s = await client.completions.create(
                    model=MODEL,
                    prompt=PROMPT,
                    max_tokens_to_sample=20,
                    stream=True,
                    extra_headers={"x-emulator-fault": "pace=200"},
                )
                got_one = asyncio.Event()

                async def consume(s: Any = s, got_one: asyncio.Event = got_one) -> None:
                    async for _ in s:
                        got_one.set()

                task = asyncio.create_task(consume())
                await got_one.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            return busy_connections(client._http)

    assert asyncio.run(main()) == 0


def test_dropped_sync_stream_returns_its_connection(emulator: Any) -> None:
    import gc

    with ab.AnthropicBedrock(**client_kwargs(emulator), timeout=5.0) as client:
        for _ in range(30):
            client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=5, stream=True)
            gc.collect()
        # The last dropped stream's connection is parked until the next request releases it.
        assert client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=2).completion
        connections = client._http._transport._pool.connections
        assert all(c.is_idle() or c.is_closed() for c in connections)


def _small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients built from here on get a pool of 4 connections and give up waiting for one after 5 s."""
    from anthropic_bedrock import _base_client

    monkeypatch.setattr(_base_client, "LIMITS", httpx.Limits(max_connections=4, max_keepalive_connections=4))


def _unreadable(s: Any) -> None:
    """Drop the stream without reading it."""


def _first_then_drop(s: Any) -> None:
    for _ in s:
        break


# A deadlock cannot be interrupted by a signal raised inside a finalizer: the thread method ends the run instead.
@pytest.mark.timeout(90, method="thread")
@pytest.mark.parametrize("use", [_first_then_drop, _unreadable], ids=["break-after-first", "never-iterated"])
def test_dropped_sync_streams_never_hang_nor_exhaust_the_pool(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, use: Any
) -> None:
    # A stream's finalizer can run from the cyclic collector inside httpcore's pool lock; closing the
    # response there deadlocked. A low collection threshold makes that moment come early and often.
    import gc

    _small_pool(monkeypatch)
    threshold = gc.get_threshold()
    gc.set_threshold(50, 5, 5)
    try:
        with ab.AnthropicBedrock(**client_kwargs(emulator), timeout=httpx.Timeout(10.0, pool=5.0)) as client:
            for _ in range(200):
                use(client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=5, stream=True))
            assert client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=2).completion
            connections = client._http._transport._pool.connections
            assert len(connections) <= 4
            assert all(c.is_idle() or c.is_closed() for c in connections)
    finally:
        gc.set_threshold(*threshold)


async def _async_unreadable(s: Any) -> None:
    """Drop the stream without reading it."""


async def _async_first_then_drop(s: Any) -> None:
    async for _ in s:
        break


@pytest.mark.timeout(90)
@pytest.mark.parametrize("transport", ASYNC_TRANSPORTS)
@pytest.mark.parametrize(
    "use", [_async_first_then_drop, _async_unreadable], ids=["break-after-first", "never-iterated"]
)
def test_dropped_async_streams_give_their_connections_back(
    emulator: Any, monkeypatch: pytest.MonkeyPatch, use: Any, transport: str
) -> None:
    _small_pool(monkeypatch)
    monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", transport)

    async def main() -> int:
        async with ab.AsyncAnthropicBedrock(
            **client_kwargs(emulator), timeout=httpx.Timeout(10.0, pool=5.0), max_retries=0
        ) as client:
            for _ in range(200):
                await use(
                    await client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=5, stream=True)
                )
            done = await client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=2)
            assert done.completion
            return busy_connections(client._http)

    assert asyncio.run(main()) == 0


def test_stream_is_freed_without_the_cyclic_collector(emulator: Any) -> None:
    # No reference cycle between a stream and its reader: dropping it frees it at once.
    import gc
    import weakref

    with ab.AnthropicBedrock(**client_kwargs(emulator)) as client:
        gc.disable()
        try:
            s = client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=5, stream=True)
            next(iter(s))
            ref = weakref.ref(s)
            del s
            assert ref() is None
        finally:
            gc.enable()
        assert len(client._pool.orphans) == 1
        assert client.completions.create(model=MODEL, prompt=PROMPT, max_tokens_to_sample=2).completion
        assert len(client._pool.orphans) == 0


def test_chunks_before_an_exception_frame_in_the_same_read_are_delivered(mode: str) -> None:
    # One network read may carry several frames (the aiohttp transport showed it): the chunks ahead
    # of an exception frame must still reach the caller before the error.
    import base64
    import json

    from anthropic_bedrock._aws.eventstream_encoder import encode_message

    def chunk(text: str) -> bytes:
        payload = base64.b64encode(json.dumps({"completion": text, "stop_reason": None}).encode())
        return encode_message({":message-type": "event", ":event-type": "chunk"}, b'{"bytes":"' + payload + b'"}')

    body = (
        chunk(" one")
        + chunk(" two")
        + encode_message(
            {":message-type": "exception", ":exception-type": "throttlingException"}, b'{"message":"slow down"}'
        )
    )

    class OneRead(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self) -> Any:
            yield body

        async def __aiter__(self) -> Any:
            yield body

    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=OneRead()))
    http: Any = httpx.Client(transport=transport) if mode == "sync" else httpx.AsyncClient(transport=transport)
    d = Driver(mode, aws_access_key="a", aws_secret_key="b", http_client=http, max_retries=0)
    try:
        s = stream(d)
        seen: list[str] = []

        async def read() -> None:
            async for c in s:
                seen.append(c.completion)

        with pytest.raises(ab.RateLimitError):
            if d.is_async:
                d.run(read())
            else:
                for c in s:
                    seen.append(c.completion)
        assert seen == [" one", " two"]
    finally:
        if d.is_async:
            d.run(http.aclose())
        else:
            http.close()
        d.close()
