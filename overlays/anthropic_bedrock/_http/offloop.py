"""Blocking set-up that an async client does in a worker thread instead of on the event loop.

The first request of a new async client used to stall the loop for about 100 ms: loading the CA
bundle into an SSL context, importing httpcore and h11 while building the httpx client, and
importing anyio's backend for the running loop. All of it is done once, in a worker thread.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
import sniffio

T = TypeVar("T")


async def run_in_worker(function: Callable[[], T]) -> T:
    """`function()` in a worker thread. Under asyncio this goes through the loop's executor, which
    (unlike anyio's first use) imports nothing on the loop."""
    if sniffio.current_async_library() == "asyncio":
        import asyncio  # already loaded by the running loop; not imported by a sync program

        return await asyncio.get_running_loop().run_in_executor(None, function)
    return await anyio.to_thread.run_sync(function)


def prepare(build: Callable[[], T], library: str) -> T:
    """Build the pool and import what the first request would otherwise import on the loop."""
    pool = build()
    # httpcore talks to the network through anyio, whose backend for the running library loads on first use.
    importlib.import_module(f"anyio._backends._{library}")
    return pool


async def prepared(build: Callable[[], T]) -> T:
    """`build()` and the imports of a first request, off the loop."""
    library = sniffio.current_async_library()
    return await run_in_worker(lambda: prepare(build, library))
