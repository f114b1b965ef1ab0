"""`client.messages.batches`: batch inference on Bedrock in the shape of `anthropic`'s Message
Batches, sync and async: `create`, `retrieve`, `list`, `cancel`, `results`, and `wait`.

Bedrock runs a batch as model invocation jobs over JSONL files in S3, at half the on-demand price.
`create` checks every request as `messages.create` would, cuts the requests into files and jobs
within Bedrock's quotas, uploads them and starts the jobs; the other methods find the jobs again by
the batch's name, and `results` reads the answers back from S3 with each request's `custom_id`.
Each method is a flow (`_batch.flows`) that the sync or async runner carries out through the
engine, so the two clients share every decision.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient, SyncAPIClient
    from .._batch.drive import OnProgress
    from .._batch.jobs import MessageBatch
    from .._batch.quotas import BatchQuotas
    from .._batch.reading import AsyncBatchResults, BatchResults
    from .._batch.sharder import Check
    from ..types.batches import BatchRequest

__all__ = ["AsyncBatches", "Batches"]

Requests = Iterable["BatchRequest"]


def _check(client: SyncAPIClient | AsyncAPIClient) -> Check:
    from .._operations.messages import MESSAGES

    return lambda params, where: client._check(MESSAGES, params, where)


class Batches:
    """`client.messages.batches`: Message Batches run by Bedrock's batch inference (S3 in and out)."""

    def __init__(self, client: SyncAPIClient) -> None:
        self._client = client

    def create(
        self,
        *,
        requests: Requests,
        model: str,
        role_arn: str,
        s3_prefix: str,
        job_name: str | None = None,
        timeout_hours: int | None = None,
        kms_key_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        quotas: BatchQuotas | Mapping[str, int] | None = None,
        spool_dir: str | Path | None = None,
    ) -> MessageBatch:
        """Submit `requests` (any iterable, a generator of millions included, of
        `{"custom_id": ..., "params": {...messages.create arguments...}}`) to `model` as one batch.

        Every request is checked and built as `messages.create` would (a bad one raises
        `BatchRequestError` naming its index, custom_id and place) and the batch is cut to fit the
        `quotas` (`BatchQuotaError`) before anything is uploaded; requests are spooled to disk
        (`spool_dir`, default the system's temporary directory), never held in memory. Then the
        files go to `s3_prefix` (`s3://bucket/prefix`) and one job per part starts, run by Bedrock
        as the IAM service role `role_arn`. `job_name` names the batch (its id; default
        `batch-<UTC time>-<random>`); `timeout_hours` (24 to 168), `kms_key_id` (the output's
        encryption) and `tags` go to every job. Returns the batch as it stands (`in_progress`).
        """
        from .._batch.drive import SyncRunner
        from .._batch.flows import create_batch

        flow = create_batch(
            requests=requests, model=model, role_arn=role_arn, s3_prefix=s3_prefix, check=_check(self._client),
            job_name=job_name, timeout_hours=timeout_hours, kms_key_id=kms_key_id, tags=tags, quotas=quotas,
            spool_dir=spool_dir,
        )  # fmt: skip
        return SyncRunner(self._client).run(flow)

    def retrieve(self, batch_id: str | MessageBatch) -> MessageBatch:
        """The batch now: `processing_status`, `request_counts` and each Bedrock job's status."""
        from .._batch.drive import SyncRunner
        from .._batch.flows import retrieve_batch

        return SyncRunner(self._client).run(retrieve_batch(batch_id))

    def list(self, *, limit: int | None = None) -> Iterator[MessageBatch]:
        """Every batch this SDK made in the account and Region, newest first, read page by page
        (`limit` jobs per request, 1 to 1000) as you iterate."""
        from .._batch.drive import SyncRunner
        from .._batch.flows import list_batches

        return SyncRunner(self._client).iterate(list_batches(limit))

    def cancel(self, batch_id: str | MessageBatch) -> MessageBatch:
        """Stop every job of the batch still running (`canceling`, then `ended`); what they have
        answered is kept, and only that is billed."""
        from .._batch.drive import SyncRunner
        from .._batch.flows import cancel_batch

        return SyncRunner(self._client).run(cancel_batch(batch_id))

    def results(self, batch_id: str | MessageBatch) -> BatchResults:
        """The results of an ended batch, streamed from S3: one `MessageBatchIndividualResponse` per
        request (`custom_id`, and `succeeded` with the message, `errored`, `canceled` or `expired`),
        in no particular order. Use it in a `with` block, or read it to the end, to free its
        connections. Raises `BatchNotEndedError` while the batch runs."""
        from .._batch.drive import SyncRunner
        from .._batch.reading import BatchResults, results_plan

        runner = SyncRunner(self._client)
        return BatchResults(runner.run(results_plan(batch_id), keep_s3=True), runner)

    def wait(
        self,
        batch_id: str | MessageBatch,
        *,
        poll_interval: float = 5.0,
        max_poll_interval: float = 120.0,
        timeout: float | None = None,
        on_progress: OnProgress | None = None,
    ) -> MessageBatch:
        """Poll until the batch has ended and return it. A batch takes minutes to hours, up to its
        jobs' timeout (`timeout_hours`, 24 to 168): polls start `poll_interval` seconds apart
        and back off, with jitter, to `max_poll_interval` while nothing changes. `on_progress` gets
        the batch at every poll. After `timeout` seconds raises `BatchWaitTimeoutError` (the batch
        goes on running); None waits as long as it takes."""
        from .._batch.drive import SyncRunner
        from .._batch.flows import wait_batch

        flow = wait_batch(batch_id, poll_interval=poll_interval, max_poll_interval=max_poll_interval, timeout=timeout)
        return SyncRunner(self._client, on_progress).run(flow)


class AsyncBatches:
    """`client.messages.batches` of the async client: `await` each call, `async for` the listing and results."""

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    async def create(
        self,
        *,
        requests: Requests,
        model: str,
        role_arn: str,
        s3_prefix: str,
        job_name: str | None = None,
        timeout_hours: int | None = None,
        kms_key_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        quotas: BatchQuotas | Mapping[str, int] | None = None,
        spool_dir: str | Path | None = None,
    ) -> MessageBatch:
        """As the sync `create`; reading `requests`, spooling and uploading run in a worker thread."""
        from .._batch.drive import AsyncRunner
        from .._batch.flows import create_batch

        flow = create_batch(
            requests=requests, model=model, role_arn=role_arn, s3_prefix=s3_prefix, check=_check(self._client),
            job_name=job_name, timeout_hours=timeout_hours, kms_key_id=kms_key_id, tags=tags, quotas=quotas,
            spool_dir=spool_dir,
        )  # fmt: skip
        return await AsyncRunner(self._client).run(flow)

    async def retrieve(self, batch_id: str | MessageBatch) -> MessageBatch:
        """The batch now."""
        from .._batch.drive import AsyncRunner
        from .._batch.flows import retrieve_batch

        return await AsyncRunner(self._client).run(retrieve_batch(batch_id))

    def list(self, *, limit: int | None = None) -> AsyncIterator[MessageBatch]:
        """Every batch this SDK made, newest first: `async for batch in client.messages.batches.list()`."""
        from .._batch.drive import AsyncFlowItems, AsyncRunner
        from .._batch.flows import list_batches

        items: AsyncIterator[MessageBatch] = AsyncFlowItems(AsyncRunner(self._client), list_batches(limit))
        return items

    async def cancel(self, batch_id: str | MessageBatch) -> MessageBatch:
        """Stop every job of the batch still running."""
        from .._batch.drive import AsyncRunner
        from .._batch.flows import cancel_batch

        return await AsyncRunner(self._client).run(cancel_batch(batch_id))

    async def results(self, batch_id: str | MessageBatch) -> AsyncBatchResults:
        """The results of an ended batch: `async with await batches.results(id) as results: async for ...`."""
        from .._batch.drive import AsyncRunner
        from .._batch.reading import AsyncBatchResults, results_plan

        runner = AsyncRunner(self._client)
        return AsyncBatchResults(await runner.run(results_plan(batch_id), keep_s3=True), runner)

    async def wait(
        self,
        batch_id: str | MessageBatch,
        *,
        poll_interval: float = 5.0,
        max_poll_interval: float = 120.0,
        timeout: float | None = None,
        on_progress: OnProgress | None = None,
    ) -> MessageBatch:
        """As the sync `wait`, sleeping without blocking the loop; `on_progress` may be async."""
        from .._batch.drive import AsyncRunner
        from .._batch.flows import wait_batch

        flow = wait_batch(batch_id, poll_interval=poll_interval, max_poll_interval=max_poll_interval, timeout=timeout)
        return await AsyncRunner(self._client, on_progress).run(flow)
