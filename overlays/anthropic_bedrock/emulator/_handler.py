"""The contract between the router and the operations it dispatches to.

An operation is one entry of the dispatch table (:mod:`._table`): the route it answers, what the
router does before calling it (body limit, authentication, fault directives, model id check) and
its handler. A handler is given the request as a :class:`Call` and a :class:`~._reply.Reply`;
it never sees the router, so adding an operation is one handler module plus one table entry.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ._aio import Worker
from ._faults import FaultQueue, FaultSpec
from ._log import RequestLog
from ._reply import Reply

if TYPE_CHECKING:
    from ._batch_service import BatchService

__all__ = ["DEFAULT_BODY_LIMIT", "Call", "Handler", "Operation", "ServerState", "route"]

DEFAULT_BODY_LIMIT: Final = 1 << 20  # control requests, and requests no operation answers


@dataclass(frozen=True, slots=True)
class ServerState:
    """What the server holds that an operation may read or change."""

    log: RequestLog
    faults: FaultQueue
    worker: Worker
    batch: BatchService | None = None  # the batch jobs and their S3 (Emulator(s3=True))


@dataclass(frozen=True, slots=True)
class Call:
    """One request as its handler sees it, authenticated when its operation requires it."""

    method: str
    path: str  # the request target without its query
    target: str  # the raw request target
    headers: list[tuple[str, str]]  # (lower-case name, value), as received
    body: bytes
    params: Mapping[str, str]  # the route's named groups, percent-decoded (``model_id``)
    fault: FaultSpec | None  # the directive this request carries out, if any
    started: float  # time.perf_counter() when the request was received
    state: ServerState


Handler = Callable[[Call, Reply], Awaitable[None]]


def route(pattern: str) -> re.Pattern[str]:
    """A route: the whole path (query excluded) must match ``pattern``."""
    return re.compile(pattern, re.DOTALL)


@dataclass(frozen=True, slots=True)
class Operation:
    """One entry of the dispatch table.

    ``name`` is the operation the log and the counters show, and what ``match=`` in a queued fault
    names. ``methods`` None lets every method through (the handler answers those it does not
    know). A body over ``body_limit`` is answered 400 with ``too_large`` before anything else.
    ``authenticated``: the request must pass SigV4 or API-key authentication. ``faults``: the
    request carries out a fault directive (header or queue). A route with a ``model_id`` group
    answers 404 ResourceNotFoundException for a model the emulator does not know. ``reply``
    builds the request's :class:`~._reply.Reply`: a subclass may answer errors in another shape
    (the router's own 400, 403 and 404 answers go through it too). Two operations may share a
    route with different methods.
    """

    name: str
    route: re.Pattern[str]
    handler: Handler
    methods: frozenset[str] | None = frozenset({"POST"})
    body_limit: int = DEFAULT_BODY_LIMIT
    too_large: str = f"Request bodies are limited to {DEFAULT_BODY_LIMIT} bytes."
    authenticated: bool = True
    faults: bool = True
    reply: type[Reply] = Reply
    services: frozenset[str] = frozenset({"bedrock"})
    """The SigV4 signing names a request may be signed for."""
