"""Waiting and heavy work without holding up the event loop, shared by the router and the handlers.

One event loop serves every client, so a request that takes long to check or answer (a 25 MB body,
thousands of tools or stop sequences) runs in a worker thread: the loop keeps serving the others,
and only gives up the interpreter lock now and then. A small request is done on the loop, where a
thread hop (about 0.1 ms) would cost more than the work.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Final, TypeVar

__all__ = ["OFFLOAD_BYTES", "Worker", "sleep_ms"]

T = TypeVar("T")

# A body larger than this is checked and answered in a worker thread (checking is linear in its size,
# and under this size takes well under a millisecond).
OFFLOAD_BYTES: Final = 32 * 1024
# Two threads: one very heavy request does not hold up the next heavy one, and the loop competes for
# the interpreter lock with at most two busy threads.
_THREADS: Final = 2


async def sleep_ms(milliseconds: float) -> None:
    await asyncio.sleep(milliseconds / 1000)


class Worker:
    """Runs heavy functions in a small thread pool of its own (started on first use)."""

    def __init__(self, threads: int = _THREADS) -> None:
        self._threads = threads
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    async def run(self, heavy: bool, function: Callable[[], T]) -> T:
        """``function()``, in a worker thread when ``heavy``, else at once on the loop."""
        if not heavy:
            return function()
        with self._lock:
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    self._threads, thread_name_prefix="bedrock-emulator-work"
                )
            executor = self._executor
        return await asyncio.get_running_loop().run_in_executor(executor, function)

    def close(self) -> None:
        """Stop the threads once their current work is done; queued work is dropped."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
