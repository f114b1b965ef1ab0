"""The errors of batch operations that are not a request's: no such batch, a batch not ended yet,
and a wait that ran out of time. (A bad request or a batch over the quotas raises
`BatchRequestError` or `BatchQuotaError`, ValueErrors, from `sharder`.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._exceptions import AnthropicBedrockError, NotFoundError

if TYPE_CHECKING:
    import httpx

    from .jobs import MessageBatch

__all__ = ["BatchNotEndedError", "BatchNotFoundError", "BatchWaitTimeoutError"]


class BatchNotFoundError(NotFoundError):
    """No model invocation job belongs to a batch of that name (`except NotFoundError` catches it).
    `response` is the listing that found none, given a 404 status."""

    def __init__(self, batch: str, listing: httpx.Response) -> None:
        import httpx

        response = httpx.Response(404, headers=listing.headers, request=listing.request)
        super().__init__(
            f"No batch named {batch!r}: no model invocation job is named {batch}-p<part>of<parts>",
            response=response,
            body=None,
            error_type="ResourceNotFoundException",
        )
        self.batch_id = batch


class BatchNotEndedError(AnthropicBedrockError):
    """The batch is still running: its results are read once it has ended (see `batches.wait`)."""

    def __init__(self, batch: MessageBatch) -> None:
        super().__init__(
            f"batch {batch.id!r} is {batch.processing_status}; its results can be read once it has ended "
            f"(wait for it with batches.wait)"
        )
        self.batch = batch


class BatchWaitTimeoutError(AnthropicBedrockError, TimeoutError):
    """`batches.wait` ran out of time; `batch` is how the batch stood at the last look."""

    def __init__(self, batch: MessageBatch, waited: float) -> None:
        counts = batch.request_counts
        super().__init__(
            f"batch {batch.id!r} is still {batch.processing_status} after {waited:.0f} s "
            f"({counts.succeeded + counts.errored} of {counts.total} requests done)"
        )
        self.batch = batch
        self.waited = waited
