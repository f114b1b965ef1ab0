"""Run one test body against the sync and the async client.

`Driver.run(x)` returns x for the sync client and awaits it on a private event loop for the async
one, so `d.run(d.client.completions.create(...))` reads the same in both modes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_bedrock import AnthropicBedrock, AsyncAnthropicBedrock


class Driver:
    def __init__(self, mode: str, **client_kwargs: Any) -> None:
        self.mode = mode
        self.loop: asyncio.AbstractEventLoop | None = None
        if mode == "sync":
            self.client: Any = AnthropicBedrock(**client_kwargs)
        else:
            self.loop = asyncio.new_event_loop()
            self.client = self.loop.run_until_complete(self._make_async(client_kwargs))

    @staticmethod
    async def _make_async(kwargs: dict[str, Any]) -> AsyncAnthropicBedrock:
        return AsyncAnthropicBedrock(**kwargs)

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

    def pool_connections(self) -> list[Any]:
        transport = self.client._http._transport
        return list(transport._pool.connections)

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


def client_kwargs(emu: Any, **overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "aws_access_key": emu.access_key,
        "aws_secret_key": emu.secret_key,
        "aws_region": emu.region,
        "base_url": emu.url,
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
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
__all__ = ["PROMPT", "Driver", "client_kwargs", "driver", "make_driver", "mode"]
