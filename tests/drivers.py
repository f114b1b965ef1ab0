"""Run one test body against the sync and the async client.

`Driver.run(x)` returns x for the sync client and awaits it on a private event loop for the async
one, so `d.run(d.client.completions.create(...))` reads the same in both modes.

Modes: `sync`; `async` on httpx's own connection pool; and `async-aiohttp` on the aiohttp
transport, whenever aiohttp (the `aiohttp` extra) is installed, so both async paths run every test.
"""

from __future__ import annotations

import asyncio
import base64
import importlib.util
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

import anthropic_bedrock
from anthropic_bedrock import AsyncAnthropicBedrock

HAVE_AIOHTTP = importlib.util.find_spec("aiohttp") is not None
MODES = ["sync", "async", *(["async-aiohttp"] if HAVE_AIOHTTP else [])]
# The async transport each mode asks for (read when a client builds its connection pool).
TRANSPORT = {"async": "httpx", "async-aiohttp": "aiohttp"}


def busy_connections(http: httpx.Client | httpx.AsyncClient) -> int:
    """Connections checked out of the pool behind `http` (httpx's pool or the aiohttp transport)."""
    transport: Any = http._transport
    if hasattr(transport, "connections_in_use"):
        return int(transport.connections_in_use)
    return sum(1 for c in transport._pool.connections if not (c.is_idle() or c.is_closed()))


class Driver:
    """`client_class`: the sync client's name (`AnthropicBedrock`, `AnthropicBedrockMantle`, ...);
    the async mode takes its `Async` twin."""

    def __init__(self, mode: str, client_class: str = "AnthropicBedrock", **client_kwargs: Any) -> None:
        self.mode = mode
        self.loop: asyncio.AbstractEventLoop | None = None
        if mode == "sync":
            self.client: Any = getattr(anthropic_bedrock, client_class)(**client_kwargs)
        else:
            self.loop = asyncio.new_event_loop()
            self.client = self.loop.run_until_complete(self._make_async("Async" + client_class, client_kwargs))

    @staticmethod
    async def _make_async(client_class: str, kwargs: dict[str, Any]) -> AsyncAnthropicBedrock:
        client: AsyncAnthropicBedrock = getattr(anthropic_bedrock, client_class)(**kwargs)
        return client

    @property
    def is_async(self) -> bool:
        return self.loop is not None

    def run(self, value: Any) -> Any:
        if self.loop is None:
            return value
        return self.loop.run_until_complete(value)

    def collect(self, stream: Any) -> list[Any]:
        if self.loop is None:
            return list(stream)

        async def gather() -> list[Any]:
            return [chunk async for chunk in stream]

        return self.loop.run_until_complete(gather())

    def busy_connections(self) -> int:
        return busy_connections(self.client._http)

    def close(self) -> None:
        self.run(self.client.close())
        if self.loop is not None:
            # Shut down as asyncio.run does: async generators that httpx leaves behind on an early
            # exit are closed by tasks the loop schedules for itself; let them finish first.
            self.loop.run_until_complete(_settle())
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()


async def _settle(rounds: int = 50) -> None:
    """Give the loop's own pending work (async generator finalization cascades) the turns it needs."""
    current = asyncio.current_task()
    for _ in range(rounds):
        await asyncio.sleep(0)
    pending = [task for task in asyncio.all_tasks() if task is not current]
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)


class UnreadBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body a mock transport hands over unread, as a network body would be."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self) -> Iterator[bytes]:
        yield self._data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data


NESTED_JSON = b"[" * 100_000
"""JSON nested deeper than Python's decoder can follow."""


def nested_json_answer(request: httpx.Request) -> httpx.Response:
    """A mock server answering `NESTED_JSON` where the request's `x-case` header says: as the `body`
    of a success, as an `error` body, inside a stream `chunk`, or as an in-stream `exception`."""
    from anthropic_bedrock._aws.eventstream_encoder import encode_message

    kind = request.headers["x-case"]
    if kind == "body":
        return httpx.Response(200, content=NESTED_JSON)
    if kind == "error":
        return httpx.Response(500, content=NESTED_JSON, headers={"x-amzn-ErrorType": "InternalServerException"})
    if kind == "chunk":
        payload = b'{"bytes":"' + base64.b64encode(NESTED_JSON) + b'"}'
        frame = encode_message({":message-type": "event", ":event-type": "chunk"}, payload)
    else:
        frame = encode_message({":message-type": "exception", ":exception-type": "throttlingException"}, NESTED_JSON)
    return httpx.Response(200, stream=UnreadBody(frame), headers={"content-type": "application/vnd.amazon.eventstream"})


def client_kwargs(emu: Any, **overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "aws_access_key": emu.access_key,
        "aws_secret_key": emu.secret_key,
        "aws_region": emu.region,
        "base_url": emu.url,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param in TRANSPORT:
        monkeypatch.setenv("ANTHROPIC_BEDROCK_ASYNC_TRANSPORT", TRANSPORT[request.param])
    return str(request.param)


@pytest.fixture
def make_driver(mode: str) -> Iterator[Any]:
    made: list[Driver] = []

    def make(emu: Any, **overrides: Any) -> Driver:
        driver = Driver(mode, **client_kwargs(emu, **overrides))
        made.append(driver)
        return driver

    yield make
    for driver in made:
        driver.close()


@pytest.fixture
def driver(make_driver: Any, emulator: Any) -> Driver:
    result: Driver = make_driver(emulator)
    return result


PROMPT = "\n\nHuman: tell me about the sea\n\nAssistant:"
__all__ = [
    "MODES",
    "NESTED_JSON",
    "PROMPT",
    "Driver",
    "UnreadBody",
    "busy_connections",
    "client_kwargs",
    "driver",
    "make_driver",
    "mode",
    "nested_json_answer",
]
