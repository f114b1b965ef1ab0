"""Reading an ended batch's results back from S3, as `anthropic`'s `batches.results` gives them.

`results_plan` (a flow) finds the batch's jobs and their input files; `file_results` reads one
file's id map and streams its `.out` file through `results.read_results`. `BatchResults` walks the
files in order, one open S3 object at a time; `AsyncBatchResults` pulls the same reader in a worker
thread, a few hundred results per trip. Memory is one file's id map (at most the per-file record
quota) whatever the batch size. Close either (or read to the end, or use `with`) to give the S3
connections back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from types import TracebackType
from typing import TYPE_CHECKING, Final, Protocol

from .._aws.s3 import LineReader, S3NotFoundError, S3Object, S3Transfers
from .._http.offloop import run_in_worker
from ..types import Message
from .effects import Flow, WithS3
from .errors import BatchNotEndedError
from .flows import batch_name, find_jobs
from .jobs import MessageBatch, summarize
from .layout import BatchLayout, S3Location, job_id_from_arn
from .records import read_id_map
from .results import MessageBatchIndividualResponse, Unanswered, read_results
from .status import unanswered_for

if TYPE_CHECKING:
    from .drive import AsyncRunner

__all__ = ["AsyncBatchResults", "BatchResults", "ResultFile", "file_results", "results_plan"]

_PER_TRIP: Final = 500


class S3Owner(Protocol):
    """Who lends the reader its S3 transfers, and takes them back on `close()`."""

    @property
    def s3(self) -> S3Transfers: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ResultFile:
    """One input file of an ended job: where its id map and its answers are, and what the records
    without an answer became."""

    bucket: str
    id_map_key: str
    output_key: str
    unanswered: Unanswered | None
    job_message: str | None


def _layout(output_uri: str | None, batch: str) -> BatchLayout:
    # `<prefix>/<batch>/output/part-NNNN/` is where the job was told to write.
    location = S3Location.parse(output_uri or "", "the job's output location")
    root = location.key.rsplit("/", 2)[0]
    if location.key.count("/") < 2 or root.rsplit("/", 1)[-1] != batch:
        raise ValueError(f"the job's output location {output_uri!r} is not one of batch {batch!r}")
    return BatchLayout(S3Location(location.bucket, root))


def results_plan(batch: str | MessageBatch) -> Flow[list[ResultFile]]:
    """The files to read, part by part (raises `BatchNotEndedError` while the batch runs)."""
    batch_name(batch)  # checks the argument now
    return _plan(batch)


def _plan(batch: str | MessageBatch) -> Flow[list[ResultFile]]:
    name, jobs = yield from find_jobs(batch)
    summary = summarize(name, jobs)
    if summary.processing_status != "ended":
        raise BatchNotEndedError(summary)
    files: list[ResultFile] = []
    for job in summary.jobs:
        layout = _layout(job.output_s3_uri, name)
        folder = layout.input_folder(job.part)
        found: list[S3Object] = yield WithS3(_lister(folder))
        job_id = job_id_from_arn(job.arn)
        for item in found:
            file_name = item.key.rsplit("/", 1)[-1]
            if not file_name.endswith(".jsonl"):
                continue
            files.append(
                ResultFile(
                    bucket=folder.bucket,
                    id_map_key=layout.id_map(job.part, file_name).key,
                    output_key=layout.output_file(job.part, job_id, file_name).key,
                    unanswered=unanswered_for(job.status),
                    job_message=job.message,
                )
            )
    return files


def _lister(folder: S3Location) -> Callable[[S3Transfers], list[S3Object]]:
    return lambda s3: list(s3.list_objects(folder.bucket, folder.key + "/"))


def file_results(
    s3: S3Transfers, spec: ResultFile, opened: list[LineReader]
) -> Iterator[MessageBatchIndividualResponse[Message]]:
    """The results of one input file; each S3 object it opens is added to `opened` (the caller
    closes them if it stops early; reading to the end closes them)."""
    ids_reader = s3.lines(spec.bucket, spec.id_map_key)
    opened.append(ids_reader)
    ids = read_id_map(ids_reader)
    answers: Iterable[bytes] = ()
    try:
        reader = s3.lines(spec.bucket, spec.output_key)
    except S3NotFoundError:
        pass  # the job ended before writing this file: every record is unanswered
    else:
        opened.append(reader)
        answers = reader
    yield from read_results(answers, ids, Message.from_dict, unanswered=spec.unanswered, job_message=spec.job_message)


class BatchResults:
    """The results of an ended batch, one `MessageBatchIndividualResponse` at a time, in no
    particular order (match them to requests by `custom_id`)."""

    def __init__(self, files: list[ResultFile], runner: S3Owner) -> None:
        self._files = iter(files)
        self._runner = runner
        self._current: Iterator[MessageBatchIndividualResponse[Message]] | None = None
        self._opened: list[LineReader] = []
        self._closed = False

    def __iter__(self) -> BatchResults:
        return self

    def __next__(self) -> MessageBatchIndividualResponse[Message]:
        try:
            while not self._closed:
                if self._current is None:
                    spec = next(self._files, None)
                    if spec is None:
                        break
                    self._current = file_results(self._runner.s3, spec, self._opened)
                item = next(self._current, None)
                if item is not None:
                    return item
                self._current = None
                self._close_readers()
        except BaseException:
            self.close()
            raise
        self.close()
        raise StopIteration

    def _close_readers(self) -> None:
        opened, self._opened = self._opened, []
        for reader in opened:
            reader.close()

    def close(self) -> None:
        """Stop reading and give the S3 connections back."""
        if not self._closed:
            self._closed = True
            self._current = None
            self._close_readers()
            self._runner.close()

    def __enter__(self) -> BatchResults:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncBatchResults:
    """`BatchResults` for `async for`: the reading runs in a worker thread, off the event loop."""

    def __init__(self, files: list[ResultFile], runner: AsyncRunner) -> None:
        self._files = files
        self._runner = runner
        self._sync: BatchResults | None = None
        self._buffer: list[MessageBatchIndividualResponse[Message]] = []
        self._done = False

    def __aiter__(self) -> AsyncBatchResults:
        return self

    async def __anext__(self) -> MessageBatchIndividualResponse[Message]:
        if not self._buffer:
            if self._done:
                raise StopAsyncIteration
            if self._sync is None:
                self._sync = BatchResults(self._files, _Borrowed(await self._runner.s3()))
            reader = self._sync
            try:
                taken = await run_in_worker(lambda: list(islice(reader, _PER_TRIP)))
            except BaseException:
                await self.aclose()
                raise
            if len(taken) < _PER_TRIP:
                await self.aclose()  # read to the end
            if not taken:
                raise StopAsyncIteration
            taken.reverse()
            self._buffer = taken
        return self._buffer.pop()

    async def aclose(self) -> None:
        """Stop reading and give the S3 connections back."""
        self._done = True
        self._buffer = []
        reader, self._sync = self._sync, None
        if reader is not None:
            await run_in_worker(reader.close)
        await self._runner.close()

    close = aclose

    async def __aenter__(self) -> AsyncBatchResults:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


class _Borrowed:
    """The async runner's S3 transfers lent to the sync reader, which must not close them."""

    def __init__(self, s3: S3Transfers) -> None:
        self._s3 = s3

    @property
    def s3(self) -> S3Transfers:
        return self._s3

    def close(self) -> None:
        pass
