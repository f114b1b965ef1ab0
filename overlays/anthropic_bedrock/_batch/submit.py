"""A batch's requests on their way into S3: checked and cut into files in a spool directory, held to
the quotas, then uploaded, file by file, only once every request has passed.

This is the blocking part of `batches.create` (the async client runs it in a worker thread): reading
the caller's iterable, checking each request, writing the spool, uploading. Memory stays bounded
whatever the batch size: the sharder's lookahead, and one multipart part per upload in flight.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .._aws.s3 import S3Transfers
from .layout import BatchLayout
from .quotas import BatchQuotas
from .sharder import BatchQuotaError, Check
from .spool import SpooledBatch, SpooledFile, spool

__all__ = ["UPLOAD_THREADS", "SubmittedPart", "spool_and_upload"]

UPLOAD_THREADS: Final = 2
"""Files uploaded at once (each holds one multipart part in memory)."""


@dataclass(frozen=True, slots=True)
class SubmittedPart:
    """One job's worth of uploaded files."""

    part: int
    records: int
    files: int
    size: int


def check_concurrency(batch: SpooledBatch, quotas: BatchQuotas) -> None:
    """A batch needs one job per part, all submitted at once: more than the concurrent-jobs quota
    would be refused halfway, so it is refused before the upload."""
    parts = len(batch.jobs)
    if parts > quotas.max_concurrent_jobs:
        limit = quotas.max_concurrent_jobs * quotas.max_records_per_job
        raise BatchQuotaError(
            f"the batch needs {parts} jobs ({batch.records} requests, {batch.size} bytes), more than the "
            f"{quotas.max_concurrent_jobs} jobs Bedrock runs at once per model (quotas.max_concurrent_jobs); "
            f"submit at most about {limit} requests per batch, or raise the quota"
        )


def _chunks(path: Path, size: int) -> Iterator[bytes]:
    # A part at a time: the uploader sends each as it is, so a file in flight costs one part of memory.
    with path.open("rb") as data:
        while chunk := data.read(size):
            yield chunk


def _upload(s3: S3Transfers, layout: BatchLayout, spooled: SpooledFile) -> int:
    location = layout.input_file(spooled.part, spooled.name)
    ids = layout.id_map(spooled.part, spooled.name)
    s3.put_bytes(ids.bucket, ids.key, spooled.id_map_path.read_bytes(), content_type="application/jsonl")
    # The input file last: a job reads every .jsonl of its folder, and its id map must be there first.
    return s3.upload(location.bucket, location.key, _chunks(spooled.path, s3.part_size)).size


def spool_and_upload(
    requests: Iterable[object],
    *,
    s3: S3Transfers,
    layout: BatchLayout,
    model: str,
    check: Check,
    quotas: BatchQuotas,
    spool_dir: str | Path | None = None,
    threads: int = UPLOAD_THREADS,
) -> list[SubmittedPart]:
    """Check and spool every request (raising `BatchRequestError` or `BatchQuotaError` with nothing
    uploaded), then upload the files and their id maps; the spool is removed either way."""
    with tempfile.TemporaryDirectory(prefix="anthropic-bedrock-batch-", dir=spool_dir) as directory:
        batch = spool(requests, directory=Path(directory), model=model, check=check, quotas=quotas)
        check_concurrency(batch, quotas)
        files = [spooled for job in batch.jobs for spooled in job.files]
        with ThreadPoolExecutor(
            max_workers=max(1, min(threads, len(files))), thread_name_prefix="batch-upload"
        ) as pool:
            for _ in pool.map(lambda spooled: _upload(s3, layout, spooled), files):
                pass
        return [SubmittedPart(job.part, job.records, len(job.files), job.size) for job in batch.jobs]
