"""S3 transfers for the async client: each blocking botocore call runs in a worker thread, so the
event loop never waits on S3."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator

from .._aws.s3 import S3Object, S3Transfers, Upload
from .._http.offloop import run_in_worker

__all__ = ["AsyncS3Transfers"]


class AsyncS3Transfers:
    """`S3Transfers` for async code: each call runs in a worker thread, off the event loop."""

    def __init__(self, sync: S3Transfers) -> None:
        self.sync = sync

    async def upload(
        self, bucket: str, key: str, chunks: Iterable[bytes], *, content_type: str = "application/jsonl"
    ) -> Upload:
        """`S3Transfers.upload`; `chunks` is read in the worker thread (a file, a sync generator)."""
        return await run_in_worker(lambda: self.sync.upload(bucket, key, chunks, content_type=content_type))

    async def get_bytes(self, bucket: str, key: str) -> bytes:
        return await run_in_worker(lambda: self.sync.get_bytes(bucket, key))

    async def lines(self, bucket: str, key: str, *, batch: int = 1000) -> AsyncIterator[bytes]:
        """The object's lines; up to `batch` lines are read per trip to the worker thread. Closing
        this iterator early (`aclose`, or leaving an `async for` by break) releases the connection."""
        reader = await run_in_worker(lambda: self.sync.lines(bucket, key))
        lines = iter(reader)
        try:
            while True:
                taken = await run_in_worker(lambda: _take(lines, batch))
                for line in taken:
                    yield line
                if len(taken) < batch:
                    return
        finally:
            await run_in_worker(reader.close)

    async def list_objects(self, bucket: str, prefix: str) -> list[S3Object]:
        return await run_in_worker(lambda: list(self.sync.list_objects(bucket, prefix)))

    async def delete(self, bucket: str, keys: Iterable[str]) -> None:
        await run_in_worker(lambda: self.sync.delete(bucket, keys))

    async def close(self) -> None:
        await run_in_worker(self.sync.close)


def _take(lines: Iterator[bytes], count: int) -> list[bytes]:
    taken: list[bytes] = []
    for line in lines:
        taken.append(line)
        if len(taken) == count:
            break
    return taken
