"""Which event loop an async connection pool belongs to, and how a pool of a finished loop is let go.

An asyncio connection (its transport, its futures) belongs to the loop that opened it, and so does
a pool of them: reused from another loop it fails (`attached to a different loop`, `Event loop is
closed`). One async client used from two `asyncio.run()` calls, as in a test suite or a notebook,
is common, so the engine builds a new pool for each loop that sends through the client and lets
the old one go here, without ever scheduling anything on a loop that is closed (which raises) or
that another thread runs (which is not thread-safe).
"""

from __future__ import annotations

import sys
import weakref
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import asyncio

__all__ = ["abandon", "loop_ref", "running_loop"]


def running_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop running in this thread, or None (another async library, or no loop)."""
    # A sync program never imports asyncio (and with no asyncio there is no loop). The C accessor
    # behind asyncio.get_running_loop(), without the exception when there is none.
    module = sys.modules.get("asyncio")
    loop: asyncio.AbstractEventLoop | None = None if module is None else module._get_running_loop()
    return loop


def loop_ref(loop: asyncio.AbstractEventLoop | None) -> weakref.ref[asyncio.AbstractEventLoop] | None:
    """A weak reference to `loop` (a finished loop is not kept alive by a client that outlives it)."""
    return None if loop is None else weakref.ref(loop)


def abandon(http: httpx.AsyncClient) -> None:
    """Let go of a pool whose loop is not the caller's. Connections of a closed loop are left to the
    garbage collector, which closes their sockets (with a ResourceWarning, shown only when warnings
    are on); a transport that can close itself without its loop (the aiohttp one) does so."""
    mounted: Any = getattr(http, "_mounts", {})  # the transports of proxies, beside the main one
    for transport in [getattr(http, "_transport", None), *mounted.values()]:
        release = getattr(transport, "abandon", None)
        if callable(release):
            release()
