"""The shape of one request of a batch (`client.messages.batches.create(requests=...)`), as
`anthropic`'s Message Batches take it: a `custom_id` and the `messages.create` arguments."""

from __future__ import annotations

from typing import Required, TypedDict

from .._generated.models.message_request import MessageRequest

__all__ = ["BatchRequest", "BatchRequestParams"]


class BatchRequestParams(MessageRequest, total=False):
    """The arguments of `messages.create` for one request of a batch (no per-call options)."""

    model: str
    """May be left out; if given, the batch's own model (every request of a job goes to one model)."""


class BatchRequest(TypedDict):
    """One request of a batch."""

    custom_id: Required[str]
    """1 to 64 letters, digits, `_` or `-`, unique within the batch: its result comes back under it."""
    params: Required[BatchRequestParams]
