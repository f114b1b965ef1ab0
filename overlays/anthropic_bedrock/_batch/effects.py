"""What a batch flow asks its driver to do, as data: the one way sync and async share batch logic.

A flow (`flows`) is a generator that yields effects and receives their results, as `httpx.Auth`'s
auth flow does: a control-plane call through the engine (`Api`), blocking S3 work (`WithS3`), a
pause (`Sleep`), a report for `on_progress` (`Progress`) or items for the caller (`Emit`). The sync
driver does each in place; the async one awaits the call, runs S3 in a worker thread and sleeps
without blocking the loop (`drive`). A failed effect is thrown back into the flow at its `yield`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .._aws.s3 import S3Transfers
    from .._operations.base import Operation
    from .jobs import MessageBatch

__all__ = ["Api", "Effect", "Emit", "Flow", "Progress", "Sleep", "WithS3"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Api:
    """Check, build and (with `send`) send a control-plane call; its parsed answer comes back, with
    `raw` as `(answer, httpx.Response)`."""

    operation: Operation[Any, Any]
    params: Mapping[str, Any]
    send: bool = True
    raw: bool = False


@dataclass(frozen=True, slots=True)
class WithS3:
    """`function(transfers)`: blocking S3 work (and what goes with it, such as spooling requests)."""

    function: Callable[[S3Transfers], Any]


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Progress:
    """A fresh view of the batch, for the caller's `on_progress`."""

    batch: MessageBatch


@dataclass(frozen=True, slots=True)
class Emit:
    """Items the flow hands to the caller (an auto-paginating listing)."""

    items: tuple[Any, ...]


Effect = Api | WithS3 | Sleep | Progress | Emit
Flow = Generator[Effect, Any, R]
